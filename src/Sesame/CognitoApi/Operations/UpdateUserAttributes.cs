using Sesame.Account;
using Sesame.Cognito;
using Sesame.Pools;
using Sesame.Users;

namespace Sesame.CognitoApi.Operations;

internal sealed record UpdateUserAttributesRequest(List<AttributeType>? UserAttributes, string? AccessToken, Dictionary<string, string>? ClientMetadata);

internal sealed record UpdateUserAttributesResponse(List<CodeDeliveryDetails> CodeDeliveryDetailsList);

/// <summary>
/// The user changes their attributes. A new phone number or email gets a code (listed in <c>CodeDeliveryDetailsList</c>,
/// which Amplify turns into a CONFIRM_ATTRIBUTE_WITH_CODE step) and replaces the old value only once verified.
/// </summary>
internal sealed class UpdateUserAttributes(AccountFlow account, UserPools pools)
    : CognitoOperation<UpdateUserAttributesRequest, UpdateUserAttributesResponse>(
        AccountJsonContext.Wire.UpdateUserAttributesRequest, AccountJsonContext.Wire.UpdateUserAttributesResponse)
{
    public override string Name => "UpdateUserAttributes";

    protected override IEnumerable<string> DeclaredErrors =>
    [
        CognitoErrors.AliasExists, CognitoErrors.CodeDeliveryFailure, CognitoErrors.CodeMismatch, CognitoErrors.ExpiredCode,
        "ForbiddenException", "PasswordResetRequiredException", CognitoErrors.UserNotConfirmed, CognitoErrors.UserNotFound,
        CognitoErrors.InvalidLambdaResponse, CognitoErrors.UnexpectedLambda, CognitoErrors.UserLambdaValidation,
    ];

    public override async ValueTask<UpdateUserAttributesResponse> ExecuteAsync(
        UpdateUserAttributesRequest request, CognitoCall call, CancellationToken cancellationToken)
    {
        if (request.UserAttributes is null)
        {
            throw CognitoErrors.Validation("userAttributes", "Member must not be null");
        }

        var token = Validate.Token(request.AccessToken, "accessToken");
        var changes = UserAttributes.FromClient(request.UserAttributes, "userAttributes");
        Validate.MapSize(request.ClientMetadata, "clientMetadata");
        var (user, claims) = await account.SignedInUserAsync(token, call.PublicOrigin, cancellationToken);
        if (pools.FindPool(user.PoolId) is { } pool)
        {
            // The client the token was issued to: its WriteAttributes, and the pool's schema (mutability, constraints).
            AttributeSchema.CheckUpdate(pool, pools.FindClient(claims.ClientId), changes);
        }

        return new UpdateUserAttributesResponse(
            await account.UpdateAttributesAsync(user, changes, claims.ClientId, request.ClientMetadata, cancellationToken));
    }
}
