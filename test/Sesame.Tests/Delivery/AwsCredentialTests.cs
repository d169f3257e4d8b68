using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Sesame.CognitoApi;
using Sesame.Configuration;
using Sesame.Delivery;
using Sesame.Delivery.AmazonSes;
using Sesame.Delivery.AmazonSns;
using Sesame.Delivery.Aws;
using Sesame.Tests.TestSupport;

namespace Sesame.Tests.Delivery;

/// <summary>
/// SNS and SES without static keys find credentials as the AWS SDKs do: the environment, the shared files, the container
/// endpoint and the instance endpoint (IMDSv2), each a real file or a loopback stand-in; temporary credentials sign with
/// their session token (<c>X-Amz-Security-Token</c>) and are fetched again five minutes before they expire.
/// </summary>
public sealed class AwsCredentialTests : IAsyncLifetime, IDisposable
{
    private const string Phone = "+15551234567";
    private const string Secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYzEXAMPLEKEY";
    private const string Token = "IQoJb3JpZ2luX2VjEXAMPLE//session+token==";

    private readonly HttpClient _http = new();
    private readonly ManualTimeProvider _clock = new();
    private readonly CollectingLogs _logs = new();
    private readonly string _directory = Directory.CreateTempSubdirectory("sesame-aws-").FullName;
    private LoopbackServer _aws = null!;
    private LoopbackServer _metadata = null!;

    public async Task InitializeAsync()
    {
        _aws = await LoopbackServer.StartAsync();
        _metadata = await LoopbackServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _aws.DisposeAsync();
        await _metadata.DisposeAsync();
    }

