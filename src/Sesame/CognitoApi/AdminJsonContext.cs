using System.Text.Json.Serialization;
using Sesame.CognitoApi.Operations;

namespace Sesame.CognitoApi;

/// <summary>Source-generated JSON for the admin operations, with the wire settings of <c>CognitoJsonContext</c>.</summary>
[JsonSourceGenerationOptions(
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.Strict,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
    MaxDepth = 16)]
[JsonSerializable(typeof(AdminCreateUserRequest))]
[JsonSerializable(typeof(AdminCreateUserResponse))]
[JsonSerializable(typeof(AdminGetUserRequest))]
[JsonSerializable(typeof(AdminGetUserResponse))]
[JsonSerializable(typeof(ListUsersRequest))]
[JsonSerializable(typeof(ListUsersResponse))]
[JsonSerializable(typeof(AdminInitiateAuthRequest))]
[JsonSerializable(typeof(AdminRespondToAuthChallengeRequest))]
[JsonSerializable(typeof(CreateUserPoolRequest))]
[JsonSerializable(typeof(CreateUserPoolResponse))]
[JsonSerializable(typeof(DescribeUserPoolRequest))]
[JsonSerializable(typeof(DescribeUserPoolResponse))]
[JsonSerializable(typeof(ListUserPoolsRequest))]
[JsonSerializable(typeof(ListUserPoolsResponse))]
[JsonSerializable(typeof(CreateUserPoolClientRequest))]
[JsonSerializable(typeof(CreateUserPoolClientResponse))]
[JsonSerializable(typeof(DescribeUserPoolClientRequest))]
[JsonSerializable(typeof(DescribeUserPoolClientResponse))]
[JsonSerializable(typeof(CreateGroupRequest))]
[JsonSerializable(typeof(GroupResponse))]
[JsonSerializable(typeof(GroupRequest))]
[JsonSerializable(typeof(ListGroupsRequest))]
[JsonSerializable(typeof(GroupsResponse))]
[JsonSerializable(typeof(AdminUserGroupRequest))]
[JsonSerializable(typeof(AdminListGroupsForUserRequest))]
[JsonSerializable(typeof(ListUsersInGroupRequest))]
[JsonSerializable(typeof(ListUsersInGroupResponse))]
[JsonSerializable(typeof(UpdateUserPoolRequest))]
[JsonSerializable(typeof(AddCustomAttributesRequest))]
[JsonSerializable(typeof(DeleteUserPoolRequest))]
[JsonSerializable(typeof(ListUserPoolClientsRequest))]
[JsonSerializable(typeof(ListUserPoolClientsResponse))]
[JsonSerializable(typeof(AdminSetUserPasswordRequest))]
[JsonSerializable(typeof(AdminUserMetadataRequest))]
[JsonSerializable(typeof(AdminDeleteUserAttributesRequest))]
internal sealed partial class AdminJsonContext : JsonSerializerContext
{
    /// <summary>The context the wire uses: '+' in phone numbers is written as itself, not as a \u escape.</summary>
    public static AdminJsonContext Wire { get; } = new(CognitoJson.WireOptions());
}
