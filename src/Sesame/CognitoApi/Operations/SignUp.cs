using Sesame.Cognito;
using Sesame.Pools;
using Sesame.SignUp;
using Sesame.Users;

namespace Sesame.CognitoApi.Operations;

internal sealed record SignUpRequest(
    string? ClientId, string? SecretHash, string? Username, string? Password, List<AttributeType>? UserAttributes,
    List<AttributeType>? ValidationData, Dictionary<string, string>? ClientMetadata);

internal sealed record SignUpResponse(bool UserConfirmed, string UserSub, CodeDeliveryDetails? CodeDeliveryDetails);

internal sealed class SignUp(UserPools pools, SignUpFlow flow)
    : CognitoOperation<SignUpRequest, SignUpResponse>(CognitoJsonContext.Wire.SignUpRequest, CognitoJsonContext.Wire.SignUpResponse)
{
    public override string Name => "SignUp";

    protected override IEnumerable<string> DeclaredErrors =>
    [
        CognitoErrors.CodeDeliveryFailure, CognitoErrors.InvalidPassword, CognitoErrors.LimitExceeded, CognitoErrors.UsernameExists,
        CognitoErrors.InvalidLambdaResponse, CognitoErrors.UnexpectedLambda, CognitoErrors.UserLambdaValidation,
    ];

    public override async ValueTask<SignUpResponse> ExecuteAsync(SignUpRequest request, CognitoCall call, CancellationToken cancellationToken)
    {
        var client = ClientCheck.Find(pools, request.ClientId);
        var username = Validate.Username(request.Username);
        ClientCheck.SecretHash(client, username, request.SecretHash);
        if (request.Password is { Length: > 256 })
        {
            throw CognitoErrors.Validation("password", "Member must have length less than or equal to 256");
        }

        Validate.MapSize(request.ClientMetadata, "clientMetadata");
        var attributes = UserAttributes.FromClient(request.UserAttributes, "userAttributes");
        // Free-form pairs for PreSignUp (request.validationData); not user attributes, so not checked against the schema.
        var validationData = request.ValidationData is { Count: > 0 } data
            ? data.Where(a => a?.Name is not null).DistinctBy(a => a!.Name).ToDictionary(a => a!.Name!, a => a!.Value ?? string.Empty, StringComparer.Ordinal)
            : null;
        var result = await flow.SignUpAsync(client, username, request.Password, attributes, validationData, request.ClientMetadata, cancellationToken);
        return new SignUpResponse(result.UserConfirmed, result.UserSub, result.CodeDeliveryDetails);
    }
}
