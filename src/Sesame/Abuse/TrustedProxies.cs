using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;
using Sesame.Configuration;

namespace Sesame.Abuse;

/// <summary>
/// Puts ASP.NET Core's forwarded-headers middleware in front of everything, trusting <c>X-Forwarded-For</c>,
/// <c>-Proto</c> and <c>-Host</c> only from peers in <c>Sesame:TrustedProxies</c> (ASVS 5.0 15.3.4, 4.1.3). With the
/// list empty (the default) the middleware is not added at all, so the client IP is the connection's and a client's
/// own forwarded headers change nothing: neither the per-IP limits nor a token's issuer.
/// </summary>
internal sealed class TrustedProxies(IOptions<SesameOptions> options) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        if (Forwarding(options.Value.TrustedProxies) is { } forwarding)
        {
            app.UseForwardedHeaders(forwarding);
        }

        next(app);
    };

    /// <summary>The middleware's options for a list of addresses and CIDR networks; null when the list is empty.</summary>
    public static ForwardedHeadersOptions? Forwarding(IReadOnlyList<string> proxies)
    {
        if (proxies.Count == 0)
        {
            return null;
        }

        var forwarding = new ForwardedHeadersOptions
        {
            ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost,
            // Walk the chain from the right through every trusted hop; the first untrusted address is the client, so
            // whatever a client writes to the left of it is never read.
            ForwardLimit = null,
        };

        // The defaults trust loopback; only what the operator lists is trusted here.
        forwarding.KnownProxies.Clear();
        forwarding.KnownIPNetworks.Clear();
        foreach (var proxy in proxies)
        {
            if (!IPNetworks.TryParse(proxy, out var network))
            {
                throw new InvalidOperationException($"Sesame:TrustedProxies: '{proxy}' is neither an IP address nor a CIDR network.");
            }

            forwarding.KnownIPNetworks.Add(network);
        }

        return forwarding;
    }
}
