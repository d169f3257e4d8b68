using Sesame.Account;
using Sesame.Cognito;
using Sesame.SignUp;

namespace Sesame.CognitoApi.Operations;

/// <summary>Confirms an UNCONFIRMED sign-up without a code; PostConfirmation runs (<c>PostConfirmation_ConfirmSignUp</c>).</summary>
internal sealed class AdminConfirmSignUp(Pools.UserPools pools, AdminUsers admin, SignUpFlow signUp)
    : CognitoOperation<AdminUserMetadataRequest, AccountEmptyResponse>(
        AdminJsonContext.Wire.AdminUserMetadataRequest, AccountJsonContext.Wire.AccountEmptyResponse)
{
    public override string Name => "AdminConfirmSignUp";

    public override bool RequiresIam => true;

    protected override IEnumerable<string> DeclaredErrors =>
    [
        CognitoErrors.LimitExceeded, "TooManyFailedAttemptsException", CognitoErrors.UserNotFound,
        CognitoErrors.InvalidLambdaResponse, CognitoErrors.UnexpectedLambda, CognitoErrors.UserLambdaValidation,
    ];

    public override async ValueTask<AccountEmptyResponse> ExecuteAsync(AdminUserMetadataRequest request, CognitoCall call, CancellationToken cancellationToken)
    {
        var user = await admin.FindAsync(request.UserPoolId, request.Username, cancellationToken);
        Validate.MapSize(request.ClientMetadata, "clientMetadata");
        await signUp.AdminConfirmAsync(AdminShapes.FindPool(pools, user.PoolId), user, request.ClientMetadata, cancellationToken);
        return new AccountEmptyResponse();
    }
}
