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
        services.AddSingleton<ICognitoOperation, GetTokensFromRefreshToken>();
        services.AddSingleton<ICognitoOperation, RevokeToken>();
        services.AddSingleton<ICognitoOperation, GlobalSignOut>();
        services.AddSingleton<ICognitoOperation, UpdateUserAttributes>();
        services.AddSingleton<ICognitoOperation, GetUserAttributeVerificationCode>();
        services.AddSingleton<ICognitoOperation, VerifyUserAttribute>();
        services.AddSingleton<ICognitoOperation, DeleteUser>();
        services.AddSingleton<ICognitoOperation, AdminUpdateUserAttributes>();
        services.AddSingleton<ICognitoOperation, AdminDisableUser>();
        services.AddSingleton<ICognitoOperation, AdminEnableUser>();
        services.AddSingleton<ICognitoOperation, AdminDeleteUser>();
        services.AddSingleton<ICognitoOperation, AdminUserGlobalSignOut>();
        services.AddSingleton<ICognitoOperation, ForgotPassword>();
        services.AddSingleton<ICognitoOperation, ConfirmForgotPassword>();
        services.AddSingleton<ICognitoOperation, ChangePassword>();
        services.AddSingleton<ICognitoOperation, DeleteUserAttributes>();
        return services;
    }
}
