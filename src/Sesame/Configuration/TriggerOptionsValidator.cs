using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Sesame.Configuration;

/// <summary>
/// Start-up checks of the pools' triggers and test numbers. Test numbers stop the server outside Development unless
/// <see cref="SesameOptions.AllowTestNumbers"/> is set (DESIGN.md, problem 6: a fixed code is a backdoor).
/// </summary>
internal sealed class TriggerOptionsValidator(IHostEnvironment environment) : IValidateOptions<SesameOptions>
{
    public const int MinimumSecretLength = 32;

    private static readonly HashSet<string> BuiltInTriggers =
        new(StringComparer.Ordinal) { "DefineAuthChallenge", "CreateAuthChallenge", "VerifyAuthChallengeResponse" };

    public ValidateOptionsResult Validate(string? name, SesameOptions options)
    {
        var errors = new List<string>();
        foreach (var (poolId, pool) in options.UserPools)
        {
            var at = $"{SesameOptions.SectionName}:UserPools:{poolId}";
            foreach (var (trigger, hook) in pool.Triggers.All())
            {
                if (hook is null)
                {
                    continue;
                }

                var tat = $"{at}:Triggers:{trigger}";
                if (hook.BuiltIn && !BuiltInTriggers.Contains(trigger))
                {
                    errors.Add($"{tat}:BuiltIn: there is no built-in {trigger} trigger.");
                }

                if (hook.BuiltIn && hook.Url is not null)
                {
                    errors.Add($"{tat}: set either Url or BuiltIn, not both.");
                }

                Uri? uri = null;
                if (hook.Url is { } url
                    && (!Uri.TryCreate(url, UriKind.Absolute, out uri) || uri.Scheme is not ("http" or "https") || uri.UserInfo.Length > 0))
                {
                    errors.Add($"{tat}:Url must be an absolute http(s) URL without credentials.");
                }
                else if (uri is not null && uri.Scheme == "http" && !uri.IsLoopback && !environment.IsDevelopment())
                {
                    // Events carry phone numbers, emails and private challenge parameters: not in clear over a network.
                    errors.Add($"{tat}:Url must use https outside the Development environment (plain http only to loopback).");
                }

                if (hook.Url is not null && (hook.Secret is null || hook.Secret.Length < MinimumSecretLength))
                {
                    errors.Add($"{tat}:Secret is required with Url and must be at least {MinimumSecretLength} characters (generate one, e.g. openssl rand -base64 32).");
                }
            }

            var testNumbers = pool.OneTimeCode.TestNumbers;
            if (testNumbers.Count > 0 && !environment.IsDevelopment() && !options.AllowTestNumbers)
            {
                errors.Add($"{at}:OneTimeCode:TestNumbers declares test numbers outside the Development environment; "
                    + $"remove them, or set {SesameOptions.SectionName}:AllowTestNumbers to true if you really mean to.");
            }

            foreach (var (login, code) in testNumbers)
            {
                if (code.Length != pool.OneTimeCode.Length || !code.All(char.IsAsciiDigit))
                {
                    errors.Add($"{at}:OneTimeCode:TestNumbers:{login} must be a code of {pool.OneTimeCode.Length} digits.");
                }
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
