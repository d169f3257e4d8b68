using System.Data.Common;
using System.Globalization;

namespace Sesame.Storage;

/// <summary>One table the copy moves: its key (the order rows are read and compared in), and its identity column, if any.</summary>
internal sealed record CopiedTable(string Name, IReadOnlyList<string> Key, string? Identity = null, CopiedChild? Child = null);

/// <summary>A keyless table whose rows belong to one row of their parent and are copied with it, in its batch.</summary>
internal sealed record CopiedChild(string Name, string ParentColumn, string Column);

/// <summary>Where the copy stands: the table under way and the rows of every table.</summary>
internal sealed record StorageCopyProgress(string Table, long TableRows, long TableDone, long TotalRows, long TotalDone, long Copied, long Skipped);

/// <summary>What the copy did to one table: rows in the source, rows written now, rows the target already held (identical).</summary>
internal sealed record StorageCopyTableResult(string Table, long Rows, long Copied, long Skipped);

/// <summary>The target holds rows the source does not have or has otherwise: it is another deployment's database.</summary>
internal sealed class StorageCopyRefusedException(string message) : Exception(message);

/// <summary>
/// Copies every table of one Sesame database into another, engine to engine (a SQLite data directory into PostgreSQL:
/// <c>sesame storage copy</c>, docs/operations.md). Both databases carry this build's schema, whose tables and columns
/// are the same on every engine (times are Unix milliseconds, maps JSON text, secrets sealed with the master key), so
/// rows move value for value, sealed values included: the target serves them with the same master key.
/// <para>
/// Safe to run again and to resume. Before writing anything, every row the target already holds is compared with the
/// source's row of the same key; one that the source lacks or holds otherwise refuses the copy (another deployment's
/// database), naming the tables and counts only (keys can be phone numbers or token hashes). Then each table is read in
/// key order, in batches, each batch written in one target transaction with <c>ON CONFLICT DO NOTHING</c>: an
/// interruption leaves whole batches, and the next run skips what is there. The source is read in one snapshot (the
/// caller's transaction), so a source still being written is copied as of one moment.
/// </para>
/// </summary>
internal sealed class StorageCopier(DbConnection source, DbTransaction sourceSnapshot, DbConnection target, SqlDialect targetDialect, int batchSize = 500)
{
    /// <summary>Every table of the schema, parents before the rows that reference them (schema_version is each engine's own).</summary>
    public static IReadOnlyList<CopiedTable> Tables { get; } =
    [
        new("server_secrets", ["name"]),
        new("user_pools", ["pool_id"]),
        new("user_pool_clients", ["client_id"]),
        new("signing_keys", ["pool_id", "kid"]),
        new("users", ["pool_id", "username_key"]),
        new("password_verifiers", ["pool_id", "username_key"]),
        new("password_history", ["pool_id", "username_key", "password_hash"]),
        new("password_attempts", ["pool_id", "username_key"]),
        new("user_groups", ["pool_id", "group_key"]),
        new("user_group_members", ["pool_id", "group_key", "sub"]),
        new("one_time_codes", ["pool_id", "subject", "purpose"]),
        new("auth_sessions", ["id_hash"]),
        new("refresh_tokens", ["token_hash"]),
        new("oauth_grants", ["code_hash"]),
        new("hosted_ui_sessions", ["session_hash"]),
        new("outbox", ["id"], Identity: "id"),
        new("rate_limit_keys", ["key"], Child: new("rate_limit_events", "key", "key")),
    ];

    /// <summary>Copies every table; returns what it did to each.</summary>
    public async Task<IReadOnlyList<StorageCopyTableResult>> CopyAsync(IProgress<StorageCopyProgress>? progress, CancellationToken cancellationToken)
    {
        var shapes = new Dictionary<string, Shape>(StringComparer.Ordinal);
        var sourceRows = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var table in Tables)
        {
            shapes[table.Name] = await ShapeAsync(table.Name, cancellationToken);
            if (table.Child is { } child)
            {
                shapes[child.Name] = await ShapeAsync(child.Name, cancellationToken);
            }

            sourceRows[table.Name] = await CountAsync(source, sourceSnapshot, table.Name, cancellationToken);
        }

        await RefuseOtherDataAsync(shapes, cancellationToken);

        var results = new List<StorageCopyTableResult>();
        var total = sourceRows.Values.Sum();
        long totalDone = 0;
        foreach (var table in Tables)
        {
            long done = 0, copied = 0, skipped = 0;
            var shape = shapes[table.Name];
            object?[]? after = null;
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var rows = await PageAsync(source, sourceSnapshot, table, shape.Columns, after, cancellationToken);
                if (rows.Count == 0)
                {
                    break;
                }

                var written = await WriteBatchAsync(table, shapes, rows, cancellationToken);
                copied += written;
                skipped += rows.Count - written;
                done += rows.Count;
                totalDone += rows.Count;
                after = [.. table.Key.Select(k => rows[^1][shape.Index(k)])];
                progress?.Report(new StorageCopyProgress(table.Name, sourceRows[table.Name], done, total, totalDone, copied, skipped));
                if (rows.Count < batchSize)
                {
                    break;
                }
            }

