using Sesame.Cognito;
using Sesame.Pools;
using Sesame.Storage;
using Sesame.Users;

namespace Sesame.Admin;

/// <summary>Which of Cognito's two CSV layouts a file is in.</summary>
internal enum CognitoCsvLayout
{
    /// <summary>A user export (console, scripts, <c>sesame export</c>): RFC 4180 quoting, optional <c>sub</c> and <c>enabled</c>.</summary>
    Export,

    /// <summary>
    /// The file Cognito's own import job takes (CreateUserImportJob, header from GetCSVHeader): every column of the
    /// header present, <c>cognito:username</c>, <c>cognito:mfa_enabled</c> and a true <c>email_verified</c> or
    /// <c>phone_number_verified</c> on every row, commas inside values escaped with a backslash, no <c>sub</c>.
    /// </summary>
    ImportJob,
}

/// <summary>
/// Cognito's user CSV, both ways: the header of standard and <c>custom:</c> attributes, <c>cognito:username</c>,
/// <c>cognito:mfa_enabled</c>, <c>email_verified</c>, <c>phone_number_verified</c> that Cognito's console, its
/// <c>GetCSVHeader</c> and export tools use, plus the optional <c>sub</c> (kept, so tokens' subjects and app databases stay
/// valid) and <c>enabled</c> columns. Imported users are CONFIRMED and passwordless: they sign in by code at once.
/// </summary>
internal sealed class CognitoUserCsv(UserPools pools, UserImport import, IUserAdminStore adminStore)
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

    /// <summary>
    /// Imports every row of <paramref name="csv"/> into the pool, streaming. A row whose username (and sub) already exists
    /// is skipped, so running the same file again resumes an interrupted import. A row that cannot be imported is reported
    /// to <paramref name="rejected"/> with its line and reason and written nowhere. A header naming an unknown column (or,
    /// for the import-job layout, missing a required one) is refused (InvalidParameterException) before any row is written.
    /// </summary>
    public Task<ImportProgress> ImportAsync(
        string poolId, TextReader csv, Action<ImportRejection> rejected, Action<ImportProgress>? progress, CancellationToken cancellationToken,
        CognitoCsvLayout layout = CognitoCsvLayout.Export)
    {
        var pool = import.Pool(poolId);
        var reader = new CsvRecordReader(csv, backslashEscapesComma: layout == CognitoCsvLayout.ImportJob);
        var header = reader.Read(out _, out _) ?? throw CognitoErrors.Error(CognitoErrors.InvalidParameter, "The file is empty: no header row.");
        var columns = Header(header, layout);
        return import.RunAsync(Rows(pool, reader, columns, layout), rejected, progress, cancellationToken);
    }

    private IEnumerable<ImportRow> Rows(UserPool pool, CsvRecordReader reader, string[] columns, CognitoCsvLayout layout)
    {
        while (reader.Read(out var line, out var malformed) is { } fields)
        {
            if (fields is [""])
            {
                continue;
            }

            yield return malformed is not null ? ImportRow.Rejected(line, malformed, UsernameOf(columns, fields)) : Row(pool, line, columns, fields, layout);
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

    private static string[] Header(List<string> header, CognitoCsvLayout layout)
    {
        var columns = header.Select(h => h.Trim()).ToArray();
        if (columns.Length > 0 && columns[0].StartsWith('\uFEFF'))
        {
            columns[0] = columns[0][1..];
        }

        var job = layout == CognitoCsvLayout.ImportJob;
        foreach (var column in columns)
        {
            var known = UserAttributes.IsStandard(column) || column is Username or MfaEnabled
                || (!job && column is UserStatusColumn or Enabled or UserAttributes.Sub)
                || column is UserAttributes.EmailVerified or UserAttributes.PhoneNumberVerified
                || (column.StartsWith("custom:", StringComparison.Ordinal) && column.Length is > 7 and <= 32);
            if (!known)
            {
                throw CognitoErrors.Error(CognitoErrors.InvalidParameter, job && column is UserStatusColumn or Enabled or UserAttributes.Sub
                    ? $"Line 1: \"{column}\" is not a column of Cognito's import-job CSV (GetCSVHeader); `sesame import cognito` reads exports with it. Nothing was imported."
                    : $"Line 1: unknown column \"{column}\": not a standard attribute, custom:*, cognito:username, cognito:mfa_enabled{(job ? "" : ", sub or enabled")}. Nothing was imported.");
            }
        }

        if (columns.Distinct(StringComparer.Ordinal).Count() != columns.Length)
        {
            throw CognitoErrors.Error(CognitoErrors.InvalidParameter, "Line 1: a column appears twice. Nothing was imported.");
        }

        if (Array.IndexOf(columns, Username) < 0)
        {
            throw CognitoErrors.Error(CognitoErrors.InvalidParameter, "Line 1: no cognito:username column. Nothing was imported.");
        }

        if (job && (Array.IndexOf(columns, MfaEnabled) < 0
            || (Array.IndexOf(columns, UserAttributes.EmailVerified) < 0 && Array.IndexOf(columns, UserAttributes.PhoneNumberVerified) < 0)))
        {
            throw CognitoErrors.Error(CognitoErrors.InvalidParameter,
                "Line 1: Cognito's import-job CSV needs cognito:mfa_enabled and email_verified or phone_number_verified columns. Nothing was imported.");
        }

        return columns;
    }

    private ImportRow Row(UserPool pool, long line, string[] columns, List<string> fields, CognitoCsvLayout layout)
    {
        var username = UsernameOf(columns, fields);
        if (fields.Count != columns.Length)
        {
            return ImportRow.Rejected(line, fields.Count > columns.Length
                ? $"{fields.Count} fields, but the header has {columns.Length} columns (a value in an unknown column)"
                : $"{fields.Count} fields, but the header has {columns.Length} columns", username);
        }

        var job = layout == CognitoCsvLayout.ImportJob;
        try
        {
            var attributes = new List<AttributeType>();
            var flags = new Dictionary<string, string>(StringComparer.Ordinal);
            string? sub = null;
            var enabled = true;
            for (var i = 0; i < columns.Length; i++)
            {
                // Cognito's import job trims white space around every value.
                var value = job ? fields[i].Trim() : fields[i];
                switch (columns[i])
                {
                    case Username or UserStatusColumn:
                        break;
                    case MfaEnabled:
                        if (UserImport.Flag(value, MfaEnabled) is null && job)
                        {
                            throw CognitoErrors.Error(CognitoErrors.InvalidParameter, "cognito:mfa_enabled is required (true or false).");
                        }

                        break;
                    case UserAttributes.EmailVerified or UserAttributes.PhoneNumberVerified:
                        if (UserImport.Flag(value, columns[i]) is { } flag)
                        {
                            flags[columns[i]] = flag;
                        }

                        break;
                    case Enabled:
                        enabled = UserImport.Flag(value, Enabled) != "false";
                        break;
                    case UserAttributes.Sub:
                        sub = value.Length == 0 ? null : value;
                        break;
                    case "updated_at" when job && value.Length > 0 && value.AsSpan().ContainsAnyExceptInRange('0', '9'):
                        throw CognitoErrors.Error(CognitoErrors.InvalidParameter, $"updated_at must be epoch seconds, not \"{UserImport.Shorten(value)}\".");
                    default:
                        if (value.Length > 0)
                        {
                            attributes.Add(new AttributeType(columns[i], value));
                        }

                        break;
                }
            }

            if (job)
            {
                JobVerification(columns, fields, flags);
            }

            return new ImportRow(line, import.User(pool, fields[Array.IndexOf(columns, Username)], sub, enabled, attributes, flags, passwordHash: null), null, username);
        }
        catch (CognitoException failure)
        {
            return ImportRow.Rejected(line, failure.Message, username);
        }
    }

    // The import job's rule: at least one of email_verified and phone_number_verified true, and the attribute it verifies present.
    private static void JobVerification(string[] columns, List<string> fields, Dictionary<string, string> flags)
    {
        var any = false;
        foreach (var (attribute, flag) in new[] { (UserAttributes.Email, UserAttributes.EmailVerified), (UserAttributes.PhoneNumber, UserAttributes.PhoneNumberVerified) })
        {
            if (flags.GetValueOrDefault(flag) != "true")
            {
                continue;
            }

            any = true;
            if (Array.IndexOf(columns, attribute) is var i && (i < 0 || fields[i].Trim().Length == 0))
            {
                throw CognitoErrors.Error(CognitoErrors.InvalidParameter, $"{flag} is true but there is no {attribute}.");
            }
        }

        if (!any)
        {
            throw CognitoErrors.Error(CognitoErrors.InvalidParameter, "neither email_verified nor phone_number_verified is true (Cognito's import job needs one).");
        }
    }

    private static string? UsernameOf(string[] columns, List<string> fields) =>
        Array.IndexOf(columns, Username) is var i and >= 0 && i < fields.Count && fields[i].Length > 0 ? UserImport.Shorten(fields[i].Trim()) : null;

}
