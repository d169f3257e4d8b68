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

var app = builder.Build();
app.UseCors();
app.MapSesame();
app.Run();

/// <summary>The entry point, visible to the tests' WebApplicationFactory.</summary>
public partial class Program;
