using System.Net;
using System.Net.Sockets;

namespace RtsApp.Features.Callbacks;

/// <summary>Which callback targets are acceptable (SPEC §9). <see cref="Check"/> is the syntactic check made when a
/// link is created; <see cref="IsRefused"/> is applied again to every address a host name resolves to when a callback
/// is sent, so a public name pointing at an internal address is refused too. Calendar connections (SPEC §13) use the
/// same guard with their own setting.</summary>
public static class CallbackUrlGuard
{
    /// <summary>Null when <paramref name="url"/> is acceptable, else a short reason. Only absolute http/https URLs;
    /// unless <paramref name="allowPrivateNetworks"/> (Development, or <c>Rts:Callbacks:AllowPrivateNetworks</c>, see
    /// <see cref="CallbackOptions.AllowPrivateNetworks"/>), literal loopback, private, link-local and unique-local IPs
    /// and <c>localhost</c> are refused.</summary>
    public static string? Check(string url, bool allowPrivateNetworks)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            return "must be an absolute http or https URL";
        if (allowPrivateNetworks) return null;
        var host = uri.IdnHost.TrimEnd('.');
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase))
            return "must not point at localhost";
        if (uri.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6 && IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && IsRefused(ip))
            return "must not point at a loopback or private-network address";
        return null;
    }

    /// <summary>True for addresses a callback must not reach from outside Development: unspecified, loopback, private
    /// (RFC 1918), shared (RFC 6598), link-local, unique-local, site-local, multicast and broadcast — IPv4 also when
    /// mapped into IPv6 or NAT64's well-known prefix.</summary>
    public static bool IsRefused(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var b = address.GetAddressBytes();
            if (IsNat64(b)) return IsRefused(new IPAddress(b.AsSpan(12, 4)));
            return IPAddress.IPv6Loopback.Equals(address) || IPAddress.IPv6Any.Equals(address)
                || address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast
                || (b[0] & 0xFE) == 0xFC; // fc00::/7 unique local
        }
        var v4 = address.GetAddressBytes();
        return v4[0] switch
        {
            0 or 10 or 127 => true,
            100 => v4[1] is >= 64 and <= 127,
            169 => v4[1] == 254,
            172 => v4[1] is >= 16 and <= 31,
            192 => v4[1] == 168,
            >= 224 => true, // multicast, reserved and broadcast
            _ => false,
        };
    }

    /// <summary>A handler for outgoing requests to URLs people give us: no proxy (it would hide the real target from
    /// the address check), no cookies, and unless <paramref name="allowPrivateNetworks"/> every address a host resolves
    /// to is checked before connecting — only public ones are used, so DNS cannot point a request into the network.
    /// The check is made per connection, so redirects (when <paramref name="allowRedirects"/>) are checked too.</summary>
    public static SocketsHttpHandler CreateHandler(bool allowPrivateNetworks, bool allowRedirects) => new()
    {
        UseProxy = false,
        AllowAutoRedirect = allowRedirects,
        MaxAutomaticRedirections = 5,
        UseCookies = false,
        ConnectCallback = async (context, ct) =>
        {
            var host = context.DnsEndPoint.Host;
            var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, ct);
            var usable = allowPrivateNetworks ? addresses : addresses.Where(a => !IsRefused(a)).ToArray();
            if (usable.Length == 0)
                throw new TargetRefusedException(addresses.Length == 0
                    ? $"{host} resolves to no address"
                    : $"refused: {host} resolves only to loopback or private-network addresses ({string.Join(", ", addresses.Select(a => a.ToString()))})");
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(usable, context.DnsEndPoint.Port, ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };

    /// <summary>A short reason for a failed request: the guard's refusal when it refused, else the error's own words.</summary>
    public static string Describe(HttpRequestException e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
            if (x is TargetRefusedException refused) return refused.Message;
        return e.InnerException is { } inner ? $"{e.Message} {inner.Message}" : e.Message;
    }

    private sealed class TargetRefusedException(string message) : Exception(message);

    private static bool IsNat64(byte[] b) =>
        b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b && b.AsSpan(4, 8).IndexOfAnyExcept((byte)0) < 0;
}
