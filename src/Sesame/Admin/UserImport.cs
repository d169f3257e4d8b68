using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Sesame.Cognito;
using Sesame.Pools;
using Sesame.Secrets;
using Sesame.Storage;
using Sesame.Users;

namespace Sesame.Admin;

/// <summary>A row an import did not write, and why.</summary>
internal sealed record ImportRejection(long Line, string? Username, string Reason);

/// <summary>Where an import stands: rows read, and what became of them.</summary>
internal sealed record ImportProgress(long Rows, long Imported, long Skipped, long Rejected);

/// <summary>One row of an import file: the user it makes, or why it makes none (and the username, for the report).</summary>
internal readonly record struct ImportRow(long Line, User? User, string? Reason, string? Username)
{
    public static ImportRow Rejected(long line, string reason, string? username) => new(line, null, reason, username);
}

/// <summary>
/// What every import format shares (Cognito's export CSV, its import-job CSV, JSON lines with password hashes): rows read
/// one at a time, checked as AdminCreateUser checks attributes, written in transactions of <see cref="BatchSize"/>, each
/// whole or absent, so an import stopped anywhere leaves whole users and running it again skips them (same username and
/// sub). A row without a sub gets one derived from the server's pseudonym key, the pool and the username, so a re-run of
/// such a file finds its users again instead of refusing them as "another user".
/// </summary>
internal sealed class UserImport(UserPools pools, IUserImportStore importStore, ServerSecrets secrets, TimeProvider time)
{
    /// <summary>Users written per transaction: a batch is whole or absent, so an interrupted import resumes cleanly.</summary>
    public int BatchSize { get; init; } = 500;

    public UserPool Pool(string poolId) =>
        pools.FindPool(poolId) ?? throw CognitoErrors.Error(CognitoErrors.ResourceNotFound, $"User pool {poolId} does not exist.");

    /// <summary>Writes the rows' users, reporting each rejected row to <paramref name="rejected"/> and the count after each batch to <paramref name="progress"/>.</summary>
    public async Task<ImportProgress> RunAsync(
        IEnumerable<ImportRow> rows, Action<ImportRejection> rejected, Action<ImportProgress>? progress, CancellationToken cancellationToken)
    {
        // Usernames seen in this file (64-bit hashes of the username key, some 40 bytes each with the dictionary's own): a repeated one is a duplicate row.
        var seen = new Dictionary<ulong, long>();
        var batch = new List<(long Line, User User)>(BatchSize);
        long count = 0, imported = 0, skipped = 0, rejections = 0;

        foreach (var row in rows)
        {
            cancellationToken.ThrowIfCancellationRequested();
            count++;
            var (user, reason) = (row.User, row.Reason);
            if (user is not null && !seen.TryAdd(UsernameHash(user.Username), row.Line))
            {
                reason = $"duplicate username: line {seen[UsernameHash(user.Username)]} has it too";
                user = null;
            }

            if (user is null)
            {
                rejections++;
                rejected(new ImportRejection(row.Line, row.Username, reason!));
                continue;
            }

            batch.Add((row.Line, user));
            if (batch.Count == BatchSize)
            {
                await FlushAsync();
            }
        }

        await FlushAsync();
        return new ImportProgress(count, imported, skipped, rejections);

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

            progress?.Invoke(new ImportProgress(count, imported, skipped, rejections));
        }
    }

    /// <summary>
    /// A CONFIRMED user from one row's values, checked as AdminCreateUser checks them (a <see cref="CognitoException"/>
    /// names what is wrong). <paramref name="verified"/> holds the rows' <c>*_verified</c> flags ("true"/"false"); a phone
    /// number or email without one is unverified. Without a <paramref name="passwordHash"/> the user signs in by code,
    /// so a phone number or email is required.
    /// </summary>
    public User User(UserPool pool, string username, string? sub, bool enabled, List<AttributeType> attributes,
        IReadOnlyDictionary<string, string> verified, string? passwordHash)
    {
        username = Validate.Username(username, "cognito:username");
        var values = UserAttributes.FromClient(attributes, "userAttributes");
        foreach (var (attribute, flag) in new[] { (UserAttributes.PhoneNumber, UserAttributes.PhoneNumberVerified), (UserAttributes.Email, UserAttributes.EmailVerified) })
        {
            if (values.ContainsKey(attribute))
            {
                values[flag] = verified.GetValueOrDefault(flag, "false");
            }
        }

        if (passwordHash is null && !values.ContainsKey(UserAttributes.PhoneNumber) && !values.ContainsKey(UserAttributes.Email))
        {
            throw CognitoErrors.Error(CognitoErrors.InvalidParameter, "no phone_number or email: a passwordless user signs in with a code sent to one of them");
        }

        var now = time.GetUtcNow();
        return new User
        {
            PoolId = pool.Id,
            Username = username,
            Sub = sub is null ? DerivedSub(pool.Id, username) : Sub(sub),
            Status = UserStatus.Confirmed,
            Enabled = enabled,
            Attributes = values,
            AliasAttributes = pool.Options.AliasAttributes,
            PasswordHash = passwordHash,
            PasswordSetAt = passwordHash is null ? null : now,
            CreatedAt = now,
            ModifiedAt = now,
        };
    }

    /// <summary>A sub given in the file: a UUID, in its canonical form.</summary>
    public static string Sub(string value) => Guid.TryParse(value, out var guid)
        ? guid.ToString("D", CultureInfo.InvariantCulture)
        : throw CognitoErrors.Error(CognitoErrors.InvalidParameter, $"sub \"{Shorten(value)}\" is not a UUID.");

    /// <summary>"true" or "false" (any case), null for an empty value; anything else is refused naming <paramref name="column"/>.</summary>
    public static string? Flag(string value, string column) => value.Trim().ToLowerInvariant() switch
    {
        "" => null,
        "true" => "true",
        "false" => "false",
        _ => throw CognitoErrors.Error(CognitoErrors.InvalidParameter, $"{column} must be true or false, not \"{Shorten(value)}\"."),
    };

    public static string Shorten(string value) => value.Length <= 64 ? value : value[..64] + "...";

    // A UUID (version 8, RFC 9562) from a keyed hash of the pool and username: stable across runs, not guessable from the username.
    private string DerivedSub(string poolId, string username)
    {
        var hash = HMACSHA256.HashData(secrets.PseudonymKey, Encoding.UTF8.GetBytes($"import-sub:{poolId}:{Logins.UsernameKey(username)}"));
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16), bigEndian: true).ToString("D", CultureInfo.InvariantCulture);
    }

    // 64 bits of SHA-256: no collision to expect below billions of rows, and 8 bytes a row instead of the username.
    private static ulong UsernameHash(string username) =>
        BinaryPrimitives.ReadUInt64LittleEndian(SHA256.HashData(Encoding.UTF8.GetBytes(Logins.UsernameKey(username))));

    private static string Describe(ImportOutcome outcome) => outcome switch
    {
        ImportOutcome.UsernameTaken => "the username belongs to another user (another sub) already in the pool",
        ImportOutcome.SubTaken => "the sub belongs to another user already in the pool",
        ImportOutcome.PhoneNumberTaken => "the phone_number belongs to another user already in the pool",
        _ => "the email belongs to another user already in the pool",
    };
}
