using Sesame.Abuse;
using Sesame.Configuration;
using Sesame.Messages;
using Sesame.Pools;
using Sesame.Storage;
using Sesame.Users;

namespace Sesame.Codes;

/// <summary>
/// Sign-in codes, shared by the built-in custom-auth triggers and the native USER_AUTH <c>SMS_OTP</c>/<c>EMAIL_OTP</c>
/// challenges: drawn, sealed (only a MAC is kept) and turned into the message that carries them. A declared test
/// number (<see cref="OneTimeCodeOptions.TestNumbers"/>) gets its fixed code and no message.
/// </summary>
internal sealed partial class SignInCodes(OneTimeCodes codes, MessageComposer messages, SendLimits limits, TimeProvider time, ILogger<SignInCodes> logger)
{
    public const string Purpose = "signin";

    /// <summary>
    /// Draws a code for the user. The message is null when <paramref name="send"/> is false (a user that does not exist:
    /// the challenge looks the same, nothing goes out). The message goes through the pool's templates and the
    /// CustomMessage trigger (<c>CustomMessage_Authentication</c>).
    /// </summary>
    public async ValueTask<(SealedCode Code, OutboxMessage? Message)> IssueAsync(
        UserPool pool, string username, string medium, string destination, bool send,
        IReadOnlyDictionary<string, string> userAttributes, string? clientId, Dictionary<string, string>? clientMetadata,
        CancellationToken cancellationToken)
    {
        var options = pool.Options.OneTimeCode;
        var testCode = send ? options.TestNumbers.GetValueOrDefault(destination) : null;
        if (testCode is null)
        {
            // Before a code is drawn, and for an unknown user (send false: a stable stand-in destination) exactly as for a known one.
            await limits.CheckAsync(pool, "signin", medium, destination, cancellationToken);
        }

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

        var message = await messages.ComposeAsync(
            new CodeMessageRequest(pool, MessagePurpose.SignIn, medium, destination, code, options.Lifetime, username,
                userAttributes, clientId, clientMetadata),
            cancellationToken);
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
