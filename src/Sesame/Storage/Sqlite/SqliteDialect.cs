using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Sesame.Storage.Sqlite;

/// <summary>SQLite's side of <see cref="SqlDialect"/>.</summary>
internal sealed class SqliteDialect : SqlDialect
{
    private const int SqliteConstraint = 19;
    private const int SqliteConstraintPrimaryKey = 1555;
    private const int SqliteConstraintUnique = 2067;

    public override string Least(string left, string right) => $"MIN({left}, {right})";

    public override string JsonSet(string column, string key, string value) => $"json_set({column}, '$.' || {key}, {value})";

    public override string JsonText(string column, string key) => $"json_extract({column}, '$.{key}')";

    public override string ForUpdate => string.Empty;

    public override string ForUpdateSkipLocked => string.Empty;

    public override string ForShare => string.Empty;

    public override bool IsUniqueViolation(DbException exception) =>
        exception is SqliteException { SqliteErrorCode: SqliteConstraint, SqliteExtendedErrorCode: SqliteConstraintUnique or SqliteConstraintPrimaryKey };
}
