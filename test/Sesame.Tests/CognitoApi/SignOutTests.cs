using Sesame.Tests.TestSupport;

namespace Sesame.Tests.CognitoApi;

public sealed class SignOutTests : IDisposable
{
    private readonly SesameApp _app = new();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task GlobalSignOut_EverySessionOfTheUser_RefusedAtOnce()
    {
        var phone = SesameApp.NewPhone();
        await _app.CreateConfirmedUserAsync(phone);
        var laptop = await _app.SignInAsync(phone);
        var phoneApp = await _app.SignInAsync(phone);
        var other = SesameApp.NewPhone();
        await _app.CreateConfirmedUserAsync(other);
        var bystander = await _app.SignInAsync(other);

        (await _app.CallAsync("GlobalSignOut", new { AccessToken = laptop.Access() })).AssertOk();

        foreach (var session in new[] { laptop, phoneApp })
        {
            (await _app.GetUserAsync(session.Access())).AssertError("NotAuthorizedException", "Access Token has been revoked");
            (await _app.GetTokensAsync(session.Refresh())).AssertError("NotAuthorizedException", "Refresh Token has been revoked");
            (await _app.CallAsync("InitiateAuth", new { SesameApp.ClientId, AuthFlow = "REFRESH_TOKEN_AUTH", AuthParameters = new { REFRESH_TOKEN = session.Refresh() } }))
                .AssertError("NotAuthorizedException", "Refresh Token has been revoked");
        }

        (await _app.CallAsync("GlobalSignOut", new { AccessToken = laptop.Access() })).AssertError("NotAuthorizedException", "Access Token has been revoked");
        (await _app.GetUserAsync(bystander.Access())).AssertOk();
        // Signing in again starts a new, valid sign-in.
        (await _app.GetUserAsync((await _app.SignInAsync(phone)).Access())).AssertOk();
    }

    [Fact]
    public async Task GlobalSignOut_TokenFromRefresh_AlsoRevoked()
    {
        var phone = SesameApp.NewPhone();
        await _app.CreateConfirmedUserAsync(phone);
        var tokens = await _app.SignInAsync(phone);
        var refreshed = (await _app.GetTokensAsync(tokens.Refresh())).Json["AuthenticationResult"]!;

        (await _app.CallAsync("GlobalSignOut", new { AccessToken = tokens.Access() })).AssertOk();

        (await _app.GetUserAsync(refreshed.Access())).AssertError("NotAuthorizedException", "Access Token has been revoked");
    }

    [Fact]
    public async Task GlobalSignOut_InvalidToken_NotAuthorized()
    {
        (await _app.CallAsync("GlobalSignOut", new { AccessToken = "not.a.token" })).AssertError("NotAuthorizedException", "Invalid Access Token");
        (await _app.CallAsync("GlobalSignOut", new { })).AssertError("InvalidParameterException");
    }

    [Fact]
    public async Task RevokeToken_RevokesThatSignInOnly_WithItsAccessTokens()
    {
        var phone = SesameApp.NewPhone();
        await _app.CreateConfirmedUserAsync(phone);
        var revoked = await _app.SignInAsync(phone);
        var kept = await _app.SignInAsync(phone);
        var refreshed = (await _app.GetTokensAsync(revoked.Refresh())).Json["AuthenticationResult"]!;

        var response = await _app.CallAsync("RevokeToken", new { SesameApp.ClientId, Token = revoked.Refresh() });

        response.AssertOk();
        Assert.Equal("{}", response.Body);
        (await _app.GetUserAsync(revoked.Access())).AssertError("NotAuthorizedException", "Access Token has been revoked");
        (await _app.GetUserAsync(refreshed.Access())).AssertError("NotAuthorizedException", "Access Token has been revoked");
        (await _app.GetTokensAsync(revoked.Refresh())).AssertError("NotAuthorizedException", "Refresh Token has been revoked");
        (await _app.GetUserAsync(kept.Access())).AssertOk();
        (await _app.GetTokensAsync(kept.Refresh())).AssertOk();
        // Revoking again, or revoking a token Sesame never issued, is not an error (RFC 7009 §2.2).
        (await _app.CallAsync("RevokeToken", new { SesameApp.ClientId, Token = revoked.Refresh() })).AssertOk();
        (await _app.CallAsync("RevokeToken", new { SesameApp.ClientId, Token = "bm90LWEtdG9rZW4" })).AssertOk();
    }

    [Fact]
    public async Task RevokeToken_AccessTokenInsteadOfRefreshToken_UnsupportedTokenType()
    {
        var phone = SesameApp.NewPhone();
        await _app.CreateConfirmedUserAsync(phone);
        var tokens = await _app.SignInAsync(phone);

        (await _app.CallAsync("RevokeToken", new { SesameApp.ClientId, Token = tokens.Access() })).AssertError("UnsupportedTokenTypeException");
        (await _app.GetUserAsync(tokens.Access())).AssertOk();
    }

    [Fact]
    public async Task RevokeToken_OtherClientsTokenOrUnknownClient_Unauthorized()
    {
        using var app = new SesameApp(new Dictionary<string, string?>
        {
            ["Sesame:UserPools:us-east-1_SesameDev:Clients:secondclient0000000000000:Name"] = "second",
        });
        var phone = SesameApp.NewPhone();
        await app.CreateConfirmedUserAsync(phone);
        var tokens = await app.SignInAsync(phone);

        (await app.CallAsync("RevokeToken", new { ClientId = "secondclient0000000000000", Token = tokens.Refresh() })).AssertError("UnauthorizedException");
        (await app.CallAsync("RevokeToken", new { ClientId = "nosuchclient0000000000000", Token = tokens.Refresh() })).AssertError("UnauthorizedException");
        (await app.GetTokensAsync(tokens.Refresh())).AssertOk();
    }

    [Fact]
    public async Task DeleteUser_AccountGone_TokensRefused_NumberFreeAgain()
    {
        var phone = SesameApp.NewPhone();
        var sub = await _app.CreateConfirmedUserAsync(phone);
        var tokens = await _app.SignInAsync(phone);

        var response = await _app.CallAsync("DeleteUser", new { AccessToken = tokens.Access() });

        response.AssertOk();
        Assert.Equal("{}", response.Body);
        (await _app.GetUserAsync(tokens.Access())).AssertError("NotAuthorizedException", "Access Token has been revoked");
        (await _app.GetTokensAsync(tokens.Refresh())).AssertError("NotAuthorizedException", "Refresh Token has been revoked");
        (await _app.CallAsync("DeleteUser", new { AccessToken = tokens.Access() })).AssertError("NotAuthorizedException");
        // The number can sign up again, as a new user.
        Assert.NotEqual(sub, await _app.CreateConfirmedUserAsync(phone));
    }
}
