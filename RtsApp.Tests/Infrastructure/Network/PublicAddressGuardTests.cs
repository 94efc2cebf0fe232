using System.Net;
using RtsApp.Infrastructure.Network;

namespace RtsApp.Tests.Infrastructure.Network;

/// <summary>The IANA special-purpose registries, range by range: the first and last address of each refused range are
/// refused, and the addresses just outside it (when public) are accepted.</summary>
public sealed class PublicAddressGuardTests
{
    /// <summary>Each refused range as (first, last, why).</summary>
    public static TheoryData<string, string, string> RefusedRanges() => new()
    {
        { "0.0.0.0", "0.255.255.255", "this network" },
        { "10.0.0.0", "10.255.255.255", "private" },
        { "100.64.0.0", "100.127.255.255", "shared (CGNAT)" },
        { "127.0.0.0", "127.255.255.255", "loopback" },
        { "169.254.0.0", "169.254.255.255", "link-local" },
        { "172.16.0.0", "172.31.255.255", "private" },
        { "192.0.0.0", "192.0.0.255", "IETF protocol assignments" },
        { "192.0.2.0", "192.0.2.255", "TEST-NET-1" },
        { "192.88.99.0", "192.88.99.255", "6to4 relay anycast" },
        { "192.168.0.0", "192.168.255.255", "private" },
        { "198.18.0.0", "198.19.255.255", "benchmarking" },
        { "198.51.100.0", "198.51.100.255", "TEST-NET-2" },
        { "203.0.113.0", "203.0.113.255", "TEST-NET-3" },
        { "224.0.0.0", "239.255.255.255", "multicast" },
        { "240.0.0.0", "255.255.255.255", "reserved and broadcast" },
        { "::", "::", "unspecified" },
        { "::1", "::1", "loopback" },
        { "::ffff:10.0.0.0", "::ffff:10.255.255.255", "IPv4-mapped private" },
        { "::ffff:127.0.0.1", "::ffff:127.0.0.1", "IPv4-mapped loopback" },
        { "64:ff9b::a00:1", "64:ff9b::a00:1", "NAT64 of 10.0.0.1" },
        { "64:ff9b::7f00:1", "64:ff9b::7f00:1", "NAT64 of 127.0.0.1" },
        { "64:ff9b:1::", "64:ff9b:1:ffff:ffff:ffff:ffff:ffff", "local-use NAT64" },
        { "100::", "100::ffff:ffff:ffff:ffff", "discard-only" },
        { "2001::", "2001:1ff:ffff:ffff:ffff:ffff:ffff:ffff", "IETF protocol assignments (Teredo, ORCHID, benchmarking)" },
        { "2001:db8::", "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", "documentation" },
        { "2002:a00::", "2002:aff:ffff:ffff:ffff:ffff:ffff:ffff", "6to4 of 10/8" },
        { "2002:7f00:1::", "2002:7f00:1::", "6to4 of 127.0.0.1" },
        { "3fff::", "3fff:fff:ffff:ffff:ffff:ffff:ffff:ffff", "documentation" },
        { "fc00::", "fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "unique local" },
        { "fe80::", "febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "link-local" },
        { "fec0::", "feff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "site-local (deprecated)" },
        { "ff00::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "multicast" },
        { "4000::", "4000::1", "outside global unicast 2000::/3" },
        { "5f00::1", "5f00::1", "SRv6 SIDs, outside 2000::/3" },
    };

    [Theory]
    [MemberData(nameof(RefusedRanges))]
    public void IsRefused_SpecialPurposeRange_BothEnds(string first, string last, string why)
    {
        PublicAddressGuard.IsRefused(IPAddress.Parse(first)).ShouldBeTrue($"{first} ({why})");
        PublicAddressGuard.IsRefused(IPAddress.Parse(last)).ShouldBeTrue($"{last} ({why})");
    }

    [Theory]
    [InlineData("1.0.0.1")]
    [InlineData("8.8.8.8")]
    [InlineData("9.255.255.255")] // just below 10/8
    [InlineData("11.0.0.0")] // just above 10/8
    [InlineData("100.63.255.255")] // just below 100.64/10
    [InlineData("100.128.0.0")] // just above it
    [InlineData("126.255.255.255")]
    [InlineData("128.0.0.0")]
    [InlineData("169.253.255.255")]
    [InlineData("172.15.255.255")]
    [InlineData("172.32.0.0")]
    [InlineData("192.0.1.255")]
    [InlineData("192.0.3.0")]
    [InlineData("192.88.98.255")]
    [InlineData("192.167.255.255")]
    [InlineData("192.169.0.0")]
    [InlineData("198.17.255.255")]
    [InlineData("198.20.0.0")]
    [InlineData("198.51.99.255")]
    [InlineData("203.0.112.255")]
    [InlineData("223.255.255.255")] // last before multicast
    [InlineData("93.184.216.34")]
    [InlineData("::ffff:8.8.8.8")] // mapped public
    [InlineData("64:ff9b::808:808")] // NAT64 of 8.8.8.8
    [InlineData("2002:808:808::1")] // 6to4 of 8.8.8.8
    [InlineData("2000::1")]
    [InlineData("2001:200::1")] // just above 2001::/23
    [InlineData("2001:4860:4860::8888")]
    [InlineData("2001:db7:ffff::1")] // just below 2001:db8::/32
    [InlineData("2001:db9::1")]
    [InlineData("2606:2800:220:1::1")]
    [InlineData("3ffe:ffff::1")] // just below 3fff::/20
    [InlineData("3fff:1000::1")] // just above it
    public void IsRefused_Public_Accepted(string address) => PublicAddressGuard.IsRefused(IPAddress.Parse(address)).ShouldBeFalse(address);

    [Theory]
    [InlineData("http://[2001:db8::1]/x")]
    [InlineData("http://[::ffff:169.254.169.254]/x")]
    [InlineData("http://198.51.100.7/x")]
    [InlineData("http://[3fff::1]:8080/x")]
    [InlineData("https://localhost./x")]
    public void CheckUrl_LiteralNonPublic_Refused(string url)
    {
        PublicAddressGuard.CheckUrl(url, allowPrivateNetworks: false).ShouldNotBeNull();
        PublicAddressGuard.CheckUrl(url, allowPrivateNetworks: true).ShouldBeNull();
    }

    /// <summary>Redirects and hrefs a client sending secrets may follow: http and https only, never https down to http.</summary>
    [Theory]
    [InlineData("https://cal.example/a/", "/b/", "https://cal.example/b/")]
    [InlineData("https://cal.example/a/", "c.ics", "https://cal.example/a/c.ics")]
    [InlineData("http://cal.example/a/", "https://other.example/b", "https://other.example/b")]
    [InlineData("http://cal.example/a/", "http://other.example/b", "http://other.example/b")]
    [InlineData("https://cal.example/a/", "http://cal.example/b", null)]
    [InlineData("https://cal.example/a/", "ftp://cal.example/b", null)]
    [InlineData("http://cal.example/a/", "file:///etc/passwd", null)]
    [InlineData("http://cal.example/a/", "data:text/calendar,BEGIN", null)]
    public void Follow_OnlyHttpOrHttps_NeverDownToHttp(string from, string location, string? expected) =>
        (PublicAddressGuard.Follow(new Uri(from), new Uri(location, UriKind.RelativeOrAbsolute))?.AbsoluteUri).ShouldBe(expected);
}
