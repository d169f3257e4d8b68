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
        User user, StoredCode? code, OutboxMessage? message, TakenNotices? ifTaken, CancellationToken cancellationToken)
    {
        var usernameKey = Logins.UsernameKey(user.Username);
        var phoneKey = user.PhoneNumber;
        var emailKey = user.Email is { } email ? Logins.EmailKey(email) : null;

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

                var holders = await HoldersAsync(connection, transaction, user.PoolId, usernameKey, phoneKey, emailKey, ct);
                foreach (var holder in holders.Where(h => h.Status != UserStatus.Unconfirmed))
                {
                    var taken = holder.UsernameKey == usernameKey ? CreateUserOutcome.UsernameExists
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

                foreach (var holder in holders)
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

    private static async Task<List<(string UsernameKey, string Status, string? Phone)>> HoldersAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string poolId, string usernameKey, string? phoneKey, string? emailKey,
        CancellationToken cancellationToken)
    {
        await using var find = connection.Command(PostgresDatabase.Sql.FindHolders, transaction)
            .Text("@pool", poolId).Text("@user", usernameKey).Text("@phone", phoneKey).Text("@email", emailKey);
        await using var reader = await find.ExecuteReaderAsync(cancellationToken);
        var holders = new List<(string, string, string?)>();
        while (await reader.ReadAsync(cancellationToken))
        {
            holders.Add((reader.GetString(0), reader.GetString(1), reader.GetStringOrNull(2)));
        }

        return holders;
    }
}
