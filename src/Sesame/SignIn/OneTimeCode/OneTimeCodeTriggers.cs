using Sesame.Codes;
using Sesame.Cognito;
using Sesame.Configuration;
using Sesame.Messages;
using Sesame.Pools;
using Sesame.Triggers;
using Sesame.Users;

namespace Sesame.SignIn.OneTimeCode;

/// <summary>
/// The built-in DefineAuthChallenge: one custom challenge carrying a code, answered at most
/// <see cref="OneTimeCodeOptions.MaxAttempts"/> times; tokens on the first right answer, failure after the last wrong
/// one or once the code has expired.
/// </summary>
internal sealed class DefineOneTimeCodeChallenge(UserPools pools, TimeProvider time) : ITrigger<DefineAuthChallengeEvent>
{
    public ValueTask HandleAsync(DefineAuthChallengeEvent triggerEvent, CancellationToken cancellationToken)
    {
        var options = pools.FindPool(triggerEvent.UserPoolId)!.Options.OneTimeCode;
        var session = triggerEvent.Request.Session;
        var response = triggerEvent.Response;
        var rounds = session.Where(r => r.ChallengeName == ChallengeNames.CustomChallenge).ToList();

        var passwordStep = session.FirstOrDefault(r => r.ChallengeName == ChallengeNames.PasswordVerifier);
        if (session is [{ ChallengeName: ChallengeNames.SrpA }])
        {
            // CUSTOM_AUTH that starts with SRP_A (Amplify's CUSTOM_WITH_SRP, which always answers a PASSWORD_VERIFIER
            // next): the password first, then the code — Cognito's documented password-plus-custom-challenge flow.
            response.ChallengeName = ChallengeNames.PasswordVerifier;
        }
        else if (passwordStep is { Result: false })
        {
            response.FailAuthentication = true;
        }
        else if (rounds.Count == 0)
        {
            response.ChallengeName = ChallengeNames.CustomChallenge;
        }
        else if (rounds[^1].Result)
        {
            response.IssueTokens = !triggerEvent.Request.UserNotFound;
            response.FailAuthentication = triggerEvent.Request.UserNotFound;
        }
        else if (rounds.Count >= options.MaxAttempts
                 || SealedCode.Unseal(rounds[^1].ChallengeMetadata, options.MaxAttempts) is not { } code
                 || code.ExpiresAt <= time.GetUtcNow())
        {
            response.FailAuthentication = true;
        }
        else
        {
            response.ChallengeName = ChallengeNames.CustomChallenge;
        }

        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// The built-in CreateAuthChallenge: on the first round, draws a code and queues it to the user's phone (or email);
/// on later rounds, carries the same code on (a retry never creates a second valid code). For a user that does not
/// exist it makes an identical-looking challenge and sends nothing. A declared test number (<see cref="OneTimeCodeOptions.TestNumbers"/>)
/// gets its fixed code and nothing is sent (<see cref="CodeIssuer"/>).
/// </summary>
internal sealed class CreateOneTimeCodeChallenge(UserPools pools, CodeIssuer codes, Pseudonyms pseudonyms)
    : ITrigger<CreateAuthChallengeEvent>
{
    public async ValueTask HandleAsync(CreateAuthChallengeEvent triggerEvent, CancellationToken cancellationToken)
    {
        var pool = pools.FindPool(triggerEvent.UserPoolId)!;
        var options = pool.Options.OneTimeCode;
        var request = triggerEvent.Request;
        var response = triggerEvent.Response;

        var login = triggerEvent.SignInLogin ?? triggerEvent.UserName;
        var (medium, destination) = request.UserNotFound
            ? pseudonyms.Destination(pool.Id, login)
            : Destination(request.UserAttributes, options.Channel, login);

        var attribute = CodeIssuer.Attribute(medium);
        var previous = request.Session.LastOrDefault(r => r.ChallengeName == ChallengeNames.CustomChallenge);
        var sealedCode = previous?.ChallengeMetadata is { } carried && SealedCode.Unseal(carried, options.MaxAttempts) is not null ? carried : null;
        if (sealedCode is null)
        {
            var issued = await codes.IssueAsync(
                new CodeRequest(pool, CodePurposes.SignIn, MessagePurpose.SignIn, triggerEvent.UserName, Sub: null, attribute, destination,
                    request.UserAttributes, triggerEvent.CallerContext.ClientId, request.ClientMetadata)
                {
                    UserExists = !request.UserNotFound,
                    Login = login,
                },
                cancellationToken);
            if (issued.Message is not null)
            {
                triggerEvent.PendingMessages.Add(issued.Message);
            }

            sealedCode = SealedCode.Seal(issued.Code);
        }

        var delivery = CodeIssuer.Delivery(attribute, destination, userExists: !request.UserNotFound);
        response.PublicChallengeParameters["CODE_DELIVERY_DELIVERY_MEDIUM"] = delivery.DeliveryMedium;
        response.PublicChallengeParameters["CODE_DELIVERY_DESTINATION"] = delivery.Destination;
        response.PrivateChallengeParameters["code"] = sealedCode;
        response.ChallengeMetadata = sealedCode;
    }

    /// <summary>
    /// Where a code goes. <see cref="CodeChannel.Auto"/> follows what the user typed (a phone number gets an SMS, an
    /// email an email), which is what people expect and answers unknown users the same way; otherwise a verified
    /// contact first, as ASVS 6.6.1 asks for PSTN codes.
    /// </summary>
    internal static (string Medium, string Destination) Destination(Dictionary<string, string> attributes, CodeChannel channel, string login)
    {
        attributes.TryGetValue(UserAttributes.PhoneNumber, out var phone);
        attributes.TryGetValue(UserAttributes.Email, out var email);
        var phoneVerified = phone is not null && attributes.GetValueOrDefault(UserAttributes.PhoneNumberVerified) == "true";
        var emailVerified = email is not null && attributes.GetValueOrDefault(UserAttributes.EmailVerified) == "true";

        var useSms = channel switch
        {
            CodeChannel.Sms => phone is not null,
            CodeChannel.Email => email is null && phone is not null,
            _ when phone is not null && login == phone => true,
            _ when email is not null && string.Equals(login, email, StringComparison.OrdinalIgnoreCase) => false,
            _ => phoneVerified || (!emailVerified && phone is not null),
        };

        if (useSms)
        {
            return (DeliveryMedium.Sms, phone!);
        }

        if (email is not null && channel != CodeChannel.Sms)
        {
            return (DeliveryMedium.Email, email);
        }

        throw new InvalidOperationException("The user has no phone_number or email to send a code to");
    }
}

/// <summary>The built-in VerifyAuthChallengeResponse: the answer must match the code's MAC before the code expires.</summary>
internal sealed class VerifyOneTimeCodeChallenge(UserPools pools, CodeVerifier verifier) : ITrigger<VerifyAuthChallengeResponseEvent>
{
    public async ValueTask HandleAsync(VerifyAuthChallengeResponseEvent triggerEvent, CancellationToken cancellationToken)
    {
        var request = triggerEvent.Request;
        var pool = pools.FindPool(triggerEvent.UserPoolId)!;
        // The answers to this code are counted by the rounds of the sign-in session (DefineOneTimeCodeChallenge ends it
        // at the cap); those of the account, across codes, by the verifier — an unknown user's under its stand-in name.
        var code = SealedCode.Unseal(request.PrivateChallengeParameters.GetValueOrDefault("code"), pool.Options.OneTimeCode.MaxAttempts);
        var answer = new CodeAnswer(pool, CodePurposes.SignIn, triggerEvent.UserName, Sub: null, Destination: null, request.ChallengeAnswer)
        {
            UserExists = !request.UserNotFound,
        };
        triggerEvent.Response.AnswerCorrect = await verifier.VerifyTravellingAsync(answer, code, cancellationToken) == CodeCheck.Match;
    }
}
