using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Hosting;
using Sesame.Secrets;
using Sesame.SignUp;

namespace Sesame.OAuth;

/// <summary>An authorization request that passed every check of <see cref="AuthorizeRequest"/>.</summary>
internal sealed record AuthorizeParameters(
    string ClientId, string RedirectUri, string Scope, string? State, string? Nonce, string? CodeChallenge, string? Prompt)
{
    /// <summary>OpenID Connect's <c>max_age</c>: a page session signed in longer ago than this many seconds signs in again.</summary>
    public long? MaxAge { get; init; }
}

/// <summary>The hosted page's state between two requests, in one sealed cookie: the request, the CSRF token, the code step.</summary>
internal sealed record PageState(AuthorizeParameters Request, string Csrf, string Lang, long ExpiresAt, CodeSignInState? Step);

/// <summary>
/// A browser signed in on the hosted page (Cognito keeps its hosted UI session for an hour). <see cref="Id"/> names its
/// row in the store (by SHA-256), which sign-out deletes: a cookie kept past /logout no longer counts.
/// </summary>
internal sealed record HostedSession(string PoolId, string Username, string Sub, long AuthTime, long ExpiresAt, string Id)
{
    public byte[] IdHash => SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(Id));
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(PageState))]
[JsonSerializable(typeof(HostedSession))]
[JsonSerializable(typeof(Dictionary<string, object>))]
[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class OAuthJsonContext : JsonSerializerContext;

/// <summary>
/// The hosted page's cookies: sealed with AES-256-GCM under a key derived from the master key (any node reads what
/// another wrote; nobody can read or forge one), <c>HttpOnly</c>, <c>SameSite=Lax</c>, and <c>Secure</c> outside
/// Development. Neither a code nor a session ever travels in a URL.
/// </summary>
internal sealed class HostedUiCookies(ServerSecrets secrets, IHostEnvironment environment, TimeProvider time)
{
    public const string PageCookie = "sesame-signin";
    public const string SessionCookie = "sesame-session";

    /// <summary>How long a signed-in browser stays signed in on the page (Cognito's hosted UI session: 1 hour).</summary>
    public static readonly TimeSpan SessionLifetime = TimeSpan.FromHours(1);

    /// <summary>How long one visit to the page may take before it starts over.</summary>
    public static readonly TimeSpan PageLifetime = TimeSpan.FromMinutes(30);

    public DateTimeOffset Now => time.GetUtcNow();

    public void Write<T>(HttpResponse response, string name, T value, JsonTypeInfo<T> type, TimeSpan lifetime)
    {
        var plaintext = JsonSerializer.SerializeToUtf8Bytes(value, type);
        var output = new byte[12 + plaintext.Length + 16];
        RandomNumberGenerator.Fill(output.AsSpan(0, 12));
        using var aes = new AesGcm(secrets.HostedUiCookieKey, 16);
        aes.Encrypt(output.AsSpan(0, 12), plaintext, output.AsSpan(12, plaintext.Length), output.AsSpan(12 + plaintext.Length),
            System.Text.Encoding.ASCII.GetBytes(name));
        response.Cookies.Append(name, Base64Url.EncodeToString(output), Options(lifetime));
    }

    public T? Read<T>(HttpRequest request, string name, JsonTypeInfo<T> type)
        where T : class
    {
        if (request.Cookies[name] is not { Length: > 28 and < 8192 } text)
        {
            return null;
        }

        byte[] sealedValue;
        try
        {
            sealedValue = Base64Url.DecodeFromChars(text);
        }
        catch (FormatException)
        {
            return null;
        }

        if (sealedValue.Length <= 28)
        {
            return null;
        }

        var plaintext = new byte[sealedValue.Length - 28];
        using var aes = new AesGcm(secrets.HostedUiCookieKey, 16);
        try
        {
            aes.Decrypt(sealedValue.AsSpan(0, 12), sealedValue.AsSpan(12, plaintext.Length), sealedValue.AsSpan(12 + plaintext.Length), plaintext,
                System.Text.Encoding.ASCII.GetBytes(name));
            return JsonSerializer.Deserialize(plaintext, type);
        }
        catch (Exception e) when (e is AuthenticationTagMismatchException or JsonException)
        {
            return null;
        }
    }

    public void Delete(HttpResponse response, string name) => response.Cookies.Delete(name, Options(TimeSpan.Zero));

    /// <summary>The browser's live session on the page for <paramref name="poolId"/>, if any.</summary>
    public HostedSession? Session(HttpRequest request, string poolId) =>
        Read(request, SessionCookie, OAuthJsonContext.Default.HostedSession) is { } session
        && session.PoolId == poolId && session.ExpiresAt > Now.ToUnixTimeSeconds()
            ? session
            : null;

    private CookieOptions Options(TimeSpan lifetime) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Lax,
        Secure = !environment.IsDevelopment(),
        Path = "/",
        MaxAge = lifetime > TimeSpan.Zero ? lifetime : null,
        IsEssential = true,
    };
}
