using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Sesame.Triggers;

namespace Sesame.Tests.Triggers;

/// <summary>Sesame's event types read and write Cognito's recorded trigger events field for field.</summary>
public sealed class TriggerEventJsonTests
{
    public static TheoryData<string> Fixtures() =>
    [
        "PreSignUp_SignUp", "DefineAuthChallenge_Authentication", "CreateAuthChallenge_Authentication",
        "VerifyAuthChallengeResponse_Authentication", "PostConfirmation_ConfirmSignUp", "PostAuthentication_Authentication",
        "TokenGeneration_Authentication",
    ];

    internal static string Fixture(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Triggers", "Fixtures", name + ".json"));

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Event_RecordedCognitoJson_RoundTripsWithTheSameFieldsAndValues(string name)
    {
        var recorded = JsonNode.Parse(Fixture(name))!;

        var written = name switch
        {
            "PreSignUp_SignUp" => RoundTrip(recorded, TriggerJsonContext.Default.PreSignUpEvent),
            "DefineAuthChallenge_Authentication" => RoundTrip(recorded, TriggerJsonContext.Default.DefineAuthChallengeEvent),
            "CreateAuthChallenge_Authentication" => RoundTrip(recorded, TriggerJsonContext.Default.CreateAuthChallengeEvent),
            "VerifyAuthChallengeResponse_Authentication" => RoundTrip(recorded, TriggerJsonContext.Default.VerifyAuthChallengeResponseEvent),
            "PostConfirmation_ConfirmSignUp" => RoundTrip(recorded, TriggerJsonContext.Default.PostConfirmationEvent),
            "PostAuthentication_Authentication" => RoundTrip(recorded, TriggerJsonContext.Default.PostAuthenticationEvent),
            _ => RoundTrip(recorded, TriggerJsonContext.Default.PreTokenGenerationEvent),
        };

        Assert.True(JsonNode.DeepEquals(recorded, written), $"recorded:\n{recorded.ToJsonString()}\nwritten:\n{written.ToJsonString()}");
    }

    [Fact]
    public void DefineEvent_RecordedJson_ReadsSessionHistory()
    {
        var triggerEvent = JsonSerializer.Deserialize(Fixture("DefineAuthChallenge_Authentication"), TriggerJsonContext.Default.DefineAuthChallengeEvent)!;

        var round = Assert.Single(triggerEvent.Request.Session);
        Assert.Equal(("CUSTOM_CHALLENGE", false, "CODE-1"), (round.ChallengeName, round.Result, round.ChallengeMetadata));
        Assert.Equal("v", triggerEvent.Request.ClientMetadata!["k"]);
        Assert.Equal("51575f68-2a23-479f-9882-c21c12eda766", triggerEvent.UserName);
    }

    [Fact]
    public void CreateEvent_NumberAnswerAsLambdaReturnsIt_ReadAsString()
    {
        // The OTP tutorial (seed 003) returns `answer: otp` with otp a number, and compares it with === to the string answer.
        const string returned = """{"response":{"privateChallengeParameters":{"answer":123456},"publicChallengeParameters":{"n":1.5,"b":true},"challengeMetadata":7}}""";

        var triggerEvent = JsonSerializer.Deserialize(returned, TriggerJsonContext.Default.CreateAuthChallengeEvent)!;

        Assert.Equal("123456", triggerEvent.Response.PrivateChallengeParameters["answer"]);
        Assert.Equal("1.5", triggerEvent.Response.PublicChallengeParameters["n"]);
        Assert.Equal("true", triggerEvent.Response.PublicChallengeParameters["b"]);
        Assert.Equal("7", triggerEvent.Response.ChallengeMetadata);
    }

    [Fact]
    public void DefineEvent_NullFlagsAsJavaScriptLeavesThem_ReadAsFalse()
    {
        const string returned = """{"response":{"challengeName":"CUSTOM_CHALLENGE","issueTokens":null,"failAuthentication":null}}""";

        var response = JsonSerializer.Deserialize(returned, TriggerJsonContext.Default.DefineAuthChallengeEvent)!.Response;

        Assert.Equal(("CUSTOM_CHALLENGE", false, false), (response.ChallengeName, response.IssueTokens, response.FailAuthentication));
    }

    private static JsonNode RoundTrip<TEvent>(JsonNode recorded, JsonTypeInfo<TEvent> typeInfo) =>
        JsonSerializer.SerializeToNode(recorded.Deserialize(typeInfo)!, typeInfo)!;
}

/// <summary>The HTTP trigger signature, checked against the worked example in docs/triggers.md.</summary>
public sealed class HttpTriggerSignatureTests
{
    // docs/triggers.md, "The HTTP contract": the example body, secret, timestamp and signature.
    private const string Body = """{"version":"1","triggerSource":"DefineAuthChallenge_Authentication","region":"us-east-1","userPoolId":"us-east-1_SesameDev","userName":"3f0c6d4e-8f1a-4c55-9d2b-6b7e1a2c9f10","callerContext":{"awsSdkVersion":"aws-sdk-unknown-unknown","clientId":"sesamedevclient0000000000"},"request":{"userAttributes":{"sub":"a1b2c3d4-0000-4000-8000-000000000001","phone_number":"+15551234567","phone_number_verified":"true","cognito:user_status":"CONFIRMED"},"session":[{"challengeName":"CUSTOM_CHALLENGE","challengeResult":true,"challengeMetadata":"CUSTOM_CHALLENGE"}],"userNotFound":false},"response":{"challengeName":null,"issueTokens":false,"failAuthentication":false}}""";
    private const string Secret = "example-secret-at-least-32-characters-long";
    private const string Timestamp = "1795251600";
    private const string Signature = "v1=a923756d19f28a55a489773e6f4036c136fdc5b0352ff3ac4b28ab31f70f9f20";

    [Fact]
    public void Sign_DocumentedExample_GivesTheDocumentedSignature()
    {
        Assert.Equal(Signature, Sesame.Triggers.Http.HttpTriggerSignature.Sign(Secret, 1795251600, System.Text.Encoding.UTF8.GetBytes(Body)));
    }

    [Fact]
    public void Verify_DocumentedExample_AcceptedWithinTheWindowOnly()
    {
        var signedAt = DateTimeOffset.FromUnixTimeSeconds(1795251600);
        var body = System.Text.Encoding.UTF8.GetBytes(Body);

        Assert.True(Sesame.Triggers.Http.HttpTriggerSignature.Verify(Secret, Timestamp, Signature, body, signedAt.AddMinutes(4)));
        Assert.False(Sesame.Triggers.Http.HttpTriggerSignature.Verify(Secret, Timestamp, Signature, body, signedAt.AddMinutes(6)));
        Assert.False(Sesame.Triggers.Http.HttpTriggerSignature.Verify(Secret, "1795251601", Signature, body, signedAt));
    }
}
