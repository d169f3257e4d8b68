namespace Sesame.Storage;

/// <summary>A server-side sign-in session. The client holds only the <c>Session</c> string whose hash is the key.</summary>
/// <param name="Attempts">Answers counted against the session (one-time-code challenges that allow retries).</param>
internal sealed record AuthSessionRecord(
    byte[] IdHash, string PoolId, string ClientId, string State, DateTimeOffset ExpiresAt, int Attempts = 0);

/// <summary>A refresh token, stored by hash. Tokens of one sign-in share <see cref="OriginJti"/>.</summary>
internal sealed record RefreshTokenRecord(
    byte[] TokenHash, string PoolId, string ClientId, string Username, string Sub, string OriginJti, string EventId,
    DateTimeOffset AuthTime, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, DateTimeOffset? RevokedAt);

/// <summary>Which way a message goes.</summary>
internal enum MessageChannel
{
    Sms,
    Email,
}

/// <summary>A message to send, written in the same transaction as the state that needs it.</summary>
/// <param name="Payload">The encrypted message (it carries a code); scrubbed once sent.</param>
/// <param name="DestinationHint">The masked destination, for status queries and logs.</param>
internal sealed record OutboxMessage(MessageChannel Channel, string PoolId, string DestinationHint, byte[] Payload, DateTimeOffset CreatedAt)
{
    /// <summary>
    /// A stand-in for the message an unknown user would have been sent (PreventUserExistenceErrors): written like a real
    /// one so both paths do the same store work, but with status <c>decoy</c>, which no claim, listing, budget or metric
    /// reads; the dispatcher deletes it once the queue is drained (<see cref="IOutboxStore.SweepDecoysAsync"/>), told by
    /// <c>Delivery.Outbox.Notify(messages)</c>, which whoever writes one calls after the commit.
    /// </summary>
    public bool Decoy { get; init; }

    /// <summary>The status the row is written with.</summary>
    public string Status => Decoy ? "decoy" : "queued";
}

/// <summary>A queued message claimed by a dispatcher, with the lease that keeps other dispatchers off it.</summary>
/// <param name="Attempts">Provider calls made for it so far.</param>
/// <param name="CreatedAt">When it was queued; a message older than its code's usefulness is given up.</param>
internal sealed record ClaimedMessage(long Id, MessageChannel Channel, string PoolId, string DestinationHint, byte[] Payload, int Attempts, DateTimeOffset CreatedAt = default);

/// <summary>An RSA signing key of one pool, the private part encrypted with the server's key-encryption key.</summary>
/// <param name="Purpose"><c>id</c> or <c>access</c>: Cognito signs the two token kinds with different keys.</param>
/// <param name="Generation">0 for a pool's first key of the purpose, one more for each rotation.</param>
/// <param name="ActivatesAt">When it starts signing (published from the moment it is stored).</param>
internal sealed record SigningKeyRecord(
    string PoolId, string Kid, string Purpose, byte[] EncryptedPrivateKey, DateTimeOffset CreatedAt, int Generation, DateTimeOffset ActivatesAt);

/// <summary>
/// The messages queued instead of a sign-up when a confirmed user already holds its phone number (<paramref name="Phone"/>)
/// or email (<paramref name="Email"/>): "someone tried to sign up with your number", to that owner.
/// </summary>
internal sealed record TakenNotices(OutboxMessage? Phone, OutboxMessage? Email)
{
    public OutboxMessage? For(CreateUserOutcome outcome) => outcome switch
    {
        CreateUserOutcome.PhoneNumberExists => Phone,
        CreateUserOutcome.EmailExists => Email,
        _ => null,
    };
}

/// <summary>Why a user could not be created.</summary>
internal enum CreateUserOutcome
{
    Created,
    UsernameExists,
    PhoneNumberExists,
    EmailExists,

    /// <summary>A confirmed user holds the preferred username as an alias (pools with AliasAttributes listing it).</summary>
    PreferredUsernameExists,
}
