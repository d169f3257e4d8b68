using System.Text.Json.Serialization;
using Sesame.Pools;
using Sesame.Storage;

namespace Sesame.Triggers;

/// <summary>
/// Fields Cognito sends with every trigger event (AWS developer guide, "Customizing user pool workflows with Lambda
/// triggers", common parameters:
/// https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-working-with-lambda-triggers.html).
/// A trigger edits the event's <c>Response</c>; leaving it untouched keeps Cognito's default behaviour.
/// </summary>
public abstract class TriggerEvent
{
    /// <summary>Event format version; <c>"1"</c>.</summary>
    [JsonPropertyName("version")]
    public string Version { get; set; } = "1";

    /// <summary>What fired the trigger, e.g. <c>DefineAuthChallenge_Authentication</c>.</summary>
    [JsonPropertyName("triggerSource")]
    public string TriggerSource { get; set; } = string.Empty;

    /// <summary>The region part of the pool id.</summary>
    [JsonPropertyName("region")]
    public string Region { get; set; } = string.Empty;

    /// <summary>The user pool id.</summary>
    [JsonPropertyName("userPoolId")]
    public string UserPoolId { get; set; } = string.Empty;

    /// <summary>The canonical (internal) username; for a user that does not exist, a stable stand-in.</summary>
    [JsonPropertyName("userName")]
    public string UserName { get; set; } = string.Empty;

    /// <summary>Who called.</summary>
    [JsonPropertyName("callerContext")]
    public CallerContext CallerContext { get; set; } = new();

    /// <summary>What the user typed to sign in (a username, phone number or email); for built-in triggers only.</summary>
    [JsonIgnore]
    internal string? SignInLogin { get; set; }

    /// <summary>Messages a built-in trigger wants sent; written to the outbox with the step's state.</summary>
    [JsonIgnore]
    internal List<OutboxMessage> PendingMessages { get; } = [];

    /// <summary>Fills in the fields every event carries, for a call through <paramref name="client"/>.</summary>
    internal void Address(string triggerSource, AppClient client, string userName)
    {
        TriggerSource = triggerSource;
        Region = client.Pool.Region;
        UserPoolId = client.Pool.Id;
        UserName = userName;
        CallerContext = new CallerContext { ClientId = client.ClientId };
    }
}

/// <summary>Cognito's <c>callerContext</c>.</summary>
public sealed class CallerContext
{
    /// <summary>The caller's SDK, as it reported itself; Amplify clients show <c>aws-sdk-unknown-unknown</c>.</summary>
    [JsonPropertyName("awsSdkVersion")]
    public string AwsSdkVersion { get; set; } = "aws-sdk-unknown-unknown";

    /// <summary>The app client id.</summary>
    [JsonPropertyName("clientId")]
    public string ClientId { get; set; } = string.Empty;
}

/// <summary>One earlier round of the challenge loop, Cognito's <c>ChallengeResult</c> (the <c>session</c> array).</summary>
public sealed class ChallengeResult
{
    /// <summary><c>CUSTOM_CHALLENGE</c>, <c>SRP_A</c>, <c>PASSWORD_VERIFIER</c>, …</summary>
    [JsonPropertyName("challengeName")]
    public string ChallengeName { get; set; } = string.Empty;

    /// <summary>Whether the user answered it correctly.</summary>
    [JsonPropertyName("challengeResult")]
    public bool Result { get; set; }

    /// <summary>What CreateAuthChallenge recorded for this round; <c>null</c> when it recorded nothing.</summary>
    [JsonPropertyName("challengeMetadata")]
    public string? ChallengeMetadata { get; set; }
}

/// <summary>Handles one Cognito user-pool trigger in-process.</summary>
/// <typeparam name="TEvent">The Cognito event type, e.g. <see cref="DefineAuthChallengeEvent"/>.</typeparam>
public interface ITrigger<in TEvent> where TEvent : TriggerEvent
{
    /// <summary>Reads the event's request and edits its response. Throwing fails the operation as Cognito does.</summary>
    ValueTask HandleAsync(TEvent triggerEvent, CancellationToken cancellationToken);
}
