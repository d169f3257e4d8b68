using System.CommandLine;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Sesame.Storage;

namespace Sesame.Host.CommandLine;

/// <summary>
/// <c>sesame config check</c>: the effective configuration, after every source (appsettings, environment, command line),
/// with secrets masked; every setting validated as at start-up, and the store tried.
/// </summary>
internal static partial class ConfigCommands
{
    private static readonly string[] Shown = ["Sesame", "Urls", "Kestrel", "Logging", "AllowedHosts", "ConnectionStrings", "OTEL_"];

    public static Command Create(CommandRun run)
    {
        var config = new Command("config", "The server's configuration.");
        var check = new Command("check", "Print the effective configuration (secrets masked), validate it as the server does at start-up, "
            + "and try the store. Exit code 0 when valid and reachable, 4 when a setting is invalid, 5 when the store fails.");
        run.Handle(check, async (parseResult, cli, cancellationToken) =>
        {
            var errors = new List<string>();
            try
            {
                _ = cli.Services.GetRequiredService<IOptions<Configuration.SesameOptions>>().Value;
            }
            catch (OptionsValidationException failure)
            {
                errors.AddRange(failure.Failures);
            }

            bool? reachable = null;
            string? storageError = null;
            if (errors.Count == 0)
            {
                try
                {
                    reachable = await cli.Services.GetRequiredService<IStorageHealth>().PingAsync(cancellationToken);
                }
                catch (Exception failure) when (failure is not OperationCanceledException)
                {
                    // Whatever stops the store opening (unreachable host, bad connection string, unwritable file) is reported.
                    reachable = false;
                    storageError = failure.Message;
                }
            }

            var settings = new SortedDictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            foreach (var (key, value) in cli.Configuration.AsEnumerable())
            {
                if (value is not null && Shown.Any(p => key.StartsWith(p, StringComparison.OrdinalIgnoreCase)))
                {
                    settings[key] = Mask(key, value);
                }
            }

            var environment = cli.Services.GetRequiredService<IHostEnvironment>().EnvironmentName;
            if (cli.Format == OutputFormat.Json)
            {
                await cli.Out.WriteLineAsync(JsonSerializer.Serialize(
                    new ConfigReport(environment, errors.Count == 0, errors, reachable, settings), CommandLineJsonContext.Default.ConfigReport));
            }
            else
            {
                await cli.Out.WriteLineAsync($"Environment: {environment}");
                Table.WritePairs(cli.Out, settings.Select(s => (s.Key, s.Value)));
                foreach (var error in errors)
                {
                    await cli.Error.WriteLineAsync("Invalid: " + error);
                }

                await cli.Out.WriteLineAsync(errors.Count > 0 ? "Configuration: INVALID"
                    : reachable == true ? "Configuration: valid; storage: reachable"
                    : $"Configuration: valid; storage: UNREACHABLE{(storageError is null ? "" : " (" + storageError + ")")}");
            }

            return errors.Count > 0 ? ExitCodes.Configuration : reachable == true ? ExitCodes.Ok : ExitCodes.Unavailable;
        }, loadPools: false, validate: false);
        config.Add(check);
        return config;
    }

    /// <summary>A secret's value as <c>********</c>; a connection string keeps everything but its password.</summary>
    public static string Mask(string key, string value)
    {
        var name = key[(key.LastIndexOf(':') + 1)..];
        if (key.Contains("AdminAccessKeys:", StringComparison.OrdinalIgnoreCase) || SecretName().IsMatch(name))
        {
            return value.Length == 0 ? value : "********";
        }

        return name.Contains("ConnectionString", StringComparison.OrdinalIgnoreCase) || key.Contains("ConnectionStrings:", StringComparison.OrdinalIgnoreCase)
            ? ConnectionPassword().Replace(value, m => m.Groups[1].Value + "********")
            : value;
    }

    [GeneratedRegex("secret|password|passphrase|masterkey|apikey|authtoken|accesskey|privatekey|credential|headers", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SecretName();

    [GeneratedRegex(@"((?:^|;)\s*(?:Password|Pwd)\s*=)[^;]*", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ConnectionPassword();
}
