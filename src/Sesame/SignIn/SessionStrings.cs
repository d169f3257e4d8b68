using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Sesame.Secrets;

namespace Sesame.SignIn;

/// <summary>
/// The <c>Session</c> strings clients carry: 256 random bits plus a MAC that binds them to the app client. Only a
/// hash of the random part is stored, so a database leak yields no usable session; a forged or foreign string is
/// refused before any storage is touched.
/// </summary>
internal sealed class SessionStrings(ServerSecrets secrets)
{
    public (string Session, byte[] IdHash) Create(string clientId)
    {
        Span<byte> id = stackalloc byte[32];
        RandomNumberGenerator.Fill(id);
        var session = Base64Url.EncodeToString(id) + "." + Base64Url.EncodeToString(Tag(id, clientId));
        return (session, SHA256.HashData(id));
    }

    /// <summary>The storage key of a genuine session string of this client, or null.</summary>
    public byte[]? Open(string session, string clientId)
    {
        var dot = session.IndexOf('.', StringComparison.Ordinal);
        if (dot != 43 || session.Length != 43 + 1 + 22)
        {
            return null;
        }

        try
        {
            var id = Base64Url.DecodeFromChars(session.AsSpan(0, dot));
            var tag = Base64Url.DecodeFromChars(session.AsSpan(dot + 1));
            return id.Length == 32 && CryptographicOperations.FixedTimeEquals(tag, Tag(id, clientId)) ? SHA256.HashData(id) : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private byte[] Tag(ReadOnlySpan<byte> id, string clientId)
    {
        var input = new byte[id.Length + Encoding.UTF8.GetByteCount(clientId)];
        id.CopyTo(input);
        Encoding.UTF8.GetBytes(clientId, input.AsSpan(id.Length));
        return HMACSHA256.HashData(secrets.SessionMacKey, input)[..16];
    }
}
