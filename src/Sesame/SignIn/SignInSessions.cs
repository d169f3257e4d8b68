using System.Text.Json;
using Sesame.Cognito;
using Sesame.Delivery;
using Sesame.Pools;
using Sesame.Storage;

namespace Sesame.SignIn;

/// <summary>
/// Server-side sign-in sessions behind the opaque <c>Session</c> strings: saved with the messages their step sends,
/// taken exactly once, refused when forged, foreign, replayed or expired (with Cognito's messages).
/// </summary>
internal sealed class SignInSessions(ISignInSessionStore store, SessionStrings strings, Outbox outbox, TimeProvider time)
{
    public async ValueTask<string> CreateAsync(AppClient client, SignInSessionState state, IReadOnlyList<OutboxMessage> messages, CancellationToken cancellationToken)
    {
        state.ClientId = client.ClientId;
        var (session, idHash) = strings.Create(client.ClientId);
        var record = new AuthSessionRecord(idHash, client.Pool.Id, client.ClientId,
            JsonSerializer.Serialize(state, SignInJsonContext.Default.SignInSessionState),
            time.GetUtcNow() + client.Options.AuthSessionValidity);
        await store.SaveAsync(record, messages, cancellationToken);
        if (messages.Count > 0)
        {
            outbox.Notify(messages);
        }

        return session;
    }

    public async ValueTask<SignInSessionState> TakeAsync(AppClient client, string session, CancellationToken cancellationToken)
    {
        var idHash = strings.Open(session, client.ClientId) ?? throw CognitoErrors.InvalidSession();
        var record = await store.TakeAsync(idHash, cancellationToken) ?? throw CognitoErrors.InvalidSession();
        if (record.ExpiresAt <= time.GetUtcNow())
        {
            throw CognitoErrors.ExpiredSession();
        }

        var state = JsonSerializer.Deserialize(record.State, SignInJsonContext.Default.SignInSessionState)!;
        return state.ClientId == client.ClientId ? state : throw CognitoErrors.InvalidSession();
    }

    /// <summary>
    /// Counts an answer against a session that survives wrong answers (USER_AUTH one-time codes). The session is not
    /// consumed; call <see cref="ConsumeAsync"/> when the answer is right, or when it was the last one allowed.
    /// </summary>
    public async ValueTask<(SignInSessionState State, int Attempts, byte[] IdHash)> CountAttemptAsync(
        AppClient client, string session, CancellationToken cancellationToken)
    {
        var idHash = strings.Open(session, client.ClientId) ?? throw CognitoErrors.InvalidSession();
        var record = await store.CountAttemptAsync(idHash, cancellationToken) ?? throw CognitoErrors.InvalidSession();
        if (record.ExpiresAt <= time.GetUtcNow())
        {
            await store.DeleteAsync(idHash, cancellationToken);
            throw CognitoErrors.ExpiredSession();
        }

        var state = JsonSerializer.Deserialize(record.State, SignInJsonContext.Default.SignInSessionState)!;
        return state.ClientId == client.ClientId ? (state, record.Attempts, idHash) : throw CognitoErrors.InvalidSession();
    }

    /// <summary>Consumes a session once; false when another request consumed it first.</summary>
    public ValueTask<bool> ConsumeAsync(byte[] idHash, CancellationToken cancellationToken) => store.DeleteAsync(idHash, cancellationToken);
}
