using Sesame.Pools;

namespace Sesame.CognitoApi.Operations;

/// <summary>Cognito's <c>UserPoolClientType</c>, limited to what Sesame has. Dates are absent for configured clients.</summary>
internal sealed record UserPoolClientType(
    string UserPoolId, string ClientName, string ClientId, string? ClientSecret, double? CreationDate, double? LastModifiedDate,
    long RefreshTokenValidity, long AccessTokenValidity, long IdTokenValidity, TokenValidityUnitsType TokenValidityUnits,
    List<string> ExplicitAuthFlows, int AuthSessionValidity, string PreventUserExistenceErrors, bool EnableTokenRevocation,
    bool AllowedOAuthFlowsUserPoolClient, List<string>? AllowedOAuthFlows, List<string>? AllowedOAuthScopes, List<string>? CallbackURLs,
    List<string>? LogoutURLs, string? DefaultRedirectURI, List<string>? SupportedIdentityProviders,
    List<string>? ReadAttributes = null, List<string>? WriteAttributes = null);

internal sealed record DescribeUserPoolClientRequest(string? UserPoolId, string? ClientId);

internal sealed record DescribeUserPoolClientResponse(UserPoolClientType UserPoolClient);

internal sealed class DescribeUserPoolClient(UserPools pools)
    : CognitoOperation<DescribeUserPoolClientRequest, DescribeUserPoolClientResponse>(
        AdminJsonContext.Wire.DescribeUserPoolClientRequest, AdminJsonContext.Wire.DescribeUserPoolClientResponse)
{
    public override string Name => "DescribeUserPoolClient";

    public override bool RequiresIam => true;

    protected override IEnumerable<string> DeclaredErrors => [];

    public override ValueTask<DescribeUserPoolClientResponse> ExecuteAsync(DescribeUserPoolClientRequest request, CognitoCall call, CancellationToken cancellationToken)
    {
        var pool = AdminShapes.FindPool(pools, request.UserPoolId);
        var client = AdminShapes.FindClient(pool, pools, request.ClientId);
        return ValueTask.FromResult(new DescribeUserPoolClientResponse(Describe(client)));
    }

    internal static UserPoolClientType Describe(AppClient client)
    {
        var options = client.Options;
        // Refresh validity in days when it is a whole number of days (Cognito's default unit), else in minutes.
        var refreshInDays = options.RefreshTokenValidity.Ticks % TimeSpan.TicksPerDay == 0;
        return new UserPoolClientType(
            client.Pool.Id,
            options.Name,
            client.ClientId,
            options.Secret,
            client.CreatedAt is { } created ? AdminShapes.Epoch(created) : null,
            client.ModifiedAt is { } modified ? AdminShapes.Epoch(modified) : null,
            refreshInDays ? (long)options.RefreshTokenValidity.TotalDays : (long)options.RefreshTokenValidity.TotalMinutes,
            (long)options.AccessTokenValidity.TotalMinutes,
            (long)options.IdTokenValidity.TotalMinutes,
            new TokenValidityUnitsType("minutes", "minutes", refreshInDays ? "days" : "minutes"),
            [.. options.ExplicitAuthFlows ?? AppClient.DefaultAuthFlows],
            (int)options.AuthSessionValidity.TotalMinutes,
            client.Pool.Options.PreventUserExistenceErrors ? "ENABLED" : "LEGACY",
            true,
            options.AllowedOAuthFlowsUserPoolClient,
            Copy(options.AllowedOAuthFlows),
            Copy(options.AllowedOAuthScopes),
            Copy(options.CallbackURLs),
            Copy(options.LogoutURLs),
            options.DefaultRedirectURI,
            // Cognito lists the identity providers a client may sign in with; Sesame's hosted page is the COGNITO one.
            options.AllowedOAuthFlowsUserPoolClient ? ["COGNITO"] : null,
            Copy(options.ReadAttributes),
            Copy(options.WriteAttributes));
    }

    // Cognito leaves out a list that was never set.
    private static List<string>? Copy(List<string>? list) => list is { Count: > 0 } ? [.. list] : null;
}
