using System.Security.Cryptography;
using Sesame.Configuration;
using Sesame.Storage;
using Sesame.Users;

namespace Sesame.Tests.Storage;

/// <summary>IUserPoolStore, ISigningKeyStore and IStorageHealth: ids are taken once; one signing key per pool and purpose, across nodes.</summary>
public abstract partial class StoreContractTests
{
    private protected UserPoolRecord PoolRecord(string id, string name = "pool") =>
        new(id, new UserPoolOptions { Name = name, UsernameAttributes = ["email"] }, Now, Now);

    private protected AppClientRecord ClientRecord(string id, string poolId, string? secret = null) =>
        new(id, poolId, new AppClientOptions { Name = "app", Secret = secret, ExplicitAuthFlows = ["ALLOW_CUSTOM_AUTH"] }, Now, Now);

    private protected SigningKeyRecord SigningKey(string purpose, string pool = Pool, int generation = 0) =>
        new(pool, Guid.NewGuid().ToString("N"), purpose, RandomNumberGenerator.GetBytes(64), Now, generation, Now.AddHours(generation));

    [StoreFact]
    public async Task AddPool_TakenId_FalseAndTheFirstKept()
    {
        Assert.True(await Stores.Pools.AddPoolAsync(PoolRecord(Pool, "first"), None));

        Assert.False(await Stores.Pools.AddPoolAsync(PoolRecord(Pool, "second"), None));

        var (pools, _) = await Stores.Pools.LoadAsync(None);
        Assert.Equal("first", Assert.Single(pools).Settings.Name);
    }

    [StoreFact]
    public async Task LoadPools_Stored_OldestFirstWithSettingsAndSecretsAsGiven()
    {
        await Stores.Pools.AddPoolAsync(PoolRecord(Pool), None);
        Clock.Advance(TimeSpan.FromSeconds(1));
        await Stores.Pools.AddPoolAsync(PoolRecord(OtherPool), None);
        Assert.True(await Stores.Pools.AddClientAsync(ClientRecord("client1", Pool, secret: "s3cret"), None));
        Assert.True(await Stores.Pools.AddClientAsync(ClientRecord("client2", OtherPool), None));
        Assert.False(await Stores.Pools.AddClientAsync(ClientRecord("client1", OtherPool), None));

        var (pools, clients) = await Stores.Pools.LoadAsync(None);

        Assert.Equal([Pool, OtherPool], pools.Select(p => p.PoolId));
        Assert.Equal(["email"], pools[0].Settings.UsernameAttributes);
        Assert.Equal(Now.AddSeconds(-1), pools[0].CreatedAt);
        Assert.Equal([("client1", Pool, "s3cret"), ("client2", OtherPool, null)], clients.Select(c => (c.ClientId, c.PoolId, c.Settings.Secret)));
        Assert.Equal(["ALLOW_CUSTOM_AUTH"], clients[0].Settings.ExplicitAuthFlows);
    }

    [StoreFact]
    public async Task AddSigningKeyIfMissing_SecondForTheSamePurpose_FirstKept()
    {
        var first = SigningKey("id");
        await Stores.SigningKeys.AddIfMissingAsync(first, None);

        var keys = await Stores.SigningKeys.AddIfMissingAsync(SigningKey("id"), None);
        var withAccess = await Stores.SigningKeys.AddIfMissingAsync(SigningKey("access"), None);

        Assert.Equal(first.Kid, Assert.Single(keys).Kid);
        Assert.Equal(first.EncryptedPrivateKey, keys[0].EncryptedPrivateKey);
        Assert.Equal(["access", "id"], withAccess.Select(k => k.Purpose).Order());
        Assert.Equal(2, (await Stores.SigningKeys.ListAsync(Pool, None)).Count);
        Assert.Empty(await Stores.SigningKeys.ListAsync(OtherPool, None));
    }

    [StoreFact]
    public async Task AddSigningKeyIfMissing_NodesStartingTogether_OneKeyPerPurposeForAll()
    {
        var results = await ConcurrentlyAsync(i => Stores.SigningKeys.AddIfMissingAsync(SigningKey(i % 2 == 0 ? "id" : "access"), None).AsTask());

        var stored = await Stores.SigningKeys.ListAsync(Pool, None);
        Assert.Equal(["access", "id"], stored.Select(k => k.Purpose).Order());
        // Every node signs with the key that was stored, whichever node wrote it.
        Assert.All(results, r => Assert.Contains(r, k => stored.Any(s => s.Kid == k.Kid)));
        Assert.All(results, r => Assert.All(r, k => Assert.Contains(stored, s => s.Kid == k.Kid)));
    }

