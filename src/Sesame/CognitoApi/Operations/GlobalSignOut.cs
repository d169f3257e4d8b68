using Sesame.Cognito;
using Sesame.Storage;
using Sesame.Tokens;

namespace Sesame.CognitoApi.Operations;

/// <summary>A request that carries only the user's access token.</summary>
internal sealed record AccessTokenRequest(string? AccessToken);

/// <summary>
/// Signs the user out everywhere: every refresh token is revoked, and every access token of those sign-ins is then
/// refused by Sesame's own APIs with <c>Access Token has been revoked</c> (model doc of GlobalSignOut). JWTs verified
/// offline stay valid until they expire, as with Cognito.
/// </summary>
internal sealed class GlobalSignOut(AccessTokenValidator validator, IUserAccountStore accounts, TimeProvider time)
    : CognitoOperation<AccessTokenRequest, AccountEmptyResponse>(AccountJsonContext.Wire.AccessTokenRequest, AccountJsonContext.Wire.AccountEmptyResponse)
{
    public override string Name => "GlobalSignOut";

    // The model declares no UserNotFoundException here: the token alone says whose tokens to revoke.
    protected override IEnumerable<string> DeclaredErrors => ["ForbiddenException", "PasswordResetRequiredException", CognitoErrors.UserNotConfirmed];

    public override async ValueTask<AccountEmptyResponse> ExecuteAsync(AccessTokenRequest request, CognitoCall call, CancellationToken cancellationToken)
    {
        var token = Validate.Token(request.AccessToken, "accessToken");
        var claims = await validator.ValidateAsync(token, call.PublicOrigin, cancellationToken);
        await accounts.RevokeAllTokensAsync(claims.PoolId, claims.Sub, time.GetUtcNow(), cancellationToken);
        return new AccountEmptyResponse();
    }
}
