using Sesame.Account;
using Sesame.Cognito;

namespace Sesame.CognitoApi.Operations;

internal sealed record DeleteUserAttributesRequest(List<string>? UserAttributeNames, string? AccessToken);

internal sealed record AdminDeleteUserAttributesRequest(string? UserPoolId, string? Username, List<string>? UserAttributeNames);

/// <summary>The signed-in user deletes some of their attributes.</summary>
internal sealed class DeleteUserAttributes(AccountFlow account)
    : CognitoOperation<DeleteUserAttributesRequest, AccountEmptyResponse>(
        AccountJsonContext.Wire.DeleteUserAttributesRequest, AccountJsonContext.Wire.AccountEmptyResponse)
{
    public override string Name => "DeleteUserAttributes";

    protected override IEnumerable<string> DeclaredErrors =>
        ["ForbiddenException", CognitoErrors.PasswordResetRequired, CognitoErrors.UserNotConfirmed, CognitoErrors.UserNotFound];

    public override async ValueTask<AccountEmptyResponse> ExecuteAsync(DeleteUserAttributesRequest request, CognitoCall call, CancellationToken cancellationToken)
    {
        var names = Names(request.UserAttributeNames);
        var token = Validate.Token(request.AccessToken, "accessToken");
        var (user, _) = await account.SignedInUserAsync(token, call.PublicOrigin, cancellationToken);
        await account.DeleteAttributesAsync(user, names, cancellationToken);
        return new AccountEmptyResponse();
    }

    /// <summary><c>UserAttributeNames</c> as Cognito's model constrains it: present, each name 1–32 characters.</summary>
    internal static List<string> Names(List<string>? names)
    {
        if (names is null)
        {
            throw CognitoErrors.Validation("userAttributeNames", "Member must not be null");
        }

        foreach (var name in names)
        {
            Validate.Length(name, "userAttributeNames.member", 1, 32);
        }

        return names;
    }
}

/// <summary>An administrator deletes some of a user's attributes.</summary>
internal sealed class AdminDeleteUserAttributes(AdminUsers admin, AccountFlow account)
    : CognitoOperation<AdminDeleteUserAttributesRequest, AccountEmptyResponse>(
        AdminJsonContext.Wire.AdminDeleteUserAttributesRequest, AccountJsonContext.Wire.AccountEmptyResponse)
{
    public override string Name => "AdminDeleteUserAttributes";

    public override bool RequiresIam => true;

    protected override IEnumerable<string> DeclaredErrors => [CognitoErrors.UserNotFound];

    public override async ValueTask<AccountEmptyResponse> ExecuteAsync(AdminDeleteUserAttributesRequest request, CognitoCall call, CancellationToken cancellationToken)
    {
        var user = await admin.FindAsync(request.UserPoolId, request.Username, cancellationToken);
        await account.DeleteAttributesAsync(user, DeleteUserAttributes.Names(request.UserAttributeNames), cancellationToken);
        return new AccountEmptyResponse();
    }
}
