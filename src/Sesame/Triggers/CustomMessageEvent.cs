using System.Text.Json.Serialization;

namespace Sesame.Triggers;

/// <summary>
/// CustomMessage: rewrites a message before it is sent
/// (https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-custom-message.html;
/// docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-custom-message.html). Trigger sources:
/// <c>CustomMessage_SignUp</c>, <c>CustomMessage_ResendCode</c>, <c>CustomMessage_Authentication</c>, and the
/// others Cognito names. The message must contain <see cref="CustomMessageRequest.CodeParameter"/>; the server puts
/// the code there, so the trigger never sees it.
/// </summary>
public sealed class CustomMessageEvent : TriggerEvent
{
    /// <summary>What Cognito tells the trigger.</summary>
    [JsonPropertyName("request")]
    public CustomMessageRequest Request { get; set; } = new();

    /// <summary>The message the trigger wants sent; nulls keep the pool's own template.</summary>
    [JsonPropertyName("response")]
    public CustomMessageResponse Response { get; set; } = new();
}

/// <summary>The request part of <see cref="CustomMessageEvent"/>.</summary>
public sealed class CustomMessageRequest
{
    /// <summary>The user's attributes as strings, with <c>sub</c> and <c>cognito:user_status</c>.</summary>
    [JsonPropertyName("userAttributes")]
    public Dictionary<string, string> UserAttributes { get; set; } = [];

    /// <summary>The placeholder for the code, <c>{####}</c>: not the code.</summary>
    [JsonPropertyName("codeParameter")]
    public string CodeParameter { get; set; } = "{####}";

    /// <summary>The placeholder for a verification link, <c>{##Click Here##}</c>.</summary>
    [JsonPropertyName("linkParameter")]
    public string? LinkParameter { get; set; } = "{##Click Here##}";

    /// <summary><c>{username}</c> for AdminCreateUser, <c>null</c> otherwise.</summary>
    [JsonPropertyName("usernameParameter")]
    public string? UsernameParameter { get; set; }

    /// <summary>The ClientMetadata of the call that caused the message, when it had one.</summary>
    [JsonPropertyName("clientMetadata")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Dictionary<string, string>? ClientMetadata { get; set; }
}

/// <summary>The response part of <see cref="CustomMessageEvent"/>.</summary>
public sealed class CustomMessageResponse
{
    /// <summary>The SMS text, with the code placeholder.</summary>
    [JsonPropertyName("smsMessage")]
    public string? SmsMessage { get; set; }

    /// <summary>The email body (HTML allowed), with the code placeholder.</summary>
    [JsonPropertyName("emailMessage")]
    public string? EmailMessage { get; set; }

    /// <summary>The email subject.</summary>
    [JsonPropertyName("emailSubject")]
    public string? EmailSubject { get; set; }
}
