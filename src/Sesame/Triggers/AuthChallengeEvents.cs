using System.Text.Json.Serialization;

namespace Sesame.Triggers;

/// <summary>DefineAuthChallenge: decides the next step of a custom sign-in from the rounds so far.</summary>
public sealed class DefineAuthChallengeEvent : TriggerEvent
{
    /// <summary>What Cognito tells the trigger.</summary>
    [JsonPropertyName("request")]
    public DefineAuthChallengeRequest Request { get; set; } = new();

    /// <summary>What the trigger decides.</summary>
    [JsonPropertyName("response")]
    public DefineAuthChallengeResponse Response { get; set; } = new();
}

/// <summary>The request part of <see cref="DefineAuthChallengeEvent"/>.</summary>
public sealed class DefineAuthChallengeRequest
{
    /// <summary>The user's attributes as strings, with <c>sub</c> and <c>cognito:user_status</c>; empty for an unknown user.</summary>
    [JsonPropertyName("userAttributes")]
    public Dictionary<string, string> UserAttributes { get; set; } = [];

    /// <summary>Every round so far, in order.</summary>
    [JsonPropertyName("session")]
    public List<ChallengeResult> Session { get; set; } = [];

    /// <summary>RespondToAuthChallenge's ClientMetadata (InitiateAuth's is not forwarded, as in Cognito).</summary>
    [JsonPropertyName("clientMetadata")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Dictionary<string, string>? ClientMetadata { get; set; }

    /// <summary>True when the username matches no user (PreventUserExistenceErrors): simulate, never succeed.</summary>
    [JsonPropertyName("userNotFound")]
    public bool UserNotFound { get; set; }
}

/// <summary>The response part of <see cref="DefineAuthChallengeEvent"/>.</summary>
public sealed class DefineAuthChallengeResponse
{
    /// <summary>The next challenge, e.g. <c>CUSTOM_CHALLENGE</c>.</summary>
    [JsonPropertyName("challengeName")]
    public string? ChallengeName { get; set; }

    /// <summary>End the sign-in with tokens.</summary>
    [JsonPropertyName("issueTokens")]
    public bool IssueTokens { get; set; }

    /// <summary>End the sign-in with NotAuthorizedException; wins over <see cref="IssueTokens"/>.</summary>
    [JsonPropertyName("failAuthentication")]
    public bool FailAuthentication { get; set; }
}

/// <summary>CreateAuthChallenge: makes the challenge (and, for codes, sends it).</summary>
public sealed class CreateAuthChallengeEvent : TriggerEvent
{
    /// <summary>What Cognito tells the trigger.</summary>
    [JsonPropertyName("request")]
    public CreateAuthChallengeRequest Request { get; set; } = new();

    /// <summary>The challenge the trigger made.</summary>
    [JsonPropertyName("response")]
    public CreateAuthChallengeResponse Response { get; set; } = new();
}

/// <summary>The request part of <see cref="CreateAuthChallengeEvent"/>.</summary>
public sealed class CreateAuthChallengeRequest
{
    /// <summary>The user's attributes as strings.</summary>
    [JsonPropertyName("userAttributes")]
    public Dictionary<string, string> UserAttributes { get; set; } = [];

    /// <summary>The challenge DefineAuthChallenge asked for.</summary>
    [JsonPropertyName("challengeName")]
    public string ChallengeName { get; set; } = "CUSTOM_CHALLENGE";

    /// <summary>Every round before this one.</summary>
    [JsonPropertyName("session")]
    public List<ChallengeResult> Session { get; set; } = [];

    /// <summary>RespondToAuthChallenge's ClientMetadata.</summary>
    [JsonPropertyName("clientMetadata")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Dictionary<string, string>? ClientMetadata { get; set; }

    /// <summary>True when the username matches no user.</summary>
    [JsonPropertyName("userNotFound")]
    public bool UserNotFound { get; set; }
}

/// <summary>The response part of <see cref="CreateAuthChallengeEvent"/>.</summary>
public sealed class CreateAuthChallengeResponse
{
    /// <summary>Sent to the client in <c>ChallengeParameters</c> (Cognito adds <c>USERNAME</c>).</summary>
    [JsonPropertyName("publicChallengeParameters")]
    public Dictionary<string, string> PublicChallengeParameters { get; set; } = [];

    /// <summary>Kept on the server and given to VerifyAuthChallengeResponse; never sent to the client.</summary>
    [JsonPropertyName("privateChallengeParameters")]
    public Dictionary<string, string> PrivateChallengeParameters { get; set; } = [];

    /// <summary>Recorded on this round's <see cref="ChallengeResult"/>.</summary>
    [JsonPropertyName("challengeMetadata")]
    public string? ChallengeMetadata { get; set; }
}

/// <summary>VerifyAuthChallengeResponse: checks the user's answer.</summary>
public sealed class VerifyAuthChallengeResponseEvent : TriggerEvent
{
    /// <summary>What Cognito tells the trigger.</summary>
    [JsonPropertyName("request")]
    public VerifyAuthChallengeResponseRequest Request { get; set; } = new();

    /// <summary>The verdict.</summary>
    [JsonPropertyName("response")]
    public VerifyAuthChallengeResponseResponse Response { get; set; } = new();
}

/// <summary>The request part of <see cref="VerifyAuthChallengeResponseEvent"/>.</summary>
public sealed class VerifyAuthChallengeResponseRequest
{
    /// <summary>The user's attributes as strings.</summary>
    [JsonPropertyName("userAttributes")]
    public Dictionary<string, string> UserAttributes { get; set; } = [];

    /// <summary>What CreateAuthChallenge kept private for this round.</summary>
    [JsonPropertyName("privateChallengeParameters")]
    public Dictionary<string, string> PrivateChallengeParameters { get; set; } = [];

    /// <summary><c>ChallengeResponses.ANSWER</c>.</summary>
    [JsonPropertyName("challengeAnswer")]
    public string ChallengeAnswer { get; set; } = string.Empty;

    /// <summary>RespondToAuthChallenge's ClientMetadata.</summary>
    [JsonPropertyName("clientMetadata")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Dictionary<string, string>? ClientMetadata { get; set; }

    /// <summary>True when the username matches no user.</summary>
    [JsonPropertyName("userNotFound")]
    public bool UserNotFound { get; set; }
}

/// <summary>The response part of <see cref="VerifyAuthChallengeResponseEvent"/>.</summary>
public sealed class VerifyAuthChallengeResponseResponse
{
    /// <summary>Whether the answer is right; becomes the round's <c>challengeResult</c>.</summary>
    [JsonPropertyName("answerCorrect")]
    public bool AnswerCorrect { get; set; }
}
