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
        ["sub", "iss", "aud", "exp", "iat", "auth_time", "cognito:username", "email", "email_verified", "phone_number", "phone_number_verified"];

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

        var issuer = TokenIssuer.Issuer(TokenIssuer.PublicOrigin(options.Value, context.Request), userPoolId);
        return Results.Stream(async stream =>
        {
            await using var writer = new Utf8JsonWriter(stream);
            writer.WriteStartObject();
            writer.WriteString("issuer", issuer);
            writer.WriteString("jwks_uri", issuer + "/.well-known/jwks.json");
            writer.WriteStartArray("id_token_signing_alg_values_supported");
            writer.WriteStringValue("RS256");
            writer.WriteEndArray();
            writer.WriteStartArray("subject_types_supported");
            writer.WriteStringValue("public");
            writer.WriteEndArray();
            writer.WriteStartArray("response_types_supported");
            writer.WriteStringValue("code");
            writer.WriteStringValue("token");
            writer.WriteEndArray();
            writer.WriteStartArray("scopes_supported");
            writer.WriteStringValue("openid");
            writer.WriteStringValue("email");
            writer.WriteStringValue("phone");
            writer.WriteStringValue("profile");
            writer.WriteEndArray();
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
