namespace Sesame.Cognito;

/// <summary>Cognito's challenge names, verbatim.</summary>
internal static class ChallengeNames
{
    public const string CustomChallenge = "CUSTOM_CHALLENGE";
    public const string SrpA = "SRP_A";
    public const string PasswordVerifier = "PASSWORD_VERIFIER";
    public const string NewPasswordRequired = "NEW_PASSWORD_REQUIRED";
}
