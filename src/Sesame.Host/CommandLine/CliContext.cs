using System.Data.Common;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using Sesame.CognitoApi;
using Sesame.Configuration;
using Sesame.Pools;

namespace Sesame.Host.CommandLine;

/// <summary>
/// One command's view of the server: the same host the server builds (configuration, store, secrets), built but never
/// started, so commands run the server's own operations and use cases against the configured store and serve nothing.
/// </summary>
internal sealed class CliContext(WebApplication app, TextWriter output, TextWriter error, OutputFormat format) : IAsyncDisposable
{
    public IServiceProvider Services => app.Services;

    public IConfiguration Configuration => app.Configuration;

    public TextWriter Out { get; } = output;

    public TextWriter Error { get; } = error;

    public OutputFormat Format { get; } = format;

    public SesameOptions Options => Services.GetRequiredService<IOptions<SesameOptions>>().Value;

    /// <summary>
    /// Builds the host from <paramref name="hostArgs"/> (the same arguments and settings the server takes), validates
    /// the options (an invalid setting throws <see cref="OptionsValidationException"/> naming it) and, unless
    /// <paramref name="loadPools"/> is false, reads the stored pools and clients (which opens and migrates the store).
    /// </summary>
    public static async Task<CliContext> OpenAsync(
        string[] hostArgs, TextWriter output, TextWriter error, OutputFormat format, bool loadPools, CancellationToken cancellationToken, bool validate = true)
    {
        var builder = SesameHost.CreateBuilder(hostArgs);
        // A command's output is its result: the server's informational logs stay out of it, and warnings go to stderr.
        builder.Logging.AddFilter<ConsoleLoggerProvider>(null, LogLevel.Warning);
        builder.Services.Configure<ConsoleLoggerOptions>(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
        var app = builder.Build();
        var context = new CliContext(app, output, error, format);
        try
        {
            if (validate)
            {
                _ = context.Options;
            }

            if (loadPools)
            {
                await context.Services.GetRequiredService<UserPools>().LoadStoredAsync(cancellationToken);
            }

            return context;
        }
        catch
        {
            await context.DisposeAsync();
            throw;
        }
    }

    /// <summary>The registered Cognito operation of this type: commands call the API's own handlers.</summary>
    public T Operation<T>() where T : ICognitoOperation => Services.GetServices<ICognitoOperation>().OfType<T>().Single();

    /// <summary>The call an operation sees: no client address, the region a new pool is created in.</summary>
    public CognitoCall Call(string? region = null) =>
        new("cli-" + Guid.NewGuid().ToString("N"), Options.PublicOrigin ?? "http://127.0.0.1:9229", null, region);

    public ValueTask DisposeAsync() => app.DisposeAsync();

    /// <summary>True for the failures that mean the store is unreachable or broken.</summary>
    public static bool IsStorageFailure(Exception exception) =>
        exception is DbException || exception.InnerException is DbException;
}

/// <summary>How a command prints its result.</summary>
internal enum OutputFormat
{
    /// <summary>Aligned columns for people.</summary>
    Table,

    /// <summary>The Cognito API's own JSON shapes where there is one, for scripts.</summary>
    Json,
}
