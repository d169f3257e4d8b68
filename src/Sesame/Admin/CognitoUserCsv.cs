using System.Globalization;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Sesame.Cognito;
using Sesame.Pools;
using Sesame.Storage;
using Sesame.Users;

namespace Sesame.Admin;

/// <summary>A row an import did not write, and why.</summary>
internal sealed record ImportRejection(long Line, string? Username, string Reason);

/// <summary>Where an import stands: rows read, and what became of them.</summary>
internal sealed record ImportProgress(long Rows, long Imported, long Skipped, long Rejected);

/// <summary>
/// Cognito's user CSV, both ways: the header of standard and <c>custom:</c> attributes, <c>cognito:username</c>,
/// <c>cognito:mfa_enabled</c>, <c>email_verified</c>, <c>phone_number_verified</c> that Cognito's console, its
/// <c>GetCSVHeader</c> and export tools use, plus the optional <c>sub</c> (kept, so tokens' subjects and app databases stay
/// valid) and <c>enabled</c> columns. Imported users are CONFIRMED and passwordless: they sign in by code at once.
/// </summary>
internal sealed class CognitoUserCsv(UserPools pools, IUserImportStore importStore, IUserAdminStore adminStore, TimeProvider time)
{
    /// <summary>Cognito's own column order (GetCSVHeader), which the export writes first.</summary>
    public static readonly string[] CognitoColumns =
    [
        "name", "given_name", "family_name", "middle_name", "nickname", "preferred_username", "profile", "picture", "website",
        UserAttributes.Email, UserAttributes.EmailVerified, "gender", "birthdate", "zoneinfo", "locale", UserAttributes.PhoneNumber,
        UserAttributes.PhoneNumberVerified, "address", "updated_at", MfaEnabled, Username,
    ];

    private const string Username = "cognito:username";
    private const string MfaEnabled = "cognito:mfa_enabled";
    private const string UserStatusColumn = "cognito:user_status";
    private const string Enabled = "enabled";

    /// <summary>Users written per transaction: a batch is whole or absent, so an interrupted import resumes cleanly.</summary>
    public int BatchSize { get; init; } = 500;

    /// <summary>
    /// Imports every row of <paramref name="csv"/> into the pool, streaming. A row whose username (and sub) already exists
    /// is skipped, so running the same file again resumes an interrupted import. A row that cannot be imported is reported
    /// to <paramref name="rejected"/> with its line and reason and written nowhere. A header naming an unknown column is
    /// refused (InvalidParameterException) before any row is written.
    /// </summary>
    public async Task<ImportProgress> ImportAsync(
        string poolId, TextReader csv, Action<ImportRejection> rejected, Action<ImportProgress>? progress, CancellationToken cancellationToken)
    {
        var pool = pools.FindPool(poolId) ?? throw CognitoErrors.Error(CognitoErrors.ResourceNotFound, $"User pool {poolId} does not exist.");
        var reader = new CsvRecordReader(csv);
        var header = reader.Read(out _, out _) ?? throw CognitoErrors.Error(CognitoErrors.InvalidParameter, "The file is empty: no header row.");
        var columns = Header(header);

        // Usernames seen in this file (64-bit hashes of the username key, some 40 bytes each with the dictionary's own): a repeated one is a duplicate row.
        var seen = new Dictionary<ulong, long>();
        var batch = new List<(long Line, User User)>(BatchSize);
        long rows = 0, imported = 0, skipped = 0, rejections = 0;

        while (reader.Read(out var line, out var malformed) is { } fields)
        {
            if (fields is [""])
            {
                continue;
            }

            rows++;
            var (user, reason) = malformed is not null ? (null, malformed) : Row(pool, columns, fields);
            if (user is not null && !seen.TryAdd(UsernameHash(user.Username), line))
            {
                reason = $"duplicate username: line {seen[UsernameHash(user.Username)]} has it too";
                user = null;
            }

            if (user is null)
            {
                rejections++;
                rejected(new ImportRejection(line, UsernameOf(columns, fields), reason!));
                continue;
            }

            batch.Add((line, user));
            if (batch.Count == BatchSize)
            {
                await FlushAsync();
            }
        }

        await FlushAsync();
        return new ImportProgress(rows, imported, skipped, rejections);

        async Task FlushAsync()
        {
            if (batch.Count > 0)
            {
                var outcomes = await importStore.ImportAsync([.. batch.Select(b => b.User)], cancellationToken);
                for (var i = 0; i < batch.Count; i++)
                {
                    switch (outcomes[i])
                    {
                        case ImportOutcome.Imported:
                            imported++;
                            break;
                        case ImportOutcome.Exists:
                            skipped++;
                            break;
                        default:
                            rejections++;
                            rejected(new ImportRejection(batch[i].Line, batch[i].User.Username, Describe(outcomes[i])));
                            break;
                    }
                }

                batch.Clear();
            }

            progress?.Invoke(new ImportProgress(rows, imported, skipped, rejections));
        }
    }

