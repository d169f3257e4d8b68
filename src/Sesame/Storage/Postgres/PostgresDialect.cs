using System.Data.Common;
using Npgsql;

namespace Sesame.Storage.Postgres;

/// <summary>PostgreSQL's side of <see cref="SqlDialect"/>.</summary>
internal sealed class PostgresDialect : SqlDialect
{
    /// <summary>The UNIQUE indexes that hold one user per username, phone number and email of a pool (Schema/0001_initial.sql).</summary>
    private static readonly HashSet<string> UserKeys = new(StringComparer.Ordinal) { "users_pkey", "users_phone", "users_email" };

    public override string Least(string left, string right) => $"LEAST({left}, {right})";

    /// <summary>
    /// Like SQLite's <c>json_set</c> on the text column: an existing key keeps its place, a new one goes last. The
    /// attributes stay <c>json</c> text (not <c>jsonb</c>, which sorts keys), so GetUser returns them in the order they
    /// were written, as on SQLite.
    /// </summary>
    public override string JsonSet(string column, string key, string value) => $"""
        (SELECT json_object_agg(e.k, e.v ORDER BY e.n)::text FROM (
            SELECT j.key AS k, CASE WHEN j.key = {key} THEN to_json(({value})::text) ELSE j.value END AS v, j.n
            FROM json_each(({column})::json) WITH ORDINALITY AS j(key, value, n)
            UNION ALL
            SELECT {key}, to_json(({value})::text), 9223372036854775807
            WHERE NOT EXISTS (SELECT 1 FROM json_each(({column})::json) AS x WHERE x.key = {key})) AS e)
        """;

    public override string JsonText(string column, string key) => $"(({column})::json ->> '{key}')";

    public override string ForUpdate => " FOR UPDATE";

    public override string ForUpdateSkipLocked => " FOR UPDATE SKIP LOCKED";

    public override string ForShare => " FOR SHARE";

    public override string OverridingIdentity => " OVERRIDING SYSTEM VALUE";

    public override string? ResetIdentity(string table, string column) =>
        $"SELECT setval(pg_get_serial_sequence('{table}', '{column}'), (SELECT max({column}) FROM {table})) WHERE EXISTS (SELECT 1 FROM {table})";

    /// <summary>
    /// Only a clash on a user's username, phone number or email: the race the caller can settle by running its write
    /// again. Any other unique violation (a duplicate sub or token hash) is a fault and surfaces as one.
    /// </summary>
    public override bool IsUniqueViolation(DbException exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: { } constraint } && UserKeys.Contains(constraint);
}
