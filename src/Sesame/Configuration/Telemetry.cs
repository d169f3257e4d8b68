using System.Diagnostics;

namespace Sesame.Configuration;

/// <summary>
/// The one <see cref="ActivitySource"/> of Sesame's traces (a span per Cognito operation, trigger call, store call and
/// provider send). It lives in this bottom layer so every folder can use it; nothing listens (and nothing is allocated
/// per span) until OpenTelemetry, configured by the host, subscribes to <see cref="Name"/>.
/// </summary>
internal static class Telemetry
{
    public const string Name = "Sesame";

    /// <summary>Meters whose names start with this (<c>Sesame.Storage</c>, <c>Sesame.Delivery</c>, <c>Sesame.Abuse</c>, …).</summary>
    public const string MeterPrefix = "Sesame";

    public static readonly ActivitySource Source = new(Name);
}
