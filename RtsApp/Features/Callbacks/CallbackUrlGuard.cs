using System.Net;
using System.Net.Sockets;

namespace RtsApp.Features.Callbacks;

/// <summary>Which callback targets are acceptable (SPEC §9). <see cref="Check"/> is the syntactic check made when a
/// link is created; <see cref="IsRefused"/> is applied again to every address a host name resolves to when a callback
/// is sent, so a public name pointing at an internal address is refused too.</summary>
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

    private static bool IsNat64(byte[] b) =>
        b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b && b.AsSpan(4, 8).IndexOfAnyExcept((byte)0) < 0;
}
