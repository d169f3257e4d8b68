using System.CommandLine;
using System.Text.Json;
using Sesame.CognitoApi;
using Sesame.Pools;
using Sesame.Storage;

namespace Sesame.Host.CommandLine;

/// <summary><c>sesame keys list</c>: the token signing keys of each pool (ids and ages, never a private key).</summary>
internal static class KeyCommands
{
    public static Command Create(CommandRun run)
    {
        var keys = new Command("keys", "Token signing keys.");
        var pool = new Option<string?>("--pool", "-p") { Description = "Only this pool (default: every pool)." };
        var list = new Command("list", "List each pool's signing keys: key id (kid), purpose (id or access token), creation time.") { pool };
        run.Handle(list, async (parseResult, cli, cancellationToken) =>
        {
            var pools = cli.Services.GetRequiredService<UserPools>();
            var chosen = parseResult.GetValue(pool) is { } id ? [AdminShapes.FindPool(pools, id)] : pools.All.ToList();
            var store = cli.Services.GetRequiredService<ISigningKeyStore>();
            var rows = new List<SigningKeyView>();
            foreach (var p in chosen)
            {
                rows.AddRange((await store.ListAsync(p.Id, cancellationToken)).Select(k => new SigningKeyView(k.PoolId, k.Kid, k.Purpose, k.CreatedAt)));
            }

            if (cli.Format == OutputFormat.Json)
            {
                await cli.Out.WriteLineAsync(JsonSerializer.Serialize(new SigningKeyList(rows), CommandLineJsonContext.Default.SigningKeyList));
                return ExitCodes.Ok;
            }

            Table.Write(cli.Out, ["POOL", "KID", "PURPOSE", "CREATED"], rows.Select(k => new[]
            {
                k.PoolId, k.Kid, k.Purpose, k.CreatedAt.ToString("yyyy-MM-dd HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
            }));
            return ExitCodes.Ok;
        });
        keys.Add(list);
        // `keys rotate` (signing-key rotation) is added here.
        return keys;
    }
}
