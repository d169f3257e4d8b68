using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Sesame.Cognito;
using Sesame.CognitoApi;
using Sesame.Configuration;
using Sesame.Tests.TestSupport;

namespace Sesame.Tests.Unit;

/// <summary>
/// The verifier against vectors of the official AWS Signature Version 4 test suite
/// (docs.aws.amazon.com/general/latest/gr/signature-v4-test-suite.html): credentials AKIDEXAMPLE, region us-east-1,
/// service "service", signed at 2015-08-30T12:36:00Z.
/// </summary>
public sealed class SigV4Tests
{
    private const string Scope = "AKIDEXAMPLE/20150830/us-east-1/service/aws4_request";

    private static readonly DateTimeOffset SuiteTime = new(2015, 8, 30, 12, 36, 0, TimeSpan.Zero);

    private static SigV4 Verifier(DateTimeOffset? now = null)
    {
        var options = new SesameOptions();
        options.AdminAccessKeys["AKIDEXAMPLE"] = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
        return new SigV4(Options.Create(options), new ManualTimeProvider(now ?? SuiteTime));
    }

    private static HttpRequest Request(string method, string query, string signedHeaders, string signature, params (string Name, string Value)[] headers)
    {
        var context = new DefaultHttpContext();
        var request = context.Request;
        request.Method = method;
        request.Path = "/";
        request.QueryString = new QueryString(query);
        request.Host = new HostString("example.amazonaws.com");
        request.Headers["X-Amz-Date"] = "20150830T123600Z";
        foreach (var (name, value) in headers)
        {
            request.Headers[name] = value;
        }

        request.Headers.Authorization = $"AWS4-HMAC-SHA256 Credential={Scope}, SignedHeaders={signedHeaders}, Signature={signature}";
        return request;
    }

    [Fact]
    public void Authenticate_GetVanilla_AcceptsSuiteSignature()
    {
        var request = Request("GET", "", "host;x-amz-date", "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");

        var caller = Verifier().Authenticate(request, []);

        Assert.Equal(new AdminCaller("AKIDEXAMPLE", "us-east-1"), caller);
    }

    [Fact]
    public void Authenticate_GetVanillaQueryOrderKeyCase_AcceptsSuiteSignature()
    {
        var request = Request("GET", "?Param2=value2&Param1=value1", "host;x-amz-date",
            "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500");

        Assert.Equal("AKIDEXAMPLE", Verifier().Authenticate(request, []).AccessKeyId);
    }

    [Fact]
    public void Authenticate_PostXWwwFormUrlencoded_AcceptsSuiteSignature()
    {
        var request = Request("POST", "", "content-type;host;x-amz-date", "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a",
            ("Content-Type", "application/x-www-form-urlencoded"));

        Assert.Equal("AKIDEXAMPLE", Verifier().Authenticate(request, "Param1=value1"u8).AccessKeyId);
    }

    [Fact]
    public void Authenticate_PostWithChangedBody_InvalidSignatureException()
    {
        var request = Request("POST", "", "content-type;host;x-amz-date", "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a",
            ("Content-Type", "application/x-www-form-urlencoded"));

        var error = Assert.Throws<CognitoException>(() => Verifier().Authenticate(request, "Param1=value2"u8));
        Assert.Equal("InvalidSignatureException", error.Type);
    }

    [Fact]
    public void Authenticate_GetVanillaOneBitOff_InvalidSignatureException()
    {
        var request = Request("GET", "", "host;x-amz-date", "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf30");

        Assert.Equal("InvalidSignatureException", Assert.Throws<CognitoException>(() => Verifier().Authenticate(request, [])).Type);
    }

    [Fact]
    public void Authenticate_SuiteRequestSixteenMinutesLater_SignatureExpired()
    {
        var request = Request("GET", "", "host;x-amz-date", "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");

        var error = Assert.Throws<CognitoException>(() => Verifier(SuiteTime.AddMinutes(16)).Authenticate(request, []));

        Assert.Equal("InvalidSignatureException", error.Type);
        Assert.StartsWith("Signature expired", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Authenticate_UnknownAccessKey_UnrecognizedClientException()
    {
        var request = Request("GET", "", "host;x-amz-date", "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
        request.Headers.Authorization = request.Headers.Authorization.ToString().Replace("AKIDEXAMPLE", "AKIDOTHER", StringComparison.Ordinal);

        Assert.Equal("UnrecognizedClientException", Assert.Throws<CognitoException>(() => Verifier().Authenticate(request, [])).Type);
    }

    [Fact]
    public void Authenticate_NoAuthorization_MissingAuthenticationTokenException()
    {
        var request = Request("GET", "", "host;x-amz-date", "x");
        request.Headers.Authorization = string.Empty;

        Assert.Equal("MissingAuthenticationTokenException", Assert.Throws<CognitoException>(() => Verifier().Authenticate(request, [])).Type);
    }
}
