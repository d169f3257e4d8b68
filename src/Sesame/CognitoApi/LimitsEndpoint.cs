using System.Text.Json;
using System.Text.Json.Serialization;
using Sesame.Abuse;
using Sesame.Cognito;
using Sesame.Pools;

namespace Sesame.CognitoApi;

[JsonSerializable(typeof(LimitsView))]
[JsonSerializable(typeof(UnblockView))]
internal sealed partial class LimitsJsonContext : JsonSerializerContext
{
    /// <summary>Writes the '+' of prefixes as itself, and leaves out the sections not asked for.</summary>
    public static LimitsJsonContext Relaxed { get; } = new(new JsonSerializerOptions
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    });
}

/// <summary>
/// The abuse limits as operators see them, signed with AWS SigV4 by a key of <c>Sesame:AdminAccessKeys</c> (as
/// <c>GET /admin/messages</c> is): <c>GET /admin/limits?pool=[&amp;destination=][&amp;ip=]</c> shows the pool's SMS budget,
/// its blocked number prefixes, and the counters of one destination or client IP; <c>DELETE
/// /admin/limits/prefixes?pool=&amp;prefix=</c>, <c>…/destinations?pool=&amp;destination=</c> and <c>…/client-ips?pool=&amp;ip=</c>
/// lift them. <see cref="OperatorLimits"/> does the work, for <c>sesame limits</c> too.
/// </summary>
internal static class LimitsEndpoint
{
    public static Task<IResult> GetAsync(HttpContext context, SigV4 sigV4, UserPools pools, OperatorLimits limits, CancellationToken cancellationToken) =>
        RunAsync(context, sigV4, pools, async pool => Results.Json(
            await limits.ShowAsync(pool, Query(context, "destination"), Query(context, "ip"), cancellationToken), LimitsJsonContext.Relaxed.LimitsView));

    public static Task<IResult> UnblockAsync(HttpContext context, SigV4 sigV4, UserPools pools, OperatorLimits limits, CancellationToken cancellationToken) =>
        RunAsync(context, sigV4, pools, async pool => Results.Json(
            await limits.UnblockPrefixAsync(pool, context.Request.Query["prefix"].ToString(), cancellationToken), LimitsJsonContext.Relaxed.UnblockView));

    public static Task<IResult> UnblockDestinationAsync(HttpContext context, SigV4 sigV4, UserPools pools, OperatorLimits limits, CancellationToken cancellationToken) =>
        RunAsync(context, sigV4, pools, async pool => Results.Json(
            await limits.UnblockDestinationAsync(pool, context.Request.Query["destination"].ToString(), cancellationToken), LimitsJsonContext.Relaxed.UnblockView));

    public static Task<IResult> UnblockClientIpAsync(HttpContext context, SigV4 sigV4, UserPools pools, OperatorLimits limits, CancellationToken cancellationToken) =>
        RunAsync(context, sigV4, pools, async pool => Results.Json(
            await limits.UnblockClientIpAsync(pool, context.Request.Query["ip"].ToString(), cancellationToken), LimitsJsonContext.Relaxed.UnblockView));

    private static async Task<IResult> RunAsync(HttpContext context, SigV4 sigV4, UserPools pools, Func<UserPool, Task<IResult>> action)
    {
        if (MessagesEndpoint.Unsigned(context, sigV4) is { } unsigned)
        {
            return unsigned;
        }

        if (pools.FindPool(context.Request.Query["pool"].ToString()) is not { } pool)
        {
            return MessagesEndpoint.Error(400, CognitoErrors.ResourceNotFound, "pool must name a user pool.");
        }

        try
        {
            return await action(pool);
        }
        catch (CognitoException failure)
        {
            return MessagesEndpoint.Error(400, failure.Type, failure.Message);
        }
    }

    private static string? Query(HttpContext context, string name) => context.Request.Query[name].ToString() is { Length: > 0 } value ? value : null;
}
