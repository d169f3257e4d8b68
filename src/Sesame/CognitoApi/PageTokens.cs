using System.Buffers.Text;
using System.Text;
using Sesame.Cognito;

namespace Sesame.CognitoApi;

/// <summary>
/// Opaque pagination tokens (ListUsers, ListUserPools): a version tag and a position, base64url-encoded. They carry
/// nothing secret; a token that does not decode is refused with InvalidParameterException.
/// </summary>
internal static class PageTokens
{
    private const string Version = "sesame1:";

    public static string Write(string position) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(Version + position));

    public static string Read(string token, string member)
    {
        Validate.Length(token, member, 1, 1024);
        string text;
        try
        {
            text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token));
        }
        catch (FormatException)
        {
            throw Invalid();
        }

        return text.StartsWith(Version, StringComparison.Ordinal) ? text[Version.Length..] : throw Invalid();
    }

    private static CognitoException Invalid() => CognitoErrors.Error(CognitoErrors.InvalidParameter, "Invalid pagination token.");
}
