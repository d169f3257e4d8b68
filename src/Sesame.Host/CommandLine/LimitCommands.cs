using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Sesame.Abuse;
using Sesame.CognitoApi;
using Sesame.Pools;

namespace Sesame.Host.CommandLine;

/// <summary>
/// <c>sesame limits show|unblock</c>: the abuse limits as <c>GET /admin/limits</c> and <c>DELETE /admin/limits/…</c> show
/// and lift them, through the same <see cref="OperatorLimits"/>, against the configured store (where every node's
/// counters live, so an unblock holds for the running servers at once).
/// </summary>
internal static class LimitCommands
{
    public static Command Create(CommandRun run)
    {
        var limits = new Command("limits", "The abuse limits: SMS budget, blocked number prefixes, one destination's or client IP's counters.");

        var pool = UserCommands.PoolOption();
        var destination = new Option<string?>("--destination") { Description = "Also the counters of this phone number or email (shown masked)." };
        var ip = new Option<string?>("--ip") { Description = "Also the counters of this client IP (an IPv6 address counts as its /64)." };
        var show = new Command("show", "Show the pool's SMS budget used, its blocked number prefixes and, on request, a destination's or client IP's counters.")
        {
            pool, destination, ip,
        };
        run.Handle(show, async (parseResult, cli, cancellationToken) =>
        {
            var view = await cli.Services.GetRequiredService<OperatorLimits>().ShowAsync(
                Pool(cli, parseResult.GetValue(pool)), parseResult.GetValue(destination), parseResult.GetValue(ip), cancellationToken);
            if (cli.Format == OutputFormat.Json)
            {
                await cli.Out.WriteLineAsync(JsonSerializer.Serialize(view, LimitsJsonContext.Relaxed.LimitsView));
                return ExitCodes.Ok;
            }

            Table.WritePairs(cli.Out, [
                ("Pool", view.UserPoolId),
                ("SMS budget, hour", Budget(view.SmsBudget.Hour)),
                ("SMS budget, day", Budget(view.SmsBudget.Day)),
                ("Blocked prefixes", view.BlockedPrefixes.Count.ToString(CultureInfo.InvariantCulture)),
            ]);
            if (view.BlockedPrefixes.Count > 0)
            {
                await cli.Out.WriteLineAsync();
                Table.Write(cli.Out, ["PREFIX", "BLOCKED_AT", "UNTIL"], view.BlockedPrefixes.Select(b => new[] { b.Prefix, Time(b.BlockedAt), Time(b.Until) }));
            }

            foreach (var subject in new[] { view.Destination, view.ClientIp })
            {
                if (subject is not null)
                {
                    await cli.Out.WriteLineAsync();
                    Table.Write(cli.Out, ["SUBJECT", "LIMIT", "WINDOW", "USED", "MAX", "FULL"], subject.Counters.Select(c => new[]
                    {
                        subject.Subject, c.Limit, Window(c.WindowSeconds), c.Used.ToString(CultureInfo.InvariantCulture),
                        c.Max > 0 ? c.Max.ToString(CultureInfo.InvariantCulture) : "off", c.Full ? "yes" : "no",
                    }));
                }
            }

            return ExitCodes.Ok;
        });
        limits.Add(show);

        var unblockPool = UserCommands.PoolOption();
        var prefix = new Option<string?>("--prefix") { Description = "A blocked number prefix, as `limits show` lists it (e.g. +4477009)." };
        var unblockDestination = new Option<string?>("--destination") { Description = "A phone number or email whose send counters to forget." };
        var unblockIp = new Option<string?>("--ip") { Description = "A client IP whose code-request and password-attempt counters to forget." };
        var unblock = new Command("unblock", "Lift a prefix block, or forget a destination's or client IP's counters (name exactly one).")
        {
            unblockPool, prefix, unblockDestination, unblockIp,
        };
        unblock.Validators.Add(result =>
        {
            var named = new[] { prefix, unblockDestination, unblockIp }.Count(o => result.GetValue(o) is { Length: > 0 });
            if (named != 1)
            {
                result.AddError("Name exactly one of --prefix, --destination and --ip.");
            }
        });
        run.Handle(unblock, async (parseResult, cli, cancellationToken) =>
        {
            var limitsService = cli.Services.GetRequiredService<OperatorLimits>();
            var target = Pool(cli, parseResult.GetValue(unblockPool));
            var done = parseResult.GetValue(prefix) is { Length: > 0 } p ? await limitsService.UnblockPrefixAsync(target, p, cancellationToken)
                : parseResult.GetValue(unblockDestination) is { Length: > 0 } d ? await limitsService.UnblockDestinationAsync(target, d, cancellationToken)
                : await limitsService.UnblockClientIpAsync(target, parseResult.GetValue(unblockIp)!, cancellationToken);
            if (cli.Format == OutputFormat.Json)
            {
                await cli.Out.WriteLineAsync(JsonSerializer.Serialize(done, LimitsJsonContext.Relaxed.UnblockView));
                return ExitCodes.Ok;
            }

            var what = done.Prefix is not null ? "Prefix " + done.Prefix : done.Destination is not null ? "Destination " + done.Destination : "Client IP " + done.ClientIp;
            await cli.Out.WriteLineAsync(done.Unblocked ? $"{what} unblocked." : $"{what} was not blocked; its counters are cleared.");
            return ExitCodes.Ok;
        });
        limits.Add(unblock);
        return limits;
    }

    private static UserPool Pool(CliContext cli, string? poolId) => AdminShapes.FindPool(cli.Services.GetRequiredService<UserPools>(), poolId);

    private static string Budget(BudgetWindowView window) =>
        window.Limit > 0 ? string.Create(CultureInfo.InvariantCulture, $"{window.Used} of {window.Limit}") : string.Create(CultureInfo.InvariantCulture, $"{window.Used} (no limit)");

    private static string Window(int seconds) => seconds switch
    {
        >= 86_400 when seconds % 86_400 == 0 => $"{seconds / 86_400}d",
        >= 3_600 when seconds % 3_600 == 0 => $"{seconds / 3_600}h",
        >= 60 when seconds % 60 == 0 => $"{seconds / 60}m",
        _ => $"{seconds}s",
    };

    private static string Time(DateTimeOffset time) => time.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
