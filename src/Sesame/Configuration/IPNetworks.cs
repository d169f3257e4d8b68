using System.Net;

namespace Sesame.Configuration;

/// <summary>Address lists in settings (<c>TrustedProxies</c>, <c>Metrics:AllowedNetworks</c>): an address or a CIDR network.</summary>
internal static class IPNetworks
{
    /// <summary>An address (a network of one) or a CIDR network such as <c>10.0.0.0/8</c> or <c>fd00::/8</c>.</summary>
    public static bool TryParse(string value, out IPNetwork network)
    {
        value = value.Trim();
        if (!value.Contains('/', StringComparison.Ordinal) && IPAddress.TryParse(value, out var address))
        {
            network = new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
            return true;
        }

        return IPNetwork.TryParse(value, out network);
    }

    /// <summary>Whether <paramref name="address"/> (IPv4-mapped IPv6 counts as IPv4) is in one of <paramref name="networks"/>.</summary>
    public static bool Contains(IReadOnlyList<IPNetwork> networks, IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        foreach (var network in networks)
        {
            if (network.Contains(address))
            {
                return true;
            }
        }

        return false;
    }
}
