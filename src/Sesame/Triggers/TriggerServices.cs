using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Sesame.Configuration;
using Sesame.Triggers.Http;
using Sesame.Triggers.OneTimeCode;

namespace Sesame.Triggers;

internal static class TriggerServices
{
    /// <summary>The built-in one-time-code flow; an app's own <c>ITrigger&lt;T&gt;</c> registered later wins.</summary>
    public static IServiceCollection AddSesameTriggers(this IServiceCollection services)
    {
        services.TryAddSingleton<TriggerInvoker>();
        services.TryAddSingleton<HttpTrigger>();
        services.TryAddSingleton<OneTimeCodes>();
        services.TryAddSingleton<SignInCodes>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SesameOptions>, TriggerOptionsValidator>());
        // No redirects: a hook answers itself, and a redirect must not carry a signed event elsewhere.
        services.AddHttpClient(HttpTrigger.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false })
            .ConfigureHttpClient(client => client.Timeout = Timeout.InfiniteTimeSpan);

        services.TryAddSingleton<DefineOneTimeCodeChallenge>();
        services.TryAddSingleton<CreateOneTimeCodeChallenge>();
        services.TryAddSingleton<VerifyOneTimeCodeChallenge>();
        AddBuiltIn<DefineAuthChallengeEvent, DefineOneTimeCodeChallenge>(services);
        AddBuiltIn<CreateAuthChallengeEvent, CreateOneTimeCodeChallenge>(services);
        AddBuiltIn<VerifyAuthChallengeResponseEvent, VerifyOneTimeCodeChallenge>(services);
        return services;
    }

    private static void AddBuiltIn<TEvent, TTrigger>(IServiceCollection services)
        where TEvent : TriggerEvent
        where TTrigger : class, ITrigger<TEvent>
    {
        services.AddSingleton<ITrigger<TEvent>>(sp => sp.GetRequiredService<TTrigger>());
        services.AddKeyedSingleton<ITrigger<TEvent>>(TriggerInvoker.BuiltInKey, (sp, _) => sp.GetRequiredService<TTrigger>());
    }
}
