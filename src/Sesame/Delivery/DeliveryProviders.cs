using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Sesame.Configuration;
using Sesame.Delivery.AmazonSes;
using Sesame.Delivery.AmazonSns;
using Sesame.Delivery.Aws;
using Sesame.Delivery.Development;
using Sesame.Delivery.Http;
using Sesame.Delivery.Plivo;
using Sesame.Delivery.Smtp;
using Sesame.Delivery.Twilio;
using Sesame.Delivery.Vonage;
using Sesame.Pools;
using Sesame.Storage;
using Sesame.Users;

namespace Sesame.Delivery;

/// <summary>One provider as the dispatcher uses it: its senders and its resilience pipeline (retries inside a circuit breaker).</summary>
internal sealed class DeliveryProvider(string name, ISmsSender? sms, IEmailSender? email, ResiliencePipeline pipeline)
{
    public string Name { get; } = name;

    public ISmsSender? Sms { get; } = sms;

    public IEmailSender? Email { get; } = email;

    public ResiliencePipeline Pipeline { get; } = pipeline;

    public bool Serves(MessageChannel channel) => channel == MessageChannel.Sms ? Sms is not null : Email is not null;
}

/// <summary>The route a message takes: its name, its provider chain (primary first), its cost and its rules.</summary>
/// <param name="Name">The route's name; <c>default</c> for the pool's plain failover list.</param>
internal sealed record DeliveryRoute(string Name, IReadOnlyList<DeliveryProvider> Chain, double? Cost, bool RequireDlt)
{
    public const string DefaultName = "default";
}

/// <summary>
/// The configured providers, built once: each with its own circuit breaker, shared by every pool that names it.
/// A pool (or the defaults) lists providers in failover order; with none listed, the registered
/// <see cref="ISmsSender"/>/<see cref="IEmailSender"/> is the only route (the dev outbox in development).
/// </summary>
internal sealed partial class DeliveryProviders : IDisposable
{
    private readonly HttpClient _http;
    private readonly Dictionary<string, DeliveryProvider> _providers = new(StringComparer.Ordinal);
    private readonly DeliveryOptions _options;
    private readonly UserPools _pools;
    private readonly DeliveryProvider _defaultSms;
    private readonly DeliveryProvider _defaultEmail;
    private readonly TimeProvider _time;
    private readonly DeliveryMetrics _metrics;
    private readonly ILogger<DeliveryProviders> _logger;

    public DeliveryProviders(
        IOptions<SesameOptions> options, UserPools pools, ISmsSender sms, IEmailSender email, IServiceProvider services,
        TimeProvider time, DeliveryMetrics metrics, ILogger<DeliveryProviders> logger)
    {
        _options = options.Value.Delivery;
        _pools = pools;
        _time = time;
        _metrics = metrics;
        _logger = logger;
        // One client for every provider: pooled connections, re-resolved DNS every few minutes; timeouts are per call.
        _http = new HttpClient(new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(5),
            AllowAutoRedirect = false,
        })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd("Sesame/1.0");

        foreach (var (name, provider) in _options.Providers)
        {
            var (smsSender, emailSender) = Create(name, provider, services);
            _providers[name] = new DeliveryProvider(name, smsSender, emailSender, Pipeline(name));
        }

