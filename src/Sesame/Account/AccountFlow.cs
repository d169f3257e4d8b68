using Sesame.Codes;
using Sesame.Cognito;
using Sesame.Delivery;
using Sesame.Messages;
using Sesame.Pools;
using Sesame.SignIn.Passwords;
using Sesame.SignUp;
using Sesame.Storage;
using Sesame.Tokens;
using Sesame.Users;

namespace Sesame.Account;

/// <summary>
/// A user's account after sign-up, for the user (with an access token) and for administrators: attribute changes and
/// their verification, signing out everywhere, disabling and deleting.
/// </summary>
/// <remarks>
/// A new phone number or email from the user takes effect only once verified with the code sent to it, which is
/// Cognito's behaviour with <c>AttributesRequireVerificationBeforeUpdate</c> set for both
/// (docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-email-phone-verification.html): the old value
/// keeps working for sign-in meanwhile, so a stolen access token cannot redirect sign-in codes to an unproven contact.
/// Administrators change values at once.
/// </remarks>
internal sealed class AccountFlow(
    IUserStore users,
    IUserAccountStore accounts,
    AccessTokenValidator validator,
    UserPools pools,
    CodeIssuer codes,
    CodeVerifier verifier,
    PasswordLockout lockout,
    Outbox outbox,
    TimeProvider time)
{
    private const int MaxWriteAttempts = 5;

    /// <summary>The user an access token belongs to; refused when revoked, expired, deleted or disabled.</summary>
    public async ValueTask<(User User, AccessTokenClaims Claims)> SignedInUserAsync(string accessToken, string issuerOrigin, CancellationToken cancellationToken)
    {
        var claims = await validator.ValidateAsync(accessToken, issuerOrigin, cancellationToken);
        var user = await users.FindAsync(claims.PoolId, claims.Username, cancellationToken);
        if (user is null || user.Sub != claims.Sub)
        {
            throw CognitoErrors.UserDoesNotExist();
        }

        if (!user.Enabled)
        {
            throw CognitoErrors.UserDisabled();
        }

        return (user, claims);
    }

    /// <summary>UpdateUserAttributes: other attributes change at once; a new phone number or email waits for its code.</summary>
    public async ValueTask<List<CodeDeliveryDetails>> UpdateAttributesAsync(
        User user, Dictionary<string, string> changes, string clientId, Dictionary<string, string>? clientMetadata, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var pool = Pool(user);
            user.AliasAttributes = pool.Options.AliasAttributes;
            var now = time.GetUtcNow();
            var pending = new List<StoredCode>();
            var messages = new List<OutboxMessage>();
            var details = new List<CodeDeliveryDetails>();
            foreach (var (name, value) in changes)
            {
                if (name is UserAttributes.PhoneNumber or UserAttributes.Email)
                {
                    if (user.Attributes.GetValueOrDefault(name) == value)
                    {
                        continue;
                    }

                    if (BecomesAlias(pool, name))
                    {
                        await EnsureAliasFreeAsync(user, name, value, cancellationToken);
                    }

                    var issued = await codes.IssueAsync(
                        CodeFor(pool, MessagePurpose.UpdateUserAttribute, user, name, value, clientId, clientMetadata) with { PendingValue = value },
                        cancellationToken);
                    pending.Add(issued.Stored);
                    messages.AddRange(issued.Message is { } message ? [message] : []);
                    details.Add(issued.Delivery);
                }
                else if (value.Length == 0)
                {
                    user.Attributes.Remove(name);
                }
                else
                {
                    user.Attributes[name] = value;
                }
            }

            var outcome = await accounts.WriteAttributesAsync(user, pending, messages, now, cancellationToken);
            if (outcome is AttributeWriteOutcome.Written)
            {
                if (messages.Count > 0)
                {
                    outbox.Notify();
                }

                return details;
            }

            user = await RetryOrThrowAsync(outcome, user, attempt, cancellationToken);
        }
    }

    /// <summary>
    /// AdminUpdateUserAttributes: every value changes at once. A changed phone number or email is unverified and gets a
    /// code, unless the same call sets its <c>*_verified</c> flag to true (Cognito's documented way to skip verification).
    /// </summary>
    public async ValueTask AdminUpdateAttributesAsync(
        User user, Dictionary<string, string> changes, Dictionary<string, string>? clientMetadata, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var pool = Pool(user);
            user.AliasAttributes = pool.Options.AliasAttributes;
            var now = time.GetUtcNow();
            var pending = new List<StoredCode>();
            var messages = new List<OutboxMessage>();
            foreach (var (name, value) in changes)
            {
                if (name is UserAttributes.EmailVerified or UserAttributes.PhoneNumberVerified)
                {
                    continue;
                }

                var verifiedFlag = name + "_verified";
                if (value.Length == 0)
                {
                    user.Attributes.Remove(name);
                    if (name is UserAttributes.PhoneNumber or UserAttributes.Email)
                    {
                        user.Attributes.Remove(verifiedFlag);
                    }

                    continue;
                }

                if (name is UserAttributes.PhoneNumber or UserAttributes.Email && user.Attributes.GetValueOrDefault(name) != value)
                {
                    // In a pool with AliasAttributes an unverified value is no alias, and may be anyone's.
                    if (pool.Options.AliasAttributes is null || (BecomesAlias(pool, name) && changes.GetValueOrDefault(verifiedFlag) == "true"))
                    {
                        await EnsureAliasFreeAsync(user, name, value, cancellationToken);
                    }

                    user.Attributes[name] = value;
                    user.Attributes[verifiedFlag] = "false";
                    if (changes.GetValueOrDefault(verifiedFlag) != "true")
                    {
                        var issued = await codes.IssueAsync(
                            CodeFor(pool, MessagePurpose.UpdateUserAttribute, user, name, value, AdminClientId, clientMetadata), cancellationToken);
                        pending.Add(issued.Stored);
                        messages.AddRange(issued.Message is { } message ? [message] : []);
                    }

                    continue;
                }

                user.Attributes[name] = value;
            }

            foreach (var flag in new[] { UserAttributes.PhoneNumberVerified, UserAttributes.EmailVerified })
            {
                if (changes.TryGetValue(flag, out var verified) && user.Attributes.ContainsKey(flag[..^"_verified".Length]))
                {
                    user.Attributes[flag] = verified;
                }
            }

            var outcome = await accounts.WriteAttributesAsync(user, pending, messages, now, cancellationToken);
            if (outcome is AttributeWriteOutcome.Written)
            {
                if (messages.Count > 0)
                {
                    outbox.Notify();
                }

                return;
            }

            user = await RetryOrThrowAsync(outcome, user, attempt, cancellationToken);
        }
    }

    /// <summary>GetUserAttributeVerificationCode: a code for the pending new value if there is one, else for the current value.</summary>
    public async ValueTask<CodeDeliveryDetails> SendCodeAsync(
        User user, string attribute, string clientId, Dictionary<string, string>? clientMetadata, CancellationToken cancellationToken)
    {
        var pool = Pool(user);
        var pendingValue = (await codes.PendingAsync(pool, CodePurposes.VerifyAttribute(attribute), user.Username, cancellationToken))?.PendingValue;
        var destination = pendingValue ?? user.Attributes.GetValueOrDefault(attribute)
            ?? throw CognitoErrors.Error(CognitoErrors.InvalidParameter, $"The user has no {attribute} to send a code to.");
        return await codes.SendAsync(
            CodeFor(pool, MessagePurpose.VerifyUserAttribute, user, attribute, destination, clientId, clientMetadata) with { PendingValue = pendingValue },
            cancellationToken);
    }

    /// <summary>VerifyUserAttribute: the code is counted before it is compared, and consumed once.</summary>
    public async ValueTask VerifyAsync(User user, string attribute, string answer, CancellationToken cancellationToken)
    {
        var pool = Pool(user);
        var (check, code) = await verifier.VerifyAsync(
            new CodeAnswer(pool, CodePurposes.VerifyAttribute(attribute), user.Username, user.Sub, user.Attributes.GetValueOrDefault(attribute), answer),
            cancellationToken);
        CodeVerifier.ThrowUnlessMatch(check);

        var usernameKey = Logins.UsernameKey(user.Username);
        var proved = code!.PendingValue ?? user.Attributes.GetValueOrDefault(attribute);
        var written = pool.Options.AliasAttributes is not null && proved is not null
            // The verified value becomes an alias now, when the pool lists it (Cognito creates aliases at verification).
            ? accounts.VerifyAliasAsync(pool.Id, usernameKey, user.Sub, attribute, proved,
                !BecomesAlias(pool, attribute) ? null : attribute == UserAttributes.PhoneNumber ? proved : Logins.EmailKey(proved), time.GetUtcNow(), cancellationToken)
            : accounts.VerifyAttributeAsync(pool.Id, usernameKey, user.Sub, attribute, code.PendingValue, time.GetUtcNow(), cancellationToken);
        var outcome = await written;
        if (AttributeSchema.AliasConflict(outcome) is { } conflict)
        {
            throw conflict;
        }

        if (outcome == AttributeWriteOutcome.UserChanged)
        {
            throw CognitoErrors.UserDoesNotExist();
        }
    }

    /// <summary>
    /// DeleteUserAttributes / AdminDeleteUserAttributes: the named attributes go (a phone number or email with its
    /// <c>*_verified</c> flag and its alias), all or none. <c>sub</c> cannot go, nor the last phone number or email a pool
    /// that signs in by them knows the user by (it is the user's username there); names the user lacks are no error.
    /// </summary>
    public async ValueTask DeleteAttributesAsync(User user, IReadOnlyList<string> names, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var pool = Pool(user);
            user.AliasAttributes = pool.Options.AliasAttributes;
            foreach (var name in names)
            {
                if (name == UserAttributes.Sub)
                {
                    throw CognitoErrors.Error(CognitoErrors.InvalidParameter, "Cannot modify the non-mutable attribute sub");
                }

                AttributeSchema.CheckRemovable(pool, name);

                user.Attributes.Remove(name);
                if (name is UserAttributes.PhoneNumber or UserAttributes.Email)
                {
                    user.Attributes.Remove(name + "_verified");
                }
            }

            var keepsUsername = (pool.UsesPhoneAsUsername && user.PhoneNumber is not null) || (pool.UsesEmailAsUsername && user.Email is not null);
            var alias = names.FirstOrDefault(n => n is UserAttributes.PhoneNumber or UserAttributes.Email);
            if (alias is not null && (pool.UsesPhoneAsUsername || pool.UsesEmailAsUsername) && !keepsUsername)
            {
                throw CognitoErrors.Error(CognitoErrors.InvalidParameter, $"Cannot delete {alias}: it is the username of the user in this user pool.");
            }

            var outcome = await accounts.WriteAttributesAsync(user, [], [], time.GetUtcNow(), cancellationToken);
            if (outcome is AttributeWriteOutcome.Written)
            {
                return;
            }

            user = await RetryOrThrowAsync(outcome, user, attempt, cancellationToken);
        }
    }

    /// <summary>GlobalSignOut / AdminUserGlobalSignOut: every refresh token of the user, and every access token minted from them.</summary>
    public ValueTask SignOutEverywhereAsync(User user, CancellationToken cancellationToken) =>
        accounts.RevokeAllTokensAsync(user.PoolId, user.Sub, time.GetUtcNow(), cancellationToken);

    /// <summary>DeleteUser / AdminDeleteUser.</summary>
    public async ValueTask DeleteAsync(User user, CancellationToken cancellationToken)
    {
        if (!await accounts.DeleteAsync(user.PoolId, Logins.UsernameKey(user.Username), time.GetUtcNow(), cancellationToken))
        {
            throw CognitoErrors.UserDoesNotExist();
        }
    }

    /// <summary>AdminDisableUser (which revokes every token) / AdminEnableUser.</summary>
    public async ValueTask SetEnabledAsync(User user, bool enabled, CancellationToken cancellationToken)
    {
        if (!await accounts.SetEnabledAsync(user.PoolId, Logins.UsernameKey(user.Username), enabled, time.GetUtcNow(), cancellationToken))
        {
            throw CognitoErrors.UserDoesNotExist();
        }

        if (enabled)
        {
            // The operator's account recovery (NIST SP 800-63B §3.2.2): the only way past the consecutive-failure cap.
            await verifier.ForgetFailuresAsync(Pool(user), user.Username, cancellationToken);
            await lockout.ResetAsync(Pool(user), user.Username, cancellationToken);
        }
    }

    private async ValueTask<User> RetryOrThrowAsync(AttributeWriteOutcome outcome, User user, int attempt, CancellationToken cancellationToken)
    {
        if (AttributeSchema.AliasConflict(outcome) is { } conflict)
        {
            throw conflict;
        }

        // Someone else changed the user since we read it: read again and redo the change on the fresh copy.
        var fresh = await users.FindAsync(user.PoolId, user.Username, cancellationToken);
        if (fresh is null || fresh.Sub != user.Sub)
        {
            throw CognitoErrors.UserDoesNotExist();
        }

        return attempt < MaxWriteAttempts
            ? fresh
            : throw CognitoErrors.Error(CognitoErrors.TooManyRequests, "The user was changed concurrently; try again.");
    }

    private async ValueTask EnsureAliasFreeAsync(User user, string attribute, string value, CancellationToken cancellationToken)
    {
        // A quick answer for the common case; the store checks again in the transaction that makes the value an alias.
        var holder = await users.FindAsync(user.PoolId, value, cancellationToken);
        if (holder is not null && holder.Sub != user.Sub && holder.IsConfirmed
            && (attribute == UserAttributes.PhoneNumber ? holder.PhoneNumber == value : string.Equals(holder.Email, value, StringComparison.OrdinalIgnoreCase)))
        {
            throw AttributeSchema.AliasExists(attribute);
        }
    }

    /// <summary>Whether a verified value of the attribute is an alias in the pool (pools without AliasAttributes: phone and email always are).</summary>
    private static bool BecomesAlias(UserPool pool, string attribute) => pool.Options.AliasAttributes?.Contains(attribute) ?? true;

    private static CodeRequest CodeFor(
        UserPool pool, MessagePurpose purpose, User user, string attribute, string destination, string clientId, Dictionary<string, string>? clientMetadata) =>
        new(pool, CodePurposes.VerifyAttribute(attribute), purpose, user.Username, user.Sub, attribute, destination, User.EventAttributes(user),
            clientId, clientMetadata);

    // Cognito's callerContext.clientId for calls that come from no app client (Admin*).
    private const string AdminClientId = SignUpFlow.AdminClientId;

    private UserPool Pool(User user) => pools.FindPool(user.PoolId) ?? throw CognitoErrors.UserDoesNotExist();
}
