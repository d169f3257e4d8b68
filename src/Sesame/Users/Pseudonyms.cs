using System.Security.Cryptography;
using System.Text;
using Sesame.Cognito;
using Sesame.Secrets;

namespace Sesame.Users;

/// <summary>
/// Stable stand-ins for users that do not exist, so an unknown username is answered exactly like a known one
/// (Cognito's PreventUserExistenceErrors): the same login always gets the same fake username and destination.
/// </summary>
internal sealed class Pseudonyms(ServerSecrets secrets)
{
    /// <summary>A UUID-shaped username, as the pool would have generated for a real user.</summary>
    public string Username(string poolId, string login)
    {
        Span<byte> bytes = stackalloc byte[32];
        HMACSHA256.HashData(secrets.PseudonymKey, Encoding.UTF8.GetBytes($"username\n{poolId}\n{Logins.Key(login)}"), bytes);
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x40);   // version 4
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);   // RFC 4122 variant
        return new Guid(bytes[..16], bigEndian: true).ToString();
    }

    /// <summary>The delivery medium and masked destination a real user with this login would show.</summary>
    public (string Medium, string MaskedDestination) Destination(string poolId, string login)
    {
        if (UserAttributes.IsPhoneNumber(login))
        {
            return (DeliveryMedium.Sms, Masking.Phone(login));
        }

        if (UserAttributes.IsEmail(login))
        {
            return (DeliveryMedium.Email, Masking.Email(login));
        }

        Span<byte> bytes = stackalloc byte[32];
        HMACSHA256.HashData(secrets.PseudonymKey, Encoding.UTF8.GetBytes($"phone\n{poolId}\n{Logins.Key(login)}"), bytes);
        var digits = (BitConverter.ToUInt32(bytes) % 10_000).ToString("D4", System.Globalization.CultureInfo.InvariantCulture);
        return (DeliveryMedium.Sms, "+*******" + digits);
    }

    /// <summary>A masked destination for a chosen medium, as a real user with this login would show.</summary>
    public string MaskedDestination(string poolId, string login, string medium)
    {
        var (guessed, masked) = Destination(poolId, login);
        if (guessed == medium)
        {
            return masked;
        }

        Span<byte> bytes = stackalloc byte[32];
        HMACSHA256.HashData(secrets.PseudonymKey, Encoding.UTF8.GetBytes($"{medium}\n{poolId}\n{Logins.Key(login)}"), bytes);
        return medium == DeliveryMedium.Sms
            ? "+*******" + (BitConverter.ToUInt32(bytes) % 10_000).ToString("D4", System.Globalization.CultureInfo.InvariantCulture)
            : $"{(char)('a' + (bytes[4] % 26))}***@{(char)('a' + (bytes[5] % 26))}***";
    }
}
