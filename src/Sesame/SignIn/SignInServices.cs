using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Sesame.Configuration;
using Sesame.SignIn.OneTimeCode;
using Sesame.SignIn.Passwords;
using Sesame.Triggers;

namespace Sesame.SignIn;

internal static class SignInServices
{
    /// <summary>The sign-in flows and the built-in one-time-code triggers.</summary>
    public static IServiceCollection AddSesameSignIn(this IServiceCollection services)
    {
        services.TryAddSingleton<SessionStrings>();
        services.TryAddSingleton<SignInSessions>();
        services.TryAddSingleton<SignInCompletion>();
        services.TryAddSingleton<CustomAuthFlow>();
        services.TryAddSingleton<UserAuthFlow>();
        services.TryAddSingleton<PasswordHasher>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SesameOptions>, PasswordOptionsValidator>());
        services.TryAddSingleton<PasswordLockout>();
        services.TryAddSingleton<PasswordHistory>();
        services.TryAddSingleton<SrpChallenges>();
        services.TryAddSingleton<PasswordSignIn>();
        // The built-in one-time-code flow; an app's own ITrigger<T> registered later wins.
        services.AddBuiltInTrigger<DefineAuthChallengeEvent, DefineOneTimeCodeChallenge>();
        services.AddBuiltInTrigger<CreateAuthChallengeEvent, CreateOneTimeCodeChallenge>();
        services.AddBuiltInTrigger<VerifyAuthChallengeResponseEvent, VerifyOneTimeCodeChallenge>();
        return services;
    }
}
