using System.Text.RegularExpressions;

namespace Sesame.Cognito;

/// <summary>Request member checks with the constraints and messages of Cognito's model (§2.1).</summary>
internal static partial class Validate
{
    public static string Required(string? value, string member)
    {
        if (value is null)
        {
            throw CognitoErrors.Validation(member, "Member must not be null");
        }

        return value;
    }

    public static string Length(string? value, string member, int min, int max)
    {
        var v = Required(value, member);
        if (v.Length < min)
        {
            throw CognitoErrors.Validation(member, $"Member must have length greater than or equal to {min}", Shorten(v));
        }

        if (v.Length > max)
        {
            throw CognitoErrors.Validation(member, $"Member must have length less than or equal to {max}", Shorten(v));
        }

        return v;
    }

    public static string ClientId(string? value)
    {
        var v = Length(value, "clientId", 1, 128);
        if (!ClientIdPattern().IsMatch(v))
        {
            throw CognitoErrors.Validation("clientId", @"Member must satisfy regular expression pattern: [\w+]+", Shorten(v));
        }

        return v;
    }

    public static string Username(string? value, string member = "username")
    {
        var v = Length(value, member, 1, 128);
        if (!UsernamePattern().IsMatch(v))
        {
            throw CognitoErrors.Validation(member, @"Member must satisfy regular expression pattern: [\p{L}\p{M}\p{S}\p{N}\p{P}]+", Shorten(v));
        }

        return v;
    }

    public static string Code(string? value, string member)
    {
        var v = Length(value, member, 1, 2048);
        if (!CodePattern().IsMatch(v))
        {
            throw CognitoErrors.Validation(member, @"Member must satisfy regular expression pattern: [\S]+");
        }

        return v;
    }

    public static string Session(string? value) => Length(value, "session", 20, 2048);

    public static string Token(string? value, string member)
    {
        var v = Length(value, member, 1, 16 * 1024);
        if (!TokenPattern().IsMatch(v))
        {
            throw CognitoErrors.Validation(member, "Member must satisfy regular expression pattern: [A-Za-z0-9-_=.]+");
        }

        return v;
    }

    public static void MapSize(IReadOnlyDictionary<string, string>? map, string member, int maxEntries = 50)
    {
        if (map is null)
        {
            return;
        }

        if (map.Count > maxEntries)
        {
            throw CognitoErrors.Validation(member, $"Map must have at most {maxEntries} entries");
        }

        foreach (var (key, value) in map)
        {
            if (key.Length > 2048 || (value?.Length ?? 0) > 2048)
            {
                throw CognitoErrors.Validation(member, "Map keys and values must have length less than or equal to 2048");
            }
        }
    }

    // Echo at most a short prefix of the offending value; never a whole code or token.
    private static string Shorten(string value) => value.Length <= 32 ? value : value[..32] + "...";

    [GeneratedRegex(@"^[\w+]+$")]
    private static partial Regex ClientIdPattern();

    [GeneratedRegex(@"^[\p{L}\p{M}\p{S}\p{N}\p{P}]+$")]
    private static partial Regex UsernamePattern();

    [GeneratedRegex(@"^[\S]+$")]
    private static partial Regex CodePattern();

    [GeneratedRegex(@"^[A-Za-z0-9\-_=.]+$")]
    private static partial Regex TokenPattern();
}
