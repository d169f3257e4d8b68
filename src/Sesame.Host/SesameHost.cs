namespace Sesame.Host;

/// <summary>How the server and every command build the same host: one configuration pipeline, one store.</summary>
internal static class SesameHost
{
    /// <summary>
    /// The web application builder the server runs and the commands use, configured from (in order) appsettings.json,
    /// appsettings.{Environment}.json, environment variables, <c>SESAME_DATA_DIR</c> and the command line.
    /// </summary>
    public static WebApplicationBuilder CreateBuilder(string[] args)
    {
        // Settings files ship beside the program, so it starts the same from any working directory;
        // relative paths (the data directory) still resolve against the working directory.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });

        // `--data-dir` and SESAME_DATA_DIR choose where the SQLite file and generated secrets live.
        builder.Configuration.AddInMemoryCollection(
            Environment.GetEnvironmentVariable("SESAME_DATA_DIR") is { Length: > 0 } dataDir
                ? new Dictionary<string, string?> { ["Sesame:DataDir"] = dataDir }
                : []);
        builder.Configuration.AddCommandLine(args, new Dictionary<string, string> { ["--data-dir"] = "Sesame:DataDir" });
        builder.Services.AddSesame(builder.Configuration, builder.Environment);
        return builder;
    }

    /// <summary>Serves until stopped (Ctrl+C, SIGTERM).</summary>
    public static void Serve(string[] args)
    {
        var app = CreateBuilder(args).Build();
        app.UseCors();
        app.MapSesame();
        app.Run();
    }
}