    [StoreFact]
    public async Task AddSigningKeyIfMissing_64CallersOfferingTheSameKeyOnAFreshStore_InsertOrGetNeverFails()
    {
        // Nodes (or a restart) holding the same key offer one kid again and again; a kid already stored under the other
        // purpose comes in too. The primary key (pool, kid) is a conflict like (pool, purpose, generation): nothing is
        // inserted, nothing fails, and everyone reads back the one stored key.
        var key = SigningKey("id");
        var results = await ConcurrentlyAsync(_ => Stores.SigningKeys.AddIfMissingAsync(key, None).AsTask(), writers: 64);
        var underTheOtherPurpose = await Stores.SigningKeys.AddIfMissingAsync(key with { Purpose = "access" }, None);

        var stored = Assert.Single(await Stores.SigningKeys.ListAsync(Pool, None));
        Assert.Equal((key.Kid, "id"), (stored.Kid, stored.Purpose));
        Assert.All(results, r => Assert.Equal(key.Kid, Assert.Single(r).Kid));
        Assert.Equal(key.Kid, Assert.Single(underTheOtherPurpose).Kid);
    }

    [StoreFact]
    public async Task AddSigningKeyIfMissing_NextGeneration_KeptBesideThePreviousWithItsActivation()
    {
        var first = SigningKey("id");
        await Stores.SigningKeys.AddIfMissingAsync(first, None);

        var keys = await Stores.SigningKeys.AddIfMissingAsync(SigningKey("id", generation: 1), None);

        Assert.Equal([0, 1], keys.Select(k => k.Generation));
        Assert.Equal(first.Kid, keys[0].Kid);
        Assert.Equal(Now.AddHours(1), keys[1].ActivatesAt);
        Assert.Equal(Now, keys[0].ActivatesAt);
    }

    [StoreFact]
    public async Task AddSigningKeyIfMissing_NodesRotatingTogether_OneKeyPerGeneration()
    {
        await Stores.SigningKeys.AddIfMissingAsync(SigningKey("access"), None);

        var results = await ConcurrentlyAsync(_ => Stores.SigningKeys.AddIfMissingAsync(SigningKey("access", generation: 1), None).AsTask());

        var stored = await Stores.SigningKeys.ListAsync(Pool, None);
        Assert.Equal([0, 1], stored.Select(k => k.Generation));
        Assert.All(results, r => Assert.Equal(stored.Select(k => k.Kid), r.Select(k => k.Kid)));
    }

    [StoreFact]
    public async Task ListAllSigningKeys_SeveralPools_EveryPoolsKeys()
    {
        await Stores.SigningKeys.AddIfMissingAsync(SigningKey("id"), None);
        await Stores.SigningKeys.AddIfMissingAsync(SigningKey("id", OtherPool), None);
        await Stores.SigningKeys.AddIfMissingAsync(SigningKey("id", OtherPool, 1), None);

        var all = await Stores.SigningKeys.ListAllAsync(None);

        Assert.Equal([(Pool, 0), (OtherPool, 0), (OtherPool, 1)], all.Select(k => (k.PoolId, k.Generation)).OrderBy(k => k.PoolId != Pool).ThenBy(k => k.Generation));
    }

    [StoreFact]
    public async Task ServerSecretGetOrAdd_NodesStartingTogether_AllGetTheFirstValue()
    {
        var results = await ConcurrentlyAsync(_ => Stores.ServerSecrets.GetOrAddAsync("master-key", RandomNumberGenerator.GetBytes(32), Now, None).AsTask());

        var stored = await Stores.ServerSecrets.GetOrAddAsync("master-key", RandomNumberGenerator.GetBytes(32), Now, None);
        Assert.All(results, r => Assert.Equal(stored, r));
        Assert.NotEqual(stored, await Stores.ServerSecrets.GetOrAddAsync("other", RandomNumberGenerator.GetBytes(32), Now, None));
    }

