using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Sesame.Configuration;

/// <summary>How optional passwords are hashed (the <c>Sesame:Passwords</c> section).</summary>
public sealed class PasswordOptions
{
    /// <summary>
    /// OWASP's minimum for PBKDF2-HMAC-SHA256 (Password Storage Cheat Sheet): the floor outside Development.
    /// </summary>
    public const int ProductionMinimumIterations = 600_000;

    /// <summary>
    /// PBKDF2-HMAC-SHA256 iterations for passwords hashed from now on. Default 600,000; at least that outside the
    /// Development environment. Each stored hash records its own count, so changing this never breaks a password set
    /// before: it is verified with the count it was hashed with.
    /// </summary>
    public int Pbkdf2Iterations { get; set; } = ProductionMinimumIterations;

    /// <summary>
    /// Password computations (PBKDF2 checks, SRP exponentiations) that may run at once on this node. Default: half the
    /// processors, at least 1, so a flood of password attempts leaves the rest to passwordless sign-in.
    /// </summary>
    public int? MaxConcurrentHashes { get; set; }

    /// <summary>
    /// Attempts that may wait for a slot; any further one is refused at once with <c>TooManyRequestsException</c>.
    /// Default: 4 × <see cref="MaxConcurrentHashes"/>.
    /// </summary>
    public int? MaxQueuedHashes { get; set; }
}

/// <summary>Checks <see cref="PasswordOptions"/> at start-up: a weaker hash than OWASP's is for development only.</summary>
internal sealed class PasswordOptionsValidator(IHostEnvironment environment) : IValidateOptions<SesameOptions>
{
    // About 5 s per sign-in on current hardware: beyond, a typo, not a policy.
    public const int MaximumIterations = 10_000_000;

    public ValidateOptionsResult Validate(string? name, SesameOptions options)
    {
        const string at = $"{SesameOptions.SectionName}:Passwords:Pbkdf2Iterations";
        var iterations = options.Passwords.Pbkdf2Iterations;
        if (iterations is < 1 or > MaximumIterations)
        {
            return ValidateOptionsResult.Fail($"{at} must be between 1 and {MaximumIterations}.");
        }

        if (options.Passwords.MaxConcurrentHashes is < 1 or > 1024)
        {
            return ValidateOptionsResult.Fail($"{SesameOptions.SectionName}:Passwords:MaxConcurrentHashes must be between 1 and 1024.");
        }

        if (options.Passwords.MaxQueuedHashes is < 0 or > 100_000)
        {
            return ValidateOptionsResult.Fail($"{SesameOptions.SectionName}:Passwords:MaxQueuedHashes must be between 0 and 100000.");
        }

        if (iterations < PasswordOptions.ProductionMinimumIterations && !environment.IsDevelopment())
        {
            return ValidateOptionsResult.Fail(
                $"{at} must be at least {PasswordOptions.ProductionMinimumIterations} (OWASP's minimum for PBKDF2-HMAC-SHA256) outside the Development environment.");
        }

        return ValidateOptionsResult.Success;
    }
}
