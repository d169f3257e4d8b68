using System.Diagnostics.Metrics;
using Sesame.Storage;

namespace Sesame.Delivery;

/// <summary>Delivery counters, exported by <c>GET /metrics</c>. Tags carry provider and channel names, never destinations.</summary>
internal sealed class DeliveryMetrics
{
    public const string MeterName = "Sesame.Delivery";

    private readonly Counter<long> _messages;
    private readonly Counter<long> _attempts;
    private readonly Counter<long> _circuits;

    public DeliveryMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _messages = meter.CreateCounter<long>("sesame.delivery.messages", description: "Outbox messages by final outcome: sent, failed, or requeued for a later round.");
        _attempts = meter.CreateCounter<long>("sesame.delivery.attempts", description: "Calls to delivery providers by result.");
        _circuits = meter.CreateCounter<long>("sesame.delivery.circuit_transitions", description: "Provider circuit breaker transitions.");
    }

    public void Message(MessageChannel channel, string provider, string outcome) =>
        _messages.Add(1, new("channel", channel == MessageChannel.Sms ? "sms" : "email"), new("provider", provider), new("outcome", outcome));

    public void Attempt(string provider, string result) =>
        _attempts.Add(1, new KeyValuePair<string, object?>("provider", provider), new("result", result));

    public void Circuit(string provider, string state) =>
        _circuits.Add(1, new KeyValuePair<string, object?>("provider", provider), new("state", state));
}
