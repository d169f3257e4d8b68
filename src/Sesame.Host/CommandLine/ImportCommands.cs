using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Sesame.Admin;

namespace Sesame.Host.CommandLine;

/// <summary>
/// <c>sesame import cognito</c> and <c>sesame export</c>: Cognito's user CSV in and out, streamed, with usernames and subs
/// kept. An import is idempotent: run it again (after Ctrl+C, a crash, or a fix to rejected rows) and it skips what exists.
/// </summary>
internal static class ImportCommands
{
    private const int ShownRejections = 1000;

    public static Command Import(CommandRun run)
    {
        var import = new Command("import", "Import users from Cognito or another system. Streams the file; re-running skips users that exist.");
        import.Add(Format(run, "cognito", "users.csv", "A Cognito user export (CSV with a header row).",
            "Import Cognito's user CSV: its standard and custom: attributes, cognito:username, cognito:mfa_enabled, email_verified, "
            + "phone_number_verified, and sub when present. Users keep their usernames and subs, are CONFIRMED and sign in by code at once.",
            (cli, pool, reader, rejected, progress, ct) => cli.Services.GetRequiredService<CognitoUserCsv>().ImportAsync(pool, reader, rejected, progress, ct)));
        import.Add(Format(run, "cognito-job", "users.csv", "A CSV in the layout of Cognito's import job (the header GetCSVHeader gives).",
            "Import the CSV that Cognito's own bulk import job (CreateUserImportJob) takes: every GetCSVHeader column, cognito:mfa_enabled "
            + "and a true email_verified or phone_number_verified on each row, commas in values escaped as \\,. Users get new subs, are "
            + "CONFIRMED and sign in by code at once (Cognito would make them RESET_REQUIRED).",
            (cli, pool, reader, rejected, progress, ct) => cli.Services.GetRequiredService<CognitoUserCsv>().ImportAsync(
                pool, reader, rejected, progress, ct, CognitoCsvLayout.ImportJob)));
        import.Add(Format(run, "jsonl", "users.jsonl", "One JSON object a line: username, sub, enabled, attributes, password_hash.",
            "Import users from another system as JSON lines, with password hashes (bcrypt, Argon2, PBKDF2, ASP.NET Core Identity) that "
            + "are verified at each user's first password sign-in and then replaced by the current hash. See docs/operations.md.",
            (cli, pool, reader, rejected, progress, ct) => cli.Services.GetRequiredService<JsonLinesUsers>().ImportAsync(pool, reader, rejected, progress, ct)));
        return import;
    }

    private delegate Task<ImportProgress> ImportRunner(
        CliContext cli, string pool, TextReader reader, Action<ImportRejection> rejected, Action<ImportProgress> progress, CancellationToken cancellationToken);

