
namespace Sesame.Configuration;

/// <summary>One user pool. Its key in <c>Sesame:UserPools</c> is the pool id.</summary>
public sealed class UserPoolOptions
{
    /// <summary>A display name, used as the app name in messages.</summary>
    public string Name { get; set; } = "Sesame";

    /// <summary>
    /// Cognito's <c>UsernameAttributes</c>: when a sign-up's <c>Username</c> is a phone number or an email and the
    /// attribute is listed here, the value becomes that attribute and the internal username is a generated UUID.
    /// Default (when unset): <c>phone_number</c> and <c>email</c>. An empty list means usernames are free-form.
    /// </summary>
    /// <remarks>Null rather than a pre-filled list: configuration binding appends to a list's initial items.</remarks>
    public List<string>? UsernameAttributes { get; set; }

    /// <summary>
    /// Cognito's <c>AliasAttributes</c>: usernames are free-form and the attributes listed (<c>phone_number</c>,
    /// <c>email</c>, <c>preferred_username</c>) sign a user in too once they are verified. Exclusive with a non-empty
    /// <see cref="UsernameAttributes"/>. Unset: the behaviour before this setting (phone and email sign in, verified or not).
    /// </summary>
    public List<string>? AliasAttributes { get; set; }

    /// <summary>
    /// Cognito's <c>AutoVerifiedAttributes</c>: where the sign-up confirmation code goes — <c>phone_number</c> (SMS) first
    /// when listed and the user has one, else <c>email</c>. Empty: no code is sent (an administrator confirms). Unset:
    /// both, phone first.
    /// </summary>
    public List<string>? AutoVerifiedAttributes { get; set; }

    /// <summary>
    /// Cognito's <c>Schema</c>: required standard attributes and custom attributes (type, mutability, constraints). Unset:
    /// no required attribute, and any <c>custom:</c> attribute is accepted (the behaviour before this setting).
    /// </summary>
    public List<SchemaAttributeOptions>? Schema { get; set; }

    /// <summary>
    /// Cognito's <c>PreventUserExistenceErrors</c>. <c>true</c> (default, Cognito's <c>ENABLED</c>) answers unknown
    /// users exactly like known ones; <c>false</c> (<c>LEGACY</c>) returns <c>UserNotFoundException</c>.
    /// </summary>
    public bool PreventUserExistenceErrors { get; set; } = true;

    /// <summary>
    /// Whether the pool has passwords at all. <see cref="PasswordMode.Optional"/> (default, the behaviour before this
    /// setting): a password sent to SignUp is stored and works with the password flows; users without one sign in with a
    /// code. <see cref="PasswordMode.Required"/>: SignUp must carry one. <see cref="PasswordMode.None"/>: a passwordless
    /// pool — a password sent to SignUp is ignored (not stored), and USER_PASSWORD_AUTH, ADMIN_USER_PASSWORD_AUTH,
    /// USER_SRP_AUTH and CUSTOM_AUTH's PASSWORD_VERIFIER answer <c>NotAuthorizedException</c>, so a password a
    /// tutorial invented at sign-up can never skip the code.
    /// </summary>
    public PasswordMode PasswordMode { get; set; } = PasswordMode.Optional;

    /// <summary>The older spelling of <c>PasswordMode: Required</c>; <c>true</c> with <c>PasswordMode: None</c> is refused at start-up.</summary>
    public bool PasswordRequired { get; set; }

    /// <summary>
    /// <see cref="EnumerationMode.Cognito"/> (default): with <see cref="PreventUserExistenceErrors"/>, unknown users are
    /// answered like known ones where Cognito does so. <see cref="EnumerationMode.Strict"/> also answers these like an
    /// unknown user: an unconfirmed user starting a code sign-in (CUSTOM_AUTH, USER_AUTH), ResendConfirmationCode and
    /// ConfirmSignUp for a confirmed user — where Cognito's answers tell that the account exists.
    /// </summary>
    public EnumerationMode EnumerationMode { get; set; } = EnumerationMode.Cognito;

    /// <summary>
    /// Cognito's <c>AdminCreateUserConfig.AllowAdminCreateUserOnly</c>: when true, SignUp is refused
    /// (<c>NotAuthorizedException</c>) and the hosted page signs in existing users only. Default false: anyone may sign
    /// up, and the hosted page signs up an unknown number with the same code.
    /// </summary>
    public bool AllowAdminCreateUserOnly { get; set; }

