using System.Globalization;
using Sesame.Cognito;
using Sesame.Pools;

namespace Sesame.CognitoApi.Operations;

internal sealed record ListUserPoolClientsRequest(string? UserPoolId, int? MaxResults, string? NextToken);

internal sealed record UserPoolClientDescription(string ClientId, string UserPoolId, string ClientName);

internal sealed record ListUserPoolClientsResponse(List<UserPoolClientDescription> UserPoolClients, string? NextToken);

/// <summary>A pool's app clients: configured ones first, in configuration order, then created ones, oldest first; 60 a page at most.</summary>
internal sealed class ListUserPoolClients(UserPools pools)
    : CognitoOperation<ListUserPoolClientsRequest, ListUserPoolClientsResponse>(
        AdminJsonContext.Wire.ListUserPoolClientsRequest, AdminJsonContext.Wire.ListUserPoolClientsResponse)
{
    public override string Name => "ListUserPoolClients";

    public override bool RequiresIam => true;

    protected override IEnumerable<string> DeclaredErrors => [];

    public override ValueTask<ListUserPoolClientsResponse> ExecuteAsync(ListUserPoolClientsRequest request, CognitoCall call, CancellationToken cancellationToken)
    {
        var pool = AdminShapes.FindPool(pools, request.UserPoolId);
        // Cognito's model: MaxResults 1–60, optional; left out, a page of 60.
        var max = request.MaxResults switch
        {
            null => 60,
            < 1 => throw CognitoErrors.Validation("maxResults", "Member must have value greater than or equal to 1", request.MaxResults.Value.ToString(CultureInfo.InvariantCulture)),
            > 60 => throw CognitoErrors.Validation("maxResults", "Member must have value less than or equal to 60", request.MaxResults.Value.ToString(CultureInfo.InvariantCulture)),
            var m => m.Value,
        };

        // The position is the id of the last client listed, so a client deleted between pages shifts nothing.
        var all = pools.ClientsOf(pool.Id).ToList();
        var offset = 0;
        if (request.NextToken is { } token)
        {
            var after = PageTokens.Read(token, "nextToken");
            var index = all.FindIndex(c => c.ClientId == after);
            offset = index >= 0 ? index + 1 : throw CognitoErrors.Error(CognitoErrors.InvalidParameter, "Invalid pagination token.");
        }

        var page = all.Skip(offset).Take(max).ToList();
        var next = offset + page.Count < all.Count ? PageTokens.Write(page[^1].ClientId) : null;
        return ValueTask.FromResult(new ListUserPoolClientsResponse(
            [.. page.Select(c => new UserPoolClientDescription(c.ClientId, pool.Id, c.Options.Name))], next));
    }
}
