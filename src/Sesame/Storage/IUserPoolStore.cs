using Sesame.Configuration;

namespace Sesame.Storage;

/// <summary>A user pool created through the API (CreateUserPool). Its app clients are stored apart.</summary>
internal sealed record UserPoolRecord(string PoolId, UserPoolOptions Settings, DateTimeOffset CreatedAt, DateTimeOffset ModifiedAt);

/// <summary>An app client created through the API (CreateUserPoolClient); the secret, when any, is in the settings.</summary>
internal sealed record AppClientRecord(string ClientId, string PoolId, AppClientOptions Settings, DateTimeOffset CreatedAt, DateTimeOffset ModifiedAt);

/// <summary>Pools and app clients created through the API. Configured ones never come from here.</summary>
internal interface IUserPoolStore
{
    /// <summary>Every stored pool and client, read once at start-up into the in-memory snapshot.</summary>
    ValueTask<(IReadOnlyList<UserPoolRecord> Pools, IReadOnlyList<AppClientRecord> Clients)> LoadAsync(CancellationToken cancellationToken);

    /// <summary>Adds a pool; false when the id is taken.</summary>
    ValueTask<bool> AddPoolAsync(UserPoolRecord pool, CancellationToken cancellationToken);

    /// <summary>Adds an app client; false when the id is taken.</summary>
    ValueTask<bool> AddClientAsync(AppClientRecord client, CancellationToken cancellationToken);
}
