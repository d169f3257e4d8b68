using System.Text;
using Sesame.Cognito;
using Sesame.Storage;

namespace Sesame.CognitoApi;

/// <summary>
/// ListUsers' <c>Filter</c>: <c>AttributeName Filter-Type "AttributeValue"</c>, with <c>=</c> (exact) or <c>^=</c>
/// (prefix), one attribute only, quotation marks inside the value escaped with a backslash; the name may be quoted
/// (<c>"email"^="jo"</c>, as the model's own example writes it) or bare (<c>email = "jo"</c>). An empty filter lists
/// everyone. Searchable names and their case rules are Cognito's (API reference, ListUsers, Filter).
/// </summary>
internal static class UserFilter
{
    private static readonly HashSet<string> Searchable = new(StringComparer.Ordinal)
    {
        "username", "email", "phone_number", "name", "given_name", "family_name", "preferred_username",
        "cognito:user_status", "status", "sub",
    };

    /// <summary>The condition, or null for an empty filter; InvalidParameterException for anything else.</summary>
    public static UserCondition? Parse(string? filter)
    {
        if (string.IsNullOrWhiteSpace(filter))
        {
            return null;
        }

        var position = 0;
        SkipSpaces(filter, ref position);
        string name;
        if (position < filter.Length && filter[position] == '"')
        {
            name = Quoted(filter, ref position);
        }
        else
        {
            var start = position;
            while (position < filter.Length && filter[position] is not (' ' or '=' or '^' or '"'))
            {
                position++;
            }

            name = filter[start..position];
        }

        SkipSpaces(filter, ref position);
        bool prefix;
        if (filter.AsSpan(position).StartsWith("^=", StringComparison.Ordinal))
        {
            prefix = true;
            position += 2;
        }
        else if (position < filter.Length && filter[position] == '=')
        {
            prefix = false;
            position++;
        }
        else
        {
            throw ParseError();
        }

        SkipSpaces(filter, ref position);
        if (position >= filter.Length || filter[position] != '"')
        {
            throw ParseError();
        }

        var value = Quoted(filter, ref position);
        SkipSpaces(filter, ref position);
        if (position != filter.Length)
        {
            throw ParseError();
        }

        if (!Searchable.Contains(name))
        {
            throw CognitoErrors.Error(CognitoErrors.InvalidParameter, $"Invalid search attribute: {Shorten(name)}");
        }

        return new UserCondition(name, prefix, value);
    }

    // A "..." string starting at position; \" is a quote and \\ a backslash.
    private static string Quoted(string filter, ref int position)
    {
        var builder = new StringBuilder();
        position++;
        while (position < filter.Length)
        {
            var c = filter[position++];
            if (c == '"')
            {
                return builder.ToString();
            }

            if (c == '\\')
            {
                if (position >= filter.Length)
                {
                    break;
                }

                c = filter[position++];
            }

            builder.Append(c);
        }

        throw ParseError();
    }

    private static void SkipSpaces(string filter, ref int position)
    {
        while (position < filter.Length && char.IsWhiteSpace(filter[position]))
        {
            position++;
        }
    }

    private static string Shorten(string value) => value.Length <= 32 ? value : value[..32] + "...";

    private static CognitoException ParseError() =>
        CognitoErrors.Error(CognitoErrors.InvalidParameter, "Error while parsing filter.");
}