    /// <summary>
    /// Whether a DefineAuthChallenge may issue tokens in a CUSTOM_AUTH sign-in in which no real challenge
    /// (CUSTOM_CHALLENGE, PASSWORD_VERIFIER …) was answered right. Default false: Sesame refuses such a sign-in with
    /// <c>NotAuthorizedException</c> and logs the trigger, because a CUSTOM_AUTH started with any <c>SRP_A</c> begins
    /// with <c>[{SRP_A, challengeResult: true}]</c> and tutorials' triggers (seed 003) then issue tokens with no code
    /// at all. <c>true</c> is Cognito's behaviour.
    /// </summary>
    public bool AllowTokensWithoutChallenge { get; set; }

    /// <summary>Minimum length of a password, when one is given. Default 8 (Cognito's default policy).</summary>
    public int PasswordMinimumLength { get; set; } = 8;

    /// <summary>Cognito's <c>PasswordPolicy.RequireUppercase</c>: a password needs a letter A–Z. Default false.</summary>
    public bool PasswordRequireUppercase { get; set; }

    /// <summary>Cognito's <c>PasswordPolicy.RequireLowercase</c>: a password needs a letter a–z. Default false.</summary>
    public bool PasswordRequireLowercase { get; set; }

    /// <summary>Cognito's <c>PasswordPolicy.RequireNumbers</c>: a password needs a digit 0–9. Default false.</summary>
    public bool PasswordRequireNumbers { get; set; }

    /// <summary>
    /// Cognito's <c>PasswordPolicy.RequireSymbols</c>: a password needs one of Cognito's special characters
    /// (<c>^ $ * . [ ] { } ( ) ? - " ! @ # % &amp; / \ , &gt; &lt; ' : ; | _ ~ ` + =</c>, or a space that is neither first nor last). Default false.
    /// </summary>
    public bool PasswordRequireSymbols { get; set; }

    /// <summary>
    /// Cognito's <c>PasswordPolicy.TemporaryPasswordValidityDays</c>: days a temporary password (AdminCreateUser,
    /// AdminSetUserPassword with <c>Permanent: false</c>) signs in; after that every sign-in of the user answers
    /// <c>NotAuthorizedException</c> until an administrator sets a new one (AdminCreateUser <c>MessageAction: RESEND</c>,
    /// AdminSetUserPassword). 0–365, default 7 (Cognito's); 0 means the default, as Cognito treats 0 as null.
    /// </summary>
    public int PasswordTemporaryValidityDays { get; set; } = 7;

    /// <summary>
    /// Cognito's <c>PasswordPolicy.PasswordHistorySize</c>: how many of a user's passwords (the current one included) a
    /// new one may not repeat (ChangePassword, ConfirmForgotPassword, AdminSetUserPassword with <c>Permanent: true</c>,
    /// the NEW_PASSWORD_REQUIRED answer). 0–24, default 0 (no history kept).
    /// </summary>
    public int PasswordHistorySize { get; set; }

    /// <summary>The built-in one-time-code sign-in flow.</summary>
    public OneTimeCodeOptions OneTimeCode { get; set; } = new();

    /// <summary>Codes sent to confirm a sign-up.</summary>
    public ConfirmationCodeOptions ConfirmationCode { get; set; } = new();

    /// <summary>The pool's Cognito triggers: built-in, C# or HTTP (see docs/triggers.md).</summary>
    public UserPoolTriggersOptions Triggers { get; set; } = new();

    /// <summary>This pool's providers, Web OTP line and templates per locale (docs/delivery.md).</summary>
    public PoolDeliveryOptions Delivery { get; set; } = new();

    /// <summary>
    /// Refuse codes to phone numbers that libphonenumber does not call valid (unknown area codes, wrong lengths) with
    /// <c>InvalidParameterException</c>. Default false: Cognito checks the E.164 form only, and the fictional
    /// <c>+1555…</c> numbers that tests and examples use are "invalid" to libphonenumber.
    /// </summary>
    public bool RequireValidPhoneNumbers { get; set; }

    /// <summary>Limits on sending codes and on answering them (docs/security.md): on by default, in Development too.</summary>
    public SendLimitsOptions Limits { get; set; } = new();

