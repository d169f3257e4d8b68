using System.Text.Json;
using Sesame.Cognito;
using Sesame.Configuration;
using Sesame.Pools;
using Sesame.SignIn.Passwords;
using Sesame.Users;

namespace Sesame.Admin;

/// <summary>
/// Users from other systems, one JSON object a line (docs/operations.md#json-lines-with-password-hashes):
/// <c>{"username": "ada", "sub": "…", "enabled": true, "attributes": {"email": "ada@example.com", "email_verified": true},
/// "password_hash": "$2b$12$…"}</c>. Only <c>username</c> is required. A <c>password_hash</c> of a kind
/// <see cref="ImportedPasswordHashes"/> reads is stored as it is and verified at the user's first USER_PASSWORD_AUTH,
/// which replaces it with a hash made the current way; a user without one signs in by code. Streamed line by line.
/// </summary>
internal sealed class JsonLinesUsers(UserImport import)
{
    private static readonly JsonDocumentOptions Strict = new() { MaxDepth = 4 };

    public Task<ImportProgress> ImportAsync(
        string poolId, TextReader lines, Action<ImportRejection> rejected, Action<ImportProgress>? progress, CancellationToken cancellationToken)
    {
        var pool = import.Pool(poolId);
        return import.RunAsync(Rows(pool, lines), rejected, progress, cancellationToken);
    }

    private IEnumerable<ImportRow> Rows(UserPool pool, TextReader lines)
    {
        long line = 0;
        while (lines.ReadLine() is { } text)
        {
            line++;
            if (line == 1 && text.StartsWith('\uFEFF'))
            {
                text = text[1..];
            }

            if (!string.IsNullOrWhiteSpace(text))
            {
                yield return Row(pool, line, text);
            }
        }
    }

    private ImportRow Row(UserPool pool, long line, string text)
    {
        string? username = null;
        try
        {
            using var document = JsonDocument.Parse(text, Strict);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return ImportRow.Rejected(line, "not a JSON object", null);
            }

            string? sub = null, hash = null;
            var enabled = true;
            var attributes = new List<AttributeType>();
            var flags = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                switch (property.Name)
                {
                    case "username":
                        username = String(property);
                        break;
                    case "sub":
                        sub = String(property);
                        break;
                    case "enabled":
                        enabled = property.Value.ValueKind is JsonValueKind.True or JsonValueKind.False
                            ? property.Value.GetBoolean()
                            : throw CognitoErrors.Error(CognitoErrors.InvalidParameter, "enabled must be true or false.");
                        break;
                    case "password_hash":
                        hash = property.Value.ValueKind == JsonValueKind.Null ? null : String(property);
                        break;
                    case "attributes" when property.Value.ValueKind == JsonValueKind.Object:
                        foreach (var attribute in property.Value.EnumerateObject())
                        {
                            var value = Value(attribute);
                            if (attribute.Name is UserAttributes.EmailVerified or UserAttributes.PhoneNumberVerified)
                            {
                                if (UserImport.Flag(value, attribute.Name) is { } flag)
                                {
                                    flags[attribute.Name] = flag;
                                }
                            }
                            else if (attribute.Name == UserAttributes.Sub)
                            {
                                sub ??= value;
                            }
                            else if (value.Length > 0)
                            {
                                attributes.Add(new AttributeType(attribute.Name, value));
                            }
                        }

                        break;
                    case "attributes":
                        throw CognitoErrors.Error(CognitoErrors.InvalidParameter, "attributes must be an object of name: value.");
                    default:
                        throw CognitoErrors.Error(CognitoErrors.InvalidParameter,
                            $"unknown field \"{UserImport.Shorten(property.Name)}\": username, sub, enabled, attributes and password_hash are read.");
                }
            }

            if (username is null)
            {
                return ImportRow.Rejected(line, "no username", null);
            }

            string? record = null;
            if (hash is not null)
            {
                if (pool.Passwords == PasswordMode.None)
                {
                    return ImportRow.Rejected(line, "the pool's PasswordMode is None: it keeps no passwords", UserImport.Shorten(username));
                }

                record = ImportedPasswordHashes.Normalize(hash, out var error) ?? throw CognitoErrors.Error(CognitoErrors.InvalidParameter, "password_hash: " + error);
            }

            return new ImportRow(line, import.User(pool, username, sub, enabled, attributes, flags, record), null, UserImport.Shorten(username));
        }
        catch (JsonException failure)
        {
            return ImportRow.Rejected(line, "not valid JSON: " + failure.Message, null);
        }
        catch (CognitoException failure)
        {
            return ImportRow.Rejected(line, failure.Message, username is null ? null : UserImport.Shorten(username));
        }
    }

    private static string String(JsonProperty property) => property.Value.ValueKind == JsonValueKind.String
        ? property.Value.GetString()!
        : throw CognitoErrors.Error(CognitoErrors.InvalidParameter, $"{property.Name} must be a string.");

    // Attribute values are strings in Cognito; other systems write flags and numbers as JSON's own.
    private static string Value(JsonProperty attribute) => attribute.Value.ValueKind switch
    {
        JsonValueKind.String => attribute.Value.GetString()!,
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Number => attribute.Value.GetRawText(),
        JsonValueKind.Null => "",
        _ => throw CognitoErrors.Error(CognitoErrors.InvalidParameter, $"attribute {UserImport.Shorten(attribute.Name)} must be a string, number or true/false."),
    };
}
