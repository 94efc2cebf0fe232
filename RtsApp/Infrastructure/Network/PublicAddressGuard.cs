using System.Net;
using System.Net.Sockets;

namespace RtsApp.Infrastructure.Network;

/// <summary>The server-side request forgery rule for every request RtsApp makes to a URL someone else chose (callbacks,
/// SPEC §9; calendar connections, SPEC §13): only globally routable addresses, unless the operator allows private
/// networks. Two checks, one rule: <see cref="CheckUrl"/> is syntactic (when the URL is accepted), and
/// <see cref="ConnectCallback"/> applies <see cref="IsRefused"/> to every address the host resolves to at connect time and
/// connects only to an approved one, so a name that resolves (or is re-pointed) into the network is refused too.</summary>
public static class PublicAddressGuard
{
    /// <summary>IPv4 ranges that are not globally reachable, from the IANA IPv4 Special-Purpose Address Registry.
    /// 192.0.0.0/24 is refused whole, although two of its /32s are globally reachable.</summary>
    public static readonly IReadOnlyList<IPNetwork> RefusedV4 =
    [
        IPNetwork.Parse("0.0.0.0/8"),        // "this network"
        IPNetwork.Parse("10.0.0.0/8"),       // private (RFC 1918)
        IPNetwork.Parse("100.64.0.0/10"),    // shared address space (RFC 6598, carrier-grade NAT)
        IPNetwork.Parse("127.0.0.0/8"),      // loopback
        IPNetwork.Parse("169.254.0.0/16"),   // link-local (cloud metadata endpoints live here)
        IPNetwork.Parse("172.16.0.0/12"),    // private
        IPNetwork.Parse("192.0.0.0/24"),     // IETF protocol assignments
        IPNetwork.Parse("192.0.2.0/24"),     // documentation (TEST-NET-1)
        IPNetwork.Parse("192.88.99.0/24"),   // deprecated 6to4 relay anycast
        IPNetwork.Parse("192.168.0.0/16"),   // private
        IPNetwork.Parse("198.18.0.0/15"),    // benchmarking
        IPNetwork.Parse("198.51.100.0/24"),  // documentation (TEST-NET-2)
        IPNetwork.Parse("203.0.113.0/24"),   // documentation (TEST-NET-3)
        IPNetwork.Parse("224.0.0.0/4"),      // multicast
        IPNetwork.Parse("240.0.0.0/4"),      // reserved, and 255.255.255.255 broadcast
    ];

    /// <summary>Only global unicast (2000::/3) can be public, which leaves out ::/128, ::1, 100::/64 (discard),
    /// 64:ff9b:1::/48 (local-use NAT64), fc00::/7, fe80::/10, fec0::/10 and ff00::/8. IPv4-mapped (::ffff:0:0/96),
    /// NAT64 (64:ff9b::/96) and 6to4 (2002::/16) addresses are judged by the IPv4 address they carry.</summary>
    private static readonly IPNetwork GlobalUnicast = IPNetwork.Parse("2000::/3");

    /// <summary>Special-purpose ranges inside 2000::/3 from the IANA IPv6 Special-Purpose Address Registry. All of
    /// 2001::/23 (IETF protocol assignments: Teredo, ORCHID, benchmarking, …) is refused, including the few sub-ranges
    /// the registry marks globally reachable (AS112, AMT, …): no callback or calendar server lives there.</summary>
    public static readonly IReadOnlyList<IPNetwork> RefusedV6 =
    [
        IPNetwork.Parse("2001::/23"),        // IETF protocol assignments
        IPNetwork.Parse("2001:db8::/32"),    // documentation
        IPNetwork.Parse("3fff::/20"),        // documentation
    ];

    private static readonly IPNetwork Nat64 = IPNetwork.Parse("64:ff9b::/96");
    private static readonly IPNetwork SixToFour = IPNetwork.Parse("2002::/16");

