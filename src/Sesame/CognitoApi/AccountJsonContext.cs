using System.Text.Json.Serialization;
using Sesame.CognitoApi.Operations;

namespace Sesame.CognitoApi;

/// <summary>Source-generated JSON for refresh, sign-out, revocation, self-service and Admin* account operations.</summary>
[JsonSourceGenerationOptions(
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.Strict,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
    MaxDepth = 16)]
[JsonSerializable(typeof(GetTokensFromRefreshTokenRequest))]
[JsonSerializable(typeof(GetTokensFromRefreshTokenResponse))]
[JsonSerializable(typeof(RevokeTokenRequest))]
[JsonSerializable(typeof(AccessTokenRequest))]
[JsonSerializable(typeof(UpdateUserAttributesRequest))]
[JsonSerializable(typeof(UpdateUserAttributesResponse))]
[JsonSerializable(typeof(GetUserAttributeVerificationCodeRequest))]
[JsonSerializable(typeof(GetUserAttributeVerificationCodeResponse))]
[JsonSerializable(typeof(VerifyUserAttributeRequest))]
[JsonSerializable(typeof(AdminUserRequest))]
[JsonSerializable(typeof(AdminUpdateUserAttributesRequest))]
[JsonSerializable(typeof(AccountEmptyResponse))]
[JsonSerializable(typeof(ChangePasswordRequest))]
[JsonSerializable(typeof(DeleteUserAttributesRequest))]
internal sealed partial class AccountJsonContext : JsonSerializerContext
{
    /// <summary>The same wire settings as <see cref="CognitoJsonContext.Wire"/>.</summary>
    public static AccountJsonContext Wire { get; } = new(CognitoJson.WireOptions());
}