    /// <summary>App clients keyed by client id.</summary>
    public Dictionary<string, AppClientOptions> Clients { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>How much a pool's answers may tell about whether an account exists (<see cref="UserPoolOptions.EnumerationMode"/>).</summary>
public enum EnumerationMode
{
    /// <summary>Cognito's answers (PreventUserExistenceErrors ENABLED).</summary>
    Cognito,
    /// <summary>Unconfirmed and already-confirmed accounts answered like unknown ones as well.</summary>
    Strict,
}

/// <summary>Whether a pool has passwords (<see cref="UserPoolOptions.PasswordMode"/>).</summary>
public enum PasswordMode
{
    /// <summary>No passwords: SignUp ignores one, the password flows answer NotAuthorizedException.</summary>
    None,
    /// <summary>Passwords when a user sets one; code sign-in either way.</summary>
    Optional,
    /// <summary>SignUp must carry a password.</summary>
    Required,
}

/// <summary>Which channel a one-time code goes out on.</summary>
public enum CodeChannel
{
    /// <summary>SMS to <c>phone_number</c> when the user has one, otherwise email.</summary>
    Auto,
    /// <summary>Always SMS; users without a phone number cannot sign in with a code.</summary>
    Sms,
    /// <summary>Email to <c>email</c> when the user has one, otherwise SMS.</summary>
    Email,
}

/// <summary>The built-in one-time-code flow (the default Define/Create/VerifyAuthChallenge triggers).</summary>
public sealed class OneTimeCodeOptions
{
    /// <summary>Digits in a code: 6 to 10. Default 6 (NIST SP 800-63B §3.1.3.2 minimum).</summary>
    public int Length { get; set; } = 6;

    /// <summary>How long a code is valid: 1 to 15 minutes. Default 3 minutes (Cognito's session validity).</summary>
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>Answers allowed per code, the last wrong one ends the sign-in: 1 to 10. Default 3.</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>Where codes go. Default <see cref="CodeChannel.Auto"/>.</summary>
    public CodeChannel Channel { get; set; } = CodeChannel.Auto;

    /// <summary>SMS text; <c>{####}</c> is replaced by the code, <c>{app}</c> by the pool name, <c>{minutes}</c> by the lifetime.</summary>
    public string SmsMessage { get; set; } = "{####} is your {app} sign-in code. It expires in {minutes} minutes.";

    /// <summary>Email subject.</summary>
    public string EmailSubject { get; set; } = "Your {app} sign-in code";

    /// <summary>Email text body.</summary>
    public string EmailMessage { get; set; } = "Your {app} sign-in code is {####}. It expires in {minutes} minutes.";

    /// <summary>
    /// Test logins (phone number or email → fixed code): every code for them (sign-in, sign-up confirmation, attribute
    /// verification) is the fixed code, and nothing is ever sent to them. Refused at start-up outside the Development environment unless <c>Sesame:AllowTestNumbers</c> is true.
    /// </summary>
    public Dictionary<string, string> TestNumbers { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}

/// <summary>Codes that confirm a sign-up (and verify the phone number or email they went to).</summary>
public sealed class ConfirmationCodeOptions
{
    /// <summary>Digits in a code: 6 to 10. Default 6.</summary>
    public int Length { get; set; } = 6;

    /// <summary>
    /// How long a confirmation code is valid: 1 minute to 24 hours. Default 10 minutes, the NIST SP 800-63B limit for
    /// out-of-band secrets, because a confirmation also signs the user in (ConfirmSignUp returns a Session).
    /// </summary>
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Wrong answers allowed per code before it stops working: 1 to 10. Default 5.</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>SMS text; placeholders as for sign-in codes.</summary>
    public string SmsMessage { get; set; } = "{####} is your {app} verification code.";

    /// <summary>Email subject.</summary>
    public string EmailSubject { get; set; } = "Your {app} verification code";

    /// <summary>Email text body.</summary>
    public string EmailMessage { get; set; } = "Your {app} verification code is {####}. It expires in {minutes} minutes.";
}

/// <summary>One app client of a pool.</summary>
public sealed class AppClientOptions
{
    /// <summary>A display name.</summary>
    public string Name { get; set; } = "app";

    /// <summary>The client secret, for confidential clients. Public clients (browsers, mobile apps) have none.</summary>
    public string? Secret { get; set; }

    /// <summary>
    /// Allowed auth flows, Cognito's <c>ExplicitAuthFlows</c> names. Default (when unset): <c>ALLOW_CUSTOM_AUTH</c>,
    /// <c>ALLOW_USER_AUTH</c>, <c>ALLOW_USER_SRP_AUTH</c>, <c>ALLOW_REFRESH_TOKEN_AUTH</c>.
    /// </summary>
    /// <remarks>Null rather than a pre-filled list: configuration binding appends to a list's initial items.</remarks>
    public List<string>? ExplicitAuthFlows { get; set; }

    /// <summary>Cognito's <c>ReadAttributes</c>: the attributes GetUser and the ID token show this client. Unset: all.</summary>
    public List<string>? ReadAttributes { get; set; }

    /// <summary>
    /// Cognito's <c>WriteAttributes</c>: the attributes this client may set in SignUp and UpdateUserAttributes (others:
    /// <c>NotAuthorizedException</c>). Unset: all. Must include the pool's required attributes.
    /// </summary>
    public List<string>? WriteAttributes { get; set; }

    /// <summary>How long each challenge step may take: 3 to 15 minutes (Cognito's AuthSessionValidity). Default 3.</summary>
    public TimeSpan AuthSessionValidity { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>Access token lifetime: 5 minutes to 1 day. Default 1 hour.</summary>
    public TimeSpan AccessTokenValidity { get; set; } = TimeSpan.FromHours(1);

    /// <summary>ID token lifetime: 5 minutes to 1 day. Default 1 hour.</summary>
    public TimeSpan IdTokenValidity { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Refresh token lifetime: 1 hour to 3650 days. Default 30 days (NIST AAL1 reauthentication bound).</summary>
    public TimeSpan RefreshTokenValidity { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Cognito's <c>RefreshTokenRotation</c>: off by default.</summary>
    public RefreshTokenRotationOptions RefreshTokenRotation { get; set; } = new();

    /// <summary>
    /// Cognito's <c>AllowedOAuthFlowsUserPoolClient</c>: whether the client may use the OAuth 2.0 endpoints
    /// (<c>/oauth2/authorize</c>, <c>/oauth2/token</c>) and the hosted sign-in page at all. Default false.
    /// </summary>
    public bool AllowedOAuthFlowsUserPoolClient { get; set; }

    /// <summary>Cognito's <c>AllowedOAuthFlows</c>: <c>code</c>, <c>implicit</c> (not served), <c>client_credentials</c> (confidential clients only).</summary>
    /// <remarks>Null rather than a pre-filled list: configuration binding appends to a list's initial items.</remarks>
    public List<string>? AllowedOAuthFlows { get; set; }

    /// <summary>
    /// Cognito's <c>AllowedOAuthScopes</c>: <c>openid</c>, <c>email</c>, <c>phone</c>, <c>profile</c>,
    /// <c>aws.cognito.signin.user.admin</c>, and resource-server scopes (<c>identifier/name</c>) for client_credentials.
    /// </summary>
    public List<string>? AllowedOAuthScopes { get; set; }

    /// <summary>Cognito's <c>CallbackURLs</c>: the only redirect_uri values /oauth2/authorize accepts, compared exactly.</summary>
    public List<string>? CallbackURLs { get; set; }

    /// <summary>Cognito's <c>LogoutURLs</c>: the only logout_uri values /logout redirects to.</summary>
    public List<string>? LogoutURLs { get; set; }

    /// <summary>Cognito's <c>DefaultRedirectURI</c>: one of <see cref="CallbackURLs"/>, used when a request names none.</summary>
    public string? DefaultRedirectURI { get; set; }

    /// <summary>How the hosted sign-in page looks for this client (name, logo, colour).</summary>
    public HostedUiBrandingOptions Branding { get; set; } = new();
}

/// <summary>The hosted sign-in page's branding for one app client.</summary>
public sealed class HostedUiBrandingOptions
{
    /// <summary>The name shown at the top of the page. Default: the app client's <c>Name</c>.</summary>
    public string? DisplayName { get; set; }

    /// <summary>An https (or, in development, http) URL of a logo image, shown above the name. Default: none.</summary>
    public string? LogoUrl { get; set; }

    /// <summary>
    /// The colour of buttons and links, <c>#rrggbb</c>. Default <c>#1f5fbf</c> (4.5:1 contrast or more with white text,
    /// WCAG 2.2 AA). A colour is refused at start-up when white text on it would fall below 4.5:1.
    /// </summary>
    public string PrimaryColor { get; set; } = "#1f5fbf";
}

/// <summary>
/// Limits on sending codes, counted in the store (so they hold across nodes) before any code is drawn, and on failed
/// answers per account, counted before an answer is compared. A count of 0 (or
/// an interval of zero) turns that one limit off. Defaults from docs/security.md.
/// </summary>
public sealed class SendLimitsOptions
{
    /// <summary>Least time between two codes to one phone number or email. Default 60 s (Supabase's MaxFrequency).</summary>
    public TimeSpan DestinationInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Codes to one destination in any 10 minutes. Default 5 (Twilio Verify's 5 sends per verification).</summary>
    public int DestinationPerTenMinutes { get; set; } = 5;

    /// <summary>Codes to one destination in any 24 hours. Default 10.</summary>
    public int DestinationPerDay { get; set; } = 10;

    /// <summary>Codes requested from one client IP (IPv6: one /64) in any hour. Default 10.</summary>
    public int ClientIpPerHour { get; set; } = 10;

    /// <summary>Codes requested from one client IP (IPv6: one /64) in any 24 hours. Default 50.</summary>
    public int ClientIpPerDay { get; set; } = 50;

    /// <summary>SMS the pool sends in any hour (a spending budget). Default 1,000.</summary>
    public int SmsPerHour { get; set; } = 1000;

    /// <summary>SMS the pool sends in any 24 hours. Default 10,000.</summary>
    public int SmsPerDay { get; set; } = 10_000;

    /// <summary>
    /// What the pool's SMS may cost in any hour, in the unit of its routes' <c>CostPerMessage</c>: once the messages
    /// providers accepted in the last hour cost this much, SMS codes are refused (<c>LimitExceededException</c>). Only
    /// accepted messages are charged. 0 (the default): off.
    /// </summary>
    public double SmsCostPerHour { get; set; }

    /// <summary>As <see cref="SmsCostPerHour"/>, over any 24 hours. 0 (the default): off.</summary>
    public double SmsCostPerDay { get; set; }

    /// <summary>
    /// Where SMS may go: region codes (ISO 3166-1 alpha-2, e.g. <c>US</c>, <c>GB</c>, from the whole number, so
    /// <c>+1</c> tells the US from Canada) or calling codes (<c>+1</c>, <c>+44</c>). Unset or <c>*</c>: every country.
    /// </summary>
    public List<string>? SmsCountries { get; set; }

    /// <summary>
    /// Number types (libphonenumber's, e.g. <c>PremiumRate</c>, <c>SharedCost</c>, <c>FixedLine</c>, <c>Voip</c>,
    /// <c>TollFree</c>, <c>Pager</c>, <c>Voicemail</c>, <c>Uan</c>, <c>PersonalNumber</c>) no SMS goes to. Unset:
    /// <c>PremiumRate</c> and <c>SharedCost</c>; <c>None</c> refuses no type. Types are known only for valid numbers.
    /// </summary>
    public List<string>? RefusedNumberKinds { get; set; }

    /// <summary>
    /// Sign-up and attribute codes sent by SMS to one number prefix (the number without its last four digits) in any hour
    /// and not yet followed by a verification; one more blocks the prefix for <see cref="PrefixBlock"/>. Default 20
    /// (docs/security.md: the pumping signature). 0 turns it off.
    /// </summary>
    public int PrefixUnconvertedPerHour { get; set; } = 20;

    /// <summary>How long a prefix stays blocked once it shows the pumping signature. Default 24 hours.</summary>
    public TimeSpan PrefixBlock { get; set; } = TimeSpan.FromDays(1);

    /// <summary>
    /// Failed code answers one account may give in any 24 hours, across every code it is sent (sign-in, sign-up
    /// confirmation, attribute verification); past it even the right code is refused until the oldest failure is a day
    /// old. Default 20 (the design target of security.md S3).
    /// </summary>
    public int CodeFailuresPerDay { get; set; } = 20;

    /// <summary>
    /// Failed code answers one account may give since its last right one, whatever time passes (NIST SP 800-63B §3.2.2:
    /// at most 100). Issuing a new code never resets it; a right answer does. Default 100.
    /// </summary>
    public int ConsecutiveCodeFailures { get; set; } = 100;

    /// <summary>
    /// Failed password and SRP attempts one account (known or not) may make since its last right password, whatever time
    /// passes (NIST SP 800-63B §3.2.2: at most 100), beside Cognito's lockout, which 15 quiet minutes clear. A right
    /// password, a new one or AdminEnableUser lifts it. Default 100; 0 turns it off.
    /// </summary>
    public int ConsecutivePasswordFailures { get; set; } = 100;

    /// <summary>Password and SRP attempts from one client IP (IPv6: one /64) in any 5 minutes. Default 30 (Supabase's verify limit per IP).</summary>
    public int PasswordAttemptsPerClientIpPerFiveMinutes { get; set; } = 30;

    /// <summary>Password and SRP attempts from one client IP in any hour. Default 150 (Firebase's verification requests per IP per hour).</summary>
    public int PasswordAttemptsPerClientIpPerHour { get; set; } = 150;

    /// <summary>Password and SRP attempts for one account (known or not) in any 24 hours. Default 100 (NIST SP 800-63B §3.2.2's ceiling).</summary>
    public int PasswordAttemptsPerAccountPerDay { get; set; } = 100;
}
