using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Sesame.OAuth;

internal static class OAuthServices
{
    public static IServiceCollection AddSesameOAuth(this IServiceCollection services)
    {
        services.TryAddSingleton<HostedUiCookies>();
        services.TryAddSingleton<HostedUiEndpoints>();
        services.TryAddSingleton<TokenEndpoints>();
        return services;
    }

    /// <summary>Cognito's OAuth 2.0 paths, the hosted page and sign-out. No CORS on the page; the token, userInfo and revoke endpoints allow it (browser apps call them).</summary>
    public static IEndpointRouteBuilder MapSesameOAuth(this IEndpointRouteBuilder endpoints, string corsPolicy)
    {
        var hosted = endpoints.ServiceProvider.GetRequiredService<HostedUiEndpoints>();
        var tokens = endpoints.ServiceProvider.GetRequiredService<TokenEndpoints>();
        // The pages a browser sees answer a failure with the plain error page (never the developer exception page).
        endpoints.MapGet("/oauth2/authorize", hosted.AuthorizeAsync).AddEndpointFilter(hosted.PageErrorsAsync);
        endpoints.MapGet("/login", hosted.LoginPageAsync).AddEndpointFilter(hosted.PageErrorsAsync);
        endpoints.MapPost("/login", hosted.LoginPostAsync).DisableAntiforgery().AddEndpointFilter(hosted.PageErrorsAsync);
        endpoints.MapGet("/logout", hosted.LogoutAsync).AddEndpointFilter(hosted.PageErrorsAsync);
        endpoints.MapPost("/oauth2/token", tokens.TokenAsync).RequireCors(corsPolicy).DisableAntiforgery();
        endpoints.MapMethods("/oauth2/userInfo", ["GET", "POST"], tokens.UserInfoAsync).RequireCors(corsPolicy).DisableAntiforgery();
        endpoints.MapPost("/oauth2/revoke", tokens.RevokeAsync).RequireCors(corsPolicy).DisableAntiforgery();
        return endpoints;
    }
}
