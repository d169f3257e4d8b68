using Sesame.Account;
using Sesame.Cognito;
using Sesame.Pools;

namespace Sesame.CognitoApi.Operations;

internal sealed record ChangePasswordRequest(string? PreviousPassword, string? ProposedPassword, string? AccessToken);

/// <summary>The signed-in user changes their password (Amplify v6 <c>updatePassword</c>, identity-js <c>changePassword</c>).</summary>
internal sealed class ChangePassword(UserPools pools, AccountFlow account, PasswordRecovery recovery)
    : CognitoOperation<ChangePasswordRequest, AccountEmptyResponse>(
        AccountJsonContext.Wire.ChangePasswordRequest, AccountJsonContext.Wire.AccountEmptyResponse)
{
    public override string Name => "ChangePassword";

    protected override IEnumerable<string> DeclaredErrors =>
    [
        "ForbiddenException", CognitoErrors.InvalidPassword, CognitoErrors.LimitExceeded, "PasswordHistoryPolicyViolationException",
        CognitoErrors.PasswordResetRequired, CognitoErrors.UserNotConfirmed, CognitoErrors.UserNotFound,
    ];

    public override async ValueTask<AccountEmptyResponse> ExecuteAsync(ChangePasswordRequest request, CognitoCall call, CancellationToken cancellationToken)
    {
        // Neither password is ever echoed in a validation message.
        var proposed = request.ProposedPassword ?? throw CognitoErrors.Validation("proposedPassword", "Member must not be null");
        var token = Validate.Token(request.AccessToken, "accessToken");
        var (user, _) = await account.SignedInUserAsync(token, call.PublicOrigin, cancellationToken);
        var pool = AdminShapes.FindPool(pools, user.PoolId);
        await recovery.ChangeAsync(pool, user, request.PreviousPassword, proposed, cancellationToken);
        return new AccountEmptyResponse();
    }
}