    /// <summary>
    /// Writes every user of the pool as Cognito's CSV (its columns in its order, then the pool's <c>custom:</c> attributes,
    /// <c>sub</c> and <c>enabled</c>), page by page: a first pass finds the custom attributes, a second writes.
    /// </summary>
    public async Task<long> ExportAsync(string poolId, TextWriter output, CancellationToken cancellationToken)
    {
        var pool = pools.FindPool(poolId) ?? throw CognitoErrors.Error(CognitoErrors.ResourceNotFound, $"User pool {poolId} does not exist.");
        var custom = new SortedSet<string>(StringComparer.Ordinal);
        await foreach (var user in AllAsync(pool.Id, cancellationToken))
        {
            custom.UnionWith(user.Attributes.Keys.Where(k => k.StartsWith("custom:", StringComparison.Ordinal)));
        }

        string[] header = [.. CognitoColumns, .. custom, UserAttributes.Sub, Enabled];
        await CsvRecordWriter.WriteAsync(output, header);
        long count = 0;
        await foreach (var user in AllAsync(pool.Id, cancellationToken))
        {
            await CsvRecordWriter.WriteAsync(output, header.Select(column => column switch
            {
                Username => user.Username,
                MfaEnabled => "false",
                UserAttributes.Sub => user.Sub,
                Enabled => user.Enabled ? "true" : "false",
                _ => user.Attributes.GetValueOrDefault(column),
            }));
            count++;
        }

        await output.FlushAsync(cancellationToken);
        return count;
    }

    private async IAsyncEnumerable<User> AllAsync(string poolId, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? after = null;
        while (true)
        {
            var page = await adminStore.ListAsync(poolId, null, after, 1000, cancellationToken);
            foreach (var user in page)
            {
                yield return user;
            }

            if (page.Count < 1000)
            {
                yield break;
            }

            after = Logins.UsernameKey(page[^1].Username);
        }
    }

    private static string[] Header(List<string> header)
    {
        var columns = header.Select(h => h.Trim()).ToArray();
        if (columns.Length > 0 && columns[0].StartsWith('\uFEFF'))
        {
            columns[0] = columns[0][1..];
        }

        foreach (var column in columns)
        {
            var known = UserAttributes.IsStandard(column) || column is Username or MfaEnabled or UserStatusColumn or Enabled
                or UserAttributes.Sub or UserAttributes.EmailVerified or UserAttributes.PhoneNumberVerified
                || (column.StartsWith("custom:", StringComparison.Ordinal) && column.Length is > 7 and <= 32);
            if (!known)
            {
                throw CognitoErrors.Error(CognitoErrors.InvalidParameter,
                    $"Line 1: unknown column \"{column}\": not a standard attribute, custom:*, cognito:username, cognito:mfa_enabled, sub or enabled. Nothing was imported.");
            }
        }

        if (columns.Distinct(StringComparer.Ordinal).Count() != columns.Length)
        {
            throw CognitoErrors.Error(CognitoErrors.InvalidParameter, "Line 1: a column appears twice. Nothing was imported.");
        }

        return Array.IndexOf(columns, Username) < 0
            ? throw CognitoErrors.Error(CognitoErrors.InvalidParameter, "Line 1: no cognito:username column. Nothing was imported.")
            : columns;
    }

