using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Sesame.SignUp;

internal static class SignUpServices
{
    /// <summary>SignUp, ConfirmSignUp and ResendConfirmationCode.</summary>
    public static IServiceCollection AddSesameSignUp(this IServiceCollection services)
    {
        services.TryAddSingleton<SignUpFlow>();
        services.TryAddSingleton<SignInOrSignUp>();
        return services;
    }
}
