using System.Text.RegularExpressions;
using Sesame.Tests.TestSupport;

namespace Sesame.Tests.Architecture;

/// <summary>
/// Dependencies between the folders of <c>src/Sesame</c> point one way: a folder may use the folders in the layers
/// below its own, never one beside or above it. This table is the architecture (docs/architecture.md shows it too).
/// </summary>
public sealed partial class DependencyDirectionTests
{
    private static readonly string[][] Layers =
    [
        ["(root)"],                              // composition: AddSesame, MapSesame
        ["CognitoApi", "OAuth"],                 // protocol: HTTP, Cognito's JSON, dispatch, SigV4; OAuth 2.0 and the hosted page
        ["Admin"],                               // use cases: pools and app clients created through the API,
        ["Account"],                             //   accounts after sign-up (self-service and Admin*),
        ["SignUp"],                              //   sign-up and confirmation,
        ["SignIn"],                              //   the challenge state machine and the one completion path
        ["Codes"],                               // services: the one-time-code model,
        ["Abuse"],                               //   limits on sending codes,
        ["Messages", "Tokens"],                  //   what a message says; JWTs, keys, refresh,
        ["Triggers", "Delivery", "Metrics"],     //   Cognito's triggers; sending; the exporter,
        ["Pools"],                               //   user pools and app clients
        ["Storage"],                             // store interfaces and their engines
        ["Users"],                               // vocabulary: the user model,
        ["Secrets"],                             //   server secrets,
        ["Configuration"],                       //   options,
        ["Cognito", "Aws", "Hosting"],           //   Cognito's errors and names; SigV4 math; work repeated on an interval
    ];

    [Fact]
    public void Sources_EveryUsing_PointsDown()
    {
        var root = Path.Combine(RepositoryFiles.Root(), "src", "Sesame");
        var files = Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(f => (Path.GetRelativePath(root, f).Replace('\\', '/'), File.ReadAllText(f)))
            .ToList();

        Assert.True(files.Count > 50, "src/Sesame was not found or is empty");
        var violations = Violations(files);
        Assert.True(violations.Count == 0, "Dependencies that point the wrong way:\n" + string.Join('\n', violations));
    }

    [Fact]
    public void Violations_BackwardUsing_NamesFileAndLine()
    {
        var violations = Violations(
        [
            ("Storage/Sqlite/SqliteThing.cs", "using System.Text;\nusing Sesame.Users;\nusing Sesame.CognitoApi;\n"),
            ("Triggers/Thing.cs", "using Sesame.Delivery;\n"),
            ("SignIn/Thing.cs", "using Sesame.Cognito;\nusing Sesame.SignIn.Passwords;\n"),
            ("Thing.cs", "using Sesame.CognitoApi;\n"),
            ("NewFolder/Thing.cs", "using Sesame.Cognito;\n"),
        ]);

        Assert.Equal(
        [
            "Storage/Sqlite/SqliteThing.cs:3: Storage -> CognitoApi",
            "Triggers/Thing.cs:1: Triggers -> Delivery",
            "NewFolder/Thing.cs: folder NewFolder is not in the table of layers",
        ], violations);
    }

    /// <summary>Every <c>using Sesame.X</c> whose folder X is not in a lower layer than the file's own folder.</summary>
    private static List<string> Violations(IEnumerable<(string Path, string Text)> files)
    {
        var layerOf = Layers.SelectMany((folders, layer) => folders.Select(f => (f, layer))).ToDictionary(x => x.f, x => x.layer);
        var violations = new List<string>();
        foreach (var (path, text) in files)
        {
            var folder = path.Contains('/') ? path[..path.IndexOf('/')] : "(root)";
            if (!layerOf.TryGetValue(folder, out var own))
            {
                violations.Add($"{path}: folder {folder} is not in the table of layers");
                continue;
            }

            var lines = text.Split('\n');
            for (var i = 0; i < lines.Length; i++)
            {
                if (UsingPattern().Match(lines[i]) is not { Success: true } match)
                {
                    continue;
                }

                var target = match.Groups["folder"].Value;
                if (target != folder && (!layerOf.TryGetValue(target, out var layer) || layer <= own))
                {
                    violations.Add($"{path}:{i + 1}: {folder} -> {target}");
                }
            }
        }

        return violations;
    }

    // using Sesame.X; using static Sesame.X.Y; using Alias = Sesame.X.Y; global using Sesame.X;
    [GeneratedRegex(@"^\s*(global\s+)?using\s+(static\s+)?(\w+\s*=\s*)?(global::)?Sesame\.(?<folder>\w+)")]
    private static partial Regex UsingPattern();
}
