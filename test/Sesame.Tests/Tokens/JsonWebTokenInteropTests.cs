using System.Buffers.Text;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Sesame.Tests.TestSupport;
using Sesame.Tokens;

namespace Sesame.Tests.Tokens;

/// <summary>
/// Sesame's hand-written RS256 (Tokens/Jwt.cs) against Microsoft.IdentityModel.JsonWebTokens, both ways: what Sesame
/// issues validates with JsonWebTokenHandler against the JWKS Sesame publishes, and what the handler signs with
/// Sesame's key is accepted by Sesame (and refused once tampered with).
/// </summary>
public sealed class JsonWebTokenInteropTests : IDisposable
{
    private readonly SesameApp _app = new();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task Tokens_IssuedBySesame_ValidateWithJsonWebTokenHandlerAgainstPublishedJwks()
    {
        IssueAt(DateTimeOffset.UtcNow);
        var phone = SesameApp.NewPhone();
        var sub = await _app.CreateConfirmedUserAsync(phone);
        var tokens = await _app.SignInAsync(phone);
        var handler = new JsonWebTokenHandler();

        var id = await handler.ValidateTokenAsync(tokens["IdToken"]!.GetValue<string>(), await ParametersAsync(audience: SesameApp.ClientId));
        var access = await handler.ValidateTokenAsync(tokens.Access(), await ParametersAsync(audience: null));

        Assert.True(id.IsValid, id.Exception?.Message);
        Assert.Equal(sub, id.Claims["sub"]);
        Assert.Equal("id", id.Claims["token_use"]);
        Assert.True(access.IsValid, access.Exception?.Message);
        // Cognito access tokens carry no aud; the app client is client_id (as aws-jwt-verify checks it).
        Assert.Equal(SesameApp.ClientId, access.Claims["client_id"]);
        Assert.Equal("access", access.Claims["token_use"]);
        Assert.Equal(sub, access.Claims["sub"]);
    }

    [Fact]
    public async Task Tokens_IssuedBySesame_WrongAudienceOtherAlgorithmOrExpired_RejectedByJsonWebTokenHandler()
    {
        IssueAt(DateTimeOffset.UtcNow);
        var phone = SesameApp.NewPhone();
        await _app.CreateConfirmedUserAsync(phone);
        var idToken = (await _app.SignInAsync(phone))["IdToken"]!.GetValue<string>();
        // ID tokens live one hour: one issued an hour and a minute ago has expired.
        IssueAt(DateTimeOffset.UtcNow - TimeSpan.FromMinutes(61));
        var oldIdToken = (await _app.SignInAsync(phone))["IdToken"]!.GetValue<string>();
        var handler = new JsonWebTokenHandler();

        var current = await handler.ValidateTokenAsync(idToken, await ParametersAsync(audience: SesameApp.ClientId));
        var otherAudience = await handler.ValidateTokenAsync(idToken, await ParametersAsync(audience: "someotherclient"));
        var otherAlgorithm = await handler.ValidateTokenAsync(idToken, await ParametersAsync(audience: SesameApp.ClientId, algorithm: SecurityAlgorithms.RsaSha512));
        var expired = await handler.ValidateTokenAsync(oldIdToken, await ParametersAsync(audience: SesameApp.ClientId));

        Assert.True(current.IsValid, current.Exception?.Message);

        Assert.IsType<SecurityTokenInvalidAudienceException>(otherAudience.Exception);
        // With RS256 outside ValidAlgorithms no key may check the signature: the handler reports it as not validated.
        Assert.IsType<SecurityTokenInvalidSignatureException>(otherAlgorithm.Exception);
        Assert.IsType<SecurityTokenExpiredException>(expired.Exception);
    }

    [Fact]
    public async Task Jwt_Verify_TokenSignedByJsonWebTokenHandlerWithSesamesKey_AcceptedUntilTampered()
    {
        var phone = SesameApp.NewPhone();
        await _app.CreateConfirmedUserAsync(phone);
        var issued = (await _app.SignInAsync(phone)).Access();
        var keys = _app.Services.GetRequiredService<SigningKeys>();
        var key = keys.Find(Segment(issued, 0)["kid"]!.GetValue<string>())!;

        // The same claims, signed by the library with the pool's access key.
        var payload = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(issued.Split('.')[1]));
        var signed = new JsonWebTokenHandler().CreateToken(payload,
            new SigningCredentials(new RsaSecurityKey(key.Rsa) { KeyId = key.Kid }, SecurityAlgorithms.RsaSha256));
        var parts = signed.Split('.');
        var claims = Segment(signed, 1);
        claims["username"] = "someone-else";
        var tampered = parts[0] + "." + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(claims.ToJsonString())) + "." + parts[2];

        // Same claims, different header: Cognito's (and Sesame's) is {"kid","alg"}; the library writes alg, kid, typ.
        Assert.Equal(["kid", "alg"], Segment(issued, 0).AsObject().Select(p => p.Key));
        Assert.Equal(["alg", "kid", "typ"], Segment(signed, 0).AsObject().Select(p => p.Key));
        using (var verified = Jwt.Verify(signed, keys.Find))
        {
            Assert.NotNull(verified);
            Assert.Same(key, verified.Key);
        }

        Assert.Null(Jwt.Verify(tampered, keys.Find));
        (await _app.CallAsync("GetUser", new { AccessToken = signed })).AssertOk();
        (await _app.CallAsync("GetUser", new { AccessToken = tampered })).AssertError("NotAuthorizedException", "Invalid Access Token");
    }

    /// <summary>
    /// The handler checks lifetimes against the real clock (its TimeProvider setting is not public), so the test's clock
    /// is moved to when the tokens should be issued relative to now.
    /// </summary>
    private void IssueAt(DateTimeOffset at) => _app.Clock.Advance(at - _app.Clock.GetUtcNow());

    /// <summary>What a relying party configures: the discovered issuer, the published keys, RS256 only.</summary>
    private async Task<TokenValidationParameters> ParametersAsync(string? audience, string algorithm = SecurityAlgorithms.RsaSha256)
    {
        using var client = _app.CreateClient();
        var discovery = JsonNode.Parse(await client.GetStringAsync($"/{SesameApp.PoolId}/.well-known/openid-configuration"))!;
        var jwks = new JsonWebKeySet(await client.GetStringAsync(new Uri(discovery["jwks_uri"]!.GetValue<string>()).PathAndQuery));
        return new TokenValidationParameters
        {
            ValidIssuer = discovery["issuer"]!.GetValue<string>(),
            ValidateAudience = audience is not null,
            ValidAudience = audience,
            ValidAlgorithms = [algorithm],
            IssuerSigningKeys = jwks.GetSigningKeys(),
            ValidateIssuerSigningKey = true,
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ClockSkew = TimeSpan.Zero,
        };
    }

    private static JsonNode Segment(string token, int index) => JsonNode.Parse(Base64Url.DecodeFromChars(token.Split('.')[index]))!;
}
