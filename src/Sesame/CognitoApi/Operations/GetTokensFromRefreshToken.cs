using Sesame.Cognito;
using Sesame.Pools;
using Sesame.Tokens;

namespace Sesame.CognitoApi.Operations;

internal sealed record GetTokensFromRefreshTokenRequest(
    string? RefreshToken, string? ClientId, string? ClientSecret, string? DeviceKey, Dictionary<string, string>? ClientMetadata);

internal sealed record GetTokensFromRefreshTokenResponse(AuthenticationResult AuthenticationResult);

/// <summary>What Amplify JS ≥ 6.15 and Amplify Flutter call to refresh; with rotation on, it also rotates the refresh token.</summary>
internal sealed class GetTokensFromRefreshToken(UserPools pools, RefreshTokenFlow refresh)
    : CognitoOperation<GetTokensFromRefreshTokenRequest, GetTokensFromRefreshTokenResponse>(
        AccountJsonContext.Wire.GetTokensFromRefreshTokenRequest, AccountJsonContext.Wire.GetTokensFromRefreshTokenResponse)
{
    public override string Name => "GetTokensFromRefreshToken";

    protected override IEnumerable<string> DeclaredErrors =>
    [
        "ForbiddenException", CognitoErrors.RefreshTokenReuse, CognitoErrors.UserNotFound,
        CognitoErrors.InvalidLambdaResponse, CognitoErrors.UnexpectedLambda, CognitoErrors.UserLambdaValidation,
    ];

    public override async ValueTask<GetTokensFromRefreshTokenResponse> ExecuteAsync(
        GetTokensFromRefreshTokenRequest request, CognitoCall call, CancellationToken cancellationToken)
    {
        var token = Validate.Token(request.RefreshToken, "refreshToken");
        var client = ClientCheck.Find(pools, request.ClientId);
        Validate.MapSize(request.ClientMetadata, "clientMetadata");
        return new GetTokensFromRefreshTokenResponse(
            await refresh.GetTokensAsync(client, token, request.ClientSecret, call.PublicOrigin, cancellationToken));
    }
}
