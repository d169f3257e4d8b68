using System.Security.Cryptography;
using Sesame.Storage;
using Sesame.Tests.TestSupport;
using Sesame.Users;

namespace Sesame.Tests.Storage;

/// <summary>
/// The rules every storage engine must keep, in the manner of ASP.NET Core Identity's store specification tests: an
/// engine's test class derives from this and only says how to make its stores over a fresh, empty database. Each test
/// gets its own database (xUnit makes one instance per test). The rules are grouped by store in the partial files
/// beside this one; a rule that needs the database to serialise writers is tested with 16 concurrent tasks.
/// </summary>
public abstract partial class StoreContractTests : IDisposable
{
    private protected const string Pool = "us-east-1_Contract";
    private protected const string OtherPool = "eu-west-1_Contract";
    private protected const int Writers = 16;

    private protected StoreContractTests()
    {
        Stores = CreateStores(Clock);
    }

    /// <summary>The clock the tests move; stores get time only as the <c>now</c> the caller passes.</summary>
    private protected ManualTimeProvider Clock { get; } = new();

    private protected StoreFixture Stores { get; }

    private protected DateTimeOffset Now => Clock.GetUtcNow();

    private protected static CancellationToken None => CancellationToken.None;

    /// <summary>Every store of the engine over a fresh, empty database of its own.</summary>
    private protected abstract StoreFixture CreateStores(TimeProvider clock);

    public void Dispose()
    {
        Stores.Dispose();
        GC.SuppressFinalize(this);
    }

    private protected User NewUser(string? phone = null, string? email = null, string status = UserStatus.Unconfirmed, string? username = null,
        string pool = Pool) => new()
    {
        PoolId = pool,
        Username = username ?? Guid.NewGuid().ToString(),
        Sub = Guid.NewGuid().ToString(),
        Status = status,
        Attributes = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [UserAttributes.PhoneNumber] = phone ?? NewPhone(),
            [UserAttributes.Email] = email ?? NewEmail(),
            ["given_name"] = "Ada",
        },
        CreatedAt = Now,
        ModifiedAt = Now,
    };

    private protected async Task<User> CreatedAsync(string? phone = null, string? email = null, string status = UserStatus.Unconfirmed,
        string? username = null, string pool = Pool)
    {
        var user = NewUser(phone, email, status, username, pool);
        Assert.Equal(CreateUserOutcome.Created, await Stores.Users.CreateAsync(user, null, null, None));
        return user;
    }

    private protected OutboxMessage Message(string hint = "+*******4567", string pool = Pool) =>
        new(MessageChannel.Sms, pool, hint, RandomNumberGenerator.GetBytes(48), Now);

    private protected StoredCode SignUpCode(User user, string purpose = "signup", int maxAttempts = 3) =>
        new(new OneTimeCodeKey(user.PoolId, purpose, Logins.UsernameKey(user.Username)),
            new OneTimeCode("nonce", RandomNumberGenerator.GetBytes(32), Now.AddMinutes(5), 0, maxAttempts), UserAttributes.PhoneNumber);

    private protected StoredCode AttributeCodeFor(User user, string attribute, string? pendingValue = null, int maxAttempts = 3) =>
        new(new OneTimeCodeKey(user.PoolId, "verify:" + attribute, Logins.UsernameKey(user.Username)),
            new OneTimeCode("nonce", RandomNumberGenerator.GetBytes(32), Now.AddMinutes(5), 0, maxAttempts), attribute, pendingValue);

    /// <summary>The code a user holds for a purpose, if any (counts nothing).</summary>
    private protected async Task<StoredCode?> CodeOfAsync(User user, string purpose, string pool = Pool) =>
        await Stores.Codes.FindAsync(new OneTimeCodeKey(pool, purpose, Logins.UsernameKey(user.Username)), None);

    private protected RefreshTokenRecord Token(User user, string clientId = "client", string? originJti = null) =>
        new(RandomNumberGenerator.GetBytes(32), user.PoolId, clientId, user.Username, user.Sub, originJti ?? Guid.NewGuid().ToString(),
            Guid.NewGuid().ToString(), Now, Now, Now.AddDays(30), null);

    /// <summary>Messages waiting to be sent in a pool: what a half-written transaction would leave behind.</summary>
    private protected async Task<int> QueuedAsync(string pool = Pool) =>
        (await Stores.MessageStatus.QueryAsync(new MessageStatusQuery(pool, "queued", null, 10_000), None)).Count;

    private protected async Task<IReadOnlyList<User>> HoldersAsync(string attribute, string value, string pool = Pool) =>
        await Stores.Admin.ListAsync(pool, new UserCondition(attribute, false, value), null, 100, None);

    private protected static string Key(User user) => Logins.UsernameKey(user.Username);

    private protected static string NewPhone() => SesameApp.NewPhone();

    private protected static string NewEmail() => SesameApp.NewEmail();

    /// <summary>Runs <paramref name="writers"/> calls at once (released together), so an engine that lets writers interleave shows it.</summary>
    private protected static async Task<T[]> ConcurrentlyAsync<T>(Func<int, Task<T>> call, int writers = Writers)
    {
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tasks = Enumerable.Range(0, writers).Select(i => Task.Run(async () =>
        {
            await start.Task;
            return await call(i);
        })).ToArray();
        start.SetResult();
        return await Task.WhenAll(tasks);
    }
}
