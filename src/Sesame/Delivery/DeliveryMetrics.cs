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
    private readonly Counter<long> _routes;
    private readonly Counter<double> _cost;
    private readonly Counter<long> _receipts;

    public DeliveryMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _messages = meter.CreateCounter<long>("sesame.delivery.messages", description: "Outbox messages by final outcome: sent, failed, or requeued for a later round.");
        _attempts = meter.CreateCounter<long>("sesame.delivery.attempts", description: "Calls to delivery providers by result.");
        _circuits = meter.CreateCounter<long>("sesame.delivery.circuit_transitions", description: "Provider circuit breaker transitions.");
        _routes = meter.CreateCounter<long>("sesame.delivery.route_messages", description: "Outbox messages by route and outcome: sent, failed, or requeued for a later round.");
        _receipts = meter.CreateCounter<long>("sesame.delivery.receipts", description: "Delivery receipts by provider and effect: delivered, failed, unchanged (a repeat), refused (bad signature).");
        _cost = meter.CreateCounter<double>("sesame.delivery.route_cost", description: "What the messages sent on each route cost, in the unit of its CostPerMessage.");
    }

    public void Message(MessageChannel channel, string provider, string outcome) =>
        _messages.Add(1, new("channel", channel == MessageChannel.Sms ? "sms" : "email"), new("provider", provider), new("outcome", outcome));

    /// <summary>One outcome of a message on its route, and its cost when it was sent on a route that declares one.</summary>
    public void Route(string route, MessageChannel channel, string outcome, double? cost)
    {
        _routes.Add(1, new("route", route), new("channel", channel == MessageChannel.Sms ? "sms" : "email"), new("outcome", outcome));
        if (cost is { } spent && outcome == "sent")
        {
            _cost.Add(spent, new KeyValuePair<string, object?>("route", route));
        }
    }

    public void Receipt(string provider, string effect) =>
        _receipts.Add(1, new KeyValuePair<string, object?>("provider", provider), new("effect", effect));

    public void Attempt(string provider, string result) =>
        _attempts.Add(1, new KeyValuePair<string, object?>("provider", provider), new("result", result));

    public void Circuit(string provider, string state) =>
        _circuits.Add(1, new KeyValuePair<string, object?>("provider", provider), new("state", state));
}
