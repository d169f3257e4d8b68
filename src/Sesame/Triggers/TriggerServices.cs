using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Sesame.Configuration;
using Sesame.Triggers.Http;

namespace Sesame.Triggers;

internal static class TriggerServices
{
    /// <summary>The trigger invoker and HTTP triggers; the built-in triggers are registered by the flows that own them.</summary>
    public static IServiceCollection AddSesameTriggers(this IServiceCollection services)
    {
        services.TryAddSingleton<TriggerInvoker>();
        services.TryAddSingleton<HttpTrigger>();
        services.TryAddSingleton<LambdaFunctions>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SesameOptions>, TriggerOptionsValidator>());
        // No redirects: a hook answers itself, and a redirect must not carry a signed event elsewhere. No per-request log
        // lines either (the factory's default writes four at Information for every call): failures are logged by HttpTrigger.
        services.AddHttpClient(HttpTrigger.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false })
            .ConfigureHttpClient(client => client.Timeout = Timeout.InfiniteTimeSpan)
            .RemoveAllLoggers();
        return services;
    }

    /// <summary>Registers Sesame's own trigger for <typeparamref name="TEvent"/>: the default, and the one a pool forces.</summary>
    public static void AddBuiltInTrigger<TEvent, [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TTrigger>(
        this IServiceCollection services)
        where TEvent : TriggerEvent
        where TTrigger : class, ITrigger<TEvent>
    {
        services.TryAddSingleton<TTrigger>();
        services.AddSingleton<ITrigger<TEvent>>(sp => sp.GetRequiredService<TTrigger>());
        services.AddKeyedSingleton<ITrigger<TEvent>>(TriggerInvoker.BuiltInKey, (sp, _) => sp.GetRequiredService<TTrigger>());
    }
}
