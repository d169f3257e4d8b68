using Sesame.Cognito;
using Sesame.Pools;
using Sesame.Storage;
using Sesame.Users;

namespace Sesame.CognitoApi.Operations;

internal sealed record AdminGetUserRequest(string? UserPoolId, string? Username);

internal sealed record AdminGetUserResponse(
    string Username, List<AttributeType> UserAttributes, double UserCreateDate, double UserLastModifiedDate, bool Enabled, string UserStatus);

/// <summary>A user by username or alias (phone number, email). Admin callers learn whether a user exists.</summary>
internal sealed class AdminGetUser(UserPools pools, IUserStore users)
    : CognitoOperation<AdminGetUserRequest, AdminGetUserResponse>(AdminJsonContext.Wire.AdminGetUserRequest, AdminJsonContext.Wire.AdminGetUserResponse)
{
    public override string Name => "AdminGetUser";

    public override bool RequiresIam => true;

    protected override IEnumerable<string> DeclaredErrors => [CognitoErrors.UserNotFound];

    public override async ValueTask<AdminGetUserResponse> ExecuteAsync(AdminGetUserRequest request, CognitoCall call, CancellationToken cancellationToken)
    {
        var pool = AdminShapes.FindPool(pools, request.UserPoolId);
        var username = Validate.Username(request.Username);
        var user = await users.FindAsync(pool.Id, username, cancellationToken) ?? throw CognitoErrors.UserDoesNotExist();
        var shape = AdminShapes.ToUserType(user);
        return new AdminGetUserResponse(shape.Username, shape.Attributes!, shape.UserCreateDate, shape.UserLastModifiedDate, shape.Enabled, shape.UserStatus);
    }
}
