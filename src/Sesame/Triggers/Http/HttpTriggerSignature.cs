using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Sesame.Triggers.Http;

/// <summary>
/// How Sesame signs the requests of an HTTP trigger, and how a receiver written in .NET checks them.
/// <c>X-Sesame-Signature: v1=&lt;hex HMAC-SHA256(secret, "{X-Sesame-Timestamp}.{body}")&gt;</c>, with the timestamp in Unix
/// seconds: the MAC covers the time, so a captured request cannot be replayed after the window
/// (<see cref="ReplayWindow"/>), and receivers can refuse a repeated <c>X-Sesame-Delivery</c> id within it.
/// </summary>
public static class HttpTriggerSignature
{
    /// <summary>The header with the request's signature.</summary>
    public const string SignatureHeader = "X-Sesame-Signature";

    /// <summary>The header with the Unix time, in seconds, at which the request was signed.</summary>
    public const string TimestampHeader = "X-Sesame-Timestamp";

    /// <summary>The header with a unique id per request, for receivers that refuse replays within the window.</summary>
    public const string DeliveryHeader = "X-Sesame-Delivery";

    /// <summary>The header naming the trigger, e.g. <c>DefineAuthChallenge</c>.</summary>
    public const string TriggerHeader = "X-Sesame-Trigger";

    /// <summary>How far a request's timestamp may be from the receiver's clock. Stripe's webhooks use the same 5 minutes.</summary>
    public static readonly TimeSpan ReplayWindow = TimeSpan.FromMinutes(5);

    /// <summary>The <see cref="SignatureHeader"/> value for a body signed at <paramref name="timestamp"/> (Unix seconds).</summary>
    public static string Sign(string secret, long timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes(timestamp.ToString(CultureInfo.InvariantCulture) + ".");
        var input = new byte[prefix.Length + body.Length];
        prefix.CopyTo(input, 0);
        body.CopyTo(input.AsSpan(prefix.Length));
        return "v1=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), input));
    }

    /// <summary>True when <paramref name="signature"/> is genuine and <paramref name="timestamp"/> is within the replay window of <paramref name="now"/>.</summary>
    public static bool Verify(string secret, string? timestamp, string? signature, ReadOnlySpan<byte> body, DateTimeOffset now)
    {
        if (signature is null || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return false;
        }

        var age = now - DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(seconds, 0, 253_402_300_799));
        if (age.Duration() > ReplayWindow)
        {
            return false;
        }

        var expected = Encoding.ASCII.GetBytes(Sign(secret, seconds, body));
        var given = Encoding.UTF8.GetBytes(signature);
        return CryptographicOperations.FixedTimeEquals(expected, given);
    }
}