    public void Dispose()
    {
        _http.Dispose();
        _logs.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task EnvironmentVariables_SignTheRequestWithTheirSessionToken()
    {
        var signedWith = AnswerSnsSignedBy("ASIAENVIRONMENT");
        var sns = Sns(Environment(new()
        {
            ["AWS_ACCESS_KEY_ID"] = "ASIAENVIRONMENT", ["AWS_SECRET_ACCESS_KEY"] = Secret, ["AWS_SESSION_TOKEN"] = Token,
            ["AWS_EC2_METADATA_DISABLED"] = "true",
        }));

        await sns.SendAsync(new SmsMessage(Phone, "123456 is your code."), default);

        var request = Assert.Single(_aws.Requests);
        Assert.Equal("ASIAENVIRONMENT", signedWith());
        Assert.Equal(Token, request.Headers["x-amz-security-token"]);
        Assert.Contains("SignedHeaders=content-type;host;x-amz-date;x-amz-security-token,", request.Headers["authorization"]);
    }

    [Fact]
    public async Task SharedCredentialsFile_TheProfileOfAwsProfile_Signs()
    {
        var file = Path.Combine(_directory, "credentials");
        await File.WriteAllTextAsync(file, $"""
            [default]
            aws_access_key_id = AKIADEFAULTPROFILE
            aws_secret_access_key = not-this-one

            # the one AWS_PROFILE names
            [sesame]
            aws_access_key_id = AKIASHAREDFILE
            aws_secret_access_key = {Secret}
            """);
        var signedWith = AnswerSesSignedBy("AKIASHAREDFILE");
        var ses = Ses(Environment(new()
        {
            ["AWS_SHARED_CREDENTIALS_FILE"] = file, ["AWS_CONFIG_FILE"] = Path.Combine(_directory, "none"), ["AWS_PROFILE"] = "sesame",
            ["AWS_EC2_METADATA_DISABLED"] = "true",
        }));

        await ses.SendAsync(new EmailMessage("jane@example.com", "Your code", "123456"), default);

        var request = Assert.Single(_aws.Requests);
        Assert.Equal("AKIASHAREDFILE", signedWith());
        Assert.False(request.Headers.ContainsKey("x-amz-security-token"));
    }

    [Fact]
    public async Task SharedConfigFile_TheProvidersProfile_SignsWithItsSessionToken()
    {
        var config = Path.Combine(_directory, "config");
        await File.WriteAllTextAsync(config, $"""
            [default]
            region = eu-west-1

            [profile ops]
            aws_access_key_id = ASIACONFIGFILE
            aws_secret_access_key = {Secret}
            aws_session_token = {Token}
            """);
        var signedWith = AnswerSnsSignedBy("ASIACONFIGFILE");
        var sns = Sns(Environment(new()
        {
            ["AWS_SHARED_CREDENTIALS_FILE"] = Path.Combine(_directory, "none"), ["AWS_CONFIG_FILE"] = config, ["AWS_PROFILE"] = "not-read",
            ["AWS_EC2_METADATA_DISABLED"] = "true",
        }), profile: "ops");

        await sns.SendAsync(new SmsMessage(Phone, "123456 is your code."), default);

        Assert.Equal("ASIACONFIGFILE", signedWith());
        Assert.Equal(Token, Assert.Single(_aws.Requests).Headers["x-amz-security-token"]);
    }

    [Fact]
    public async Task ContainerEndpoint_FullUri_IsAskedWithTheAuthorizationToken()
    {
        _metadata.Handler = (c, r) => r.Headers.GetValueOrDefault("authorization") == "ecs-auth-token-1"
            ? Json(c, 200, CredentialsJson("ASIACONTAINER", _clock.GetUtcNow().AddHours(6)))
            : Json(c, 401, "{}");
        var signedWith = AnswerSesSignedBy("ASIACONTAINER");
        var ses = Ses(Environment(new()
        {
            ["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = _metadata.Url + "/v2/credentials/task-1", ["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = "ecs-auth-token-1",
            ["AWS_SHARED_CREDENTIALS_FILE"] = Path.Combine(_directory, "none"), ["AWS_CONFIG_FILE"] = Path.Combine(_directory, "none"),
        }));

        await ses.SendAsync(new EmailMessage("jane@example.com", "Your code", "123456"), default);

        var asked = Assert.Single(_metadata.Requests);
        Assert.Equal(("GET", "/v2/credentials/task-1"), (asked.Method, asked.Path));
        Assert.Equal("ASIACONTAINER", signedWith());
        Assert.Equal(Token, Assert.Single(_aws.Requests).Headers["x-amz-security-token"]);
    }

    [Fact]
    public async Task ContainerEndpoint_RelativeUri_IsResolvedAgainstTheContainerHost()
    {
        _metadata.Handler = (c, _) => Json(c, 200, CredentialsJson("ASIARELATIVE", _clock.GetUtcNow().AddHours(6)));
        var signedWith = AnswerSnsSignedBy("ASIARELATIVE");
        var sns = Sns(Environment(new()
        {
            ["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"] = "/v2/credentials/5d4b-task",
            ["AWS_SHARED_CREDENTIALS_FILE"] = Path.Combine(_directory, "none"), ["AWS_CONFIG_FILE"] = Path.Combine(_directory, "none"),
        }, containerHost: _metadata.Url));

        await sns.SendAsync(new SmsMessage(Phone, "123456 is your code."), default);

        Assert.Equal("/v2/credentials/5d4b-task", Assert.Single(_metadata.Requests).Path);
        Assert.Equal("ASIARELATIVE", signedWith());
    }

    [Fact]
    public async Task ContainerEndpoint_FullUriInTheClearToAnotherHost_IsRefused()
    {
        var sns = Sns(Environment(new()
        {
            ["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = "http://credentials.example.com/v2/credentials",
            ["AWS_SHARED_CREDENTIALS_FILE"] = Path.Combine(_directory, "none"), ["AWS_CONFIG_FILE"] = Path.Combine(_directory, "none"),
        }));

        var error = await Assert.ThrowsAsync<DeliveryException>(async () => await sns.SendAsync(new SmsMessage(Phone, "123456"), default));

        Assert.Equal(DeliveryFailure.Provider, error.Failure);
        Assert.Contains("AWS_CONTAINER_CREDENTIALS_FULL_URI", error.Message);
        Assert.Empty(_aws.Requests);
    }

    [Fact]
    public async Task InstanceEndpoint_PutsForATokenThenReadsTheRolesCredentialsWithIt()
    {
        ServeImds(() => ("ASIAINSTANCE", _clock.GetUtcNow().AddHours(6)));
        var signedWith = AnswerSnsSignedBy("ASIAINSTANCE");
        var sns = Sns(InstanceEnvironment());

        await sns.SendAsync(new SmsMessage(Phone, "123456 is your code."), default);

        var asked = _metadata.Requests.ToArray();
        Assert.Equal(
            [("PUT", "/latest/api/token"), ("GET", "/latest/meta-data/iam/security-credentials/"), ("GET", "/latest/meta-data/iam/security-credentials/sesame-sms")],
            asked.Select(r => (r.Method, r.Path)));
        Assert.Equal("21600", asked[0].Headers["x-aws-ec2-metadata-token-ttl-seconds"]);
        Assert.All(asked.Skip(1), r => Assert.Equal("imds-session-token", r.Headers["x-aws-ec2-metadata-token"]));
        Assert.Equal("ASIAINSTANCE", signedWith());
        Assert.Equal(Token, Assert.Single(_aws.Requests).Headers["x-amz-security-token"]);
    }

    [Fact]
    public async Task TemporaryCredentials_AreFetchedAgainFiveMinutesBeforeTheyExpire()
    {
        var issued = 0;
        var expiry = _clock.GetUtcNow().AddHours(1);
        ServeImds(() => ($"ASIAROLE{Interlocked.Increment(ref issued)}", expiry));
        string? signer = null;
        var verifiers = new[] { Verifier("ASIAROLE1"), Verifier("ASIAROLE2") };
        _aws.Handler = (c, r) =>
        {
            signer = verifiers.Select(v => Try(() => v.Authenticate(c.Request, r.Body).AccessKeyId)).First(id => id is not null);
            return SnsOk(c);
        };
        var sns = Sns(InstanceEnvironment());

        await sns.SendAsync(new SmsMessage(Phone, "1"), default);
        Assert.Equal("ASIAROLE1", signer);

        _clock.Advance(TimeSpan.FromMinutes(54));
        await sns.SendAsync(new SmsMessage(Phone, "2"), default);
        Assert.Equal(("ASIAROLE1", 3), (signer, _metadata.Requests.Count));

        expiry = _clock.GetUtcNow().AddHours(1);
        _clock.Advance(TimeSpan.FromMinutes(1));
        await sns.SendAsync(new SmsMessage(Phone, "3"), default);
        Assert.Equal(("ASIAROLE2", 6), (signer, _metadata.Requests.Count));
    }

    [Fact]
    public async Task FailedRefresh_KeepsTheValidCredentials_UntilTheyExpire()
    {
        var expiry = _clock.GetUtcNow().AddHours(1);
        ServeImds(() => ("ASIAROLE1", expiry));
        var signedWith = AnswerSnsSignedBy("ASIAROLE1");
        var sns = Sns(InstanceEnvironment());
        await sns.SendAsync(new SmsMessage(Phone, "1"), default);

        _metadata.Handler = (c, _) => Json(c, 500, "{}");
        _clock.Advance(TimeSpan.FromMinutes(57));
        await sns.SendAsync(new SmsMessage(Phone, "2"), default);
        Assert.Equal("ASIAROLE1", signedWith());
        Assert.Equal(2, _aws.Requests.Count);

        _clock.Advance(TimeSpan.FromMinutes(3));
        var error = await Assert.ThrowsAsync<DeliveryException>(async () => await sns.SendAsync(new SmsMessage(Phone, "3"), default));
        Assert.Contains("instance endpoint answered 500", error.Message);
        Assert.Equal(2, _aws.Requests.Count);
    }

    [Fact]
    public async Task NoSource_IsAProviderFailure_SoTheNextProviderSends()
    {
        var sns = Sns(Environment(new()
        {
            ["AWS_SHARED_CREDENTIALS_FILE"] = Path.Combine(_directory, "none"), ["AWS_CONFIG_FILE"] = Path.Combine(_directory, "none"),
            ["AWS_EC2_METADATA_DISABLED"] = "true",
        }));

        var error = await Assert.ThrowsAsync<DeliveryException>(async () => await sns.SendAsync(new SmsMessage(Phone, "123456"), default));

        Assert.Equal(DeliveryFailure.Provider, error.Failure);
        Assert.Contains("no AWS credentials", error.Message);
        Assert.Empty(_aws.Requests);
    }

    [Fact]
    public async Task ResolvedCredentials_AreNamedBySource_NeverLogged()
    {
        ServeImds(() => ("ASIAINSTANCE", _clock.GetUtcNow().AddHours(6)));
        AnswerSnsSignedBy("ASIAINSTANCE");
        var sns = Sns(InstanceEnvironment());

        await sns.SendAsync(new SmsMessage(Phone, "123456"), default);

        var line = Assert.Single(_logs.Lines);
        Assert.Contains("instance role", line);
        Assert.DoesNotContain("ASIAINSTANCE", line);
        Assert.DoesNotContain(Secret, line);
        Assert.DoesNotContain(Token, line);
        Assert.DoesNotContain(Secret, new AwsCredentials("ASIAINSTANCE", Secret, Token, null).ToString());
    }

    [Fact]
    public void Validator_TakesSnsAndSesWithoutKeys_RefusesHalfAPair()
    {
        var options = new SesameOptions();
        options.Delivery.Providers["sns"] = new DeliveryProviderOptions { Type = "Sns", Region = "us-east-1" };
        options.Delivery.Providers["ses"] = new DeliveryProviderOptions { Type = "Ses", Region = "us-east-1", From = "a@b.c", Profile = "ops" };
        options.Delivery.Providers["half"] = new DeliveryProviderOptions { Type = "Sns", Region = "us-east-1", AccessKeyId = "AKIA" };
        var validator = new DeliveryOptionsValidator();

        var result = validator.Validate(null, options);

        Assert.Equal(["Sesame:Delivery:Providers:half: set AccessKeyId and SecretAccessKey together, or neither (the AWS default credential chain)."], result.Failures);
    }

    // ---- stand-ins ------------------------------------------------------------------------------------------------

    private AwsEnvironment Environment(Dictionary<string, string> variables, string? containerHost = null) =>
        new(name => variables.GetValueOrDefault(name), Path.Combine(_directory, "home"), containerHost ?? "http://169.254.170.2");

    private AwsEnvironment InstanceEnvironment() => Environment(new()
    {
        ["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = _metadata.Url,
        ["AWS_SHARED_CREDENTIALS_FILE"] = Path.Combine(_directory, "none"), ["AWS_CONFIG_FILE"] = Path.Combine(_directory, "none"),
    });

    /// <summary>IMDSv2 as EC2 serves it: a session token for a PUT with a TTL, and nothing without that token.</summary>
    private void ServeImds(Func<(string KeyId, DateTimeOffset Expiration)> issue) =>
        _metadata.Handler = (c, r) =>
        {
            if (r is { Method: "PUT", Path: "/latest/api/token" })
            {
                return int.TryParse(r.Headers.GetValueOrDefault("x-aws-ec2-metadata-token-ttl-seconds"), out var ttl) && ttl is > 0 and <= 21600
                    ? Json(c, 200, "imds-session-token", "text/plain")
                    : Json(c, 400, "Missing or invalid TTL");
            }

            if (r.Method != "GET" || r.Headers.GetValueOrDefault("x-aws-ec2-metadata-token") != "imds-session-token")
            {
                return Json(c, 401, "Unauthorized");
            }

            if (r.Path == "/latest/meta-data/iam/security-credentials/")
            {
                return Json(c, 200, "sesame-sms", "text/plain");
            }

            if (r.Path == "/latest/meta-data/iam/security-credentials/sesame-sms")
            {
                var (key, expiration) = issue();
                var json = JsonNode.Parse(CredentialsJson(key, expiration))!.AsObject();
                json["Code"] = "Success";
                json["Type"] = "AWS-HMAC";
                return Json(c, 200, json.ToJsonString());
            }

            return Json(c, 404, "Not Found");
        };

    private static string CredentialsJson(string keyId, DateTimeOffset expiration) => new JsonObject
    {
        ["AccessKeyId"] = keyId, ["SecretAccessKey"] = Secret, ["Token"] = Token,
        ["Expiration"] = expiration.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
    }.ToJsonString();

    private Func<string?> AnswerSnsSignedBy(string keyId)
    {
        var verifier = Verifier(keyId);
        string? signedBy = null;
        _aws.Handler = (c, r) =>
        {
            signedBy = Try(() => verifier.Authenticate(c.Request, r.Body).AccessKeyId);
            return signedBy is null ? Json(c, 403, "<ErrorResponse><Error><Code>SignatureDoesNotMatch</Code></Error></ErrorResponse>", "text/xml") : SnsOk(c);
        };
        return () => signedBy;
    }

    private Func<string?> AnswerSesSignedBy(string keyId)
    {
        var verifier = Verifier(keyId);
        string? signedBy = null;
        _aws.Handler = (c, r) =>
        {
            signedBy = Try(() => verifier.Authenticate(c.Request, r.Body).AccessKeyId);
            return signedBy is null ? Json(c, 403, """{"message":"signature"}""") : Json(c, 200, """{"MessageId":"ses-1"}""");
        };
        return () => signedBy;
    }

    private SnsSmsSender Sns(AwsEnvironment environment, string? profile = null)
    {
        var options = new DeliveryProviderOptions { Type = "Sns", Endpoint = _aws.Url, Region = "us-east-1", Profile = profile };
        return new SnsSmsSender("sns", options, _http, _clock, new AwsCredentialSource("sns", options, _http, _clock, environment, _logs.CreateLogger("aws")));
    }

    private SesEmailSender Ses(AwsEnvironment environment)
    {
        var options = new DeliveryProviderOptions { Type = "Ses", Endpoint = _aws.Url, Region = "eu-west-1", From = "no-reply@example.com", ConfigurationSetName = "codes" };
        return new SesEmailSender("ses", options, _http, _clock, new AwsCredentialSource("ses", options, _http, _clock, environment, _logs.CreateLogger("aws")));
    }

    private SigV4 Verifier(string keyId) => new(Options.Create(new SesameOptions { AdminAccessKeys = { [keyId] = Secret } }), _clock);

    private static string? Try(Func<string> authenticate)
    {
        try
        {
            return authenticate();
        }
        catch (Sesame.Cognito.CognitoException)
        {
            return null;
        }
    }

    private static Task SnsOk(HttpContext c) =>
        Json(c, 200, "<PublishResponse><PublishResult><MessageId>sns-1</MessageId></PublishResult></PublishResponse>", "text/xml");

    private static Task Json(HttpContext context, int status, string body, string contentType = "application/json")
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        return context.Response.WriteAsync(body);
    }
}
