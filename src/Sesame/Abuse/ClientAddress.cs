using System.Net;

namespace Sesame.Abuse;

/// <summary>
/// The client IP of the Cognito call being served. The endpoint sets it once per call, so the one place that counts
/// sends needs no IP threaded through every use case. The address comes from the connection, which the forwarded-headers
/// middleware rewrites only for peers in <c>Sesame:TrustedProxies</c>.
/// </summary>
internal static class ClientAddress
{
    private static readonly AsyncLocal<IPAddress?> CurrentAddress = new();

    public static IPAddress? Current => CurrentAddress.Value;

    public static IDisposable Enter(IPAddress? address)
    {
        var previous = CurrentAddress.Value;
        CurrentAddress.Value = address;
        return new Scope(previous);
    }

    /// <summary>The unit a limit counts: an IPv4 address, or the /64 of an IPv6 address (one subscriber's usual allocation).</summary>
    public static string Unit(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }

    private sealed class Scope(IPAddress? previous) : IDisposable
    {
        public void Dispose() => CurrentAddress.Value = previous;
    }
}
