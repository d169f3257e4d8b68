using Sesame.Account;
using Sesame.Cognito;
using Sesame.Pools;
using Sesame.SignIn.Passwords;
using Sesame.Storage;
using Sesame.Users;

namespace Sesame.CognitoApi.Operations;

internal sealed record AdminSetUserPasswordRequest(string? UserPoolId, string? Username, string? Password, bool? Permanent);

/// <summary>
/// Sets a user's password as an administrator: the PBKDF2 hash and the SRP verifier together. A temporary password
/// (<c>Permanent</c> false, the default) puts the user in <c>FORCE_CHANGE_PASSWORD</c>, so the next sign-in answers
/// <c>NEW_PASSWORD_REQUIRED</c>; a permanent one takes a <c>FORCE_CHANGE_PASSWORD</c> user to <c>CONFIRMED</c> and
/// leaves any other status as it is (an unconfirmed sign-up stays unconfirmed).
/// </summary>
internal sealed class AdminSetUserPassword(UserPools pools, AdminUsers admin, IPasswordStore passwords, PasswordHasher hasher, TimeProvider time)
    : CognitoOperation<AdminSetUserPasswordRequest, AccountEmptyResponse>(
        AdminJsonContext.Wire.AdminSetUserPasswordRequest, AccountJsonContext.Wire.AccountEmptyResponse)
{
    public override string Name => "AdminSetUserPassword";

    public override bool RequiresIam => true;

    protected override IEnumerable<string> DeclaredErrors => [CognitoErrors.UserNotFound, CognitoErrors.InvalidPassword, "PasswordHistoryPolicyViolationException"];

    public override async ValueTask<AccountEmptyResponse> ExecuteAsync(AdminSetUserPasswordRequest request, CognitoCall call, CancellationToken cancellationToken)
    {
        // Never echoed in a validation message: the password is a secret.
        var password = request.Password ?? throw CognitoErrors.Validation("password", "Member must not be null");
        var user = await admin.FindAsync(request.UserPoolId, request.Username, cancellationToken);
        var pool = AdminShapes.FindPool(pools, user.PoolId);
        PasswordSignIn.CheckPolicy(pool, password);
        var status = request.Permanent == true
            ? user.Status == UserStatus.ForceChangePassword ? UserStatus.Confirmed : null
            : UserStatus.ForceChangePassword;
        var (hash, verifier) = PasswordCredentials.Create(hasher, pool.Id, user.Username, password);
        return await passwords.SetPasswordAsync(pool.Id, Logins.UsernameKey(user.Username), hash, verifier, status, time.GetUtcNow(), cancellationToken)
            ? new AccountEmptyResponse()
            : throw CognitoErrors.UserDoesNotExist();
    }
}
