using Microsoft.Extensions.DependencyInjection;
using Sesame.Storage;

namespace Sesame.Tests.Storage;

/// <summary>Every store of one engine over one fresh database, as the contract suite uses them.</summary>
internal sealed class StoreFixture(IServiceProvider services, Action cleanUp) : IDisposable
{
    public IUserStore Users { get; } = services.GetRequiredService<IUserStore>();

    public IOneTimeCodeStore Codes { get; } = services.GetRequiredService<IOneTimeCodeStore>();

    public IUserAccountStore Accounts { get; } = services.GetRequiredService<IUserAccountStore>();

    public IUserAdminStore Admin { get; } = services.GetRequiredService<IUserAdminStore>();

    public IPasswordStore Passwords { get; } = services.GetRequiredService<IPasswordStore>();

    public ISignInSessionStore Sessions { get; } = services.GetRequiredService<ISignInSessionStore>();

    public IRefreshTokenStore RefreshTokens { get; } = services.GetRequiredService<IRefreshTokenStore>();

    public IRefreshTokenRotationStore Rotation { get; } = services.GetRequiredService<IRefreshTokenRotationStore>();

    public IOutboxStore Outbox { get; } = services.GetRequiredService<IOutboxStore>();

    public IMessageStatusStore MessageStatus { get; } = services.GetRequiredService<IMessageStatusStore>();

    public IUserPoolStore Pools { get; } = services.GetRequiredService<IUserPoolStore>();

    public ISigningKeyStore SigningKeys { get; } = services.GetRequiredService<ISigningKeyStore>();

    public IRateLimitStore RateLimits { get; } = services.GetRequiredService<IRateLimitStore>();

    public IGroupStore Groups { get; } = services.GetRequiredService<IGroupStore>();

    public IOAuthGrantStore OAuthGrants { get; } = services.GetRequiredService<IOAuthGrantStore>();

    public IUserImportStore Import { get; } = services.GetRequiredService<IUserImportStore>();

    public IStorageHealth Health { get; } = services.GetRequiredService<IStorageHealth>();

    public void Dispose() => cleanUp();
}