    [StoreFact]
    public async Task PingStorage_DatabaseUp_True()
    {
        Assert.True(await Stores.Health.PingAsync(None));
    }

    [StoreFact]
    public async Task UpdatePool_Stored_SettingsReplacedCreationKept_UnknownFalse()
    {
        await Stores.Pools.AddPoolAsync(PoolRecord(Pool, "before"), None);
        var created = Now;
        Clock.Advance(TimeSpan.FromMinutes(1));

        var settings = new UserPoolOptions { Name = "after", PasswordMinimumLength = 12 };
        settings.Triggers.DefineAuthChallenge = new TriggerOptions { LambdaArn = "arn:aws:lambda:us-east-1:123456789012:function:define" };
        Assert.True(await Stores.Pools.UpdatePoolAsync(new UserPoolRecord(Pool, settings, created, Now), None));
        Assert.False(await Stores.Pools.UpdatePoolAsync(new UserPoolRecord(OtherPool, settings, created, Now), None));

        var pool = Assert.Single((await Stores.Pools.LoadAsync(None)).Pools);
        Assert.Equal(("after", 12, created, Now), (pool.Settings.Name, pool.Settings.PasswordMinimumLength, pool.CreatedAt, pool.ModifiedAt));
        Assert.Equal("arn:aws:lambda:us-east-1:123456789012:function:define", pool.Settings.Triggers.DefineAuthChallenge!.LambdaArn);
    }

    [StoreFact]
    public async Task DeletePool_WithUsersGroupsClientsKeys_AllGoneOtherPoolUntouched()
    {
        foreach (var pool in new[] { Pool, OtherPool })
        {
            await Stores.Pools.AddPoolAsync(PoolRecord(pool), None);
            await Stores.Pools.AddClientAsync(ClientRecord("client-" + pool, pool), None);
            await Stores.SigningKeys.AddIfMissingAsync(SigningKey("id", pool), None);
            await Stores.Groups.CreateAsync(Group("g", pool: pool), None);
            var user = await CreatedAsync(status: UserStatus.Confirmed, pool: pool, username: "same-name");
            await Stores.Groups.AddMemberAsync(pool, "g", user.Sub, Now, None);
        }

        Assert.True(await Stores.Pools.DeletePoolAsync(Pool, None));
        Assert.False(await Stores.Pools.DeletePoolAsync(Pool, None));

        var (pools, clients) = await Stores.Pools.LoadAsync(None);
        Assert.Equal([OtherPool], pools.Select(p => p.PoolId));
        Assert.Equal(["client-" + OtherPool], clients.Select(c => c.ClientId));
        Assert.Null(await Stores.Users.FindAsync(Pool, "same-name", None));
        Assert.NotNull(await Stores.Users.FindAsync(OtherPool, "same-name", None));
        Assert.Null(await Stores.Groups.FindAsync(Pool, "g", None));
        Assert.Single(await Stores.Groups.ListMembersAsync(OtherPool, "g", null, 10, None));
        Assert.Empty(await Stores.SigningKeys.ListAsync(Pool, None));
        Assert.Single(await Stores.SigningKeys.ListAsync(OtherPool, None));
    }

    [StoreFact]
    public async Task UpdateAndDeleteClient_OnlyInItsOwnPool()
    {
        await Stores.Pools.AddClientAsync(ClientRecord("client1", Pool, secret: "s3cret"), None);
        var changed = new AppClientOptions { Name = "renamed", Secret = "s3cret", ExplicitAuthFlows = ["ALLOW_USER_SRP_AUTH"] };

        Assert.False(await Stores.Pools.UpdateClientAsync(new AppClientRecord("client1", OtherPool, changed, Now, Now), None));
        Assert.True(await Stores.Pools.UpdateClientAsync(new AppClientRecord("client1", Pool, changed, Now, Now), None));

        var client = Assert.Single((await Stores.Pools.LoadAsync(None)).Clients);
        Assert.Equal(("renamed", "s3cret"), (client.Settings.Name, client.Settings.Secret));
        Assert.False(await Stores.Pools.DeleteClientAsync(OtherPool, "client1", None));
        Assert.True(await Stores.Pools.DeleteClientAsync(Pool, "client1", None));
        Assert.Empty((await Stores.Pools.LoadAsync(None)).Clients);
    }
}
