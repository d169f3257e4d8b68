using System.Text.Json.Serialization;
using Sesame.Triggers;

namespace Sesame.SignIn;

/// <summary>What a server-side sign-in session remembers between two steps. Never sent to the client.</summary>
internal sealed class SignInSessionState
{
    /// <summary><c>CUSTOM_AUTH</c>, or <see cref="SignUpConfirmedKind"/> for the session ConfirmSignUp returns.</summary>
    public string Kind { get; set; } = string.Empty;

    public const string SignUpConfirmedKind = "SIGN_UP_CONFIRMED";

    /// <summary>A sign-in that proved a temporary password and awaits the new one (NEW_PASSWORD_REQUIRED).</summary>
    public const string NewPasswordRequiredKind = "NEW_PASSWORD_REQUIRED";

    public string ClientId { get; set; } = string.Empty;

    /// <summary>The canonical username, or the stand-in for an unknown user.</summary>
    public string Username { get; set; } = string.Empty;

    /// <summary>What the user typed.</summary>
    public string Login { get; set; } = string.Empty;

    public bool UserNotFound { get; set; }

    /// <summary>The challenge this session awaits an answer to.</summary>
    public string? ChallengeName { get; set; }

    /// <summary>The client's SRP <c>A</c> value when CUSTOM_AUTH started with <c>CHALLENGE_NAME: SRP_A</c>; public, not a secret.</summary>
    public string? SrpA { get; set; }

    public List<ChallengeResult> History { get; set; } = [];

    public Dictionary<string, string> PrivateParameters { get; set; } = [];

    /// <summary>USER_AUTH: the factors offered with SELECT_CHALLENGE.</summary>
    public List<string> Available { get; set; } = [];

    /// <summary>The pending SRP <c>PASSWORD_VERIFIER</c> challenge, if that is what the session awaits.</summary>
    public Passwords.SrpChallengeState? Srp { get; set; }
}

[JsonSerializable(typeof(SignInSessionState))]
internal sealed partial class SignInJsonContext : JsonSerializerContext;
