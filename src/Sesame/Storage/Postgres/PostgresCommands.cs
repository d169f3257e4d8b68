using Npgsql;
using NpgsqlTypes;

namespace Sesame.Storage.Postgres;

/// <summary>
/// Typed parameters and readers for the shared SQL of <see cref="StoreSql"/>. Every parameter carries its PostgreSQL type,
/// so a null (<c>@pool IS NULL OR …</c>) is never of unknown type; times are Unix milliseconds in <c>bigint</c>, as on SQLite.
/// </summary>
internal static class PostgresCommands
{
    public static NpgsqlCommand Command(this NpgsqlConnection connection, string sql, NpgsqlTransaction? transaction = null) =>
        new(sql, connection, transaction);

    public static NpgsqlCommand Text(this NpgsqlCommand command, string name, string? value) => Add(command, name, NpgsqlDbType.Text, value);

    public static NpgsqlCommand Bytes(this NpgsqlCommand command, string name, byte[]? value) => Add(command, name, NpgsqlDbType.Bytea, value);

    public static NpgsqlCommand Int(this NpgsqlCommand command, string name, int value) => Add(command, name, NpgsqlDbType.Integer, value);

    public static NpgsqlCommand NullableInt(this NpgsqlCommand command, string name, int? value) => Add(command, name, NpgsqlDbType.Integer, value);

    public static NpgsqlCommand Long(this NpgsqlCommand command, string name, long value) => Add(command, name, NpgsqlDbType.Bigint, value);

    public static NpgsqlCommand Double(this NpgsqlCommand command, string name, double? value) => Add(command, name, NpgsqlDbType.Double, value);

    public static NpgsqlCommand Bool(this NpgsqlCommand command, string name, bool value) => Add(command, name, NpgsqlDbType.Boolean, value);

    public static NpgsqlCommand Time(this NpgsqlCommand command, string name, DateTimeOffset value) => Long(command, name, value.ToUnixTimeMilliseconds());

    public static NpgsqlCommand NullableTime(this NpgsqlCommand command, string name, DateTimeOffset? value) =>
        Add(command, name, NpgsqlDbType.Bigint, value?.ToUnixTimeMilliseconds());

    public static DateTimeOffset GetTime(this NpgsqlDataReader reader, int ordinal) => DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(ordinal));

    public static DateTimeOffset? GetTimeOrNull(this NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetTime(ordinal);

    public static string? GetStringOrNull(this NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    public static byte[] GetBlob(this NpgsqlDataReader reader, int ordinal) => reader.GetFieldValue<byte[]>(ordinal);

    private static NpgsqlCommand Add(NpgsqlCommand command, string name, NpgsqlDbType type, object? value)
    {
        command.Parameters.Add(new NpgsqlParameter(name, type) { Value = value ?? DBNull.Value });
        return command;
    }
}
