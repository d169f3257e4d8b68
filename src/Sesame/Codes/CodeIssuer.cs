using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Sesame.Abuse;
using Sesame.Cognito;
using Sesame.Delivery;
using Sesame.Messages;
using Sesame.Pools;
using Sesame.Storage;
using Sesame.Users;

namespace Sesame.Codes;

/// <summary>A code to issue: for whom, for what, and where it goes.</summary>
/// <param name="Purpose">A <see cref="CodePurposes"/> value.</param>
/// <param name="Message">Which templates and which CustomMessage trigger source compose its message.</param>
/// <param name="Sub">The user's sub; attribute codes are bound to it.</param>
/// <param name="Attribute"><c>phone_number</c> (an SMS) or <c>email</c> (an email).</param>
/// <param name="Destination">The phone number or email the code goes to.</param>
internal sealed record CodeRequest(
    UserPool Pool, string Purpose, MessagePurpose Message, string Username, string? Sub, string Attribute, string Destination,
    IReadOnlyDictionary<string, string> UserAttributes, string? ClientId, Dictionary<string, string>? ClientMetadata = null)
{
    /// <summary>A new value of <see cref="Attribute"/> (the <see cref="Destination"/>) that takes effect only once verified.</summary>
    public string? PendingValue { get; init; }

    /// <summary>
    /// False for a user that does not exist: the answer looks the same, nothing is sent, and <see cref="Destination"/>
    /// is already a masked stand-in (<c>Pseudonyms</c>).
    /// </summary>
    public bool UserExists { get; init; } = true;

    /// <summary>
    /// The login an unknown user was asked for: the send limits count it (and classify it, when it is a phone number)
    /// where a known user's real destination is counted, so a limit answers both alike.
    /// </summary>
    public string? Login { get; init; }
}

/// <summary>
/// An issued code, with the message that carries it (none for a test number; for an unknown user a decoy, written like a
/// real message and never sent) and what the client is told.
/// </summary>
/// <param name="Stored">The code and its key; a use case writes it in the transaction of its own change, or <see cref="CodeIssuer.SendAsync"/> does.</param>
internal sealed record IssuedCode(StoredCode Stored, OutboxMessage? Message, CodeDeliveryDetails Delivery)
{
    public OneTimeCode Code => Stored.Code;
}

