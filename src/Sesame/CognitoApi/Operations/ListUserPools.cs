using System.Globalization;
using Sesame.Cognito;
using Sesame.Pools;
using Sesame.Triggers;

namespace Sesame.CognitoApi.Operations;

internal sealed record ListUserPoolsRequest(int? MaxResults, string? NextToken);

internal sealed record UserPoolDescriptionType(string Id, string Name, LambdaConfigType LambdaConfig, double? CreationDate, double? LastModifiedDate);

internal sealed record ListUserPoolsResponse(List<UserPoolDescriptionType> UserPools, string? NextToken);

/// <summary>Configured pools first, in configuration order, then pools created through the API, oldest first.</summary>
internal sealed class ListUserPools(UserPools pools, LambdaFunctions lambdas)
    : CognitoOperation<ListUserPoolsRequest, ListUserPoolsResponse>(AdminJsonContext.Wire.ListUserPoolsRequest, AdminJsonContext.Wire.ListUserPoolsResponse)
{
    public override string Name => "ListUserPools";

    public override bool RequiresIam => true;

    protected override IEnumerable<string> DeclaredErrors => [];

    public override ValueTask<ListUserPoolsResponse> ExecuteAsync(ListUserPoolsRequest request, CognitoCall call, CancellationToken cancellationToken)
    {
        if (request.MaxResults is not { } max)
        {
            throw CognitoErrors.Validation("maxResults", "Member must not be null");
        }

        if (max is < 1 or > 60)
        {
            throw CognitoErrors.Validation("maxResults", max < 1
                ? "Member must have value greater than or equal to 1"
                : "Member must have value less than or equal to 60", max.ToString(CultureInfo.InvariantCulture));
        }

        var start = request.NextToken is { } token ? PageTokens.Read(token, "nextToken") : string.Empty;
        var all = pools.All.ToList();
        var offset = start.Length == 0 ? 0 : int.TryParse(start, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n <= all.Count ? n
            : throw CognitoErrors.Error(CognitoErrors.InvalidParameter, "Invalid pagination token.");
        var page = all.Skip(offset).Take(max).Select(p => new UserPoolDescriptionType(
            p.Id, p.Options.Name, LambdaConfigShapes.FromTriggers(p, lambdas),
            p.CreatedAt is { } c ? AdminShapes.Epoch(c) : null, p.ModifiedAt is { } m ? AdminShapes.Epoch(m) : null)).ToList();
        var next = offset + page.Count < all.Count ? PageTokens.Write((offset + page.Count).ToString(CultureInfo.InvariantCulture)) : null;
        return ValueTask.FromResult(new ListUserPoolsResponse(page, next));
    }
}
