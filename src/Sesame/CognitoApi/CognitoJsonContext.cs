using System.Text.Json.Serialization;
using Sesame.CognitoApi.Operations;

namespace Sesame.CognitoApi;

/// <summary>
/// Source-generated JSON for every request and response. Cognito's members are PascalCase, like the C# names, so no
/// naming policy; absent members stay absent.
/// </summary>
[JsonSourceGenerationOptions(
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.Strict,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
    MaxDepth = 16)]
[JsonSerializable(typeof(SignUpRequest))]
[JsonSerializable(typeof(SignUpResponse))]
[JsonSerializable(typeof(ConfirmSignUpRequest))]
[JsonSerializable(typeof(ConfirmSignUpResponse))]
[JsonSerializable(typeof(ForgotPasswordRequest))]
[JsonSerializable(typeof(ForgotPasswordResponse))]
[JsonSerializable(typeof(ConfirmForgotPasswordRequest))]
[JsonSerializable(typeof(ResendConfirmationCodeRequest))]
[JsonSerializable(typeof(ResendConfirmationCodeResponse))]
[JsonSerializable(typeof(InitiateAuthRequest))]
[JsonSerializable(typeof(InitiateAuthResponse))]
[JsonSerializable(typeof(RespondToAuthChallengeRequest))]
[JsonSerializable(typeof(RespondToAuthChallengeResponse))]
[JsonSerializable(typeof(GetUserRequest))]
[JsonSerializable(typeof(GetUserResponse))]
internal sealed partial class CognitoJsonContext : JsonSerializerContext
{
    /// <summary>
    /// The context the wire uses: responses are JSON for API clients, never HTML, so '+' in phone numbers and quotes in
    /// messages are written as themselves rather than as \u escapes.
    /// </summary>
    public static CognitoJsonContext Wire { get; } = new(CognitoJson.WireOptions());
}