    /// <summary>One import format's command: the file streamed in, progress and rejections on stderr, the summary on stdout.</summary>
    private static Command Format(CommandRun run, string name, string fileName, string fileDescription, string description, ImportRunner runner)
    {
        var pool = UserCommands.PoolOption();
        var file = new Argument<FileInfo>(fileName) { Description = fileDescription };
        var rejectedFile = new Option<FileInfo?>("--rejected")
        {
            Description = "Also write every rejected row's line, username and reason to this CSV file (stderr shows the first 1,000).",
        };
        var command = new Command(name, description) { pool, file, rejectedFile };
        run.Handle(command, async (parseResult, cli, cancellationToken) =>
        {
            var path = parseResult.GetValue(file)!;
            if (!path.Exists)
            {
                await cli.Error.WriteLineAsync($"No such file: {path.FullName}");
                return ExitCodes.Usage;
            }

            await using var stream = new FileStream(path.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
            using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
            await using var rejects = parseResult.GetValue(rejectedFile) is { } r ? new StreamWriter(r.FullName, append: false, Encoding.UTF8) : null;
            if (rejects is not null)
            {
                await CsvRecordWriter.WriteAsync(rejects, ["line", "cognito:username", "reason"]);
            }

            var shown = 0;
            var pending = new List<ImportRejection>();
            var meter = new ProgressMeter(cli.Error, stream);
            var summary = await runner(cli, parseResult.GetValue(pool)!, reader,
                rejection =>
                {
                    pending.Add(rejection);
                    if (shown++ < ShownRejections)
                    {
                        meter.Interrupt($"line {rejection.Line.ToString(CultureInfo.InvariantCulture)}{(rejection.Username is { } u ? " (" + u + ")" : "")}: {rejection.Reason}");
                    }
                },
                progress =>
                {
                    meter.Report(progress);
                    if (rejects is not null)
                    {
                        foreach (var rejection in pending)
                        {
                            CsvRecordWriter.WriteAsync(rejects, [rejection.Line.ToString(CultureInfo.InvariantCulture), rejection.Username, rejection.Reason]).GetAwaiter().GetResult();
                        }
                    }

                    pending.Clear();
                },
                cancellationToken);
            meter.Done(summary);
            if (shown > ShownRejections)
            {
                await cli.Error.WriteLineAsync($"... and {shown - ShownRejections} more rejected rows{(rejects is null ? " (--rejected <file> writes them all)" : "")}.");
            }

            await cli.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"{summary.Rows:N0} rows: {summary.Imported:N0} imported, {summary.Skipped:N0} skipped (already there), {summary.Rejected:N0} rejected."));
            return summary.Rejected == 0 ? ExitCodes.Ok : ExitCodes.RowsRejected;
        });
        return command;
    }

    public static Command Export(CommandRun run)
    {
        var pool = UserCommands.PoolOption();
        var file = new Argument<FileInfo?>("users.csv") { Description = "Where to write (default: stdout).", Arity = ArgumentArity.ZeroOrOne };
        var export = new Command("export", "Export a pool's users as Cognito's user CSV (plus sub and enabled), which `sesame import cognito` reads back.") { pool, file };
        run.Handle(export, async (parseResult, cli, cancellationToken) =>
        {
            var csv = cli.Services.GetRequiredService<CognitoUserCsv>();
            if (parseResult.GetValue(file) is not { } path)
            {
                await csv.ExportAsync(parseResult.GetValue(pool)!, cli.Out, cancellationToken);
                return ExitCodes.Ok;
            }

            // Written beside the target and moved into place: a failed export never leaves half a file under its name.
            var partial = path.FullName + ".partial";
            long count;
            await using (var writer = new StreamWriter(partial, append: false, new UTF8Encoding(false), 1 << 16))
            {
                count = await csv.ExportAsync(parseResult.GetValue(pool)!, writer, cancellationToken);
            }

            File.Move(partial, path.FullName, overwrite: true);
            await cli.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{count:N0} users written to {path.FullName}."));
            return ExitCodes.Ok;
        });
        return export;
    }

    /// <summary>Rows, rate and time left on stderr: redrawn in place on a terminal, a line every few seconds otherwise.</summary>
    private sealed class ProgressMeter(TextWriter error, Stream stream)
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private readonly bool _terminal = ReferenceEquals(error, Console.Error) && !Console.IsErrorRedirected;
        private TimeSpan _last = TimeSpan.Zero;
        private bool _drawn;

        public void Report(ImportProgress progress)
        {
            var elapsed = _clock.Elapsed;
            if (elapsed - _last < (_terminal ? TimeSpan.FromMilliseconds(250) : TimeSpan.FromSeconds(5)))
            {
                return;
            }

            _last = elapsed;
            var rate = progress.Rows / Math.Max(elapsed.TotalSeconds, 0.001);
            var done = stream.Length == 0 ? 1 : Math.Min(1, (double)stream.Position / stream.Length);
            var left = done > 0 ? TimeSpan.FromSeconds(elapsed.TotalSeconds * (1 - done) / done) : TimeSpan.Zero;
            var line = string.Create(CultureInfo.InvariantCulture,
                $"{done,4:P0}  {progress.Rows:N0} rows ({progress.Imported:N0} imported, {progress.Skipped:N0} skipped, {progress.Rejected:N0} rejected)  {rate:N0} rows/s  ETA {left:hh\\:mm\\:ss}");
            if (_terminal)
            {
                error.Write("\r" + line.PadRight(Console.IsErrorRedirected ? 0 : Math.Max(0, Console.WindowWidth - 1)));
                _drawn = true;
            }
            else
            {
                error.WriteLine(line);
            }
        }

        public void Interrupt(string message)
        {
            if (_drawn)
            {
                error.WriteLine();
                _drawn = false;
            }

            error.WriteLine(message);
        }

        public void Done(ImportProgress summary)
        {
            if (_drawn)
            {
                error.WriteLine();
            }

            var seconds = Math.Max(_clock.Elapsed.TotalSeconds, 0.001);
            error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Done in {_clock.Elapsed:hh\\:mm\\:ss}: {summary.Rows / seconds:N0} rows/s."));
        }
    }
}
