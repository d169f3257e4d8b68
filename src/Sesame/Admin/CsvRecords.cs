using System.Text;

namespace Sesame.Admin;

/// <summary>
/// RFC 4180 CSV, read one record at a time from a <see cref="TextReader"/> (never the whole file): fields separated by
/// commas, quoted with <c>"</c> when they hold commas, quotes (doubled) or line breaks; CRLF or LF between records.
/// </summary>
/// <param name="backslashEscapesComma">
/// Cognito's import-job layout: outside quotes, <c>\,</c> is a comma inside the value ("put a backslash before all of the
/// commas in the attribute value"), not a separator.
/// </param>
internal sealed class CsvRecordReader(TextReader reader, bool backslashEscapesComma = false)
{
    private readonly StringBuilder _field = new();
    private long _line = 1;

    /// <summary>The next record and the line it starts on; null at the end. <paramref name="malformed"/> is set for an unterminated quote.</summary>
    public List<string>? Read(out long line, out string? malformed)
    {
        malformed = null;
        line = _line;
        var first = reader.Peek();
        if (first < 0)
        {
            return null;
        }

        var fields = new List<string>();
        var quoted = false;
        var wasQuoted = false;
        _field.Clear();
        while (true)
        {
            var c = reader.Read();
            if (c < 0)
            {
                if (quoted)
                {
                    malformed = "a quoted field is not closed before the end of the file";
                }

                fields.Add(_field.ToString());
                return fields;
            }

            if (quoted)
            {
                if (c == '"')
                {
                    if (reader.Peek() == '"')
                    {
                        reader.Read();
                        _field.Append('"');
                    }
                    else
                    {
                        quoted = false;
                    }
                }
                else
                {
                    if (c == '\n')
                    {
                        _line++;
                    }

                    _field.Append((char)c);
                }

                continue;
            }

            switch (c)
            {
                case '"' when _field.Length == 0 && !wasQuoted:
                    quoted = true;
                    wasQuoted = true;
                    break;
                case ',':
                    fields.Add(_field.ToString());
                    _field.Clear();
                    wasQuoted = false;
                    break;
                case '\\' when backslashEscapesComma && reader.Peek() == ',':
                    reader.Read();
                    _field.Append(',');
                    break;
                case '\r' when reader.Peek() == '\n':
                    break;
                case '\n' or '\r':
                    _line++;
                    fields.Add(_field.ToString());
                    return fields;
                default:
                    _field.Append((char)c);
                    break;
            }
        }
    }
}

/// <summary>Writes CSV records as <see cref="CsvRecordReader"/> reads them (and as spreadsheet programs and Cognito write them).</summary>
internal static class CsvRecordWriter
{
    public static async Task WriteAsync(TextWriter writer, IEnumerable<string?> fields)
    {
        var first = true;
        foreach (var field in fields)
        {
            if (!first)
            {
                await writer.WriteAsync(',');
            }

            first = false;
            var value = field ?? "";
            if (value.AsSpan().IndexOfAny(",\"\r\n") >= 0 || (value.Length > 0 && (char.IsWhiteSpace(value[0]) || char.IsWhiteSpace(value[^1]))))
            {
                await writer.WriteAsync('"');
                await writer.WriteAsync(value.Replace("\"", "\"\"", StringComparison.Ordinal));
                await writer.WriteAsync('"');
            }
            else
            {
                await writer.WriteAsync(value);
            }
        }

        await writer.WriteAsync("\r\n");
    }
}
