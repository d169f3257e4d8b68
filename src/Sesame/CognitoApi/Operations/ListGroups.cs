using Sesame.Pools;
using Sesame.Storage;

namespace Sesame.CognitoApi.Operations;

internal sealed record ListGroupsRequest(string? UserPoolId, int? Limit, string? NextToken);

/// <summary>The response of ListGroups and AdminListGroupsForUser.</summary>
internal sealed record GroupsResponse(List<GroupType> Groups, string? NextToken);

/// <summary>The pool's groups in name order (case-insensitively), 60 a page at most, with a <c>NextToken</c> while more remain.</summary>
internal sealed class ListGroups(UserPools pools, IGroupStore groups)
    : CognitoOperation<ListGroupsRequest, GroupsResponse>(AdminJsonContext.Wire.ListGroupsRequest, AdminJsonContext.Wire.GroupsResponse)
{
    public override string Name => "ListGroups";

    public override bool RequiresIam => true;

    protected override IEnumerable<string> DeclaredErrors => [];

    public override async ValueTask<GroupsResponse> ExecuteAsync(ListGroupsRequest request, CognitoCall call, CancellationToken cancellationToken)
    {
        var pool = AdminShapes.FindPool(pools, request.UserPoolId);
        var limit = GroupShapes.Limit(request.Limit);
        var after = request.NextToken is { } token ? PageTokens.Read(token, "nextToken") : null;
        // One more than asked tells whether another page exists, so the last page carries no token.
        var found = await groups.ListAsync(pool.Id, after, limit + 1, cancellationToken);
        return Page(found, limit);
    }

    public static GroupsResponse Page(IReadOnlyList<GroupRecord> found, int limit)
    {
        var page = found.Take(limit).ToList();
        var next = found.Count > limit ? PageTokens.Write(GroupRecord.Key(page[^1].GroupName)) : null;
        return new GroupsResponse([.. page.Select(GroupShapes.ToGroupType)], next);
    }
}
