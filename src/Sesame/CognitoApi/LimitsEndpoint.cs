using System.Text.Json;
using System.Text.Json.Serialization;
using Sesame.Abuse;
using Sesame.Cognito;
using Sesame.Pools;

namespace Sesame.CognitoApi;

/// <summary>A window of the SMS budget: its limit (0: off) and what it has counted.</summary>
internal sealed record BudgetWindowView(int Limit, int Used);

internal sealed record SmsBudgetView(BudgetWindowView Hour, BudgetWindowView Day);

internal sealed record BlockedPrefixView(string Prefix, DateTimeOffset BlockedAt, DateTimeOffset Until);

internal sealed record LimitsView(string UserPoolId, SmsBudgetView SmsBudget, IReadOnlyList<BlockedPrefixView> BlockedPrefixes);

internal sealed record UnblockView(string UserPoolId, string Prefix, bool Unblocked);

[JsonSerializable(typeof(LimitsView))]
[JsonSerializable(typeof(UnblockView))]
internal sealed partial class LimitsJsonContext : JsonSerializerContext
{
    /// <summary>Writes the '+' of prefixes as itself.</summary>
    public static LimitsJsonContext Relaxed { get; } = new(new JsonSerializerOptions
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}

/// <summary>
/// The abuse limits as operators see them, signed with AWS SigV4 by a key of <c>Sesame:AdminAccessKeys</c> (as
/// <c>GET /admin/messages</c> is): <c>GET /admin/limits?pool=</c> shows the pool's SMS budget and its blocked number
/// prefixes; <c>DELETE /admin/limits/prefixes?pool=&amp;prefix=</c> lifts a block (and forgets the prefix's unconverted
/// sends, so it is not blocked again by the next send).
/// </summary>
internal static class LimitsEndpoint
{
    public static async Task<IResult> GetAsync(HttpContext context, SigV4 sigV4, UserPools pools, SendLimits limits, PrefixVelocity prefixes,
        CancellationToken cancellationToken)
    {
        if (Authorize(context, sigV4, pools, out var pool) is { } refused)
        {
            return refused;
        }

        var (hour, day) = await limits.SmsBudgetUsedAsync(pool!, cancellationToken);
        var blocked = await prefixes.BlockedAsync(pool!, cancellationToken);
        var options = pool!.Options.Limits;
        var view = new LimitsView(pool.Id,
            new SmsBudgetView(new BudgetWindowView(options.SmsPerHour, hour), new BudgetWindowView(options.SmsPerDay, day)),
            [.. blocked.Select(b => new BlockedPrefixView(b.Prefix, b.BlockedAt, b.Until))]);
        return Results.Json(view, LimitsJsonContext.Relaxed.LimitsView);
    }

    public static async Task<IResult> UnblockAsync(HttpContext context, SigV4 sigV4, UserPools pools, PrefixVelocity prefixes, CancellationToken cancellationToken)
    {
        if (Authorize(context, sigV4, pools, out var pool) is { } refused)
        {
            return refused;
        }

        var prefix = context.Request.Query["prefix"].ToString().Trim();
        // An unencoded '+' arrives as a space.
        prefix = prefix.Length > 0 && char.IsDigit(prefix[0]) ? "+" + prefix : prefix;
        if (prefix.Length is < 2 or > 16 || prefix[0] != '+' || prefix.AsSpan(1).ContainsAnyExceptInRange('0', '9'))
        {
            return Error(400, CognitoErrors.InvalidParameter, "prefix must be '+' and digits, as GET /admin/limits lists it.");
        }

        var unblocked = await prefixes.UnblockAsync(pool!, prefix, cancellationToken);
        return Results.Json(new UnblockView(pool!.Id, prefix, unblocked), LimitsJsonContext.Relaxed.UnblockView);
    }

    private static IResult? Authorize(HttpContext context, SigV4 sigV4, UserPools pools, out UserPool? pool)
    {
        pool = null;
        if (MessagesEndpoint.Unsigned(context, sigV4) is { } unsigned)
        {
            return unsigned;
        }

        pool = pools.FindPool(context.Request.Query["pool"].ToString());
        return pool is null ? Error(400, CognitoErrors.ResourceNotFound, "pool must name a user pool.") : null;
    }

    private static IResult Error(int status, string type, string message) => MessagesEndpoint.Error(status, type, message);
}
