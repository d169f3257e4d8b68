using Microsoft.Extensions.DependencyInjection.Extensions;
using Sesame.Triggers.OneTimeCode;

namespace Sesame.Triggers;

internal static class TriggerServices
{
    /// <summary>The built-in one-time-code flow; an app's own <c>ITrigger&lt;T&gt;</c> registered later wins.</summary>
    public static IServiceCollection AddSesameTriggers(this IServiceCollection services)
    {
        services.TryAddSingleton<TriggerInvoker>();
        services.TryAddSingleton<OneTimeCodes>();
        services.TryAddSingleton<SignInCodes>();
        services.AddSingleton<ITrigger<DefineAuthChallengeEvent>, DefineOneTimeCodeChallenge>();
        services.AddSingleton<ITrigger<CreateAuthChallengeEvent>, CreateOneTimeCodeChallenge>();
        services.AddSingleton<ITrigger<VerifyAuthChallengeResponseEvent>, VerifyOneTimeCodeChallenge>();
        return services;
    }
}
