using Sesame.Account;
using Sesame.Cognito;

namespace Sesame.CognitoApi.Operations;

/// <summary>The user deletes their own account; its tokens are revoked with it.</summary>
internal sealed class DeleteUser(AccountFlow account)
    : CognitoOperation<AccessTokenRequest, AccountEmptyResponse>(AccountJsonContext.Wire.AccessTokenRequest, AccountJsonContext.Wire.AccountEmptyResponse)
{
    public override string Name => "DeleteUser";

    protected override IEnumerable<string> DeclaredErrors =>
        ["ForbiddenException", "PasswordResetRequiredException", CognitoErrors.UserNotConfirmed, CognitoErrors.UserNotFound];

    public override async ValueTask<AccountEmptyResponse> ExecuteAsync(AccessTokenRequest request, CognitoCall call, CancellationToken cancellationToken)
    {
        var token = Validate.Token(request.AccessToken, "accessToken");
        var (user, _) = await account.SignedInUserAsync(token, call.PublicOrigin, cancellationToken);
        await account.DeleteAsync(user, cancellationToken);
        return new AccountEmptyResponse();
    }
}
