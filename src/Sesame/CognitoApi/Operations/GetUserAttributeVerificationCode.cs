using Sesame.Account;
using Sesame.Cognito;

namespace Sesame.CognitoApi.Operations;

internal sealed record GetUserAttributeVerificationCodeRequest(string? AccessToken, string? AttributeName, Dictionary<string, string>? ClientMetadata);

internal sealed record GetUserAttributeVerificationCodeResponse(CodeDeliveryDetails CodeDeliveryDetails);

/// <summary>Sends a (new) code for the user's phone number or email: to the value awaiting verification, else the current one.</summary>
internal sealed class GetUserAttributeVerificationCode(AccountFlow account)
    : CognitoOperation<GetUserAttributeVerificationCodeRequest, GetUserAttributeVerificationCodeResponse>(
        AccountJsonContext.Wire.GetUserAttributeVerificationCodeRequest, AccountJsonContext.Wire.GetUserAttributeVerificationCodeResponse)
{
    public override string Name => "GetUserAttributeVerificationCode";

    protected override IEnumerable<string> DeclaredErrors =>
    [
        CognitoErrors.CodeDeliveryFailure, "ForbiddenException", CognitoErrors.LimitExceeded, "PasswordResetRequiredException",
        CognitoErrors.UserNotConfirmed, CognitoErrors.UserNotFound,
        CognitoErrors.InvalidLambdaResponse, CognitoErrors.UnexpectedLambda, CognitoErrors.UserLambdaValidation,
    ];

    public override async ValueTask<GetUserAttributeVerificationCodeResponse> ExecuteAsync(
        GetUserAttributeVerificationCodeRequest request, CognitoCall call, CancellationToken cancellationToken)
    {
        var token = Validate.Token(request.AccessToken, "accessToken");
        var attribute = VerifyUserAttribute.VerifiableAttribute(request.AttributeName);
        Validate.MapSize(request.ClientMetadata, "clientMetadata");
        var (user, claims) = await account.SignedInUserAsync(token, call.PublicOrigin, cancellationToken);
        return new GetUserAttributeVerificationCodeResponse(
            await account.SendCodeAsync(user, attribute, claims.ClientId, request.ClientMetadata, cancellationToken));
    }
}
