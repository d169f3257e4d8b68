using Npgsql;
using Sesame.Users;

namespace Sesame.Storage.Postgres;

internal sealed class PostgresUserStore(PostgresDatabase database) : IUserStore
{
    // Each round either inserts or finds a holder that committed since the last one (READ COMMITTED gives every
    // statement a fresh snapshot), so with N sign-ups racing for one key a round is lost at most N - 1 times.
    private const int MaxRounds = 64;

    public async ValueTask<User?> FindAsync(string poolId, string login, CancellationToken cancellationToken) =>
        await database.ReadAsync(async (connection, ct) =>
        {
            // A username match wins over an alias match of the same text.
            await using var command = connection.Command(PostgresDatabase.Sql.FindUser).Text("@pool", poolId).Text("@key", Logins.Key(login)).Text("@login", login);
            await using var reader = await command.ExecuteReaderAsync(ct);
            return await reader.ReadAsync(ct) ? PostgresUserRows.Read(reader) : null;
        }, cancellationToken);

    /// <summary>
    /// Insert first, and let the UNIQUE indexes on username, phone and email decide (never a read before the write, which
    /// two nodes could both pass): when the insert meets a holder, a CONFIRMED one refuses the sign-up, UNCONFIRMED ones
    /// are removed (locked first, so concurrent sign-ups queue on them) and the insert is tried again.
    /// </summary>
    public async ValueTask<CreateUserOutcome> CreateAsync(
        User user, StoredCode? code, OutboxMessage? message, TakenNotices? ifTaken, bool moveAliases, CancellationToken cancellationToken)
    {
        var usernameKey = Logins.UsernameKey(user.Username);
        var phoneKey = user.PhoneKey;
        var emailKey = user.EmailKey;
        var preferredKey = user.PreferredUsernameKey;

        return await database.WriteAsync(async (connection, transaction, ct) =>
        {
            for (var round = 1; ; round++)
            {
                await using (var insert = connection.Command(PostgresDatabase.Sql.InsertUserUnlessTaken, transaction).WithUser(user, usernameKey, phoneKey, emailKey))
                {
                    if (await insert.ExecuteNonQueryAsync(ct) == 1)
                    {
                        break;
                    }
                }

                var holders = await HoldersAsync(connection, transaction, user.PoolId, usernameKey, phoneKey, emailKey, preferredKey, ct);
                // The username's holder first, then a preferred username's (never moved): they refuse the creation
                // before any alias is moved.
                foreach (var holder in holders.Where(h => h.Status != UserStatus.Unconfirmed)
                    .OrderByDescending(h => h.UsernameKey == usernameKey).ThenByDescending(h => preferredKey is not null && h.Preferred == preferredKey))
                {
                    if (moveAliases && holder.UsernameKey != usernameKey && !(preferredKey is not null && holder.Preferred == preferredKey))
                    {
                        await PostgresUserAccountStore.DropAliasesAsync(connection, transaction, user.PoolId, holder.UsernameKey,
                            phoneKey is not null && holder.Phone == phoneKey, emailKey is not null && holder.Email == emailKey, user.CreatedAt, ct);
                        continue;
                    }

                    var taken = holder.UsernameKey == usernameKey ? CreateUserOutcome.UsernameExists
                        : preferredKey is not null && holder.Preferred == preferredKey ? CreateUserOutcome.PreferredUsernameExists
                        : phoneKey is not null && holder.Phone == phoneKey ? CreateUserOutcome.PhoneNumberExists
                        : CreateUserOutcome.EmailExists;
                    if (ifTaken?.For(taken) is { } notice)
                    {
                        await PostgresOutboxStore.EnqueueAsync(connection, transaction, notice, ct);
                    }

                    return taken;
                }

                if (round == MaxRounds)
                {
                    throw new InvalidOperationException($"A user of pool {user.PoolId} could not be created: its username, phone or email stayed contended.");
                }

                foreach (var holder in holders.Where(h => h.Status == UserStatus.Unconfirmed))
                {
                    await PostgresUserRows.DeleteAsync(connection, transaction, user.PoolId, holder.UsernameKey, user.CreatedAt, ct);
                }
            }

            if (code is not null)
            {
                await PostgresOneTimeCodes.SaveAsync(connection, transaction, code, ct);
            }

            if (message is not null)
            {
                await PostgresOutboxStore.EnqueueAsync(connection, transaction, message, ct);
            }

            user.Version = 1;
            return CreateUserOutcome.Created;
        }, cancellationToken);
    }

    public async ValueTask<bool> ConfirmAsync(string poolId, string usernameKey, string sub, string? attribute, DateTimeOffset now, CancellationToken cancellationToken) =>
        await database.WriteAsync(async (connection, transaction, ct) =>
        {
            await using var update = attribute is null
                ? connection.Command(PostgresDatabase.Sql.ConfirmUserWithoutVerifying, transaction)
                    .Text("@pool", poolId).Text("@user", usernameKey).Text("@sub", sub).Time("@now", now)
                : connection.Command(PostgresDatabase.Sql.ConfirmUser, transaction)
                    .Text("@pool", poolId).Text("@user", usernameKey).Text("@sub", sub).Time("@now", now).Text("@verified", $"{attribute}_verified");
            return await update.ExecuteNonQueryAsync(ct) == 1;
        }, cancellationToken);

    public async ValueTask<AttributeWriteOutcome> ConfirmWithAliasesAsync(
        string poolId, string usernameKey, string sub, string attribute, string? phoneKey, string? emailKey, string? preferredUsernameKey, bool force,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        try
        {
            return await PostgresDatabase.Sql.Dialect.RetryOnUniqueViolationAsync(() => database.WriteAsync(async (connection, transaction, ct) =>
            {
                var clash = await PostgresUserAccountStore.ClearAliasesAsync(
                    connection, transaction, poolId, usernameKey, phoneKey, emailKey, preferredUsernameKey, force, now, ct);
                if (clash is not AttributeWriteOutcome.Written)
                {
                    return clash;
                }

                await using var update = connection.Command(PostgresDatabase.Sql.ConfirmUserWithAliases, transaction)
                    .Text("@pool", poolId).Text("@user", usernameKey).Text("@sub", sub).Time("@now", now).Text("@verified", $"{attribute}_verified")
                    .Text("@phone", phoneKey).Text("@email", emailKey).Text("@preferred", preferredUsernameKey);
                // Not that user any more: undo the moves made for it.
                return await update.ExecuteNonQueryAsync(ct) == 1 ? AttributeWriteOutcome.Written : throw new UserChangedException();
            }, cancellationToken));
        }
        catch (UserChangedException)
        {
            return AttributeWriteOutcome.UserChanged;
        }
    }

    private sealed class UserChangedException : Exception;

    private static async Task<List<(string UsernameKey, string Status, string? Phone, string? Email, string? Preferred)>> HoldersAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string poolId, string usernameKey, string? phoneKey, string? emailKey,
        string? preferredKey, CancellationToken cancellationToken)
    {
        await using var find = connection.Command(PostgresDatabase.Sql.FindHolders, transaction)
            .Text("@pool", poolId).Text("@user", usernameKey).Text("@phone", phoneKey).Text("@email", emailKey).Text("@preferred", preferredKey);
        await using var reader = await find.ExecuteReaderAsync(cancellationToken);
        var holders = new List<(string, string, string?, string?, string?)>();
        while (await reader.ReadAsync(cancellationToken))
        {
            holders.Add((reader.GetString(0), reader.GetString(1), reader.GetStringOrNull(2), reader.GetStringOrNull(3), reader.GetStringOrNull(4)));
        }

        return holders;
    }
}
