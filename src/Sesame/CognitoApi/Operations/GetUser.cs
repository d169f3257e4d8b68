using Sesame.Cognito;
using Sesame.Pools;
using Sesame.Storage;
using Sesame.Tokens;
using Sesame.Users;

namespace Sesame.CognitoApi.Operations;

internal sealed record GetUserRequest(string? AccessToken);

internal sealed record GetUserResponse(string Username, List<AttributeType> UserAttributes);

internal sealed class GetUser(AccessTokenValidator validator, IUserStore users, UserPools pools)
    : CognitoOperation<GetUserRequest, GetUserResponse>(CognitoJsonContext.Wire.GetUserRequest, CognitoJsonContext.Wire.GetUserResponse)
{
    public override string Name => "GetUser";

    protected override IEnumerable<string> DeclaredErrors =>
        ["ForbiddenException", "PasswordResetRequiredException", CognitoErrors.UserNotConfirmed, CognitoErrors.UserNotFound];

    public override async ValueTask<GetUserResponse> ExecuteAsync(GetUserRequest request, CognitoCall call, CancellationToken cancellationToken)
    {
        var token = Validate.Token(request.AccessToken, "accessToken");
        var claims = await validator.ValidateAsync(token, call.PublicOrigin, cancellationToken);
        var user = await users.FindAsync(claims.PoolId, claims.Username, cancellationToken);
        if (user is null || user.Sub != claims.Sub)
        {
            throw CognitoErrors.UserDoesNotExist();
        }

        if (!user.Enabled)
        {
            throw CognitoErrors.UserDisabled();
        }

        // Only what the token's client may read (its ReadAttributes).
        return new GetUserResponse(user.Username,
            [.. AttributeSchema.Readable(pools.FindClient(claims.ClientId), user.AllAttributes()).Select(a => new AttributeType(a.Key, a.Value))]);
    }
}
