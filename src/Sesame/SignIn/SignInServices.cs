using Microsoft.Extensions.DependencyInjection.Extensions;
using Sesame.SignIn.Passwords;
using Sesame.SignUp;

namespace Sesame.SignIn;

internal static class SignInServices
{
    /// <summary>The sign-up and sign-in flows.</summary>
    public static IServiceCollection AddSesameSignIn(this IServiceCollection services)
    {
        services.TryAddSingleton<SessionStrings>();
        services.TryAddSingleton<SignInSessions>();
        services.TryAddSingleton<CustomAuthFlow>();
        services.TryAddSingleton<UserAuthFlow>();
        services.TryAddSingleton<SignUpFlow>();
        services.TryAddSingleton<PasswordLockout>();
        services.TryAddSingleton<SrpChallenges>();
        services.TryAddSingleton<PasswordSignIn>();
        return services;
    }
}