/// <summary>
/// The one place a one-time code is made: every operation that sends a code (SignUp, ResendConfirmationCode,
/// UpdateUserAttributes, AdminUpdateUserAttributes, GetUserAttributeVerificationCode, ForgotPassword,
/// AdminResetUserPassword, the built-in CreateAuthChallenge, USER_AUTH SMS_OTP/EMAIL_OTP) comes through <see cref="IssueAsync"/> with the pool, purpose, user and destination in
/// hand. It draws the code, binds its MAC, composes the message through the pool's templates and the CustomMessage
/// trigger, and says where it went (<see cref="CodeDeliveryDetails"/>). Limits on sending belong here.
/// </summary>
internal sealed partial class CodeIssuer(
    OneTimeCodes macs, MessageComposer composer, SendLimits limits, IOneTimeCodeStore store, IUserAdminStore messages, Outbox outbox, TimeProvider time,
    IHostEnvironment environment, IMeterFactory meters, ILogger<CodeIssuer> logger)
{
    private readonly Counter<long> _testNumbers = meters.Create("Sesame.Codes")
        .CreateCounter<long>("sesame.test_numbers.used", description: "Codes issued to a declared test number (fixed code, nothing sent), by purpose and environment.");

    public async ValueTask<IssuedCode> IssueAsync(CodeRequest request, CancellationToken cancellationToken)
    {
        var pool = request.Pool;
        var (length, lifetime, maxAttempts) = CodePurposes.Settings(pool, request.Purpose);
        // A declared test number (OneTimeCode:TestNumbers) gets its fixed code for every purpose — sign-in, sign-up
        // confirmation, attribute verification — and nothing is ever sent to it.
        var testCode = request.UserExists ? pool.Options.OneTimeCode.TestNumbers.GetValueOrDefault(request.Destination) : null;
        if (testCode is null)
        {
            // Before a code is drawn; an unknown user (a stable stand-in destination per login) is counted exactly as a
            // known one, so the limits tell no one whether an account exists.
            var kind = CodePurposes.IsAttribute(request.Purpose) ? SendLimits.AttributeKind : request.Purpose;
            var counted = request.UserExists ? request.Destination : request.Login ?? request.Destination;
            await limits.CheckAsync(pool, kind, Medium(request.Attribute), counted, request.UserExists ? request.Username : null, cancellationToken);
        }

        var code = testCode ?? OneTimeCodes.Generate(length);
        var nonce = OneTimeCodes.NewNonce();
        var expiresAt = time.GetUtcNow() + lifetime;
        var (macPurpose, macUser) = CodePurposes.MacBinding(request.Purpose, request.Username, request.Sub, request.Destination);
        var mac = macs.Mac(macPurpose, pool.Id, macUser, nonce, expiresAt.ToUnixTimeMilliseconds(), code);
        var stored = new StoredCode(
            new OneTimeCodeKey(pool.Id, request.Purpose, Logins.UsernameKey(request.Username)),
            new OneTimeCode(nonce, mac, expiresAt, 0, maxAttempts),
            request.Attribute,
            request.PendingValue);

        var delivery = Delivery(request.Attribute, request.Destination, request.UserExists);
        if (!request.UserExists)
        {
            // The same work as a known user's message (templates, encryption, one outbox row), to the masked stand-in; a
            // decoy is never claimed, listed, charged or counted, and the dispatcher sweeps it (OutboxMessage.Decoy).
            var decoy = await composer.ComposeAsync(
                new CodeMessageRequest(pool, request.Message, delivery.DeliveryMedium, request.Destination, code, lifetime, request.Username,
                    request.UserAttributes, request.ClientId) { Decoy = true },
                cancellationToken);
            return new IssuedCode(stored, decoy, delivery);
        }

        if (testCode is not null)
        {
            var development = environment.IsDevelopment();
            _testNumbers.Add(1, new("purpose", CodePurposes.IsAttribute(request.Purpose) ? "attribute" : request.Purpose),
                new("environment", development ? "development" : "other"));
            if (development)
            {
                Log.TestNumber(logger, request.Purpose, delivery.Destination, pool.Id);
            }
            else
            {
                // Only with Sesame:AllowTestNumbers: a fixed code outside Development is a backdoor an operator chose.
                Log.TestNumberOutsideDevelopment(logger, request.Purpose, delivery.Destination, pool.Id, environment.EnvironmentName);
            }

            return new IssuedCode(stored, null, delivery);
        }

        var message = await composer.ComposeAsync(
            new CodeMessageRequest(pool, request.Message, delivery.DeliveryMedium, request.Destination, code, lifetime, request.Username,
                request.UserAttributes, request.ClientId, request.ClientMetadata),
            cancellationToken);
        return new IssuedCode(stored, message, delivery);
    }

    /// <summary>
    /// Issues a stored code on its own (ResendConfirmationCode, ForgotPassword, GetUserAttributeVerificationCode): it
    /// replaces the user's earlier code of the purpose, and its message is queued in the same transaction. For an
    /// unknown user (<see cref="CodeRequest.UserExists"/> false) only the decoy message is queued.
    /// </summary>
    public async ValueTask<CodeDeliveryDetails> SendAsync(CodeRequest request, CancellationToken cancellationToken)
    {
        var issued = await IssueAsync(request, cancellationToken);
        if (!request.UserExists)
        {
            // An unknown login has no code to keep (its answers are refused like wrong ones): only the decoy is written.
            await messages.QueueAsync([issued.Message!], cancellationToken);
        }
        else
        {
            await store.SaveAsync(issued.Stored, issued.Message, cancellationToken);
        }

        if (issued.Message is not null)
        {
            outbox.Notify([issued.Message]);
        }

        return issued.Delivery;
    }

    /// <summary>The code a user has pending for a purpose, if any (GetUserAttributeVerificationCode re-sends to a pending value).</summary>
    public async ValueTask<StoredCode?> PendingAsync(UserPool pool, string purpose, string username, CancellationToken cancellationToken) =>
        await store.FindAsync(new OneTimeCodeKey(pool.Id, purpose, Logins.UsernameKey(username)), cancellationToken);

    public static string Medium(string attribute) => attribute == UserAttributes.PhoneNumber ? DeliveryMedium.Sms : DeliveryMedium.Email;

    public static string Attribute(string medium) => medium == DeliveryMedium.Sms ? UserAttributes.PhoneNumber : UserAttributes.Email;

    /// <summary>
    /// What Cognito tells a client about a code it sent: the masked destination, the medium and the attribute. An unknown
    /// user's destination is a stand-in that is masked already.
    /// </summary>
    public static CodeDeliveryDetails Delivery(string attribute, string destination, bool userExists = true) =>
        new(!userExists ? destination : attribute == UserAttributes.PhoneNumber ? Masking.Phone(destination) : Masking.Email(destination),
            Medium(attribute), attribute);

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Code ({Purpose}) for declared test number {Destination} in pool {PoolId}: fixed code, nothing sent.")]
        public static partial void TestNumber(ILogger logger, string purpose, string destination, string poolId);

        [LoggerMessage(2, LogLevel.Warning, "Code ({Purpose}) for declared test number {Destination} in pool {PoolId} in the {Environment} environment: fixed code, nothing sent (Sesame:AllowTestNumbers is on).")]
        public static partial void TestNumberOutsideDevelopment(ILogger logger, string purpose, string destination, string poolId, string environment);
    }
}
