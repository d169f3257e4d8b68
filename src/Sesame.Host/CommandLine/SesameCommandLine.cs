using System.CommandLine;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Sesame.Cognito;

namespace Sesame.Host.CommandLine;

/// <summary>
/// The <c>sesame</c> command line (System.CommandLine). With no command it serves; every other command builds the same
/// host the server does and runs the server's operations against the configured store. See docs/operations.md.
/// </summary>
internal static partial class SesameCommandLine
{
    private static readonly string[] Help = ["--help", "-h", "-?", "/?", "/h", "--version"];

    /// <summary>Runs one command line and returns its exit code (<see cref="ExitCodes"/>).</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        // Settings given as the server takes them (`--Sesame:Storage:Provider=Postgres`) apply to every command.
        var settings = args.Where(a => SettingPattern().IsMatch(a)).ToArray();
        var rest = args.Where(a => !SettingPattern().IsMatch(a)).ToArray();
        if (ServesWithoutCommand(rest))
        {
            SesameHost.Serve(args);
            return ExitCodes.Ok;
        }

        var run = new CommandRun(settings);
        // A plain command named as the executable is, rather than RootCommand (which takes the assembly's name).
        var root = new Command("sesame", "Sesame: a passwordless sign-in server that speaks the Amazon Cognito user-pool API. "
            + "With no command, serves (as `sesame serve`).")
        {
            run.DataDir, run.EnvironmentName, run.Output, new System.CommandLine.Help.HelpOption(), new VersionOption(),
        };

        root.Add(ServeCommand(settings));
        root.Add(UserCommands.Create(run));
        root.Add(PoolCommands.Create(run));
        root.Add(ClientCommands.Create(run));
        root.Add(KeyCommands.Create(run));
        root.Add(OutboxCommands.Create(run));
        root.Add(ConfigCommands.Create(run));
        root.Add(ImportCommands.Import(run));
        root.Add(ImportCommands.Export(run));
        root.Add(LimitCommands.Create(run));
        root.Add(StorageCommands.Create(run));
        root.Add(HealthCommands.Create(run));

        var parsed = root.Parse(rest);
        var invocation = new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false };
        try
        {
            return await parsed.InvokeAsync(invocation, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            await error.WriteLineAsync("Interrupted.");
            return ExitCodes.Interrupted;
        }
    }

    // `sesame`, `sesame --urls …`, `sesame --data-dir …`: the server, exactly as before there were commands.
    private static bool ServesWithoutCommand(string[] args) =>
        args.Length == 0 || (args[0].StartsWith('-') && !args.Any(a => Help.Contains(a)) && !args.Any(IsCommandName));

    private static bool IsCommandName(string token) =>
        token is "serve" or "users" or "pools" or "clients" or "keys" or "outbox" or "config" or "import" or "export" or "limits"
            or "storage" or "health";

    private static Command ServeCommand(string[] settings)
    {
        var command = new Command("serve", "Serve the Cognito API (the default). Takes the server's options: --urls, --data-dir, "
            + "--environment and any setting as --Section:Key=Value.")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        command.SetAction(parseResult =>
        {
            // Everything after `serve` goes to the web host as it is, as it would without the word.
            var tokens = parseResult.Tokens.Select(t => t.Value).ToList();
            tokens.Remove("serve");
            SesameHost.Serve([.. tokens, .. settings]);
            return ExitCodes.Ok;
        });
        return command;
    }

    // Keys may hold a pool id (`--Sesame:UserPools:us-east-1_SesameDev:Limits:SmsPerHour=50`), hence the '-'.
    [GeneratedRegex(@"^--[A-Za-z][\w.]*:[\w.:-]+=", RegexOptions.CultureInvariant)]
    private static partial Regex SettingPattern();
}

/// <summary>The options every command shares and the one way a command runs: host opened, errors mapped to exit codes.</summary>
internal sealed class CommandRun(string[] settings)
{
    public Option<string?> DataDir { get; } = new("--data-dir")
    {
        Description = "Where the SQLite database and generated secrets live (default ./data, or SESAME_DATA_DIR).",
        Recursive = true,
    };

    public Option<string?> EnvironmentName { get; } = new("--environment")
    {
        Description = "The hosting environment whose appsettings.{Environment}.json applies (default: ASPNETCORE_ENVIRONMENT, else Production).",
        Recursive = true,
    };

    public Option<OutputFormat> Output { get; } = new("--output", "-o")
    {
        Description = "table (default) or json (the Cognito API's shapes where there is one).",
        Recursive = true,
        DefaultValueFactory = _ => OutputFormat.Table,
    };

    /// <summary>Sets <paramref name="body"/> as the command's action, inside an opened host.</summary>
    public void Handle(Command command, Func<ParseResult, CliContext, CancellationToken, Task<int>> body, bool loadPools = true, bool validate = true) =>
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var error = parseResult.InvocationConfiguration.Error;
            try
            {
                await using var cli = await CliContext.OpenAsync(
                    HostArgs(parseResult), output, error, parseResult.GetValue(Output), loadPools, cancellationToken, validate);
                return await body(parseResult, cli, cancellationToken);
            }
            catch (CognitoException failure)
            {
                await error.WriteLineAsync($"{failure.Type}: {failure.Message}");
                return failure.Type is CognitoErrors.UserNotFound or CognitoErrors.ResourceNotFound ? ExitCodes.NotFound : ExitCodes.Refused;
            }
            catch (OptionsValidationException failure)
            {
                await error.WriteLineAsync("The configuration is invalid:");
                foreach (var message in failure.Failures)
                {
                    await error.WriteLineAsync("  " + message);
                }

                return ExitCodes.Configuration;
            }
            catch (Exception failure) when (CliContext.IsStorageFailure(failure))
            {
                await error.WriteLineAsync($"The store failed: {failure.Message}");
                return ExitCodes.Unavailable;
            }
        });

    /// <summary>The arguments the host is built from: the shared options and the settings, as the server takes them.</summary>
    public string[] HostArgs(ParseResult parseResult)
    {
        var args = new List<string>();
        if (parseResult.GetValue(DataDir) is { Length: > 0 } dataDir)
        {
            args.AddRange(["--data-dir", dataDir]);
        }

        if (parseResult.GetValue(EnvironmentName) is { Length: > 0 } environment)
        {
            args.AddRange(["--environment", environment]);
        }

        args.AddRange(settings);
        return [.. args];
    }
}
