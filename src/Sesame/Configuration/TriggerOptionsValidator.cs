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

                CheckHook(hook.Url, hook.Secret, tat, errors);
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

        var arns = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.LambdaFunctions.Count; i++)
        {
            var function = options.LambdaFunctions[i];
            var fat = $"{SesameOptions.SectionName}:LambdaFunctions:{i}";
            if (function.Arn is not { } arn || !arn.StartsWith("arn:", StringComparison.Ordinal) || arn.Length > 2048)
            {
                errors.Add($"{fat}:Arn must be a Lambda function ARN (arn:aws:lambda:<region>:<account>:function:<name>).");
            }
            else if (!arns.Add(arn))
            {
                errors.Add($"{fat}:Arn {arn} is mapped twice.");
            }

            if (function.Url is null)
            {
                errors.Add($"{fat}:Url is required: the HTTP trigger that runs in place of the function.");
            }

            CheckHook(function.Url, function.Secret, fat, errors);
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private void CheckHook(string? url, string? secret, string at, List<string> errors)
    {
        Uri? uri = null;
        if (url is not null
            && (!Uri.TryCreate(url, UriKind.Absolute, out uri) || uri.Scheme is not ("http" or "https") || uri.UserInfo.Length > 0))
        {
            errors.Add($"{at}:Url must be an absolute http(s) URL without credentials.");
        }
        else if (uri is not null && uri.Scheme == "http" && !uri.IsLoopback && !environment.IsDevelopment())
        {
            // Events carry phone numbers, emails and private challenge parameters: not in clear over a network.
            errors.Add($"{at}:Url must use https outside the Development environment (plain http only to loopback).");
        }

        if (url is not null && (secret is null || secret.Length < MinimumSecretLength))
        {
            errors.Add($"{at}:Secret is required with Url and must be at least {MinimumSecretLength} characters (generate one, e.g. openssl rand -base64 32).");
        }
    }
}