        _defaultSms = new DeliveryProvider("default", sms, null, Pipeline("default-sms"));
        _defaultEmail = new DeliveryProvider("default", null, email, Pipeline("default-email"));
    }

    /// <summary>
    /// The route a pool's message takes: the first of the pool's routes (or the default routes) that fits the channel
    /// and destination, else the pool's failover list as route <c>default</c>. A phone number is classified once, by
    /// libphonenumber from the whole number, so +1 numbers go to the US, Canada or a Caribbean country by what they are.
    /// </summary>
    public DeliveryRoute Route(string poolId, MessageChannel channel, string destination)
    {
        var delivery = _pools.FindPool(poolId)?.Options.Delivery;
        var routes = delivery?.Routes ?? _options.Routes;
        if (routes is { Count: > 0 })
        {
            var number = new Lazy<PhoneNumberInfo?>(() => channel == MessageChannel.Sms ? PhoneNumberClassifier.Classify(destination) : null);
            foreach (var route in routes)
            {
                if (Matches(route, channel, destination, number))
                {
                    var chain = (route.Providers ?? []).Select(n => _providers[n]).Where(p => p.Serves(channel)).ToList();
                    return new DeliveryRoute(route.Name, chain, route.CostPerMessage, route.RequireDlt);
                }
            }
        }

        var names = channel == MessageChannel.Sms
            ? delivery?.SmsProviders ?? _options.SmsProviders
            : delivery?.EmailProviders ?? _options.EmailProviders;
        IReadOnlyList<DeliveryProvider> providers = names is null || names.Count == 0
            ? [channel == MessageChannel.Sms ? _defaultSms : _defaultEmail]
            : names.Select(n => _providers[n]).Where(r => r.Serves(channel)).ToList();
        return new DeliveryRoute(DeliveryRoute.DefaultName, providers, null, false);
    }

    /// <summary>A provider by its configured name (delivery receipts name the provider they come from).</summary>
    public DeliveryProvider? Find(string name) => _providers.GetValueOrDefault(name);

    /// <summary>
    /// A route fits when its channel does and, if it names numbers at all, the destination has one of its calling
    /// codes, one of its regions, or one of its prefixes.
    /// </summary>
    internal static bool Matches(DeliveryRouteOptions route, MessageChannel channel, string destination, Lazy<PhoneNumberInfo?> number)
    {
        if (route.Channel is { Length: > 0 } wanted && !string.Equals(wanted, channel == MessageChannel.Sms ? "Sms" : "Email", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var codes = route.CountryCodes ?? [];
        var regions = route.Regions ?? [];
        var prefixes = route.Prefixes ?? [];
        if (codes.Count == 0 && regions.Count == 0 && prefixes.Count == 0)
        {
            return true;
        }

        if (channel != MessageChannel.Sms)
        {
            return false;
        }

        if (prefixes.Any(p => destination.StartsWith(p, StringComparison.Ordinal)))
        {
            return true;
        }

        return number.Value is { } info
            && (codes.Contains(info.CountryCallingCode)
                || (info.RegionCode is { } region && regions.Any(r => string.Equals(r, region, StringComparison.OrdinalIgnoreCase))));
    }

    public void Dispose() => _http.Dispose();

    private (ISmsSender? Sms, IEmailSender? Email) Create(string name, DeliveryProviderOptions provider, IServiceProvider services) =>
        provider.Type.ToUpperInvariant() switch
        {
            "TWILIO" => (new TwilioSmsSender(name, provider, _http), null),
            "VONAGE" => (new VonageSmsSender(name, provider, _http), null),
            "PLIVO" => (new PlivoSmsSender(name, provider, _http), null),
            "SNS" => (new SnsSmsSender(name, provider, _http, _time, Credentials(name, provider)), null),
            "SES" => (null, new SesEmailSender(name, provider, _http, _time, Credentials(name, provider))),
            "SMTP" => (null, new SmtpEmailSender(name, provider)),
            "HTTP" => Both(new HttpGatewaySender(name, provider, _http, _time)),
            "DEVELOPMENT" => Both(services.GetRequiredService<DevOutbox>()),
            _ => throw new InvalidOperationException($"Sesame:Delivery:Providers:{name}:Type '{provider.Type}' is not a known provider type."),
        };

    private AwsCredentialSource Credentials(string name, DeliveryProviderOptions provider) =>
        new(name, provider, _http, _time, AwsEnvironment.Process, _logger);

    private static (ISmsSender, IEmailSender) Both<T>(T sender) where T : ISmsSender, IEmailSender => (sender, sender);

    private ResiliencePipeline Pipeline(string name)
    {
        var builder = new ResiliencePipelineBuilder { Name = name, TimeProvider = _time };
        if (_options.AttemptsPerProvider > 1)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<DeliveryException>(e => e.Failure == DeliveryFailure.Transient),
                MaxRetryAttempts = _options.AttemptsPerProvider - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = _options.RetryDelay,
                MaxDelay = TimeSpan.FromSeconds(10),
            });
        }

        var breaker = _options.CircuitBreaker;
        builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions
        {
            // An invalid number says nothing about the provider's health; a refusal of our credentials does.
            ShouldHandle = new PredicateBuilder().Handle<DeliveryException>(e => e.Failure != DeliveryFailure.Permanent),
            FailureRatio = breaker.FailureRatio,
            MinimumThroughput = breaker.MinimumThroughput,
            SamplingDuration = breaker.SamplingDuration,
            BreakDuration = breaker.BreakDuration,
            OnOpened = args =>
            {
                Log.CircuitOpened(_logger, name, args.BreakDuration);
                _metrics.Circuit(name, "open");
                return ValueTask.CompletedTask;
            },
            OnHalfOpened = _ =>
            {
                _metrics.Circuit(name, "half_open");
                return ValueTask.CompletedTask;
            },
            OnClosed = _ =>
            {
                Log.CircuitClosed(_logger, name);
                _metrics.Circuit(name, "closed");
                return ValueTask.CompletedTask;
            },
        });
        return builder.Build();
    }

    private static partial class Log
    {
        [LoggerMessage(20, LogLevel.Warning, "Delivery provider {Provider} keeps failing: its circuit is open for {Duration}; messages go to the next provider.")]
        public static partial void CircuitOpened(ILogger logger, string provider, TimeSpan duration);

        [LoggerMessage(21, LogLevel.Information, "Delivery provider {Provider} answers again: its circuit is closed.")]
        public static partial void CircuitClosed(ILogger logger, string provider);
    }
}
