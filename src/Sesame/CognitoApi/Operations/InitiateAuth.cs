using Sesame.Cognito;
using Sesame.Pools;
using Sesame.SignIn;
using Sesame.SignIn.Passwords;
using Sesame.Tokens;

namespace Sesame.CognitoApi.Operations;

internal sealed record InitiateAuthRequest(
    string? AuthFlow, string? ClientId, Dictionary<string, string>? AuthParameters, Dictionary<string, string>? ClientMetadata,
    string? Session);

internal sealed record InitiateAuthResponse(
    string? ChallengeName, string? Session, Dictionary<string, string>? ChallengeParameters, AuthenticationResult? AuthenticationResult,
    IReadOnlyList<string>? AvailableChallenges = null);

internal sealed class InitiateAuth(
    UserPools pools, CustomAuthFlow customAuth, UserAuthFlow userAuth, RefreshTokenFlow refresh, PasswordSignIn passwordSignIn)
    : CognitoOperation<InitiateAuthRequest, InitiateAuthResponse>(
        CognitoJsonContext.Wire.InitiateAuthRequest, CognitoJsonContext.Wire.InitiateAuthResponse)
{
    private static readonly string[] Flows =
        ["USER_SRP_AUTH", "REFRESH_TOKEN_AUTH", "REFRESH_TOKEN", "CUSTOM_AUTH", "ADMIN_NO_SRP_AUTH", "USER_PASSWORD_AUTH", "ADMIN_USER_PASSWORD_AUTH", "USER_AUTH"];

    public override string Name => "InitiateAuth";

    protected override IEnumerable<string> DeclaredErrors =>
    [
        "ForbiddenException", "InvalidUserPoolConfigurationException", "PasswordResetRequiredException",
        CognitoErrors.UserNotConfirmed, CognitoErrors.UserNotFound,
        CognitoErrors.InvalidLambdaResponse, CognitoErrors.UnexpectedLambda, CognitoErrors.UserLambdaValidation,
    ];

    public override async ValueTask<InitiateAuthResponse> ExecuteAsync(InitiateAuthRequest request, CognitoCall call, CancellationToken cancellationToken)
    {
        var flow = Validate.Required(request.AuthFlow, "authFlow");
        if (!Flows.Contains(flow))
        {
            throw CognitoErrors.Validation("authFlow", $"Member must satisfy enum value set: [{string.Join(", ", Flows)}]", flow);
        }

        var client = ClientCheck.Find(pools, request.ClientId);
        var parameters = request.AuthParameters ?? [];
        Validate.MapSize(parameters, "authParameters");
        Validate.MapSize(request.ClientMetadata, "clientMetadata");

        switch (flow)
        {
            case "CUSTOM_AUTH":
            {
                if (!client.Allows("ALLOW_CUSTOM_AUTH"))
                {
                    throw CognitoErrors.Error(CognitoErrors.InvalidParameter, "Custom auth flow is not enabled for this client.");
                }

                var username = Required(parameters, "USERNAME");
                Validate.Username(username, "authParameters.USERNAME");
                ClientCheck.SecretHash(client, username, parameters.GetValueOrDefault("SECRET_HASH"));
                // CHALLENGE_NAME: SRP_A with SRP_A starts with password verification (Amplify's CUSTOM_WITH_SRP, Flutter, the
                // legacy library); DefineAuthChallenge may still skip it. CUSTOM_CHALLENGE, or nothing, starts without.
                string? srpA = null;
                if (parameters.TryGetValue("CHALLENGE_NAME", out var start) && start != "CUSTOM_CHALLENGE")
                {
                    if (start != "SRP_A")
                    {
                        throw CognitoErrors.Error(CognitoErrors.InvalidParameter, $"CUSTOM_AUTH cannot start with {start}.");
                    }

                    // SRP_A starts a password check: only where the client allows SRP (its "passed" first step
                    // otherwise gives a trigger something to trust that the client was never allowed to do).
                    if (!client.Allows("ALLOW_USER_SRP_AUTH"))
                    {
                        throw CognitoErrors.Error(CognitoErrors.InvalidParameter, "USER_SRP_AUTH is not enabled for the client.");
                    }

                    srpA = Required(parameters, "SRP_A");
                }

                return Respond(await customAuth.StartAsync(client, username, srpA, call.PublicOrigin, cancellationToken));
            }

            case "REFRESH_TOKEN_AUTH" or "REFRESH_TOKEN":
            {
                var token = Required(parameters, "REFRESH_TOKEN");
                var result = await refresh.RefreshAsync(client, token, parameters.GetValueOrDefault("SECRET_HASH"), call.PublicOrigin, cancellationToken);
                return new InitiateAuthResponse(null, null, [], result);
            }

            case "USER_AUTH":
            {
                if (!client.Allows("ALLOW_USER_AUTH"))
                {
                    throw CognitoErrors.Error(CognitoErrors.InvalidParameter, "USER_AUTH flow is not enabled for this client.");
                }

                var username = Required(parameters, "USERNAME");
                Validate.Username(username, "authParameters.USERNAME");
                ClientCheck.SecretHash(client, username, parameters.GetValueOrDefault("SECRET_HASH"));
                if (request.Session is { } session)
                {
                    Validate.Session(session);
                    return Respond(await userAuth.SignInAfterConfirmationAsync(client, username, session, call.PublicOrigin, cancellationToken));
                }

                var preferred = parameters.GetValueOrDefault("PREFERRED_CHALLENGE");
                if (UserAuthFlow.IsPasswordFactor(client.Pool, preferred))
                {
                    return Respond(await userAuth.StartPasswordAsync(client, username, preferred!, parameters, call.PublicOrigin, cancellationToken));
                }

                return Respond(await userAuth.StartAsync(client, username, preferred, cancellationToken));
            }

            case "USER_PASSWORD_AUTH":
            {
                if (!client.Allows("ALLOW_USER_PASSWORD_AUTH"))
                {
                    throw CognitoErrors.Error(CognitoErrors.InvalidParameter, "USER_PASSWORD_AUTH flow not enabled for this client");
                }

                var username = Required(parameters, "USERNAME");
                Validate.Username(username, "authParameters.USERNAME");
                var password = Required(parameters, "PASSWORD");
                ClientCheck.SecretHash(client, username, parameters.GetValueOrDefault("SECRET_HASH"));
                return Respond(await passwordSignIn.SignInWithPasswordAsync(client, username, password, call.PublicOrigin, cancellationToken));
            }

            case "USER_SRP_AUTH":
            {
                if (!client.Allows("ALLOW_USER_SRP_AUTH"))
                {
                    throw CognitoErrors.Error(CognitoErrors.InvalidParameter, "USER_SRP_AUTH is not enabled for the client.");
                }

                var username = Required(parameters, "USERNAME");
                Validate.Username(username, "authParameters.USERNAME");
                var srpA = Required(parameters, "SRP_A");
                ClientCheck.SecretHash(client, username, parameters.GetValueOrDefault("SECRET_HASH"));
                return Respond(await passwordSignIn.StartSrpAsync(client, username, srpA, cancellationToken));
            }

            case "ADMIN_NO_SRP_AUTH" or "ADMIN_USER_PASSWORD_AUTH":
                throw CognitoErrors.Error(CognitoErrors.InvalidParameter, $"Initiate Auth method not supported: {flow} is for AdminInitiateAuth.");

            default:
                throw CognitoErrors.Error(CognitoErrors.InvalidParameter, $"Auth flow {flow} is not supported by this server yet.");
        }
    }

    internal static InitiateAuthResponse Respond(SignInStep step) => step switch
    {
        SignInStep.Challenge c => new InitiateAuthResponse(c.ChallengeName, c.Session, c.Parameters, null, c.AvailableChallenges),
        SignInStep.SignedIn s => new InitiateAuthResponse(null, null, [], s.Tokens),
        _ => throw new InvalidOperationException(),
    };

    internal static string Required(Dictionary<string, string> parameters, string name) =>
        parameters.TryGetValue(name, out var value) && !string.IsNullOrEmpty(value)
            ? value
            : throw CognitoErrors.Error(CognitoErrors.InvalidParameter, $"Missing required parameter {name}");
}
