using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Sesame.Configuration;
using Sesame.Delivery.Development;

namespace Sesame.Delivery;

internal static class DeliveryServices
{
    /// <summary>The outbox and its dispatcher; the development outbox when enabled, otherwise whatever the app registers.</summary>
    public static IServiceCollection AddSesameDelivery(this IServiceCollection services)
    {
        services.TryAddSingleton<Outbox>();
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<SesameOptions>>().Value.DevOutbox;
            return new DevOutbox(options.Capacity, sp.GetRequiredService<TimeProvider>());
        });
        services.TryAddSingleton<ISmsSender>(sp => (ISmsSender)DefaultSender(sp));
        services.TryAddSingleton<IEmailSender>(sp => (IEmailSender)DefaultSender(sp));
        services.AddHostedService<OutboxDispatcher>();
        return services;
    }

    private static object DefaultSender(IServiceProvider services) =>
        services.GetRequiredService<IOptions<SesameOptions>>().Value.DevOutbox.Enabled == true
            ? services.GetRequiredService<DevOutbox>()
            : new UnconfiguredSender();
}
