using Sesame.Configuration;
using Sesame.Delivery.Templates;
using Sesame.Storage;
using Sesame.Users;

namespace Sesame.Triggers.OneTimeCode;

/// <summary>
/// Sign-in codes, shared by the built-in custom-auth triggers and the native USER_AUTH <c>SMS_OTP</c>/<c>EMAIL_OTP</c>
/// challenges: drawn, sealed (only a MAC is kept) and turned into the message that carries them.
/// </summary>
internal sealed class SignInCodes(OneTimeCodes codes, MessageComposer messages, TimeProvider time)
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
        var code = OneTimeCodes.Generate(options.Length);
        var nonce = OneTimeCodes.NewNonce();
        var expires = (time.GetUtcNow() + options.Lifetime).ToUnixTimeMilliseconds();
        var sealedCode = new SealedCode(nonce, expires, codes.Mac(Purpose, pool.Id, Logins.UsernameKey(username), nonce, expires, code));
        if (!send)
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
}
