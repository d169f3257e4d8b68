using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace Sesame.Pools;

/// <summary>
/// Identifiers in Cognito's formats (the <c>Id</c> patterns of
/// https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UserPoolType.html and
/// API_UserPoolClientType.html): pool ids <c>&lt;region&gt;_&lt;9
/// alphanumerics&gt;</c> (Amplify reads the region from the part before '_'), 26-character lower-case client ids, and
/// client secrets of 51 lower-case alphanumerics (about 263 random bits).
/// </summary>
internal static partial class ResourceIds
{
    private const string Alphanumerics = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private const string LowerAlphanumerics = "0123456789abcdefghijklmnopqrstuvwxyz";

    /// <summary>Used when a signature names no usable region (it always does with the AWS SDKs).</summary>
    public const string DefaultRegion = "us-east-1";

    public static string PoolId(string? region) =>
        $"{(region is not null && RegionPattern().IsMatch(region) ? region : DefaultRegion)}_{RandomNumberGenerator.GetString(Alphanumerics, 9)}";

    public static string ClientId() => RandomNumberGenerator.GetString(LowerAlphanumerics, 26);

    public static string ClientSecret() => RandomNumberGenerator.GetString(LowerAlphanumerics, 51);

    // AWS region names: us-east-1, eu-central-2, us-gov-west-1, ap-southeast-4, …
    [GeneratedRegex(@"^[a-z]{2}(-[a-z]+)+-[0-9]{1,2}\z")]
    private static partial Regex RegionPattern();
}
