using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Sesame.Configuration;
using Sesame.Delivery;
using Sesame.Pools;
using Sesame.Tokens;

namespace Sesame;

/// <summary>
/// Work done once before the server takes requests: every pool's signing keys are loaded (or generated), so no
/// request ever loads a key; and a missing message provider is reported at start, not at the first sign-in.
/// </summary>
internal sealed partial class StartupTasks(
    UserPools pools, SigningKeys keys, ISmsSender sms, IEmailSender email, IOptions<SesameOptions> options, Readiness readiness,
    ILogger<StartupTasks> logger)
    : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var pool in pools.All)
        {
            await keys.ForPoolAsync(pool, cancellationToken);
            Log.PoolReady(logger, pool.Id, pool.Options.Clients.Count);
        }

        readiness.SigningKeysLoaded = true;

        // Only a pool that names no provider falls back to the registered sender.
        var delivery = options.Value.Delivery;
        var smsFallback = pools.All.Any(p => (p.Options.Delivery.SmsProviders ?? delivery.SmsProviders) is null or { Count: 0 });
        var emailFallback = pools.All.Any(p => (p.Options.Delivery.EmailProviders ?? delivery.EmailProviders) is null or { Count: 0 });
        if ((sms is UnconfiguredSender && smsFallback) || (email is UnconfiguredSender && emailFallback))
        {
            Log.NoSender(logger);
        }

        if (options.Value.DevOutbox.Enabled == true)
        {
            Log.DevOutbox(logger);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "User pool {PoolId} ready with {ClientCount} app client(s).")]
        public static partial void PoolReady(ILogger logger, string poolId, int clientCount);

        [LoggerMessage(2, LogLevel.Warning, "No SMS or email provider is configured for some pool: its codes cannot be delivered. Configure Sesame:Delivery (docs/delivery.md), enable Sesame:DevOutbox for development, or register a sender.")]
        public static partial void NoSender(ILogger logger);

        [LoggerMessage(3, LogLevel.Warning, "The development outbox is on: messages, codes included, are printed and served at GET /dev/outbox. Never enable it in production.")]
        public static partial void DevOutbox(ILogger logger);
    }
}

/// <summary>What <c>GET /health/ready</c> needs beyond the store: whether every pool's signing keys are loaded.</summary>
internal sealed class Readiness
{
    private volatile bool _signingKeysLoaded;

    /// <summary>Set once <see cref="StartupTasks"/> has loaded (or made) every pool's keys; pools created later bring their own.</summary>
    public bool SigningKeysLoaded
    {
        get => _signingKeysLoaded;
        set => _signingKeysLoaded = value;
    }
}
