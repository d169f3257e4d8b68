using System.Data.Common;

namespace Sesame.Storage;

/// <summary>
/// The few places where the SQL engines Sesame stores in differ. Everything else is the shared text of
/// <see cref="StoreSql"/>, with <c>@name</c> parameters, which SQLite and PostgreSQL both accept.
/// </summary>
internal abstract class SqlDialect
{
    /// <summary>The smaller of two integer expressions (SQLite's two-argument <c>MIN</c>, PostgreSQL's <c>LEAST</c>).</summary>
    public abstract string Least(string left, string right);

    /// <summary>
    /// The JSON object in text column <paramref name="column"/> with the key that the text expression <paramref name="key"/>
    /// names set to the text expression <paramref name="value"/> (a JSON string, as Cognito's attribute values are).
    /// </summary>
    public abstract string JsonSet(string column, string key, string value);

    /// <summary>The text value of a fixed key of the JSON object in text column <paramref name="column"/>; null when absent.</summary>
    public abstract string JsonText(string column, string key);

    /// <summary>
    /// Ends a SELECT whose rows the transaction goes on to change. SQLite needs nothing (one writer holds the database);
    /// PostgreSQL locks the rows (<c>FOR UPDATE</c>) so a concurrent writer waits and then sees the change.
    /// </summary>
    public abstract string ForUpdate { get; }

    /// <summary>
    /// Ends a SELECT whose rows must stay as read until the commit, though the transaction does not change them: PostgreSQL
    /// share-locks them (<c>FOR SHARE</c>), so a concurrent update or delete of them waits; SQLite needs nothing.
    /// </summary>
    public abstract string ForShare { get; }

    /// <summary>Ends the outbox claim's SELECT: PostgreSQL skips rows another dispatcher holds (<c>FOR UPDATE SKIP LOCKED</c>).</summary>
    public abstract string ForUpdateSkipLocked { get; }

    /// <summary>
    /// What an INSERT that gives an identity column its value says after its column list (PostgreSQL's
    /// <c>OVERRIDING SYSTEM VALUE</c> for <c>GENERATED ALWAYS</c>; SQLite takes the value as it is).
    /// </summary>
    public virtual string OverridingIdentity => string.Empty;

    /// <summary>
    /// The statement that moves the identity of <paramref name="column"/> past the largest value copied in, or null when
    /// the engine does so itself (SQLite's AUTOINCREMENT follows explicit values).
    /// </summary>
    public virtual string? ResetIdentity(string table, string column) => null;

    /// <summary>Whether <paramref name="exception"/> reports a UNIQUE (or primary key) violation.</summary>
    public abstract bool IsUniqueViolation(DbException exception);

    /// <summary>
    /// Runs a write that reads the holders of a unique key (username, phone, email) and then inserts or updates it. On an
    /// engine with concurrent writers two such writes can both read "free"; the loser then hits the UNIQUE index, and
    /// running it again reads the winner's committed row and decides as if it had come second (replace an UNCONFIRMED
    /// holder, refuse for a CONFIRMED one). SQLite, with its one writer, never gets here.
    /// </summary>
    public async Task<T> RetryOnUniqueViolationAsync<T>(Func<Task<T>> write)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await write();
            }
            catch (DbException exception) when (attempt < 3 && IsUniqueViolation(exception))
            {
            }
        }
    }
}
