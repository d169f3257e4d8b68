using Sesame.Configuration;
using Sesame.Delivery.Templates;
using Sesame.Storage;
using Sesame.Users;

namespace Sesame.Triggers.OneTimeCode;

/// <summary>Who a sign-in code goes to, and what the CustomMessage trigger is told about them.</summary>
/// <param name="Medium"><c>SMS</c> or <c>EMAIL</c>.</param>
internal sealed record SignInCodeRequest(
    UserPool Pool, string Username, string Medium, string Destination, IReadOnlyDictionary<string, string> UserAttributes,
    string? ClientId, Dictionary<string, string>? ClientMetadata);

/// <summary>
/// Sign-in codes, shared by the built-in custom-auth triggers and the native USER_AUTH <c>SMS_OTP</c>/<c>EMAIL_OTP</c>
/// challenges: drawn, sealed (only a MAC is kept) and turned into the message that carries them.
/// </summary>
internal sealed class SignInCodes(OneTimeCodes codes, MessageComposer messages, TimeProvider time)
{
    public const string Purpose = "signin";

    /// <summary>
    /// Draws a code for the user. The message is null when <paramref name="send"/> is false (a user that does not exist:
    /// the challenge looks the same, nothing goes out). The message is composed from the pool's templates for the
    /// user's locale, through the CustomMessage trigger (<c>CustomMessage_Authentication</c>).
    /// </summary>
    public async ValueTask<(SealedCode Code, OutboxMessage? Message)> IssueAsync(SignInCodeRequest request, bool send, CancellationToken cancellationToken)
    {
        var (pool, username, medium, destination) = (request.Pool, request.Username, request.Medium, request.Destination);
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
                request.UserAttributes, request.ClientId, request.ClientMetadata),
            cancellationToken);
        return (sealedCode, message);
    }

    /// <summary>Whether the answer is the sealed code, before it expired.</summary>
    public bool Matches(string poolId, string username, SealedCode? sealedCode, string answer) =>
        sealedCode is not null
        && DateTimeOffset.FromUnixTimeMilliseconds(sealedCode.ExpiresAtMs) > time.GetUtcNow()
        && codes.Matches(sealedCode.Mac, Purpose, poolId, Logins.UsernameKey(username), sealedCode.Nonce, sealedCode.ExpiresAtMs, answer.Trim());
}
