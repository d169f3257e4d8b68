using System.Globalization;
using Sesame.Cognito;
using Sesame.Pools;
using Sesame.Storage;
using Sesame.Users;

namespace Sesame.CognitoApi.Operations;

internal sealed record ListUsersRequest(string? UserPoolId, List<string>? AttributesToGet, int? Limit, string? PaginationToken, string? Filter);

internal sealed record ListUsersResponse(List<UserType> Users, string? PaginationToken);

/// <summary>
/// Users of a pool in username order, filtered with Cognito's syntax (<see cref="UserFilter"/>), 60 a page at most,
/// with an opaque <c>PaginationToken</c> while more remain.
/// </summary>
internal sealed class ListUsers(UserPools pools, IUserAdminStore store)
    : CognitoOperation<ListUsersRequest, ListUsersResponse>(AdminJsonContext.Wire.ListUsersRequest, AdminJsonContext.Wire.ListUsersResponse)
{
    private const int MaxLimit = 60;

    public override string Name => "ListUsers";

    public override bool RequiresIam => true;

    protected override IEnumerable<string> DeclaredErrors => [];

    public override async ValueTask<ListUsersResponse> ExecuteAsync(ListUsersRequest request, CognitoCall call, CancellationToken cancellationToken)
    {
        var pool = AdminShapes.FindPool(pools, request.UserPoolId);
        if (request.Limit is < 0 or > MaxLimit)
        {
            throw CognitoErrors.Validation("limit", request.Limit < 0
                ? "Member must have value greater than or equal to 0"
                : $"Member must have value less than or equal to {MaxLimit}", request.Limit.Value.ToString(CultureInfo.InvariantCulture));
        }

        if (request.Filter is { Length: > 256 })
        {
            throw CognitoErrors.Validation("filter", "Member must have length less than or equal to 256");
        }

        // Limit 0 (or none) is read as the maximum: an empty page that still carries a token helps nobody.
        var limit = request.Limit is > 0 ? request.Limit.Value : MaxLimit;
        var condition = UserFilter.Parse(request.Filter);
        var after = request.PaginationToken is { } token ? PageTokens.Read(token, "paginationToken") : null;
        // One more than asked tells whether another page exists, so the last page carries no token.
        var found = await store.ListAsync(pool.Id, condition, after, limit + 1, cancellationToken);
        var page = found.Take(limit).ToList();
        var next = found.Count > limit ? PageTokens.Write(Logins.UsernameKey(page[^1].Username)) : null;
        return new ListUsersResponse([.. page.Select(u => AdminShapes.ToUserType(u, request.AttributesToGet))], next);
    }
}
