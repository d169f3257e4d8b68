using Sesame.Admin;
using Sesame.Configuration;

namespace Sesame.CognitoApi.Operations;

internal sealed record AdminInitiateAuthRequest(
    string? UserPoolId, string? ClientId, string? AuthFlow, Dictionary<string, string>? AuthParameters,
    Dictionary<string, string>? ClientMetadata, string? Session);

/// <summary>
/// InitiateAuth from a trusted back end: the same flows, run by the same code, once the SigV4 signature and the
/// pool/client pair are checked. <c>ADMIN_USER_PASSWORD_AUTH</c> / <c>ADMIN_NO_SRP_AUTH</c> wait for password sign-in.
/// </summary>
internal sealed class AdminInitiateAuth(UserPools pools, IServiceProvider services)
    : CognitoOperation<AdminInitiateAuthRequest, InitiateAuthResponse>(AdminJsonContext.Wire.AdminInitiateAuthRequest, CognitoJsonContext.Wire.InitiateAuthResponse)
{
    private static readonly string[] Flows =
        ["USER_SRP_AUTH", "REFRESH_TOKEN_AUTH", "REFRESH_TOKEN", "CUSTOM_AUTH", "ADMIN_NO_SRP_AUTH", "USER_PASSWORD_AUTH", "ADMIN_USER_PASSWORD_AUTH", "USER_AUTH"];

    // The public operation, built once with whatever it depends on, so this wrapper never drifts from it.
    private readonly Lazy<InitiateAuth> _initiateAuth = new(() => ActivatorUtilities.CreateInstance<InitiateAuth>(services));

    public override string Name => "AdminInitiateAuth";

    public override bool RequiresIam => true;

    protected override IEnumerable<string> DeclaredErrors =>
    [
        "InvalidUserPoolConfigurationException", "MFAMethodNotFoundException", "PasswordResetRequiredException", "UnsupportedOperationException",
        CognitoErrors.UserNotConfirmed, CognitoErrors.UserNotFound,
        CognitoErrors.InvalidLambdaResponse, CognitoErrors.UnexpectedLambda, CognitoErrors.UserLambdaValidation,
        "InvalidSmsRoleAccessPolicyException", "InvalidSmsRoleTrustRelationshipException", "InvalidEmailRoleAccessPolicyException",
    ];

    public override async ValueTask<InitiateAuthResponse> ExecuteAsync(AdminInitiateAuthRequest request, CognitoCall call, CancellationToken cancellationToken)
    {
        var pool = AdminShapes.FindPool(pools, request.UserPoolId);
        var flow = Validate.Required(request.AuthFlow, "authFlow");
        if (!Flows.Contains(flow))
        {
            throw CognitoErrors.Validation("authFlow", $"Member must satisfy enum value set: [{string.Join(", ", Flows)}]", flow);
        }

        AdminShapes.FindClient(pool, pools, request.ClientId);
        if (flow is "ADMIN_USER_PASSWORD_AUTH" or "ADMIN_NO_SRP_AUTH")
        {
            throw CognitoErrors.Error(CognitoErrors.InvalidParameter, $"Auth flow {flow} is not supported by this server yet.");
        }

        return await _initiateAuth.Value.ExecuteAsync(
            new InitiateAuthRequest(flow, request.ClientId, request.AuthParameters, request.ClientMetadata, request.Session), call, cancellationToken);
    }
}
