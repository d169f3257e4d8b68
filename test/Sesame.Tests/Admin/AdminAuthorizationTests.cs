using Sesame.Tests.TestSupport;

namespace Sesame.Tests.Admin;

/// <summary>Admin operations demand a valid SigV4 signature from a configured key; the AWS error names say why not.</summary>
public sealed class AdminAuthorizationTests : IDisposable
{
    private readonly SesameApp _app = new();

    public void Dispose() => _app.Dispose();

    private static readonly object GetUserBody = new { UserPoolId = SesameApp.PoolId, Username = "+15550001111" };

    [Fact]
    public async Task AdminGetUser_Unsigned_MissingAuthenticationTokenException()
    {
        var response = await _app.CallAsync("AdminGetUser", GetUserBody);

        response.AssertError("MissingAuthenticationTokenException", "Missing Authentication Token");
    }

    [Fact]
    public async Task ListUsers_UnknownAccessKey_UnrecognizedClientException()
    {
        var response = await _app.SignedCallAsync("ListUsers", new { UserPoolId = SesameApp.PoolId }, "AKIDNOTCONFIGURED", AdminApi.Secret);

        response.AssertError("UnrecognizedClientException", "The security token included in the request is invalid.");
    }

    [Fact]
    public async Task CreateUserPool_WrongSecret_InvalidSignatureException()
    {
        var response = await _app.SignedCallAsync("CreateUserPool", new { PoolName = "x" }, AdminApi.KeyId, "not-the-secret");

        response.AssertError("InvalidSignatureException");
        Assert.StartsWith("The request signature we calculated does not match", response.Message, StringComparison.Ordinal);
        var pools = await _app.AdminCallAsync("ListUserPools", new { MaxResults = 60 });
        Assert.Single(pools.Json["UserPools"]!.AsArray());
    }

    [Fact]
    public async Task AdminCreateUser_BodyChangedAfterSigning_InvalidSignatureException()
    {
        var response = await _app.SignedCallAsync("AdminCreateUser", new { UserPoolId = SesameApp.PoolId, Username = "+15550002222" },
            AdminApi.KeyId, AdminApi.Secret, tamper: request =>
            {
                var body = "{\"UserPoolId\":\"us-east-1_SesameDev\",\"Username\":\"+15550003333\"}"u8.ToArray();
                var content = new ByteArrayContent(body);
                content.Headers.ContentType = request.Content!.Headers.ContentType;
                request.Content = content;
            });

        response.AssertError("InvalidSignatureException");
        (await _app.AdminCallAsync("AdminGetUser", new { UserPoolId = SesameApp.PoolId, Username = "+15550003333" })).AssertError("UserNotFoundException");
    }

    [Fact]
    public async Task AdminGetUser_SignedTwentyMinutesAgo_SignatureExpired()
    {
        var response = await _app.SignedCallAsync("AdminGetUser", GetUserBody, AdminApi.KeyId, AdminApi.Secret,
            signedAt: _app.Clock.GetUtcNow().AddMinutes(-20));

        response.AssertError("InvalidSignatureException");
        Assert.StartsWith("Signature expired", response.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AdminGetUser_NotASigV4Header_IncompleteSignatureException()
    {
        var response = await _app.SignedCallAsync("AdminGetUser", GetUserBody, AdminApi.KeyId, AdminApi.Secret,
            tamper: request =>
            {
                request.Headers.Remove("Authorization");
                request.Headers.TryAddWithoutValidation("Authorization", "Bearer not-a-signature");
            });

        response.AssertError("IncompleteSignatureException");
    }

    [Fact]
    public async Task AdminGetUser_ValidSignature_ReachesTheOperation()
    {
        var response = await _app.AdminCallAsync("AdminGetUser", GetUserBody);

        response.AssertError("UserNotFoundException", "User does not exist.");
    }

    [Fact]
    public async Task AdminGetUser_NoKeysConfigured_UnrecognizedClientException()
    {
        using var app = new SesameApp(new Dictionary<string, string?> { ["Sesame:AdminAccessKeys:sesame-dev"] = "" });

        var response = await app.AdminCallAsync("AdminGetUser", GetUserBody);

        response.AssertError("UnrecognizedClientException");
    }
}
