using System.CommandLine;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Sesame.Configuration;
using Sesame.Secrets;
using Sesame.Storage;
using Sesame.Storage.Postgres;
using Sesame.Storage.Sqlite;

namespace Sesame.Host.CommandLine;

/// <summary>
/// <c>sesame storage copy</c>: a SQLite data directory into an empty (or partly copied) PostgreSQL database, with
/// <see cref="StorageCopier"/>: idempotent, resumable, refusing another deployment's database (docs/operations.md).
/// </summary>
internal static class StorageCommands
{
    public static Command Create(CommandRun run)
    {
        var storage = new Command("storage", "Moving data between stores.");
        var from = new Option<string>("--from-data-dir") { Description = "The SQLite data directory to copy (its sesame.db). Stop the server on it first.", Required = true };
        var to = new Option<string?>("--to-postgres")
        {
            Description = "The target's PostgreSQL connection string. Default: Sesame:Storage:ConnectionString, when Sesame:Storage:Provider is Postgres.",
        };
        var batch = new Option<int>("--batch-size") { Description = "Rows per target transaction (1-10000, default 500).", DefaultValueFactory = _ => 500 };
        batch.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > 10_000)
            {
                result.AddError("--batch-size must be between 1 and 10000.");
            }
        });
        var copy = new Command("copy", "Copy every pool, client, user, signing key, server secret, refresh token, grant, pending message and limit counter "
            + "into PostgreSQL (schema created there). Safe to run again: rows already copied are skipped, an interrupted run resumes; a target "
            + "holding other data is refused before anything is written.") { from, to, batch };
        run.Handle(copy, async (parseResult, cli, cancellationToken) =>
        {
            var dataDir = Path.GetFullPath(parseResult.GetValue(from)!);
            if (!File.Exists(Path.Combine(dataDir, "sesame.db")))
            {
                await cli.Error.WriteLineAsync($"{dataDir} holds no Sesame database (sesame.db).");
                return ExitCodes.NotFound;
            }

            var target = parseResult.GetValue(to) is { Length: > 0 } given ? given
                : string.Equals(cli.Configuration["Sesame:Storage:Provider"], StorageOptions.Postgres, StringComparison.OrdinalIgnoreCase)
                    ? cli.Configuration["Sesame:Storage:ConnectionString"] : null;
            if (string.IsNullOrWhiteSpace(target))
            {
                await cli.Error.WriteLineAsync("Name the target: --to-postgres <connection string>, or set Sesame:Storage:Provider=Postgres and Sesame:Storage:ConnectionString.");
                return ExitCodes.Configuration;
            }

            IReadOnlyList<StorageCopyTableResult> results;
            try
            {
                results = await CopyAsync(cli, dataDir, target, parseResult.GetValue(batch), cancellationToken);
            }
            catch (StorageCopyRefusedException refused)
            {
                await cli.Error.WriteLineAsync(refused.Message);
                return ExitCodes.Refused;
            }
            catch (InvalidOperationException invalid) when (!CliContext.IsStorageFailure(invalid))
            {
                await cli.Error.WriteLineAsync(invalid.Message);
                return ExitCodes.Configuration;
            }

            var report = new StorageCopyReport(results.Sum(r => r.Copied), results.Sum(r => r.Skipped), results);
            if (cli.Format == OutputFormat.Json)
            {
                await cli.Out.WriteLineAsync(JsonSerializer.Serialize(report, CommandLineJsonContext.Default.StorageCopyReport));
            }
            else
            {
                Table.Write(cli.Out, ["TABLE", "ROWS", "COPIED", "SKIPPED"], results.Select(r => new[]
                {
                    r.Table, Count(r.Rows), Count(r.Copied), Count(r.Skipped),
                }));
            }

            // The sealed values (signing keys, pending messages, client secrets) open only with the master key they were sealed with.
            await cli.Error.WriteLineAsync(cli.Configuration["Sesame:Secrets:MasterKey"] is { Length: > 0 }
                ? "Start every node on the target with the same Sesame:Secrets:MasterKey."
                : $"Start every node on the target with Sesame:Secrets:MasterKey set to the contents of {Path.Combine(dataDir, "master.key")}.");
            return ExitCodes.Ok;
        }, loadPools: false, validate: false);
        storage.Add(copy);
        return storage;
    }

    private static async Task<IReadOnlyList<StorageCopyTableResult>> CopyAsync(
        CliContext cli, string dataDir, string target, int batchSize, CancellationToken cancellationToken)
    {
        var sourceOptions = Options.Create(new SesameOptions { DataDir = dataDir, Storage = { Provider = StorageOptions.Sqlite } });
        // Opening applies this build's schema scripts to both sides, as a server started on them would.
        using var sqlite = new SqliteDatabase(sourceOptions, new DataDirectory(sourceOptions), cli.Services.GetRequiredService<IMeterFactory>());
        await using var postgres = new PostgresDatabase(
            Options.Create(new SesameOptions { Storage = { Provider = StorageOptions.Postgres, ConnectionString = target } }),
            TimeProvider.System, cli.Services.GetRequiredService<ILogger<PostgresDatabase>>());
        await using var source = sqlite.OpenConnection();
        // Deferred: a read snapshot (WAL) that never takes the write lock, so a server still on the file is not held up.
        await using var snapshot = source.BeginTransaction(deferred: true);
        await using var targetConnection = await postgres.OpenConnectionAsync(cancellationToken);
        await cli.Error.WriteLineAsync($"Copying {Path.Combine(dataDir, "sesame.db")} into PostgreSQL at {postgres.Describe}.");
        var copier = new StorageCopier(source, snapshot, targetConnection, PostgresDatabase.Sql.Dialect, batchSize);
        return await copier.CopyAsync(new ProgressBar(cli.Error), cancellationToken);
    }

    private static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>A text progress bar on stderr: at most a line a second, and one as each table ends.</summary>
    private sealed class ProgressBar(TextWriter error) : IProgress<StorageCopyProgress>
    {
        private const int Width = 30;
        private readonly Stopwatch _since = Stopwatch.StartNew();
        private TimeSpan _last = TimeSpan.MinValue;

        public void Report(StorageCopyProgress value)
        {
            var tableDone = value.TableDone == value.TableRows;
            if (!tableDone && _since.Elapsed - _last < TimeSpan.FromSeconds(1))
            {
                return;
            }

            _last = _since.Elapsed;
            var share = value.TotalRows == 0 ? 1.0 : (double)value.TotalDone / value.TotalRows;
            var filled = (int)Math.Round(share * Width);
            error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"[{new string('#', filled)}{new string('.', Width - filled)}] {share * 100,3:F0}%  {value.Table} {value.TableDone:N0}/{value.TableRows:N0} ({value.Copied:N0} copied, {value.Skipped:N0} already there)"));
        }
    }
}
