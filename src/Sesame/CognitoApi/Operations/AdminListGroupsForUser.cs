using Sesame.Account;
using Sesame.Cognito;
using Sesame.Storage;

namespace Sesame.CognitoApi.Operations;

internal sealed record AdminListGroupsForUserRequest(string? Username, string? UserPoolId, int? Limit, string? NextToken);

/// <summary>The groups a user belongs to, in name order (case-insensitively), 60 a page at most.</summary>
internal sealed class AdminListGroupsForUser(AdminUsers admin, IGroupStore groups)
    : CognitoOperation<AdminListGroupsForUserRequest, GroupsResponse>(
        AdminJsonContext.Wire.AdminListGroupsForUserRequest, AdminJsonContext.Wire.GroupsResponse)
{
    public override string Name => "AdminListGroupsForUser";

    public override bool RequiresIam => true;

    protected override IEnumerable<string> DeclaredErrors => [CognitoErrors.UserNotFound];

    public override async ValueTask<GroupsResponse> ExecuteAsync(AdminListGroupsForUserRequest request, CognitoCall call, CancellationToken cancellationToken)
    {
        var user = await admin.FindAsync(request.UserPoolId, request.Username, cancellationToken);
        var limit = GroupShapes.Limit(request.Limit);
        var after = request.NextToken is { } token ? PageTokens.Read(token, "nextToken") : null;
        var found = await groups.ListForUserAsync(user.PoolId, user.Sub, after, limit + 1, cancellationToken);
        return ListGroups.Page(found, limit);
    }
}
