using Sesame.Abuse;
using Sesame.Codes;
using Sesame.Cognito;
using Sesame.Configuration;
using Sesame.Delivery;
using Sesame.Messages;
using Sesame.Pools;
using Sesame.SignIn;
using Sesame.SignIn.Passwords;
using Sesame.Storage;
using Sesame.Triggers;
using Sesame.Users;

namespace Sesame.SignUp;

/// <summary>What SignUp answers.</summary>
internal sealed record SignUpResult(bool UserConfirmed, string UserSub, CodeDeliveryDetails? CodeDeliveryDetails);

/// <summary>
/// Sign-up, confirmation and code re-sending. Passwords are optional. An abandoned (UNCONFIRMED) sign-up never blocks
/// the same phone number or email: a new sign-up replaces it.
/// </summary>
internal sealed class SignUpFlow(
    IUserStore users,
    IPasswordStore passwords,
    IOneTimeCodeStore storedCodes,
    SignInSessions sessions,
    CodeIssuer codes,
    CodeVerifier verifier,
    Outbox outbox,
    MessageComposer composer,
    Pseudonyms pseudonyms,
    TriggerInvoker triggers,
    PasswordHasher hasher,
    HashingSlots hashing,
    TimeProvider time)
{

    /// <summary>
    /// Signs a user up. PreSignUp runs first and may refuse the sign-up, confirm the user at once (no code is sent, and
    /// PostConfirmation runs) or mark the phone number or email verified.
    /// </summary>
    public async ValueTask<SignUpResult> SignUpAsync(
        AppClient client, string username, string? password, Dictionary<string, string> attributes,
        Dictionary<string, string>? validationData, Dictionary<string, string>? clientMetadata, CancellationToken cancellationToken)
    {
        var pool = client.Pool;
        if (pool.Options.AllowAdminCreateUserOnly)
        {
            throw CognitoErrors.Error(CognitoErrors.NotAuthorized, "SignUp is not permitted for this user pool");
        }

        var canonicalUsername = username;
        if (pool.UsesPhoneAsUsername && UserAttributes.IsPhoneNumber(username))
        {
            canonicalUsername = TakeUsernameAttribute(attributes, UserAttributes.PhoneNumber, username);
        }
        else if (pool.UsesEmailAsUsername && UserAttributes.IsEmail(username))
        {
            canonicalUsername = TakeUsernameAttribute(attributes, UserAttributes.Email, username);
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

        if (pool.Passwords == PasswordMode.None)
        {
            // A passwordless pool: the password a client invented (tutorials do, so that Cognito accepts the sign-up)
            // is dropped here, before it is checked or stored, so it can never stand in for the code.
            password = null;
        }

        if (pool.Passwords == PasswordMode.Required && string.IsNullOrEmpty(password))
        {
            // Cognito's model once required the member; a pool that requires passwords answers in those words.
            throw CognitoErrors.Validation("password", "Member must not be null");
        }

        if (!string.IsNullOrEmpty(password))
        {
            PasswordSignIn.CheckPolicy(pool, password);
        }

        AttributeSchema.CheckSignUp(client, attributes);
        // AutoVerifiedAttributes decides where the code goes (a pool that verifies email texts no one); none: no code at all.
        var destination = AttributeSchema.ConfirmationDestination(pool, attributes);
        if (destination is null && !AttributeSchema.SendsNoConfirmationCode(pool))
        {
            throw CognitoErrors.Error(CognitoErrors.InvalidParameter, pool.Options.AutoVerifiedAttributes is [var only]
                ? $"The {only} attribute is required: the pool confirms sign-ups with a code sent to it."
                : "A phone_number or email attribute is required: the sign-up is confirmed with a code sent to it.");
        }

        // The hash and the SRP verifier run in the bounded hashing slots that sign-in uses, so a flood of sign-ups with
        // passwords queues there (and is refused past the queue) instead of taking every core from passwordless sign-in.
        var credentials = string.IsNullOrEmpty(password) ? ((string Hash, PasswordVerifier Verifier)?)null
            : await hashing.RunAsync(
                () => ValueTask.FromResult(PasswordCredentials.Create(hasher, pool.Id, canonicalUsername, password)), cancellationToken);

        var preSignUp = new PreSignUpEvent
        {
            Request = new PreSignUpRequest
            {
                UserAttributes = new Dictionary<string, string>(attributes, StringComparer.Ordinal),
                ValidationData = validationData,
                ClientMetadata = clientMetadata,
            },
        };
        preSignUp.Address("PreSignUp_SignUp", client, canonicalUsername);
        await triggers.InvokeAsync("PreSignUp", preSignUp, cancellationToken);
        var decision = preSignUp.Response;
        if ((decision.AutoVerifyPhone && !attributes.ContainsKey(UserAttributes.PhoneNumber))
            || (decision.AutoVerifyEmail && !attributes.ContainsKey(UserAttributes.Email)))
        {
            // The pre sign-up guide: verifying an attribute the user lacks is an error and the sign-up fails.
            throw CognitoErrors.Error(CognitoErrors.InvalidLambdaResponse,
                "PreSignUp asked to verify an attribute the user does not have.");
        }

        var now = time.GetUtcNow();
        var user = new User
        {
            PoolId = pool.Id,
            Username = canonicalUsername,
            Sub = Guid.NewGuid().ToString(),
            Status = UserStatus.Unconfirmed,
            Attributes = attributes,
            AliasAttributes = pool.Options.AliasAttributes,
            PasswordHash = credentials?.Hash,
            PasswordSetAt = credentials is null ? null : now,
            CreatedAt = now,
            ModifiedAt = now,
        };
        // Pools with AliasAttributes: an alias exists once verified, so a sign-up holds one only when PreSignUp verified
        // it, and then takes it from its holder (the pre sign-up guide: "the alias moves to the new user").
        var moveAliases = pool.Options.AliasAttributes is not null;
        if (user.PhoneNumber is not null)
        {
            attributes[UserAttributes.PhoneNumberVerified] = "false";
        }

        if (user.Email is not null)
        {
            attributes[UserAttributes.EmailVerified] = "false";
        }

        if (decision.AutoVerifyPhone)
        {
            attributes[UserAttributes.PhoneNumberVerified] = "true";
        }

        if (decision.AutoVerifyEmail)
        {
            attributes[UserAttributes.EmailVerified] = "true";
        }

        if (decision.AutoConfirmUser)
        {
            user.Status = UserStatus.Confirmed;
            var confirmedOutcome = await users.CreateAsync(user, code: null, message: null, Notices(pool, attributes), moveAliases, cancellationToken);
            await SaveVerifierAsync(user, credentials, cancellationToken);
            if (TakenQuietly(pool, confirmedOutcome))
            {
                return new SignUpResult(true, user.Sub, null);
            }

            // An auto-confirmed user reaches PostConfirmation at sign-up time, as in Cognito.
            await PostConfirmationAsync(client, user, clientMetadata, cancellationToken);
            return new SignUpResult(true, user.Sub, null);
        }

        if (destination is not { } to)
        {
            // A pool that verifies nothing at sign-up (AutoVerifiedAttributes empty): no code, the same store call.
            var quietOutcome = await users.CreateAsync(user, code: null, message: null, Notices(pool, attributes), moveAliases, cancellationToken);
            await SaveVerifierAsync(user, credentials, cancellationToken);
            TakenQuietly(pool, quietOutcome);
            return new SignUpResult(false, user.Sub, null);
        }

        // Issued (send limits counted, message composed) before the store says whether the number is taken, so a taken
        // number costs what a new one does.
        var issued = await codes.IssueAsync(CodeFor(client, user, MessagePurpose.SignUp, to.Attribute, to.Destination, clientMetadata), cancellationToken);
        var outcome = await users.CreateAsync(user, issued.Stored, issued.Message, Notices(pool, attributes), moveAliases, cancellationToken);
        outbox.Notify();
        // Written for a taken number too (it writes nothing there: no user has this sub), so both paths make the same calls.
        await SaveVerifierAsync(user, credentials, cancellationToken);
        TakenQuietly(pool, outcome);
        // A taken number in the strict mode: the answer of a new sign-up, with this request's fresh sub (not the owner's).
        return new SignUpResult(false, user.Sub, issued.Delivery);
    }

    /// <summary>
    /// In the strict enumeration mode, the notices the store queues instead of the sign-up when a confirmed user holds
    /// the phone number or email ("someone tried to sign up with your number"); composed for every sign-up, taken or
    /// not, so that both cost the same. A declared test number never gets a message.
    /// </summary>
    private TakenNotices? Notices(UserPool pool, Dictionary<string, string> attributes)
    {
        if (!pool.StrictEnumeration)
        {
            return null;
        }

        var phone = attributes.GetValueOrDefault(UserAttributes.PhoneNumber);
        var email = attributes.GetValueOrDefault(UserAttributes.Email);
        return new TakenNotices(
            phone is null || pool.Options.OneTimeCode.TestNumbers.ContainsKey(phone) ? null : composer.ComposeSignUpNotice(pool, DeliveryMedium.Sms, phone),
            email is null ? null : composer.ComposeSignUpNotice(pool, DeliveryMedium.Email, email));
    }

    /// <summary>
    /// True when the sign-up met a confirmed holder and the strict mode answers as if it had succeeded (the store queued
    /// the owner's notice); otherwise throws Cognito's <c>UsernameExistsException</c> for a taken name or alias. A taken
    /// username (pools with free usernames) is always refused: whoever picks a name must learn that it is taken.
    /// </summary>
    private static bool TakenQuietly(UserPool pool, CreateUserOutcome outcome)
    {
        if (outcome is CreateUserOutcome.PhoneNumberExists or CreateUserOutcome.EmailExists && pool.StrictEnumeration)
        {
            return true;
        }

        ThrowIfExists(outcome);
        return false;
    }

    /// <summary>
    /// Stores the SRP verifier of a new user's password: a second short write, bound to this user's sub. Should a new
    /// sign-up have replaced this one meanwhile, the verifier is not written; should it not land at all, the sign-up is
    /// UNCONFIRMED (or, auto-confirmed, can sign in with USER_PASSWORD_AUTH) and a retry replaces it.
    /// </summary>
    private async ValueTask SaveVerifierAsync(User user, (string Hash, PasswordVerifier Verifier)? credentials, CancellationToken cancellationToken)
    {
        if (credentials is { } set)
        {
            await passwords.SaveVerifierAsync(user.PoolId, Logins.UsernameKey(user.Username), user.Sub, set.Verifier, cancellationToken);
        }
    }

    private static void ThrowIfExists(CreateUserOutcome outcome)
    {
        switch (outcome)
        {
            case CreateUserOutcome.UsernameExists:
                throw CognitoErrors.Error(CognitoErrors.UsernameExists, "User already exists");
            case CreateUserOutcome.PhoneNumberExists:
                throw CognitoErrors.Error(CognitoErrors.UsernameExists, "An account with the given phone_number already exists.");
            case CreateUserOutcome.EmailExists:
                throw CognitoErrors.Error(CognitoErrors.UsernameExists, "An account with the given email already exists.");
            case CreateUserOutcome.PreferredUsernameExists:
                // An auto-confirmed sign-up's preferred username (SignUp's model declares no AliasExistsException).
                throw CognitoErrors.Error(CognitoErrors.UsernameExists, "An account with the given preferred_username already exists.");
        }
    }

    private ValueTask PostConfirmationAsync(AppClient client, User user, Dictionary<string, string>? clientMetadata, CancellationToken cancellationToken) =>
        PostConfirmationAsync(client.Pool, client.ClientId, user, "PostConfirmation_ConfirmSignUp", clientMetadata, cancellationToken);

    /// <summary>
    /// Runs PostConfirmation with <paramref name="source"/> (<c>PostConfirmation_ConfirmSignUp</c>, or
    /// <c>PostConfirmation_ConfirmForgotPassword</c>) for the user as it now is; a throwing trigger fails the call
    /// (<c>UserLambdaValidationException</c>) and what was confirmed stays confirmed, as in Cognito.
    /// </summary>
    /// <param name="clientId">The app client, or <see cref="AdminClientId"/> for an Admin* call.</param>
    public async ValueTask PostConfirmationAsync(
        UserPool pool, string clientId, User user, string source, Dictionary<string, string>? clientMetadata, CancellationToken cancellationToken)
    {
        if (!triggers.Has<PostConfirmationEvent>(pool.Id, "PostConfirmation"))
        {
            return;
        }

        var postConfirmation = new PostConfirmationEvent
        {
            TriggerSource = source,
            Region = pool.Region,
            UserPoolId = pool.Id,
            UserName = user.Username,
            CallerContext = new CallerContext { ClientId = clientId },
            Request = new UserAttributesRequest { UserAttributes = User.EventAttributes(user), ClientMetadata = clientMetadata },
        };
        await triggers.InvokeAsync("PostConfirmation", postConfirmation, cancellationToken);
    }

    /// <summary>Cognito's <c>callerContext.clientId</c> for calls that come from no app client (Admin*).</summary>
    public const string AdminClientId = "CLIENT_ID_NOT_APPLICABLE";

    /// <summary>
    /// AdminConfirmSignUp: an UNCONFIRMED user becomes CONFIRMED without a code, and no attribute is marked verified
    /// (nothing proved one); PostConfirmation runs as <c>PostConfirmation_ConfirmSignUp</c>.
    /// </summary>
    public async ValueTask AdminConfirmAsync(UserPool pool, User user, Dictionary<string, string>? clientMetadata, CancellationToken cancellationToken)
    {
        if (user.Status != UserStatus.Unconfirmed)
        {
            throw CognitoErrors.Error(CognitoErrors.NotAuthorized, $"User cannot be confirmed. Current status is {user.Status}");
        }

        if (!await users.ConfirmAsync(pool.Id, Logins.UsernameKey(user.Username), user.Sub, attribute: null, time.GetUtcNow(), cancellationToken))
        {
            // Confirmed meanwhile, or replaced by a new sign-up: say what it is now.
            var now = await users.FindAsync(pool.Id, user.Username, cancellationToken) ?? throw CognitoErrors.UserDoesNotExist();
            throw CognitoErrors.Error(CognitoErrors.NotAuthorized, $"User cannot be confirmed. Current status is {now.Status}");
        }

        if (await users.FindAsync(pool.Id, user.Username, cancellationToken) is { } confirmed && confirmed.Sub == user.Sub)
        {
            await PostConfirmationAsync(pool, AdminClientId, confirmed, "PostConfirmation_ConfirmSignUp", clientMetadata, cancellationToken);
        }
    }

    /// <summary>
    /// Checks the code; on success the user is CONFIRMED and gets a Session that can sign them in (USER_AUTH).
    /// PostConfirmation runs after the user is confirmed (a failing one fails the call, the user stays confirmed, as in Cognito).
    /// </summary>
    /// <param name="forceAliasCreation">
    /// Cognito's <c>ForceAliasCreation</c>: in a pool with <c>AliasAttributes</c>, the phone number or email the code
    /// proved becomes this user's alias even when another user holds it (who keeps the value, unverified); without it
    /// that answers <c>AliasExistsException</c> and the user stays unconfirmed.
    /// </param>
    public async ValueTask<string> ConfirmAsync(
        AppClient client, string login, string answer, bool forceAliasCreation, Dictionary<string, string>? clientMetadata,
        CancellationToken cancellationToken)
    {
        var pool = client.Pool;
        var user = await users.FindAsync(pool.Id, login, cancellationToken);
        if (user is null || (user.IsConfirmed && pool.StrictEnumeration))
        {
            if (!pool.Options.PreventUserExistenceErrors)
            {
                throw CognitoErrors.UserDoesNotExist();
            }

            // PreventUserExistenceErrors: an unknown user (and, in the strict mode, a confirmed one) looks like a wrong
            // code, and reaches the per-account cap like a known one (counted under the stand-in name of its sign-in answers).
            throw await verifier.RefuseUnknownAsync(pool, CodePurposes.SignUp, pseudonyms.Username(pool.Id, login), answer, cancellationToken);
        }

        if (user.IsConfirmed)
        {
            throw CognitoErrors.Error(CognitoErrors.NotAuthorized, "User cannot be confirmed. Current status is CONFIRMED");
        }

        // Counted before comparing, so concurrent guesses cannot exceed the cap (Kratos' order); consumed once.
        var (check, code) = await verifier.VerifyAsync(
            new CodeAnswer(pool, CodePurposes.SignUp, user.Username, user.Sub, Destination: null, answer), cancellationToken);
        CodeVerifier.ThrowUnlessMatch(check);

        if (pool.Options.AliasAttributes is { } aliases && code!.Attribute is { } proved)
        {
            // The aliases the user has once confirmed: the attribute the code proved is verified now.
            var verified = new Dictionary<string, string>(user.Attributes, StringComparer.Ordinal) { [proved + "_verified"] = "true" };
            var outcome = await users.ConfirmWithAliasesAsync(pool.Id, Logins.UsernameKey(user.Username), user.Sub, proved,
                User.PhoneKeyOf(aliases, verified), User.EmailKeyOf(aliases, verified), User.PreferredUsernameKeyOf(aliases, UserStatus.Confirmed, verified),
                forceAliasCreation, time.GetUtcNow(), cancellationToken);
            if (AttributeSchema.AliasConflict(outcome) is { } conflict)
            {
                // The code was right: it is put back (its answers counted), so the client can confirm again with
                // ForceAliasCreation and the same code, as identity-js's confirmRegistration(code, true) after asking the user.
                await storedCodes.SaveAsync(code, message: null, cancellationToken);
                throw conflict;
            }

            if (outcome == AttributeWriteOutcome.UserChanged)
            {
                throw CognitoErrors.ExpiredSignUpCode();
            }
        }
        else if (!await users.ConfirmAsync(pool.Id, Logins.UsernameKey(user.Username), user.Sub, code!.Attribute, time.GetUtcNow(), cancellationToken))
        {
            // Confirmed by another request meanwhile, or replaced by a new sign-up.
            throw CognitoErrors.ExpiredSignUpCode();
        }

        if (triggers.Has<PostConfirmationEvent>(pool.Id, "PostConfirmation")
            && await users.FindAsync(pool.Id, user.Username, cancellationToken) is { } confirmed)
        {
            await PostConfirmationAsync(client, confirmed, clientMetadata, cancellationToken);
        }

        return await CreateConfirmedSessionAsync(client, user, cancellationToken);
    }

    public async ValueTask<CodeDeliveryDetails> ResendAsync(
        AppClient client, string login, Dictionary<string, string>? clientMetadata, CancellationToken cancellationToken)
    {
        var pool = client.Pool;
        var user = await users.FindAsync(pool.Id, login, cancellationToken);
        if (user is null || (user.IsConfirmed && pool.StrictEnumeration))
        {
            if (!pool.Options.PreventUserExistenceErrors)
            {
                throw CognitoErrors.UserDoesNotExist();
            }

            // Pretend a code went out, to where a real user with this login would have it sent: counted by the send limits
            // under the login and a decoy message written, like a real send (CodeIssuer), so neither answer nor work differs.
            var (medium, masked) = pseudonyms.Destination(pool.Id, login);
            return await codes.SendAsync(
                new CodeRequest(pool, CodePurposes.SignUp, MessagePurpose.ResendCode, pseudonyms.Username(pool.Id, login), Sub: null,
                    CodeIssuer.Attribute(medium), masked, User.EventAttributes(null), client.ClientId)
                {
                    UserExists = false,
                    Login = login,
                },
                cancellationToken);
        }

        if (user.IsConfirmed)
        {
            throw CognitoErrors.Error(CognitoErrors.InvalidParameter, "User is already confirmed.");
        }

        var (attribute, destination) = AttributeSchema.ConfirmationDestination(pool, user.Attributes)
            ?? throw CognitoErrors.Error(CognitoErrors.InvalidParameter, "The user has no phone_number or email to send a code to.");
        return await codes.SendAsync(CodeFor(client, user, MessagePurpose.ResendCode, attribute, destination, clientMetadata), cancellationToken);
    }

    private async ValueTask<string> CreateConfirmedSessionAsync(AppClient client, User user, CancellationToken cancellationToken)
    {
        var state = new SignInSessionState
        {
            Kind = SignInSessionState.SignUpConfirmedKind,
            Username = user.Username,
            Login = user.Username,
        };
        return await sessions.CreateAsync(client, state, [], cancellationToken);
    }

    // The call's ClientMetadata reaches CustomMessage, as Cognito gives it to the triggers the call runs.
    private static CodeRequest CodeFor(
        AppClient client, User user, MessagePurpose purpose, string attribute, string destination, Dictionary<string, string>? clientMetadata) =>
        new(client.Pool, CodePurposes.SignUp, purpose, user.Username, user.Sub, attribute, destination, User.EventAttributes(user), client.ClientId, clientMetadata);

    private static string TakeUsernameAttribute(Dictionary<string, string> attributes, string name, string username)
    {
        if (attributes.TryGetValue(name, out var given) && !string.Equals(given, username, StringComparison.OrdinalIgnoreCase))
        {
            throw CognitoErrors.Error(CognitoErrors.InvalidParameter, $"The {name} attribute does not match the username.");
        }

        attributes[name] = username;
        // The pool signs users up by phone or email: the internal username is generated, as Cognito does.
        return Guid.NewGuid().ToString();
    }
}
