using Sesame.Host.CommandLine;

// `sesame` with no arguments, or with only server options (`--urls`, `--data-dir`, `--Key=Value`), serves as it always
// did; `sesame <command>` runs an operator's command against the configured store (docs/operations.md).
return await SesameCommandLine.RunAsync(args, Console.Out, Console.Error);

/// <summary>The entry point, visible to the tests' WebApplicationFactory.</summary>
public partial class Program;
