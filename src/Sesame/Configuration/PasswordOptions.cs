using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Sesame.Configuration;

/// <summary>How optional passwords are hashed (the <c>Sesame:Passwords</c> section).</summary>
public sealed class PasswordOptions
{
    /// <summary>The <see cref="Algorithm"/> value for Argon2id, the default.</summary>
    public const string Argon2id = "Argon2id";

    /// <summary>The <see cref="Algorithm"/> value for PBKDF2-HMAC-SHA256.</summary>
    public const string Pbkdf2 = "Pbkdf2";

    /// <summary>
    /// OWASP's minimum for PBKDF2-HMAC-SHA256 (Password Storage Cheat Sheet): the floor outside Development.
    /// </summary>
    public const int ProductionMinimumIterations = 600_000;

    /// <summary>OWASP's minimum Argon2id memory (19 MiB, with 2 passes and 1 lane): the floor outside Development.</summary>
    public const int ProductionMinimumArgon2MemoryKiB = 19_456;

    /// <summary>OWASP's minimum Argon2id passes at 19 MiB: the floor outside Development.</summary>
    public const int ProductionMinimumArgon2Iterations = 2;

    /// <summary>
    /// How passwords set from now on are hashed: <c>Argon2id</c> (default) or <c>Pbkdf2</c>. Hashes made either way
    /// keep verifying; one not made the current way is replaced at the user's next successful password sign-in.
    /// </summary>
    public string Algorithm { get; set; } = Argon2id;

    /// <summary>
    /// PBKDF2-HMAC-SHA256 iterations for passwords hashed from now on with <c>Pbkdf2</c>. Default 600,000; at least that
    /// outside the Development environment. Each stored hash records its own count, so changing this never breaks a
    /// password set before: it is verified with the count it was hashed with.
    /// </summary>
    public int Pbkdf2Iterations { get; set; } = ProductionMinimumIterations;

    /// <summary>Argon2id memory in KiB (default 19,456 = 19 MiB; at least that outside Development).</summary>
    public int Argon2MemoryKiB { get; set; } = ProductionMinimumArgon2MemoryKiB;

    /// <summary>Argon2id passes (default 2; at least that outside Development).</summary>
    public int Argon2Iterations { get; set; } = ProductionMinimumArgon2Iterations;

    /// <summary>Argon2id lanes (default 1).</summary>
    public int Argon2Parallelism { get; set; } = 1;

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

    // 1 GiB, 10 passes, 16 lanes: beyond, a typo (and a stored hash claiming more is refused, not computed).
    public const int MaximumArgon2MemoryKiB = 1_048_576;
    public const int MaximumArgon2Iterations = 10;
    public const int MaximumArgon2Parallelism = 16;

    public ValidateOptionsResult Validate(string? name, SesameOptions options)
    {
        const string at = $"{SesameOptions.SectionName}:Passwords";
        var passwords = options.Passwords;
        var errors = new List<string>();
        if (passwords.Algorithm is not (PasswordOptions.Argon2id or PasswordOptions.Pbkdf2))
        {
            errors.Add($"{at}:Algorithm must be '{PasswordOptions.Argon2id}' or '{PasswordOptions.Pbkdf2}'.");
        }

        var iterations = passwords.Pbkdf2Iterations;
        if (iterations is < 1 or > MaximumIterations)
        {
            errors.Add($"{at}:Pbkdf2Iterations must be between 1 and {MaximumIterations}.");
        }

        if (passwords.MaxConcurrentHashes is < 1 or > 1024)
        {
            errors.Add($"{at}:MaxConcurrentHashes must be between 1 and 1024.");
        }

        if (passwords.MaxQueuedHashes is < 0 or > 100_000)
        {
            errors.Add($"{at}:MaxQueuedHashes must be between 0 and 100000.");
        }

        if (iterations is >= 1 and <= MaximumIterations && iterations < PasswordOptions.ProductionMinimumIterations && !environment.IsDevelopment())
        {
            errors.Add($"{at}:Pbkdf2Iterations must be at least {PasswordOptions.ProductionMinimumIterations} (OWASP's minimum for PBKDF2-HMAC-SHA256) outside the Development environment.");
        }

        if (passwords.Argon2Parallelism is < 1 or > MaximumArgon2Parallelism)
        {
            errors.Add($"{at}:Argon2Parallelism must be between 1 and {MaximumArgon2Parallelism}.");
        }

        if (passwords.Argon2Iterations is < 1 or > MaximumArgon2Iterations)
        {
            errors.Add($"{at}:Argon2Iterations must be between 1 and {MaximumArgon2Iterations}.");
        }

        if (passwords.Argon2MemoryKiB < 8 * Math.Max(1, passwords.Argon2Parallelism) || passwords.Argon2MemoryKiB > MaximumArgon2MemoryKiB)
        {
            errors.Add($"{at}:Argon2MemoryKiB must be between 8 × Argon2Parallelism and {MaximumArgon2MemoryKiB}.");
        }

        if (!environment.IsDevelopment() && (passwords.Argon2MemoryKiB < PasswordOptions.ProductionMinimumArgon2MemoryKiB
            || passwords.Argon2Iterations < PasswordOptions.ProductionMinimumArgon2Iterations))
        {
            errors.Add($"{at}:Argon2MemoryKiB and Argon2Iterations must be at least {PasswordOptions.ProductionMinimumArgon2MemoryKiB} and " +
                $"{PasswordOptions.ProductionMinimumArgon2Iterations} (OWASP's minimum for Argon2id) outside the Development environment.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
