using Microsoft.Extensions.DependencyInjection.Extensions;
using Sesame.CognitoApi.Operations;

namespace Sesame.CognitoApi;

internal static class CognitoApiServices
{
    /// <summary>The wire protocol and one registration per Cognito action.</summary>
    public static IServiceCollection AddSesameCognitoApi(this IServiceCollection services)
    {
        services.TryAddSingleton<CognitoApiEndpoint>();
        services.AddSingleton<ICognitoOperation, Operations.SignUp>();
        services.AddSingleton<ICognitoOperation, ConfirmSignUp>();
        services.AddSingleton<ICognitoOperation, ResendConfirmationCode>();
        services.AddSingleton<ICognitoOperation, InitiateAuth>();
        services.AddSingleton<ICognitoOperation, RespondToAuthChallenge>();
        services.AddSingleton<ICognitoOperation, GetUser>();
        return services;
    }
}
