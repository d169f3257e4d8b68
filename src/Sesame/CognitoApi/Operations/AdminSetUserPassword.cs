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
/// leaves any other status as it is (an unconfirmed sign-up stays unconfirmed). A permanent one is held to the pool's
/// <c>PasswordHistorySize</c>; a temporary one is not (Cognito's API reference lists the history error for the call,
/// and an administrator handing out a temporary password is no reuse by the user).
/// </summary>
internal sealed class AdminSetUserPassword(UserPools pools, AdminUsers admin, IPasswordStore passwords, PasswordHistory history, PasswordLockout lockout, TimeProvider time)
    : CognitoOperation<AdminSetUserPasswordRequest, AccountEmptyResponse>(
        AdminJsonContext.Wire.AdminSetUserPasswordRequest, AccountJsonContext.Wire.AccountEmptyResponse)
{
    public override string Name => "AdminSetUserPassword";

    public override bool RequiresIam => true;

    protected override IEnumerable<string> DeclaredErrors => [CognitoErrors.UserNotFound, CognitoErrors.InvalidPassword, CognitoErrors.PasswordHistoryPolicyViolation];

    public override async ValueTask<AccountEmptyResponse> ExecuteAsync(AdminSetUserPasswordRequest request, CognitoCall call, CancellationToken cancellationToken)
    {
        // Never echoed in a validation message: the password is a secret.
        var password = request.Password ?? throw CognitoErrors.Validation("password", "Member must not be null");
        var user = await admin.FindAsync(request.UserPoolId, request.Username, cancellationToken);
        var pool = AdminShapes.FindPool(pools, user.PoolId);
        PasswordSignIn.EnsureAdminCanSet(pool);
        PasswordSignIn.CheckPolicy(pool, password);
        var status = request.Permanent == true
            ? user.Status == UserStatus.ForceChangePassword ? UserStatus.Confirmed : null
            : UserStatus.ForceChangePassword;
        if (request.Permanent == true)
        {
            await history.EnsureNotReusedAsync(pool, user, password, cancellationToken);
        }

        var change = history.Change(pool, user, password, status);
        if (await passwords.SetPasswordAsync(pool.Id, Logins.UsernameKey(user.Username), change, time.GetUtcNow(), cancellationToken) != AttributeWriteOutcome.Written)
        {
            throw CognitoErrors.UserDoesNotExist();
        }

        // Failed attempts at the old password no longer say anything about the new one (and the consecutive cap lifts).
        await lockout.ResetAsync(pool, user.Username, cancellationToken);
        return new AccountEmptyResponse();
    }
}
