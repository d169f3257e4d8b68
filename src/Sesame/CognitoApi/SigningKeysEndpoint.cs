using System.Text.Json.Serialization;
using Sesame.Cognito;
using Sesame.Pools;
using Sesame.Tokens;

namespace Sesame.CognitoApi;

/// <summary>One signing key as the admin endpoints show it (times in epoch seconds, as Cognito's API writes dates).</summary>
internal sealed record SigningKeyView(string Kid, string Use, int Generation, long CreatedAt, long ActivatesAt, bool Signing, bool Published);

internal sealed record SigningKeyList(string UserPoolId, IReadOnlyList<SigningKeyView> Keys);

[JsonSerializable(typeof(SigningKeyList))]
[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class SigningKeyJsonContext : JsonSerializerContext;

/// <summary>
/// Sesame's own admin operations on a pool's signing keys (Cognito has none: its keys are AWS's), SigV4-signed by a key
/// of <c>Sesame:AdminAccessKeys</c> like the Admin* operations and <c>GET /admin/messages</c>:
/// <c>GET /admin/user-pools/{userPoolId}/signing-keys</c> lists them, <c>POST …/signing-keys/rotate</c> stores the next
/// generation (published at once, signing after <c>Sesame:SigningKeys:PublishAhead</c>). Every node serves the new key
/// within <c>Sesame:Storage:RefreshInterval</c>.
/// </summary>
internal static class SigningKeysEndpoint
{
    public static Task<IResult> ListAsync(string userPoolId, HttpContext context, SigV4 sigV4, UserPools pools, SigningKeys keys, TimeProvider time,
        CancellationToken cancellationToken) =>
        HandleAsync(userPoolId, context, sigV4, pools, time, pool => keys.ForPoolAsync(pool, cancellationToken));

    public static Task<IResult> RotateAsync(string userPoolId, HttpContext context, SigV4 sigV4, UserPools pools, SigningKeys keys, TimeProvider time,
        CancellationToken cancellationToken) =>
        HandleAsync(userPoolId, context, sigV4, pools, time, pool => keys.RotateAsync(pool, cancellationToken));

    private static async Task<IResult> HandleAsync(
        string userPoolId, HttpContext context, SigV4 sigV4, UserPools pools, TimeProvider time, Func<UserPool, ValueTask<PoolKeys>> act)
    {
        context.Response.Headers.CacheControl = "no-store";
        try
        {
            sigV4.Authenticate(context.Request, []);
        }
        catch (CognitoException error)
        {
            return Error(error.Type == "IncompleteSignatureException" ? 400 : 403, error.Type, error.Message);
        }

        var pool = pools.FindPool(userPoolId);
        if (pool is null && await pools.ReloadOnMissAsync(context.RequestAborted))
        {
            pool = pools.FindPool(userPoolId);
        }

        if (pool is null)
        {
            return Error(400, CognitoErrors.ResourceNotFound, $"User pool {userPoolId} does not exist.");
        }

        var list = View(pool.Id, await act(pool), time.GetUtcNow());
        return Results.Json(list, SigningKeyJsonContext.Default.SigningKeyList);
    }

    /// <summary>A pool's keys as the admin endpoints (and <c>sesame keys rotate</c>) show them: which one signs, which are published.</summary>
    public static SigningKeyList View(string poolId, PoolKeys poolKeys, DateTimeOffset now)
    {
        var published = poolKeys.Published(now).Select(k => k.Kid).ToHashSet(StringComparer.Ordinal);
        var signing = new[] { SigningKeys.IdPurpose, SigningKeys.AccessPurpose }.Select(p => poolKeys.Signer(p, now).Kid).ToHashSet(StringComparer.Ordinal);
        return new SigningKeyList(poolId, poolKeys.All.Select(k => new SigningKeyView(
            k.Kid, k.Purpose, k.Generation, k.CreatedAt.ToUnixTimeSeconds(), k.ActivatesAt.ToUnixTimeSeconds(), signing.Contains(k.Kid), published.Contains(k.Kid))).ToList());
    }

    private static IResult Error(int status, string type, string message) =>
        Results.Json(new Dictionary<string, string> { ["__type"] = type, ["message"] = message },
            SigningKeyJsonContext.Default.DictionaryStringString, statusCode: status);
}
