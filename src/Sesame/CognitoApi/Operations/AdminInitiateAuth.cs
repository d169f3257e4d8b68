using Sesame.Cognito;
using Sesame.Pools;

namespace Sesame.CognitoApi.Operations;

internal sealed record AdminInitiateAuthRequest(
    string? UserPoolId, string? ClientId, string? AuthFlow, Dictionary<string, string>? AuthParameters,
    Dictionary<string, string>? ClientMetadata, string? Session);

/// <summary>
/// InitiateAuth from a trusted back end: the same flows, run by the same code, once the SigV4 signature and the
/// pool/client pair are checked. <c>ADMIN_USER_PASSWORD_AUTH</c> (and its legacy name <c>ADMIN_NO_SRP_AUTH</c>) is
/// USER_PASSWORD_AUTH for a back end, allowed by <c>ALLOW_ADMIN_USER_PASSWORD_AUTH</c>.
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

        var client = AdminShapes.FindClient(pool, pools, request.ClientId);
        if (flow is "ADMIN_USER_PASSWORD_AUTH" or "ADMIN_NO_SRP_AUTH")
        {
            if (!client.Allows("ALLOW_ADMIN_USER_PASSWORD_AUTH"))
            {
                throw CognitoErrors.Error(CognitoErrors.InvalidParameter, "ADMIN_USER_PASSWORD_AUTH flow not enabled for this client");
            }

            var parameters = request.AuthParameters ?? [];
            Validate.MapSize(parameters, "authParameters");
            var username = InitiateAuth.Required(parameters, "USERNAME");
            Validate.Username(username, "authParameters.USERNAME");
            var password = InitiateAuth.Required(parameters, "PASSWORD");
            ClientCheck.SecretHash(client, username, parameters.GetValueOrDefault("SECRET_HASH"));
            var passwordSignIn = services.GetRequiredService<SignIn.Passwords.PasswordSignIn>();
            return InitiateAuth.Respond(await passwordSignIn.SignInWithPasswordAsync(client, username, password, call.PublicOrigin, cancellationToken));
        }

        return await _initiateAuth.Value.ExecuteAsync(
            new InitiateAuthRequest(flow, request.ClientId, request.AuthParameters, request.ClientMetadata, request.Session), call, cancellationToken);
    }
}
