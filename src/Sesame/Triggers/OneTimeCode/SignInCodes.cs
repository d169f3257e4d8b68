using Sesame.Configuration;
using Sesame.Delivery;
using Sesame.Storage;
using Sesame.Users;

namespace Sesame.Triggers.OneTimeCode;

/// <summary>
/// Sign-in codes, shared by the built-in custom-auth triggers and the native USER_AUTH <c>SMS_OTP</c>/<c>EMAIL_OTP</c>
/// challenges: drawn, sealed (only a MAC is kept) and turned into the message that carries them. A declared test
/// number (<see cref="OneTimeCodeOptions.TestNumbers"/>) gets its fixed code and no message.
/// </summary>
internal sealed partial class SignInCodes(OneTimeCodes codes, Outbox outbox, TimeProvider time, ILogger<SignInCodes> logger)
{
    public const string Purpose = "signin";

    /// <summary>
    /// Draws a code for the user. The message is null when <paramref name="send"/> is false (a user that does not exist:
    /// the challenge looks the same, nothing goes out).
    /// </summary>
    public (SealedCode Code, OutboxMessage? Message) Issue(UserPool pool, string username, string medium, string destination, bool send)
    {
        var options = pool.Options.OneTimeCode;
        var testCode = send ? options.TestNumbers.GetValueOrDefault(destination) : null;
        var code = testCode ?? OneTimeCodes.Generate(options.Length);
        var nonce = OneTimeCodes.NewNonce();
        var expires = (time.GetUtcNow() + options.Lifetime).ToUnixTimeMilliseconds();
        var sealedCode = new SealedCode(nonce, expires, codes.Mac(Purpose, pool.Id, Logins.UsernameKey(username), nonce, expires, code));
        if (testCode is not null)
        {
            Log.TestNumber(logger, pool.Id, medium == "SMS" ? Masking.Phone(destination) : Masking.Email(destination));
        }

        if (!send || testCode is not null)
        {
            return (sealedCode, null);
        }

        var message = medium == "SMS"
            ? outbox.Sms(pool.Id, destination, MessageTemplate.Fill(options.SmsMessage, code, pool.Options.Name, options.Lifetime), code)
            : outbox.Email(pool.Id, destination,
                MessageTemplate.Fill(options.EmailSubject, code, pool.Options.Name, options.Lifetime),
                MessageTemplate.Fill(options.EmailMessage, code, pool.Options.Name, options.Lifetime), code);
        return (sealedCode, message);
    }

    /// <summary>Whether the answer is the sealed code, before it expired.</summary>
    public bool Matches(string poolId, string username, SealedCode? sealedCode, string answer) =>
        sealedCode is not null
        && DateTimeOffset.FromUnixTimeMilliseconds(sealedCode.ExpiresAtMs) > time.GetUtcNow()
        && codes.Matches(sealedCode.Mac, Purpose, poolId, Logins.UsernameKey(username), sealedCode.Nonce, sealedCode.ExpiresAtMs, answer.Trim());

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Sign-in of declared test number {Destination} in pool {PoolId}: fixed code, nothing sent.")]
        public static partial void TestNumber(ILogger logger, string poolId, string destination);
    }
}
