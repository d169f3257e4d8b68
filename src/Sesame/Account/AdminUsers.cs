using System.Text.RegularExpressions;
using Sesame.Cognito;
using Sesame.Pools;
using Sesame.Storage;
using Sesame.Users;

namespace Sesame.Account;

/// <summary>The user an IAM-authorised Admin* call names by <c>UserPoolId</c> and <c>Username</c> (or an alias).</summary>
internal sealed partial class AdminUsers(UserPools pools, IUserStore users)
{
    public async ValueTask<User> FindAsync(string? userPoolId, string? username, CancellationToken cancellationToken)
    {
        var poolId = Validate.Length(userPoolId, "userPoolId", 1, 55);
        if (!PoolIdPattern().IsMatch(poolId))
        {
            throw CognitoErrors.Validation("userPoolId", @"Member must satisfy regular expression pattern: [\w-]+_[0-9a-zA-Z]+", poolId);
        }

        var name = Validate.Username(username);
        var pool = pools.FindPool(poolId) ?? throw CognitoErrors.Error(CognitoErrors.ResourceNotFound, $"User pool {poolId} does not exist.");
        // Administrators are told plainly: PreventUserExistenceErrors covers only the public operations.
        return await users.FindAsync(pool.Id, name, cancellationToken) ?? throw CognitoErrors.UserDoesNotExist();
    }

    [GeneratedRegex(@"^[\w-]+_[0-9a-zA-Z]+$")]
    private static partial Regex PoolIdPattern();
}
