using System.Text.Json.Serialization;

namespace Sesame.Triggers;

/// <summary>
/// PreSignUp (<c>PreSignUp_SignUp</c>, <c>PreSignUp_AdminCreateUser</c>): may reject a sign-up, or confirm the user and
/// verify the phone number or email at once
/// (https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-sign-up.html).
/// </summary>
public sealed class PreSignUpEvent : TriggerEvent
{
    /// <summary>What Cognito tells the trigger.</summary>
    [JsonPropertyName("request")]
    public PreSignUpRequest Request { get; set; } = new();

    /// <summary>What the trigger decides.</summary>
    [JsonPropertyName("response")]
    public PreSignUpResponse Response { get; set; } = new();
}

/// <summary>The request part of <see cref="PreSignUpEvent"/>.</summary>
public sealed class PreSignUpRequest
{
    /// <summary>The attributes the user signs up with, as strings.</summary>
    [JsonPropertyName("userAttributes")]
    public Dictionary<string, string> UserAttributes { get; set; } = [];

    /// <summary>SignUp's <c>ValidationData</c>, when sent.</summary>
    [JsonPropertyName("validationData")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Dictionary<string, string>? ValidationData { get; set; }

    /// <summary>SignUp's <c>ClientMetadata</c>, when sent.</summary>
    [JsonPropertyName("clientMetadata")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Dictionary<string, string>? ClientMetadata { get; set; }
}

/// <summary>The response part of <see cref="PreSignUpEvent"/>. Ignored for <c>PreSignUp_AdminCreateUser</c>.</summary>
public sealed class PreSignUpResponse
{
    /// <summary>Confirm the user at once: SignUp answers <c>UserConfirmed: true</c> and sends no code.</summary>
    [JsonPropertyName("autoConfirmUser")]
    public bool AutoConfirmUser { get; set; }

    /// <summary>Mark <c>email</c> verified (the attribute must be present).</summary>
    [JsonPropertyName("autoVerifyEmail")]
    public bool AutoVerifyEmail { get; set; }

    /// <summary>Mark <c>phone_number</c> verified (the attribute must be present).</summary>
    [JsonPropertyName("autoVerifyPhone")]
    public bool AutoVerifyPhone { get; set; }
}

/// <summary>PostConfirmation (<c>PostConfirmation_ConfirmSignUp</c>): told that a user was confirmed. Its response is ignored.</summary>
public sealed class PostConfirmationEvent : TriggerEvent
{
    /// <summary>What Cognito tells the trigger.</summary>
    [JsonPropertyName("request")]
    public UserAttributesRequest Request { get; set; } = new();

    /// <summary>Always empty.</summary>
    [JsonPropertyName("response")]
    public EmptyResponse Response { get; set; } = new();
}

/// <summary>PostAuthentication (<c>PostAuthentication_Authentication</c>): told of a sign-in before tokens go out; throwing refuses it.</summary>
public sealed class PostAuthenticationEvent : TriggerEvent
{
    /// <summary>What Cognito tells the trigger.</summary>
    [JsonPropertyName("request")]
    public PostAuthenticationRequest Request { get; set; } = new();

    /// <summary>Always empty.</summary>
    [JsonPropertyName("response")]
    public EmptyResponse Response { get; set; } = new();
}

/// <summary>The request part of <see cref="PostAuthenticationEvent"/>.</summary>
public sealed class PostAuthenticationRequest
{
    /// <summary>Sesame remembers no devices, so this is always false.</summary>
    [JsonPropertyName("newDeviceUsed")]
    public bool NewDeviceUsed { get; set; }

    /// <summary>The user's attributes as strings.</summary>
    [JsonPropertyName("userAttributes")]
    public Dictionary<string, string> UserAttributes { get; set; } = [];

    /// <summary>RespondToAuthChallenge's ClientMetadata.</summary>
    [JsonPropertyName("clientMetadata")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Dictionary<string, string>? ClientMetadata { get; set; }
}

/// <summary>A request that carries the user's attributes and the caller's ClientMetadata.</summary>
public sealed class UserAttributesRequest
{
    /// <summary>The user's attributes as strings.</summary>
    [JsonPropertyName("userAttributes")]
    public Dictionary<string, string> UserAttributes { get; set; } = [];

    /// <summary>The operation's ClientMetadata, when sent.</summary>
    [JsonPropertyName("clientMetadata")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Dictionary<string, string>? ClientMetadata { get; set; }
}

/// <summary>The response of a trigger whose answer Cognito ignores.</summary>
public sealed class EmptyResponse;

/// <summary>
/// PreTokenGeneration, version 1 (<c>TokenGeneration_Authentication</c>, <c>TokenGeneration_RefreshTokens</c>): may add,
/// override or suppress claims of the ID token
/// (https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-token-generation.html).
/// </summary>
public sealed class PreTokenGenerationEvent : TriggerEvent
{
    /// <summary>What Cognito tells the trigger.</summary>
    [JsonPropertyName("request")]
    public PreTokenGenerationRequest Request { get; set; } = new();

    /// <summary>What the trigger changes.</summary>
    [JsonPropertyName("response")]
    public PreTokenGenerationResponse Response { get; set; } = new();
}

/// <summary>The request part of <see cref="PreTokenGenerationEvent"/>.</summary>
public sealed class PreTokenGenerationRequest
{
    /// <summary>The user's attributes as strings.</summary>
    [JsonPropertyName("userAttributes")]
    public Dictionary<string, string> UserAttributes { get; set; } = [];

    /// <summary>The user's groups in precedence order, their role ARNs and the preferred role.</summary>
    [JsonPropertyName("groupConfiguration")]
    public GroupConfiguration GroupConfiguration { get; set; } = new();

    /// <summary>RespondToAuthChallenge's ClientMetadata.</summary>
    [JsonPropertyName("clientMetadata")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Dictionary<string, string>? ClientMetadata { get; set; }
}

/// <summary>Cognito's <c>groupConfiguration</c>.</summary>
public sealed class GroupConfiguration
{
    /// <summary>Groups to put in <c>cognito:groups</c>.</summary>
    [JsonPropertyName("groupsToOverride")]
    public List<string> GroupsToOverride { get; set; } = [];

    /// <summary>IAM role ARNs of the groups, for <c>cognito:roles</c> (Sesame calls no IAM; apps and identity pools read them).</summary>
    [JsonPropertyName("iamRolesToOverride")]
    public List<string> IamRolesToOverride { get; set; } = [];

    /// <summary>The preferred role, for <c>cognito:preferred_role</c>.</summary>
    [JsonPropertyName("preferredRole")]
    public string? PreferredRole { get; set; }
}

/// <summary>The response part of <see cref="PreTokenGenerationEvent"/>.</summary>
public sealed class PreTokenGenerationResponse
{
    /// <summary>The changes; null leaves the tokens as they are.</summary>
    [JsonPropertyName("claimsOverrideDetails")]
    public ClaimsOverrideDetails? ClaimsOverrideDetails { get; set; }
}

/// <summary>Cognito's <c>claimsOverrideDetails</c>.</summary>
public sealed class ClaimsOverrideDetails
{
    /// <summary>Claims to add to the ID token, or to override there; reserved claims are left alone.</summary>
    [JsonPropertyName("claimsToAddOrOverride")]
    public Dictionary<string, string>? ClaimsToAddOrOverride { get; set; }

    /// <summary>Claims to remove from the ID token; a claim both suppressed and overridden is suppressed.</summary>
    [JsonPropertyName("claimsToSuppress")]
    public List<string>? ClaimsToSuppress { get; set; }

    /// <summary>Replaces the group claims: <c>cognito:groups</c> in both tokens, the roles in the ID token. It replaces all three: a list left out is empty.</summary>
    [JsonPropertyName("groupOverrideDetails")]
    public GroupConfiguration? GroupOverrideDetails { get; set; }
}