    private (User? User, string? Reason) Row(UserPool pool, string[] columns, List<string> fields)
    {
        if (fields.Count != columns.Length)
        {
            return (null, fields.Count > columns.Length
                ? $"{fields.Count} fields, but the header has {columns.Length} columns (a value in an unknown column)"
                : $"{fields.Count} fields, but the header has {columns.Length} columns");
        }

        try
        {
            var username = Validate.Username(fields[Array.IndexOf(columns, Username)], Username);
            var attributes = new List<AttributeType>();
            var flags = new Dictionary<string, string>(StringComparer.Ordinal);
            string? sub = null;
            var enabled = true;
            for (var i = 0; i < columns.Length; i++)
            {
                var value = fields[i];
                switch (columns[i])
                {
                    case Username or UserStatusColumn:
                        break;
                    case MfaEnabled:
                        Flag(value, MfaEnabled);
                        break;
                    case UserAttributes.EmailVerified or UserAttributes.PhoneNumberVerified:
                        if (Flag(value, columns[i]) is { } flag)
                        {
                            flags[columns[i]] = flag;
                        }

                        break;
                    case Enabled:
                        enabled = Flag(value, Enabled) != "false";
                        break;
                    case UserAttributes.Sub:
                        sub = value.Length == 0 ? null
                            : Guid.TryParse(value, out var guid) ? guid.ToString("D", CultureInfo.InvariantCulture)
                            : throw CognitoErrors.Error(CognitoErrors.InvalidParameter, $"sub \"{Shorten(value)}\" is not a UUID.");
                        break;
                    default:
                        if (value.Length > 0)
                        {
                            attributes.Add(new AttributeType(columns[i], value));
                        }

                        break;
                }
            }

            var values = UserAttributes.FromClient(attributes, "userAttributes");
            foreach (var (attribute, flag) in new[] { (UserAttributes.PhoneNumber, UserAttributes.PhoneNumberVerified), (UserAttributes.Email, UserAttributes.EmailVerified) })
            {
                if (values.ContainsKey(attribute))
                {
                    values[flag] = flags.GetValueOrDefault(flag, "false");
                }
            }

            if (!values.ContainsKey(UserAttributes.PhoneNumber) && !values.ContainsKey(UserAttributes.Email))
            {
                return (null, "no phone_number or email: a passwordless user signs in with a code sent to one of them");
            }

            var now = time.GetUtcNow();
            return (new User
            {
                PoolId = pool.Id,
                Username = username,
                Sub = sub ?? Guid.NewGuid().ToString(),
                Status = UserStatus.Confirmed,
                Enabled = enabled,
                Attributes = values,
                CreatedAt = now,
                ModifiedAt = now,
            }, null);
        }
        catch (CognitoException failure)
        {
            return (null, failure.Message);
        }
    }

    // 64 bits of SHA-256: no collision to expect below billions of rows, and 8 bytes a row instead of the username.
    private static ulong UsernameHash(string username) =>
        BinaryPrimitives.ReadUInt64LittleEndian(SHA256.HashData(Encoding.UTF8.GetBytes(Logins.UsernameKey(username))));

    private static string? Flag(string value, string column) => value.Trim().ToLowerInvariant() switch
    {
        "" => null,
        "true" => "true",
        "false" => "false",
        _ => throw CognitoErrors.Error(CognitoErrors.InvalidParameter, $"{column} must be true or false, not \"{Shorten(value)}\"."),
    };

    private static string? UsernameOf(string[] columns, List<string> fields) =>
        Array.IndexOf(columns, Username) is var i and >= 0 && i < fields.Count && fields[i].Length > 0 ? Shorten(fields[i]) : null;

    private static string Describe(ImportOutcome outcome) => outcome switch
    {
        ImportOutcome.UsernameTaken => "the username belongs to another user (another sub) already in the pool",
        ImportOutcome.SubTaken => "the sub belongs to another user already in the pool",
        ImportOutcome.PhoneNumberTaken => "the phone_number belongs to another user already in the pool",
        _ => "the email belongs to another user already in the pool",
    };

    private static string Shorten(string value) => value.Length <= 64 ? value : value[..64] + "...";
}
