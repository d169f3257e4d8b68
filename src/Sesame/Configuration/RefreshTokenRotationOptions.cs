using Microsoft.Extensions.Options;

namespace Sesame.Configuration;

/// <summary>
/// Cognito's <c>RefreshTokenRotationType</c> for one app client. When enabled, GetTokensFromRefreshToken returns a new
/// refresh token and the presented one is rotated out; InitiateAuth <c>REFRESH_TOKEN_AUTH</c> is then refused
/// (docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-refresh-token.html).
/// </summary>
public sealed class RefreshTokenRotationOptions
{
    /// <summary><c>ENABLED</c> or <c>DISABLED</c> (default, as in Cognito).</summary>
    public string Feature { get; set; } = "DISABLED";

    /// <summary>
    /// Seconds (0–60) during which a rotated-out token may be presented again, for client retries: it gets the same
    /// successor. 0 (default) invalidates it at once. After the grace period, presenting it revokes every token of the
    /// sign-in.
    /// </summary>
    public int RetryGracePeriodSeconds { get; set; }

    public bool Enabled => string.Equals(Feature, "ENABLED", StringComparison.Ordinal);
}

/// <summary>Checks every app client's <see cref="RefreshTokenRotationOptions"/> at start-up.</summary>
internal sealed class RefreshTokenRotationOptionsValidator : IValidateOptions<SesameOptions>
{
    public ValidateOptionsResult Validate(string? name, SesameOptions options)
    {
        var errors = new List<string>();
        foreach (var (poolId, pool) in options.UserPools)
        {
            foreach (var (clientId, client) in pool.Clients)
            {
                var at = $"{SesameOptions.SectionName}:UserPools:{poolId}:Clients:{clientId}:RefreshTokenRotation";
                if (client.RefreshTokenRotation.Feature is not ("ENABLED" or "DISABLED"))
                {
                    errors.Add($"{at}:Feature must be ENABLED or DISABLED.");
                }

                if (client.RefreshTokenRotation.RetryGracePeriodSeconds is < 0 or > 60)
                {
                    errors.Add($"{at}:RetryGracePeriodSeconds must be between 0 and 60.");
                }
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
