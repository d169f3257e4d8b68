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
