using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Sesame.Messages;

internal static class MessageServices
{
    /// <summary>What a message says: templates and the CustomMessage trigger.</summary>
    public static IServiceCollection AddSesameMessages(this IServiceCollection services)
    {
        services.TryAddSingleton<MessageComposer>();
        return services;
    }
}
