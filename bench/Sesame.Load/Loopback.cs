using System.Net;

namespace Sesame.Load;

/// <summary>
/// The generator only ever drives a server on this machine: a load test aimed at someone else's endpoint is an attack,
/// and one aimed at a remote server of one's own measures the network rather than the server.
/// </summary>
internal static class Loopback
{
    /// <summary>The endpoint as a base URI, or an exception naming why it is refused.</summary>
    public static Uri Require(string endpoint, string setting)
    {
        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new ArgumentException($"{setting}: '{endpoint}' is not an absolute http(s) URL.");
        }

        if (!IsLoopback(uri.Host))
        {
            throw new ArgumentException($"{setting}: '{uri.Host}' is not a loopback address; the generator only drives servers on 127.0.0.0/8, ::1 or localhost.");
        }

        return uri;
    }

    public static bool IsLoopback(string host)
    {
        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        return IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address);
    }
}
