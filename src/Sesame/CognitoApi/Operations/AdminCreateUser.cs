using Sesame.Cognito;
using Sesame.Delivery;
using Sesame.Messages;
using Sesame.Pools;
using Sesame.SignIn.Passwords;
using Sesame.Storage;
using Sesame.Triggers;
using Sesame.Users;

namespace Sesame.CognitoApi.Operations;

internal sealed record AdminCreateUserRequest(
    string? UserPoolId, string? Username, List<AttributeType>? UserAttributes, string? TemporaryPassword, string? MessageAction,
    List<string>? DesiredDeliveryMediums, Dictionary<string, string>? ClientMetadata, bool? ForceAliasCreation = null);

internal sealed record AdminCreateUserResponse(UserType User);

/// <summary>
/// Creates a user as an administrator. A user created with no <c>TemporaryPassword</c> is passwordless and
/// <c>CONFIRMED</c> at once, so CUSTOM_AUTH signs them in: Cognito would leave a user it generated a password for in
/// <c>FORCE_CHANGE_PASSWORD</c>, where custom auth ends in a NEW_PASSWORD_REQUIRED challenge instead of tokens
/// (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminCreateUser.html). With a
/// <c>TemporaryPassword</c> the user is <c>FORCE_CHANGE_PASSWORD</c>,
/// as in Cognito. The admin may set <c>email_verified</c> / <c>phone_number_verified</c>.
/// </summary>
internal sealed class AdminCreateUser(
    UserPools pools, IUserStore users, IUserAdminStore adminStore, IPasswordStore passwords, Outbox outbox, MessageComposer composer, TriggerInvoker triggers,
    PasswordHasher hasher, PasswordHistory history, TimeProvider time)
    : CognitoOperation<AdminCreateUserRequest, AdminCreateUserResponse>(AdminJsonContext.Wire.AdminCreateUserRequest, AdminJsonContext.Wire.AdminCreateUserResponse)
{
    public const string ForceChangePassword = UserStatus.ForceChangePassword;

    public override string Name => "AdminCreateUser";

    public override bool RequiresIam => true;

    protected override IEnumerable<string> DeclaredErrors =>
    [
        // The model's list lacks it, but its ForceAliasCreation documentation says the call "throws an AliasExistsException".
        CognitoErrors.AliasExists,
        CognitoErrors.CodeDeliveryFailure, CognitoErrors.InvalidLambdaResponse, CognitoErrors.InvalidPassword,
        "InvalidSmsRoleAccessPolicyException", "InvalidSmsRoleTrustRelationshipException", "PreconditionNotMetException",
        CognitoErrors.UnexpectedLambda, "UnsupportedUserStateException", CognitoErrors.UserLambdaValidation,
        CognitoErrors.UsernameExists, CognitoErrors.UserNotFound,
    ];

    public override async ValueTask<AdminCreateUserResponse> ExecuteAsync(AdminCreateUserRequest request, CognitoCall call, CancellationToken cancellationToken)
    {
        var pool = AdminShapes.FindPool(pools, request.UserPoolId);
        var username = Validate.Username(request.Username);
        var action = AdminShapes.Enum(request.MessageAction, "messageAction", "RESEND", "SUPPRESS");
        var mediums = request.DesiredDeliveryMediums ?? [DeliveryMedium.Sms];
        foreach (var medium in mediums)
        {
            AdminShapes.Enum(medium, "desiredDeliveryMediums.member", DeliveryMedium.Sms, DeliveryMedium.Email);
        }

        Validate.MapSize(request.ClientMetadata, "clientMetadata");
        var password = string.IsNullOrEmpty(request.TemporaryPassword) ? null : Validate.Length(request.TemporaryPassword, "temporaryPassword", 0, 256);
        if (password is not null)
        {
            PasswordSignIn.EnsureAdminCanSet(pool);
        }

        if (action == "RESEND")
        {
            var existing = await users.FindAsync(pool.Id, username, cancellationToken) ?? throw CognitoErrors.UserDoesNotExist();
            await ResendAsync(pool, existing, mediums, password, request.ClientMetadata, cancellationToken);
            return new AdminCreateUserResponse(AdminShapes.ToUserType(
                await users.FindAsync(pool.Id, existing.Username, cancellationToken) ?? existing));
        }

        var (verified, rest) = SplitVerifiedFlags(request.UserAttributes);
        var attributes = UserAttributes.FromClient(rest, "userAttributes");
        AttributeSchema.CheckAdminCreate(pool, attributes);
        var canonical = CanonicalUsername(pool, username, attributes);

        foreach (var (attribute, flag) in new[] { (UserAttributes.PhoneNumber, UserAttributes.PhoneNumberVerified), (UserAttributes.Email, UserAttributes.EmailVerified) })
        {
            if (attributes.ContainsKey(attribute))
            {
                attributes[flag] = verified.GetValueOrDefault(flag, "false");
            }
            else if (verified.ContainsKey(flag))
            {
                throw CognitoErrors.Error(CognitoErrors.InvalidParameter, $"{flag} cannot be set without {attribute}.");
            }
        }

        if (password is null && !attributes.ContainsKey(UserAttributes.PhoneNumber) && !attributes.ContainsKey(UserAttributes.Email))
        {
            throw CognitoErrors.Error(CognitoErrors.InvalidParameter,
                "A passwordless user needs a phone_number or email attribute: sign-in codes are sent to it.");
        }

        if (password is not null)
        {
            PasswordSignIn.CheckPolicy(pool, password);
        }

        var now = time.GetUtcNow();
        // The SRP verifier too: Amplify's default sign-in (USER_SRP_AUTH) proves the temporary password that way.
        (string Hash, PasswordVerifier Verifier)? credentials = password is null ? null : PasswordCredentials.Create(hasher, pool.Id, canonical, password);
        var user = new User
        {
            PoolId = pool.Id,
            Username = canonical,
            Sub = Guid.NewGuid().ToString(),
            Status = password is null ? UserStatus.Confirmed : ForceChangePassword,
            Attributes = attributes,
            AliasAttributes = pool.Options.AliasAttributes,
            PasswordHash = credentials?.Hash,
            PasswordSetAt = credentials is null ? null : now,
            CreatedAt = now,
            ModifiedAt = now,
        };

        // PreSignUp_AdminCreateUser may refuse the user; its three flags are ignored, as in Cognito (the pre sign-up guide).
        var preSignUp = new PreSignUpEvent
        {
            TriggerSource = "PreSignUp_AdminCreateUser",
            Region = pool.Region,
            UserPoolId = pool.Id,
            UserName = user.Username,
            CallerContext = new CallerContext { ClientId = "CLIENT_ID_NOT_APPLICABLE" },
            Request = new PreSignUpRequest
            {
                UserAttributes = new Dictionary<string, string>(attributes, StringComparer.Ordinal),
                ClientMetadata = request.ClientMetadata,
            },
        };
        await triggers.InvokeAsync("PreSignUp", preSignUp, cancellationToken);
        var messages = action == "SUPPRESS" ? [] : await InvitationsAsync(pool, user, mediums, password, request.ClientMetadata, cancellationToken);
        // A pool with AliasAttributes: a verified phone number or email another user holds as an alias answers
        // AliasExistsException, or with ForceAliasCreation moves to this user (the model doc of AdminCreateUser).
        var aliasPool = pool.Options.AliasAttributes is not null;
        var outcome = await users.CreateAsync(user, null, messages.FirstOrDefault(), ifTaken: null, moveAliases: aliasPool && request.ForceAliasCreation == true, cancellationToken);
        switch (outcome)
        {
            case CreateUserOutcome.UsernameExists:
                throw CognitoErrors.Error(CognitoErrors.UsernameExists, "User account already exists");
            case CreateUserOutcome.PhoneNumberExists when aliasPool:
                throw AttributeSchema.AliasExists(UserAttributes.PhoneNumber);
            case CreateUserOutcome.EmailExists when aliasPool:
                throw AttributeSchema.AliasExists(UserAttributes.Email);
            case CreateUserOutcome.PreferredUsernameExists:
                throw AttributeSchema.AliasExists(UserAttributes.PreferredUsername);
            case CreateUserOutcome.PhoneNumberExists:
                throw CognitoErrors.Error(CognitoErrors.UsernameExists, "An account with the given phone_number already exists.");
            case CreateUserOutcome.EmailExists:
                throw CognitoErrors.Error(CognitoErrors.UsernameExists, "An account with the given email already exists.");
        }

        if (credentials is { } set)
        {
            await passwords.SaveVerifierAsync(pool.Id, Logins.UsernameKey(user.Username), user.Sub, set.Verifier, cancellationToken);
        }

        if (messages.Count > 1)
        {
            await adminStore.QueueAsync(messages[1..], cancellationToken);
        }

        outbox.Notify();
        return new AdminCreateUserResponse(AdminShapes.ToUserType(user));
    }

    /// <summary>
    /// <c>MessageAction: RESEND</c>. A user with a temporary password (<c>FORCE_CHANGE_PASSWORD</c>) gets a new one (the
    /// call's <c>TemporaryPassword</c>, else one generated to the pool's policy) and the invitation that carries it, in one
    /// transaction: its <c>TemporaryPasswordValidityDays</c> start again (Cognito: RESEND "resets the expiration limit
    /// on the user's account"). A passwordless user gets its invitation again. Any other user:
    /// <c>UnsupportedUserStateException</c>, nothing sent.
    /// </summary>
    private async ValueTask ResendAsync(
        UserPool pool, User user, List<string> mediums, string? password, Dictionary<string, string>? clientMetadata, CancellationToken cancellationToken)
    {
        if (user.Status == ForceChangePassword)
        {
            var temporary = password ?? GeneratedPassword(pool);
            PasswordSignIn.CheckPolicy(pool, temporary);
            var invitations = await InvitationsAsync(pool, user, mediums, temporary, clientMetadata, cancellationToken);
            var change = history.Change(pool, user, temporary, ForceChangePassword) with { Messages = invitations };
            if (await passwords.SetPasswordAsync(pool.Id, Logins.UsernameKey(user.Username), change, time.GetUtcNow(), cancellationToken)
                != AttributeWriteOutcome.Written)
            {
                throw CognitoErrors.UserDoesNotExist();
            }
        }
        else if (user.PasswordHash is null && user.IsConfirmed && password is null)
        {
            await adminStore.QueueAsync(await InvitationsAsync(pool, user, mediums, null, clientMetadata, cancellationToken), cancellationToken);
        }
        else
        {
            // Cognito's words are UNCONFIRMED: an invitation is only for a user who has not signed in yet.
            throw CognitoErrors.Error("UnsupportedUserStateException", $"Resend not possible. {user.Username} status is not FORCE_CHANGE_PASSWORD");
        }

        outbox.Notify();
    }

    /// <summary>
    /// A temporary password that meets <paramref name="pool"/>'s policy: at least 12 characters (more if the pool asks),
    /// one of each character class, from <see cref="System.Security.Cryptography.RandomNumberGenerator"/>.
    /// </summary>
    internal static string GeneratedPassword(UserPool pool)
    {
        const string upper = "ABCDEFGHJKLMNPQRSTUVWXYZ", lower = "abcdefghijkmnopqrstuvwxyz", digits = "23456789", symbols = "^$*.[]{}()?-!@#%&/,><:;|_~+=";
        var classes = new[] { upper, lower, digits, symbols };
        var length = Math.Max(12, pool.Options.PasswordMinimumLength);
        var characters = new char[length];
        for (var i = 0; i < length; i++)
        {
            var set = i < classes.Length ? classes[i] : classes[System.Security.Cryptography.RandomNumberGenerator.GetInt32(classes.Length)];
            characters[i] = set[System.Security.Cryptography.RandomNumberGenerator.GetInt32(set.Length)];
        }

        System.Security.Cryptography.RandomNumberGenerator.Shuffle(characters.AsSpan());
        return new string(characters);
    }

    // email_verified and phone_number_verified are the admin's to set (model doc of AdminCreateUser), not a client's.
    private static (Dictionary<string, string> Verified, List<AttributeType>? Others) SplitVerifiedFlags(List<AttributeType>? attributes)
    {
        var verified = new Dictionary<string, string>(StringComparer.Ordinal);
        if (attributes is null)
        {
            return (verified, null);
        }

        var rest = new List<AttributeType>();
        foreach (var attribute in attributes)
        {
            if (attribute?.Name is UserAttributes.EmailVerified or UserAttributes.PhoneNumberVerified)
            {
                if (attribute.Value is not ("true" or "false"))
                {
                    throw CognitoErrors.Error(CognitoErrors.InvalidParameter, $"{attribute.Name} must be \"true\" or \"false\".");
                }

                verified[attribute.Name] = attribute.Value;
            }
            else
            {
                rest.Add(attribute!);
            }
        }

        return (verified, rest);
    }

    // In a pool that signs users in by phone or email, that Username becomes the attribute and the real username a UUID.
    private static string CanonicalUsername(UserPool pool, string username, Dictionary<string, string> attributes)
    {
        string? attribute = null;
        if (pool.UsesPhoneAsUsername && UserAttributes.IsPhoneNumber(username))
        {
            attribute = UserAttributes.PhoneNumber;
        }
        else if (pool.UsesEmailAsUsername && UserAttributes.IsEmail(username))
        {
            attribute = UserAttributes.Email;
        }
        else if (pool.UsesPhoneAsUsername || pool.UsesEmailAsUsername)
        {
            throw CognitoErrors.Error(CognitoErrors.InvalidParameter, (pool.UsesPhoneAsUsername, pool.UsesEmailAsUsername) switch
            {
                (true, true) => "Username should be either an email or a phone number.",
                (true, false) => "Username should be a phone number.",
                _ => "Username should be an email.",
            });
        }

        if (attribute is null)
        {
            return username;
        }

        if (attributes.TryGetValue(attribute, out var given) && !string.Equals(given, username, StringComparison.OrdinalIgnoreCase))
        {
            throw CognitoErrors.Error(CognitoErrors.InvalidParameter, $"The {attribute} attribute does not match the username.");
        }

        attributes[attribute] = username;
        return Guid.NewGuid().ToString();
    }

    /// <summary>
    /// One invitation per desired medium, each through CustomMessage (<c>CustomMessage_AdminCreateUser</c>, with the call's
    /// ClientMetadata); a medium the user has no contact for is an error, as in Cognito.
    /// </summary>
    private async ValueTask<List<OutboxMessage>> InvitationsAsync(
        UserPool pool, User user, List<string> mediums, string? password, Dictionary<string, string>? clientMetadata, CancellationToken cancellationToken)
    {
        var messages = new List<OutboxMessage>();
        foreach (var medium in mediums.Distinct(StringComparer.Ordinal))
        {
            var sms = medium == DeliveryMedium.Sms;
            var destination = sms ? user.PhoneNumber : user.Email;
            if (destination is null)
            {
                throw CognitoErrors.Error(CognitoErrors.InvalidParameter,
                    sms ? "User has no phone_number to send the invitation to." : "User has no email to send the invitation to.");
            }

            // {username} is what the user signs in with: the phone number or email in pools that use them as usernames.
            var signInName = pool.UsesPhoneAsUsername || pool.UsesEmailAsUsername ? destination : user.Username;
            messages.Add(await composer.ComposeInvitationAsync(
                new InvitationRequest(pool, medium, destination, user.Username, signInName, password, User.EventAttributes(user), clientMetadata),
                cancellationToken));
        }

        return messages;
    }
}
