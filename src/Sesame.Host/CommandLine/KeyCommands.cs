using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Sesame.CognitoApi;
using Sesame.Pools;
using Sesame.Storage;
using Sesame.Tokens;

namespace Sesame.Host.CommandLine;

/// <summary>
/// <c>sesame keys list|rotate</c>: the token signing keys of each pool (ids and ages, never a private key), and rotating
/// them with the same code as the admin API.
/// </summary>
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
                k.PoolId, k.Kid, k.Purpose, k.CreatedAt.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            }));
            return ExitCodes.Ok;
        });
        keys.Add(list);

        var rotatePool = new Option<string>("--pool", "-p") { Description = "The pool whose keys rotate.", Required = true };
        var rotate = new Command("rotate", "Store the next generation of the pool's ID and access keys, as POST /admin/user-pools/{id}/signing-keys/rotate "
            + "does: published in the JWKS at once, signing after Sesame:SigningKeys:PublishAhead; the keys they replace stay published until "
            + "the longest-lived token they signed has expired. Rotating again before the new keys sign changes nothing.") { rotatePool };
        run.Handle(rotate, async (parseResult, cli, cancellationToken) =>
        {
            var pool = AdminShapes.FindPool(cli.Services.GetRequiredService<UserPools>(), parseResult.GetValue(rotatePool));
            var rotated = await cli.Services.GetRequiredService<SigningKeys>().RotateAsync(pool, cancellationToken);
            var view = SigningKeysEndpoint.View(pool.Id, rotated, cli.Services.GetRequiredService<TimeProvider>().GetUtcNow());
            if (cli.Format == OutputFormat.Json)
            {
                await cli.Out.WriteLineAsync(JsonSerializer.Serialize(view, SigningKeyJsonContext.Default.SigningKeyList));
                return ExitCodes.Ok;
            }

            Table.Write(cli.Out, ["POOL", "KID", "PURPOSE", "GENERATION", "CREATED", "SIGNS_FROM", "SIGNING", "PUBLISHED"], view.Keys.Select(k => new[]
            {
                view.UserPoolId, k.Kid, k.Use, k.Generation.ToString(CultureInfo.InvariantCulture), Time(k.CreatedAt), Time(k.ActivatesAt),
                k.Signing ? "yes" : "no", k.Published ? "yes" : "no",
            }));
            return ExitCodes.Ok;
        });
        keys.Add(rotate);
        return keys;
    }

    private static string Time(long epochSeconds) =>
        DateTimeOffset.FromUnixTimeSeconds(epochSeconds).ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
