// docs/triggers.md, "Two custom challenges in a row": an email code, then an SMS code. The session history, not any
// state of the trigger's own, tells Define which step comes next. Tested in TriggerExamplesTests.
using System.Security.Cryptography;
using Sesame.Delivery;
using Sesame.Triggers;

namespace Sesame.Tests.Triggers.Examples;

public sealed class EmailThenSmsDefine : ITrigger<DefineAuthChallengeEvent>
{
    public ValueTask HandleAsync(DefineAuthChallengeEvent triggerEvent, CancellationToken cancellationToken)
    {
        var session = triggerEvent.Request.Session;
        var response = triggerEvent.Response;
        if (session.Count < 2 && session.All(round => round.Result))
        {
            response.ChallengeName = "CUSTOM_CHALLENGE";        // round 1: email code; round 2: SMS code
        }
        else if (session.Count == 2 && session.All(round => round.Result))
        {
            response.IssueTokens = true;                         // both answered right
        }
        else
        {
            response.FailAuthentication = true;                  // one wrong answer ends the sign-in
        }

        return ValueTask.CompletedTask;
    }
}

public sealed class EmailThenSmsCreate(IEmailSender email, ISmsSender sms) : ITrigger<CreateAuthChallengeEvent>
{
    public async ValueTask HandleAsync(CreateAuthChallengeEvent triggerEvent, CancellationToken cancellationToken)
    {
        var code = RandomNumberGenerator.GetInt32(0, 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
        var attributes = triggerEvent.Request.UserAttributes;
        var byEmail = triggerEvent.Request.Session.Count == 0;
        if (triggerEvent.Request.UserNotFound)
        {
            // Nothing to send; the challenge still looks the same.
        }
        else if (byEmail)
        {
            await email.SendAsync(new EmailMessage(attributes["email"], "Your code", $"Your code is {code}", Code: code), cancellationToken);
        }
        else
        {
            await sms.SendAsync(new SmsMessage(attributes["phone_number"], $"Your code is {code}", code), cancellationToken);
        }

        triggerEvent.Response.PublicChallengeParameters["step"] = byEmail ? "EMAIL_CODE" : "SMS_CODE";
        triggerEvent.Response.PrivateChallengeParameters["answer"] = code;
        triggerEvent.Response.ChallengeMetadata = byEmail ? "EMAIL_CODE" : "SMS_CODE";
    }
}

public sealed class EmailThenSmsVerify : ITrigger<VerifyAuthChallengeResponseEvent>
{
    public ValueTask HandleAsync(VerifyAuthChallengeResponseEvent triggerEvent, CancellationToken cancellationToken)
    {
        var expected = triggerEvent.Request.PrivateChallengeParameters.GetValueOrDefault("answer") ?? string.Empty;
        triggerEvent.Response.AnswerCorrect = CryptographicOperations.FixedTimeEquals(
            System.Text.Encoding.UTF8.GetBytes(expected), System.Text.Encoding.UTF8.GetBytes(triggerEvent.Request.ChallengeAnswer));
        return ValueTask.CompletedTask;
    }
}
