using System.Net.Http.Headers;
using System.Text;
using Sesame.Tests.TestSupport;

namespace Sesame.Tests.CognitoApi;

public sealed class ProtocolTests : IDisposable
{
    private readonly SesameApp _app = new();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task Call_UnknownTarget_UnknownOperationException()
    {
        var response = await _app.CallAsync("NoSuchOperation", new { });
        response.AssertError("UnknownOperationException");
        Assert.Equal("application/x-amz-json-1.1", response.ContentType);
        Assert.True(Guid.TryParse(response.Headers["x-amzn-requestid"], out _));
    }

    [Fact]
    public async Task Call_MissingTargetHeader_UnknownOperationException()
    {
        using var client = _app.CreateClient();
        using var content = new StringContent("{}", Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-amz-json-1.1");
        using var response = await client.PostAsync("/", content);
        Assert.Equal(400, (int)response.StatusCode);
        Assert.Contains("UnknownOperationException", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("[1,2,3]")]
    [InlineData("\"text\"")]
    [InlineData("{\"ClientId\": 5}")]
    [InlineData("{\"ClientId\": \"a\", \"UserAttributes\": \"not-a-list\"}")]
    public async Task SignUp_MalformedBody_SerializationException(string body)
    {
        var response = await _app.CallAsync("SignUp", body);
        response.AssertError("SerializationException");
        Assert.DoesNotContain(" at ", response.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Call_DeeplyNestedJson_SerializationException()
    {
        var body = "{\"ClientMetadata\":" + new string('[', 5000) + new string(']', 5000) + "}";
        (await _app.CallAsync("SignUp", body)).AssertError("SerializationException");
    }

    [Fact]
    public async Task SignUp_MissingClientId_InvalidParameterWithCognitoMessage()
    {
        var response = await _app.CallAsync("SignUp", new { Username = "+15550000000" });
        response.AssertError("InvalidParameterException",
            "1 validation error detected: Value null at 'clientId' failed to satisfy constraint: Member must not be null");
    }

    [Fact]
    public async Task SignUp_OversizedUsername_InvalidParameterException()
    {
        var response = await _app.CallAsync("SignUp", new { SesameApp.ClientId, Username = new string('a', 129) });
        response.AssertError("InvalidParameterException");
        Assert.Contains("length less than or equal to 128", response.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Call_BodyOverLimit_InvalidParameterException()
    {
        var body = "{\"ClientId\":\"" + new string('a', 70 * 1024) + "\"}";
        (await _app.CallAsync("SignUp", body)).AssertError("InvalidParameterException");
    }

    [Fact]
    public async Task InitiateAuth_UnknownClientId_ResourceNotFoundException()
    {
        var response = await _app.CallAsync("InitiateAuth", new { ClientId = "nosuchclient", AuthFlow = "CUSTOM_AUTH", AuthParameters = new { USERNAME = "x" } });
        response.AssertError("ResourceNotFoundException", "User pool client nosuchclient does not exist.");
    }

    [Fact]
    public async Task InitiateAuth_BadClientIdCharacters_InvalidParameterException()
    {
        var response = await _app.CallAsync("InitiateAuth", new { ClientId = "bad client!", AuthFlow = "CUSTOM_AUTH" });
        response.AssertError("InvalidParameterException");
    }

    [Fact]
    public async Task InitiateAuth_UnknownAuthFlow_InvalidParameterException()
    {
        var response = await _app.CallAsync("InitiateAuth", new { SesameApp.ClientId, AuthFlow = "MAGIC", AuthParameters = new { USERNAME = "x" } });
        response.AssertError("InvalidParameterException");
        Assert.Contains("enum value set", response.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InitiateAuth_MissingUsername_InvalidParameterException()
    {
        var response = await _app.CallAsync("InitiateAuth", new { SesameApp.ClientId, AuthFlow = "CUSTOM_AUTH", AuthParameters = new { } });
        response.AssertError("InvalidParameterException", "Missing required parameter USERNAME");
    }

    [Fact]
    public async Task Call_EmptyBody_ValidatedAsEmptyObject()
    {
        (await _app.CallAsync("InitiateAuth", "")).AssertError("InvalidParameterException");
    }

    [Fact]
    public async Task Options_Preflight_AllowsBrowserClients()
    {
        using var client = _app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Options, "/");
        request.Headers.Add("Origin", "http://localhost:5173");
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "content-type,x-amz-target,x-amz-user-agent,amz-sdk-invocation-id,amz-sdk-request,cache-control");
        using var response = await client.SendAsync(request);
        Assert.Equal(204, (int)response.StatusCode);
        Assert.Equal("*", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        var allowed = string.Join(",", response.Headers.GetValues("Access-Control-Allow-Headers")).ToLowerInvariant();
        Assert.Contains("x-amz-target", allowed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_FromBrowserOrigin_ExposesAmznHeaders()
    {
        using var client = _app.CreateClient();
        using var content = new StringContent("{}", Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-amz-json-1.1");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/") { Content = content };
        request.Headers.Add("Origin", "http://localhost:5173");
        request.Headers.TryAddWithoutValidation("X-Amz-Target", "AWSCognitoIdentityProviderService.GetUser");
        using var response = await client.SendAsync(request);
        var exposed = string.Join(",", response.Headers.GetValues("Access-Control-Expose-Headers")).ToLowerInvariant();
        Assert.Contains("x-amzn-errortype", exposed, StringComparison.Ordinal);
        Assert.Contains("x-amzn-requestid", exposed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_StorageReachable_Ok()
    {
        using var client = _app.CreateClient();
        using var response = await client.GetAsync("/health");
        Assert.Equal(200, (int)response.StatusCode);
    }

    [Fact]
    public async Task DevOutbox_WithoutTo_BadRequest()
    {
        using var client = _app.CreateClient();
        using var response = await client.GetAsync("/dev/outbox");
        Assert.Equal(400, (int)response.StatusCode);
    }
}
