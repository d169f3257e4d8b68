using Sesame.Cognito;
using Sesame.Pools;
using Sesame.SignIn;
using Sesame.SignIn.Passwords;
using Sesame.Tokens;

namespace Sesame.CognitoApi.Operations;

internal sealed record RespondToAuthChallengeRequest(
    string? ClientId, string? ChallengeName, string? Session, Dictionary<string, string>? ChallengeResponses,
    Dictionary<string, string>? ClientMetadata);

internal sealed record RespondToAuthChallengeResponse(
    string? ChallengeName, string? Session, Dictionary<string, string>? ChallengeParameters, AuthenticationResult? AuthenticationResult);

internal sealed class RespondToAuthChallenge(UserPools pools, CustomAuthFlow customAuth, UserAuthFlow userAuth, PasswordSignIn passwordSignIn)
    : CognitoOperation<RespondToAuthChallengeRequest, RespondToAuthChallengeResponse>(
        CognitoJsonContext.Wire.RespondToAuthChallengeRequest, CognitoJsonContext.Wire.RespondToAuthChallengeResponse)
{
    private static readonly string[] Challenges =
    [
        "SMS_MFA", "EMAIL_OTP", "SOFTWARE_TOKEN_MFA", "SELECT_MFA_TYPE", "MFA_SETUP", "PASSWORD_VERIFIER", "CUSTOM_CHALLENGE",
        "SELECT_CHALLENGE", "DEVICE_SRP_AUTH", "DEVICE_PASSWORD_VERIFIER", "ADMIN_NO_SRP_AUTH", "NEW_PASSWORD_REQUIRED", "SMS_OTP",
        "PASSWORD", "WEB_AUTHN", "PASSWORD_SRP",
    ];

    public override string Name => "RespondToAuthChallenge";

    protected override IEnumerable<string> DeclaredErrors =>
    [
        "AliasExistsException", CognitoErrors.CodeMismatch, CognitoErrors.ExpiredCode, "ForbiddenException", CognitoErrors.InvalidPassword,
        "InvalidUserPoolConfigurationException", "MFAMethodNotFoundException", "PasswordResetRequiredException",
        CognitoErrors.PasswordHistoryPolicyViolation,
        CognitoErrors.UserNotConfirmed, CognitoErrors.UserNotFound,
        CognitoErrors.InvalidLambdaResponse, CognitoErrors.UnexpectedLambda, CognitoErrors.UserLambdaValidation,
    ];

    public override async ValueTask<RespondToAuthChallengeResponse> ExecuteAsync(
        RespondToAuthChallengeRequest request, CognitoCall call, CancellationToken cancellationToken)
    {
        var client = ClientCheck.Find(pools, request.ClientId);
        var challengeName = Validate.Required(request.ChallengeName, "challengeName");
        if (!Challenges.Contains(challengeName))
        {
            throw CognitoErrors.Validation("challengeName", $"Member must satisfy enum value set: [{string.Join(", ", Challenges)}]", challengeName);
        }

        var session = Validate.Session(request.Session);
        var responses = request.ChallengeResponses ?? [];
        Validate.MapSize(responses, "challengeResponses");
        Validate.MapSize(request.ClientMetadata, "clientMetadata");

        if (challengeName == ChallengeNames.PasswordVerifier)
        {
            return Respond(await RespondToPasswordVerifierAsync(client, session, responses, request.ClientMetadata, call, cancellationToken));
        }

        // Everything is checked before the session is taken: a malformed answer does not burn the session.
        var username = InitiateAuth.Required(responses, "USERNAME");
        ClientCheck.SecretHash(client, username, responses.GetValueOrDefault("SECRET_HASH"));
        var step = challengeName switch
        {
            ChallengeNames.CustomChallenge => await customAuth.RespondAsync(client, challengeName, session, username,
                InitiateAuth.Required(responses, "ANSWER"), request.ClientMetadata, call.PublicOrigin, cancellationToken),
            ChallengeNames.NewPasswordRequired => await passwordSignIn.RespondToNewPasswordAsync(client, session, username,
                InitiateAuth.Required(responses, "NEW_PASSWORD"), responses, request.ClientMetadata,
                call.PublicOrigin, cancellationToken),
            UserAuthFlow.SelectChallenge => await userAuth.SelectAsync(client, session, username,
                InitiateAuth.Required(responses, "ANSWER"), cancellationToken, responses, call.PublicOrigin),
            UserAuthFlow.SmsOtp => await userAuth.AnswerCodeAsync(client, challengeName, session, username,
                Validate.Code(InitiateAuth.Required(responses, "SMS_OTP_CODE"), "challengeResponses.SMS_OTP_CODE"), request.ClientMetadata,
                call.PublicOrigin, cancellationToken),
            UserAuthFlow.EmailOtp => await userAuth.AnswerCodeAsync(client, challengeName, session, username,
                Validate.Code(InitiateAuth.Required(responses, "EMAIL_OTP_CODE"), "challengeResponses.EMAIL_OTP_CODE"), request.ClientMetadata,
                call.PublicOrigin, cancellationToken),
            _ => throw CognitoErrors.Error(CognitoErrors.InvalidParameter, $"Challenge {challengeName} is not supported by this server yet."),
        };
        return Respond(step);
    }

    private async ValueTask<SignInStep> RespondToPasswordVerifierAsync(
        AppClient client, string session, Dictionary<string, string> responses, Dictionary<string, string>? clientMetadata, CognitoCall call,
        CancellationToken cancellationToken)
    {
        // Checked before the session is taken, like a custom answer: a malformed answer does not burn the session.
        var username = InitiateAuth.Required(responses, "USERNAME");
        InitiateAuth.Required(responses, "PASSWORD_CLAIM_SECRET_BLOCK");
        InitiateAuth.Required(responses, "PASSWORD_CLAIM_SIGNATURE");
        InitiateAuth.Required(responses, "TIMESTAMP");
        ClientCheck.SecretHash(client, username, responses.GetValueOrDefault("SECRET_HASH"));
        return await passwordSignIn.RespondToPasswordVerifierAsync(client, session, username, responses, clientMetadata, call.PublicOrigin,
            cancellationToken);
    }

    private static RespondToAuthChallengeResponse Respond(SignInStep step) => step switch
    {
        SignInStep.Challenge c => new RespondToAuthChallengeResponse(c.ChallengeName, c.Session, c.Parameters, null),
        SignInStep.SignedIn s => new RespondToAuthChallengeResponse(null, null, [], s.Tokens),
        _ => throw new InvalidOperationException(),
    };
}
