using System.Text.Json;
using Microsoft.Extensions.Options;
using Sesame.Configuration;
using Sesame.Pools;

namespace Sesame.Tokens;

/// <summary>
/// <c>/{userPoolId}/.well-known/jwks.json</c> and <c>/{userPoolId}/.well-known/openid-configuration</c>, where Cognito
/// serves them, so standard JWT middleware and aws-jwt-verify-style verifiers work with Sesame's issuer.
/// </summary>
internal static class JwksEndpoint
{
    private static readonly string[] Claims =
        ["sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "cognito:username", "email", "email_verified", "phone_number", "phone_number_verified"];

    private static void Strings(Utf8JsonWriter writer, string name, params string[] values)
    {
        writer.WriteStartArray(name);
        foreach (var value in values)
        {
            writer.WriteStringValue(value);
        }

        writer.WriteEndArray();
    }

    public static async Task<IResult> JwksAsync(string userPoolId, UserPools pools, SigningKeys keys, TimeProvider time, CancellationToken cancellationToken)
    {
        if (pools.FindPool(userPoolId) is not { } pool)
        {
            return Results.NotFound();
        }

        var poolKeys = await keys.ForPoolAsync(pool, cancellationToken);
        var published = poolKeys.Published(time.GetUtcNow()).ToList();
        return Results.Stream(async stream =>
        {
            await using var writer = new Utf8JsonWriter(stream);
            writer.WriteStartObject();
            writer.WriteStartArray("keys");
            foreach (var key in published)
            {
                writer.WriteStartObject();
                writer.WriteString("alg", "RS256");
                writer.WriteString("e", key.Exponent);
                writer.WriteString("kid", key.Kid);
                writer.WriteString("kty", "RSA");
                writer.WriteString("n", key.Modulus);
                writer.WriteString("use", "sig");
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }, "application/json");
    }

    public static IResult OpenIdConfiguration(string userPoolId, HttpContext context, UserPools pools, IOptions<SesameOptions> options)
    {
        if (pools.FindPool(userPoolId) is null)
        {
            return Results.NotFound();
        }

        var origin = TokenIssuer.PublicOrigin(options.Value, context.Request);
        var issuer = TokenIssuer.Issuer(origin, userPoolId);
        return Results.Stream(async stream =>
        {
            await using var writer = new Utf8JsonWriter(stream);
            writer.WriteStartObject();
            writer.WriteString("issuer", issuer);
            // Exactly what is served (OAuth/): the endpoints sit on Cognito's paths of the server's origin, as on a Cognito domain.
            writer.WriteString("authorization_endpoint", origin + "/oauth2/authorize");
            writer.WriteString("token_endpoint", origin + "/oauth2/token");
            writer.WriteString("userinfo_endpoint", origin + "/oauth2/userInfo");
            writer.WriteString("revocation_endpoint", origin + "/oauth2/revoke");
            writer.WriteString("end_session_endpoint", origin + "/logout");
            writer.WriteString("jwks_uri", issuer + "/.well-known/jwks.json");
            Strings(writer, "id_token_signing_alg_values_supported", "RS256");
            Strings(writer, "subject_types_supported", "public");
            Strings(writer, "response_types_supported", "code");
            Strings(writer, "response_modes_supported", "query");
            Strings(writer, "grant_types_supported", "authorization_code", "refresh_token", "client_credentials");
            Strings(writer, "code_challenge_methods_supported", "S256");
            Strings(writer, "token_endpoint_auth_methods_supported", "client_secret_basic", "client_secret_post", "none");
            Strings(writer, "revocation_endpoint_auth_methods_supported", "client_secret_basic", "client_secret_post", "none");
            Strings(writer, "scopes_supported", "openid", "email", "phone", "profile", TokenIssuer.AdminScope);
            Strings(writer, "prompt_values_supported", "none", "login", "select_account", "consent");
            Strings(writer, "ui_locales_supported", Sesame.OAuth.HostedPage.Languages);
            writer.WriteBoolean("request_parameter_supported", false);
            writer.WriteBoolean("claims_parameter_supported", false);
            writer.WriteStartArray("claims_supported");
            foreach (var claim in Claims)
            {
                writer.WriteStringValue(claim);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }, "application/json");
    }
}
