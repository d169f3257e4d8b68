using Sesame.Pools;
using Sesame.Storage;
using Sesame.Users;

namespace Sesame.CognitoApi.Operations;

internal sealed record ListUsersInGroupRequest(string? UserPoolId, string? GroupName, int? Limit, string? NextToken);

internal sealed record ListUsersInGroupResponse(List<UserType> Users, string? NextToken);

/// <summary>The members of a group in username order, 60 a page at most, with a <c>NextToken</c> while more remain.</summary>
internal sealed class ListUsersInGroup(UserPools pools, IGroupStore groups)
    : CognitoOperation<ListUsersInGroupRequest, ListUsersInGroupResponse>(
        AdminJsonContext.Wire.ListUsersInGroupRequest, AdminJsonContext.Wire.ListUsersInGroupResponse)
{
    public override string Name => "ListUsersInGroup";

    public override bool RequiresIam => true;

    protected override IEnumerable<string> DeclaredErrors => [];

    public override async ValueTask<ListUsersInGroupResponse> ExecuteAsync(ListUsersInGroupRequest request, CognitoCall call, CancellationToken cancellationToken)
    {
        var pool = AdminShapes.FindPool(pools, request.UserPoolId);
        var name = GroupShapes.Name(request.GroupName);
        var limit = GroupShapes.Limit(request.Limit);
        var after = request.NextToken is { } token ? PageTokens.Read(token, "nextToken") : null;
        var found = await groups.ListMembersAsync(pool.Id, name, after, limit + 1, cancellationToken);
        // An empty group and a missing one read alike until asked: only then is the store asked which it is.
        if (found.Count == 0 && after is null && await groups.FindAsync(pool.Id, name, cancellationToken) is null)
        {
            throw GroupShapes.NotFound();
        }

        var page = found.Take(limit).ToList();
        var next = found.Count > limit ? PageTokens.Write(Logins.UsernameKey(page[^1].Username)) : null;
        return new ListUsersInGroupResponse([.. page.Select(u => AdminShapes.ToUserType(u))], next);
    }
}
