using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Sesame.Secrets;
using Sesame.Storage;
using Sesame.Users;

namespace Sesame.Delivery;

/// <summary>What a queued message holds once decrypted.</summary>
/// <param name="Html">The HTML body of an email, when its template has one.</param>
/// <param name="Template">Which template made it (<c>SignIn</c>, <c>SignUp</c>, with the locale), for error messages such as a missing DLT id.</param>
/// <param name="Dlt">The template's DLT registration, when it has one.</param>
internal sealed record MessagePayload(string To, string Body, string? Subject, string? Code, string? Html = null, string? Template = null, DltRegistration? Dlt = null);

[JsonSerializable(typeof(MessagePayload))]
internal sealed partial class DeliveryJsonContext : JsonSerializerContext;

/// <summary>
/// Builds outbox messages (templated, then encrypted: a queued message carries a code, and codes are never stored in
/// the clear) and wakes the dispatcher once they are committed.
/// </summary>
internal sealed class Outbox(ServerSecrets secrets, TimeProvider time) : IDisposable
{
    private readonly SemaphoreSlim _signal = new(0, int.MaxValue);

    // 1 while decoys may be in the outbox: at start (a previous run may have left some), and after each commit that wrote one.
    private int _decoys = 1;

    public OutboxMessage Sms(string poolId, string phoneNumber, string body, string? code, string? template = null, DltRegistration? dlt = null) =>
        Compose(MessageChannel.Sms, poolId, Masking.Phone(phoneNumber), new MessagePayload(phoneNumber, body, null, code, null, template, dlt));

    public OutboxMessage Email(string poolId, string email, string subject, string body, string? code, string? html = null) =>
        Compose(MessageChannel.Email, poolId, Masking.Email(email), new MessagePayload(email, body, subject, code, html));

    /// <summary>Call after the transaction that queued messages has committed.</summary>
    public void Notify()
    {
        if (_signal.CurrentCount == 0)
        {
            _signal.Release();
        }
    }

    /// <summary>
    /// <see cref="Notify()"/> for a transaction that wrote <paramref name="written"/>, which may hold decoys
    /// (<see cref="OutboxMessage.Decoy"/>): the dispatcher then sweeps them once the queue is drained.
    /// </summary>
    public void Notify(IReadOnlyList<OutboxMessage> written)
    {
        foreach (var message in written)
        {
            if (message.Decoy)
            {
                Volatile.Write(ref _decoys, 1);
                break;
            }
        }

        Notify();
    }

    /// <summary>True once after decoys were written (and at start): the dispatcher's cue to sweep them.</summary>
    public bool TakeDecoys() => Interlocked.Exchange(ref _decoys, 0) == 1;

    /// <summary>Waits for <see cref="Notify()"/>; false when <paramref name="timeout"/> passed without one, or on shutdown.</summary>
    public async Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            return await _signal.WaitAsync(timeout, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // shutting down
            return false;
        }
    }

    public MessagePayload Open(byte[] sealedPayload)
    {
        var plaintext = new byte[sealedPayload.Length - 28];
        using var aes = new AesGcm(secrets.OutboxEncryptionKey, 16);
        aes.Decrypt(sealedPayload.AsSpan(0, 12), sealedPayload.AsSpan(12, plaintext.Length), sealedPayload.AsSpan(12 + plaintext.Length), plaintext, Aad);
        return JsonSerializer.Deserialize(plaintext, DeliveryJsonContext.Default.MessagePayload)!;
    }

    public void Dispose() => _signal.Dispose();

    private static ReadOnlySpan<byte> Aad => "sesame-outbox-v1"u8;

    private OutboxMessage Compose(MessageChannel channel, string poolId, string hint, MessagePayload payload)
    {
        var plaintext = JsonSerializer.SerializeToUtf8Bytes(payload, DeliveryJsonContext.Default.MessagePayload);
        var sealedPayload = new byte[12 + plaintext.Length + 16];
        RandomNumberGenerator.Fill(sealedPayload.AsSpan(0, 12));
        using (var aes = new AesGcm(secrets.OutboxEncryptionKey, 16))
        {
            aes.Encrypt(sealedPayload.AsSpan(0, 12), plaintext, sealedPayload.AsSpan(12, plaintext.Length), sealedPayload.AsSpan(12 + plaintext.Length), Aad);
        }

        CryptographicOperations.ZeroMemory(plaintext);
        return new OutboxMessage(channel, poolId, hint, sealedPayload, time.GetUtcNow());
    }
}

/// <summary>Fills message templates: <c>{####}</c> is the code, <c>{app}</c> the pool name, <c>{minutes}</c> the lifetime.</summary>
internal static class MessageTemplate
{
    public static string Fill(string template, string code, string app, TimeSpan lifetime) =>
        new StringBuilder(template)
            .Replace("{####}", code)
            .Replace("{app}", app)
            .Replace("{minutes}", ((int)Math.Ceiling(lifetime.TotalMinutes)).ToString(System.Globalization.CultureInfo.InvariantCulture))
            .ToString();
}