    /// <summary>Null when <paramref name="url"/> is acceptable, else a short reason. Only absolute http/https URLs;
    /// unless <paramref name="allowPrivateNetworks"/>, <c>localhost</c> (and <c>*.localhost</c>) and literal IPs that
    /// <see cref="IsRefused"/> are refused. Host names are judged again at connect time (<see cref="ConnectCallback"/>).</summary>
    public static string? CheckUrl(string url, bool allowPrivateNetworks)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            return "must be an absolute http or https URL";
        if (allowPrivateNetworks) return null;
        var host = uri.IdnHost.TrimEnd('.');
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase))
            return "must not point at localhost";
        if (uri.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6 && IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && IsRefused(ip))
            return "must not point at a loopback, private-network or other non-public address";
        return null;
    }

    /// <summary>True for every address that is not globally routable (see <see cref="RefusedV4"/>, <see cref="RefusedV6"/>).</summary>
    public static bool IsRefused(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) return IsRefusedV4(address.MapToIPv4());
        if (address.AddressFamily == AddressFamily.InterNetwork) return IsRefusedV4(address);
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return true;
        var bytes = address.GetAddressBytes();
        if (Nat64.Contains(address)) return IsRefusedV4(new IPAddress(bytes.AsSpan(12, 4)));
        if (SixToFour.Contains(address)) return IsRefusedV4(new IPAddress(bytes.AsSpan(2, 4)));
        return !GlobalUnicast.Contains(address) || RefusedV6.Any(n => n.Contains(address));
    }

    private static bool IsRefusedV4(IPAddress address) => RefusedV4.Any(n => n.Contains(address));

    /// <summary>For <see cref="SocketsHttpHandler.ConnectCallback"/>: resolves the host once, keeps only the addresses
    /// <see cref="IsRefused"/> accepts (all of them when <paramref name="allowPrivateNetworks"/>) and connects to one of
    /// those, so nothing can change between the check and the connection (no DNS rebinding). Throws
    /// <see cref="AddressRefusedException"/> when no address is acceptable. The handler must not use a proxy: the
    /// proxy, not the target, would be checked.</summary>
    public static Func<SocketsHttpConnectionContext, CancellationToken, ValueTask<Stream>> ConnectCallback(bool allowPrivateNetworks) =>
        async (context, ct) =>
        {
            var host = context.DnsEndPoint.Host;
            var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, ct);
            var usable = allowPrivateNetworks ? addresses : addresses.Where(a => !IsRefused(a)).ToArray();
            if (usable.Length == 0)
                throw new AddressRefusedException(addresses.Length == 0
                    ? $"{host} resolves to no address"
                    : $"refused: {host} resolves only to loopback, private-network or other non-public addresses ({string.Join(", ", addresses.Select(a => a.ToString()))})");
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
        };

    /// <summary>The reason a <see cref="ConnectCallback"/> refused, when <paramref name="e"/> (or an inner exception) is one.</summary>
    public static string? RefusalOf(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
            if (x is AddressRefusedException refused) return refused.Message;
        return null;
    }

    /// <summary>A handler for outgoing requests to URLs people give us (callbacks, calendar servers): no proxy (it would
    /// hide the real target from the address check), no cookies, every connection made through
    /// <see cref="ConnectCallback"/>, and no redirects followed: the handler would follow them to any scheme, so a caller
    /// that follows them checks each one itself (<see cref="RtsApp.Features.Connections.IcsFeedClient"/>).</summary>
    public static SocketsHttpHandler CreateHandler(bool allowPrivateNetworks) => new()
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        UseCookies = false,
        ConnectCallback = ConnectCallback(allowPrivateNetworks),
    };

    /// <summary>Where a redirect or an href from <paramref name="from"/> leads (<paramref name="location"/> relative to it or
    /// absolute), when a client that sends secrets (credentials, a feed's token in its URL) may go there: only http and
    /// https, and never from https down to http. Null otherwise. The address rule still applies when connecting.</summary>
    public static Uri? Follow(Uri from, Uri location)
    {
        if (!location.IsAbsoluteUri && !Uri.TryCreate(from, location, out location!)) return null;
        if (location.Scheme != Uri.UriSchemeHttp && location.Scheme != Uri.UriSchemeHttps) return null;
        return from.Scheme == Uri.UriSchemeHttps && location.Scheme == Uri.UriSchemeHttp ? null : location;
    }

    /// <summary>What else the HTTP stack throws for a URL or an answer it will not handle (an unparsable host, a scheme it
    /// does not speak, a request it cannot build): the remote end's failure, reported as unreachable. Not a disposed
    /// object, which is a fault of ours.</summary>
    public static bool IsRefusedRequest(Exception e) =>
        e is UriFormatException or NotSupportedException or InvalidOperationException and not ObjectDisposedException;

    /// <summary>A short reason for a failed request: the guard's refusal when it refused, else the error's own words.</summary>
    public static string Describe(HttpRequestException e) =>
        RefusalOf(e) ?? (e.InnerException is { } inner ? $"{e.Message} {inner.Message}" : e.Message);
}

/// <summary>Thrown by <see cref="PublicAddressGuard.ConnectCallback"/> when a host resolves to no acceptable address.</summary>
internal sealed class AddressRefusedException(string message) : IOException(message);