            if (table.Identity is { } identity && targetDialect.ResetIdentity(table.Name, identity) is { } reset)
            {
                await using var command = Command(target, null, reset);
                await command.ExecuteNonQueryAsync(cancellationToken);
            }

            if (done == 0)
            {
                progress?.Report(new StorageCopyProgress(table.Name, 0, 0, total, totalDone, 0, 0));
            }

            results.Add(new StorageCopyTableResult(table.Name, done, copied, skipped));
        }

        return results;
    }

    // ---- refusing another deployment's data -------------------------------------------------------------------------

    private async Task RefuseOtherDataAsync(Dictionary<string, Shape> shapes, CancellationToken cancellationToken)
    {
        var differing = new List<string>();
        foreach (var table in Tables)
        {
            var shape = shapes[table.Name];
            long count = 0;
            object?[]? after = null;
            while (true)
            {
                var rows = await PageAsync(target, null, table, shape.Columns, after, cancellationToken);
                foreach (var row in rows)
                {
                    var mine = await FindSourceRowAsync(table, shape, row, cancellationToken);
                    if (mine is null || !SameRow(shape, mine, row))
                    {
                        count++;
                    }
                }

                if (rows.Count < batchSize)
                {
                    break;
                }

                after = [.. table.Key.Select(k => rows[^1][shape.Index(k)])];
            }

            if (count > 0)
            {
                differing.Add($"{table.Name} ({count.ToString("N0", CultureInfo.InvariantCulture)})");
            }
        }

        if (differing.Count > 0)
        {
            throw new StorageCopyRefusedException(
                "The target database holds rows that the source does not have or holds otherwise, so it is not an empty or partly copied " +
                $"copy of this source: {string.Join(", ", differing)}. Copy into an empty database (nothing was written).");
        }
    }

    private async Task<object?[]?> FindSourceRowAsync(CopiedTable table, Shape shape, object?[] targetRow, CancellationToken cancellationToken)
    {
        await using var command = Command(source, sourceSnapshot,
            $"SELECT {string.Join(", ", shape.Columns)} FROM {table.Name} WHERE {string.Join(" AND ", table.Key.Select((k, i) => $"{k} = @k{i}"))}");
        for (var i = 0; i < table.Key.Count; i++)
        {
            Add(command, $"@k{i}", targetRow[shape.Index(table.Key[i])]);
        }

        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? shape.ToTarget(Values(reader)) : null;
    }

    // ---- copying ----------------------------------------------------------------------------------------------------

    // Keyset paging: "(key columns) > (the last row's)" in key order; SQLite and PostgreSQL both compare row values.
    private async Task<List<object?[]>> PageAsync(
        DbConnection connection, DbTransaction? transaction, CopiedTable table, IReadOnlyList<string> columns, object?[]? after, CancellationToken cancellationToken)
    {
        var key = string.Join(", ", table.Key);
        var where = after is null ? "" : $" WHERE ({key}) > ({string.Join(", ", table.Key.Select((_, i) => "@a" + i))})";
        await using var command = Command(connection, transaction,
            $"SELECT {string.Join(", ", columns)} FROM {table.Name}{where} ORDER BY {key} LIMIT {batchSize}");
        for (var i = 0; after is not null && i < after.Length; i++)
        {
            Add(command, "@a" + i, after[i]);
        }

        var rows = new List<object?[]>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(Values(reader));
        }

        return rows;
    }

    /// <summary>Writes one batch in one transaction; returns how many rows were new (the rest were there, identical).</summary>
    private async Task<int> WriteBatchAsync(CopiedTable table, Dictionary<string, Shape> shapes, List<object?[]> rows, CancellationToken cancellationToken)
    {
        var shape = shapes[table.Name];
        await using var transaction = await target.BeginTransactionAsync(cancellationToken);
        var written = 0;
        var insert = $"INSERT INTO {table.Name} ({string.Join(", ", shape.Columns)}){(table.Identity is null ? "" : targetDialect.OverridingIdentity)} " +
            $"VALUES ({string.Join(", ", shape.Columns.Select((_, i) => "@v" + i))}) ON CONFLICT DO NOTHING";
        foreach (var row in rows)
        {
            var values = shape.ToTarget(row);
            await using var command = Command(target, transaction, insert);
            for (var i = 0; i < values.Length; i++)
            {
                Add(command, "@v" + i, values[i]);
            }

            if (await command.ExecuteNonQueryAsync(cancellationToken) == 1)
            {
                written++;
                if (table.Child is { } child)
                {
                    await CopyChildrenAsync(child, shapes[child.Name], row[shape.Index(child.ParentColumn)], transaction, cancellationToken);
                }
            }
            else if (!await ExistsAsync(table, shape, values, transaction, cancellationToken))
            {
                // Not the same key: the row clashes with another one on a unique index (checked before, so written meanwhile).
                throw new StorageCopyRefusedException(
                    $"A row of {table.Name} clashes with another row of the target on a unique index: the target is being written by someone " +
                    "else. Stop every Sesame node on the target and run the copy again (this batch was not written).");
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return written;
    }

    private async Task CopyChildrenAsync(CopiedChild child, Shape shape, object? parentKey, DbTransaction transaction, CancellationToken cancellationToken)
    {
        var rows = new List<object?[]>();
        await using (var read = Command(source, sourceSnapshot, $"SELECT {string.Join(", ", shape.Columns)} FROM {child.Name} WHERE {child.Column} = @p"))
        {
            Add(read, "@p", parentKey);
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add(Values(reader));
            }
        }

        var insert = $"INSERT INTO {child.Name} ({string.Join(", ", shape.Columns)}) VALUES ({string.Join(", ", shape.Columns.Select((_, i) => "@v" + i))})";
        foreach (var row in rows)
        {
            await using var command = Command(target, transaction, insert);
            var values = shape.ToTarget(row);
            for (var i = 0; i < values.Length; i++)
            {
                Add(command, "@v" + i, values[i]);
            }

            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private async Task<bool> ExistsAsync(CopiedTable table, Shape shape, object?[] values, DbTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = Command(target, transaction,
            $"SELECT 1 FROM {table.Name} WHERE {string.Join(" AND ", table.Key.Select((k, i) => $"{k} = @k{i}"))}");
        for (var i = 0; i < table.Key.Count; i++)
        {
            Add(command, $"@k{i}", values[shape.Index(table.Key[i])]);
        }

        return await command.ExecuteScalarAsync(cancellationToken) is not null;
    }

    // ---- shapes and values ------------------------------------------------------------------------------------------

    /// <summary>
    /// The columns of a table on both sides (by name; every target column must be in the source) and the target's value
    /// types, which source values are converted to (SQLite's integer 0/1 to a boolean, its integers to int or bigint).
    /// </summary>
    private async Task<Shape> ShapeAsync(string table, CancellationToken cancellationToken)
    {
        var sourceColumns = await ColumnsAsync(source, sourceSnapshot, table, cancellationToken);
        var targetColumns = await ColumnsAsync(target, null, table, cancellationToken);
        var missing = targetColumns.Where(t => !sourceColumns.Any(s => s.Name == t.Name)).Select(t => t.Name).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidOperationException($"Table {table} of the source lacks the target's columns {string.Join(", ", missing)}: are both on this build's schema?");
        }

        return new Shape([.. targetColumns.Select(t => t.Name)], [.. targetColumns.Select(t => t.Type)]);
    }

    private static async Task<List<(string Name, Type Type)>> ColumnsAsync(DbConnection connection, DbTransaction? transaction, string table, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, $"SELECT * FROM {table} WHERE 1 = 0");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return [.. Enumerable.Range(0, reader.FieldCount).Select(i => (reader.GetName(i), reader.GetFieldType(i)))];
    }

    private static async Task<long> CountAsync(DbConnection connection, DbTransaction? transaction, string table, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, $"SELECT count(*) FROM {table}");
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    private static bool SameRow(Shape shape, object?[] left, object?[] right)
    {
        for (var i = 0; i < shape.Columns.Count; i++)
        {
            var same = (left[i], right[i]) switch
            {
                (null, null) => true,
                (byte[] a, byte[] b) => a.AsSpan().SequenceEqual(b),
                (double a, double b) => a.Equals(b),
                (var a, var b) => Equals(a, b),
            };
            if (!same)
            {
                return false;
            }
        }

        return true;
    }

    private static object?[] Values(DbDataReader reader)
    {
        var values = new object?[reader.FieldCount];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
        }

        return values;
    }

    private static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command;
    }

    private static void Add(DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
    }

    private sealed class Shape(IReadOnlyList<string> columns, IReadOnlyList<Type> types)
    {
        /// <summary>The columns read and written on both sides, in the target's order.</summary>
        public IReadOnlyList<string> Columns { get; } = columns;

        public int Index(string column)
        {
            for (var i = 0; i < Columns.Count; i++)
            {
                if (Columns[i] == column)
                {
                    return i;
                }
            }

            throw new InvalidOperationException($"No column {column}.");
        }

        /// <summary>A row as read from either side, in the target's value types.</summary>
        public object?[] ToTarget(object?[] row)
        {
            var values = new object?[row.Length];
            for (var i = 0; i < row.Length; i++)
            {
                values[i] = row[i] is not { } value || value.GetType() == types[i] ? row[i]
                    : types[i] == typeof(bool) ? Convert.ToInt64(value, CultureInfo.InvariantCulture) != 0
                    : types[i] == typeof(byte[]) ? value
                    : Convert.ChangeType(value, types[i], CultureInfo.InvariantCulture);
            }

            return values;
        }
    }
}
