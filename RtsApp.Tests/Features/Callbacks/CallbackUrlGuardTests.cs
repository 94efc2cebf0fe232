using System.Net;
using RtsApp.Features.Callbacks;

namespace RtsApp.Tests.Features.Callbacks;

public sealed class CallbackUrlGuardTests
{
    [Theory]
    [InlineData("https://app.example/cb")]
    [InlineData("http://app.example:8080/cb?x=1")]
    [InlineData("https://93.184.216.34/cb")]
    [InlineData("https://[2606:2800:220:1::1]/cb")]
    public void Check_PublicHttpUrls_Accepted(string url) => CallbackUrlGuard.Check(url, allowPrivateNetworks: false).ShouldBeNull();

    [Theory]
    [InlineData("ftp://app.example/cb")]
    [InlineData("file:///etc/passwd")]
    [InlineData("/relative/cb")]
    [InlineData("app.example/cb")]
    [InlineData("")]
    public void Check_NotAbsoluteHttp_RefusedEvenWhenPrivateAllowed(string url) =>
        CallbackUrlGuard.Check(url, allowPrivateNetworks: true).ShouldNotBeNull();

    [Theory]
    [InlineData("http://localhost/cb")]
    [InlineData("http://LOCALHOST.:5000/cb")]
    [InlineData("http://api.localhost/cb")]
    [InlineData("http://127.0.0.1/cb")]
    [InlineData("http://2130706433/cb")] // 127.0.0.1 written as one number
    [InlineData("http://10.1.2.3/cb")]
    [InlineData("http://172.16.0.1/cb")]
    [InlineData("http://172.31.255.255/cb")]
    [InlineData("http://192.168.1.10/cb")]
    [InlineData("http://169.254.169.254/latest/meta-data")]
    [InlineData("http://100.64.0.1/cb")]
    [InlineData("http://0.0.0.0/cb")]
    [InlineData("http://[::1]/cb")]
    [InlineData("http://[fe80::1]/cb")]
    [InlineData("http://[fd00::1]/cb")]
    [InlineData("http://[::ffff:10.0.0.1]/cb")]
    [InlineData("http://[64:ff9b::a00:1]/cb")] // NAT64 of 10.0.0.1
    public void Check_LocalOrPrivate_RefusedUnlessAllowed(string url)
    {
        CallbackUrlGuard.Check(url, allowPrivateNetworks: false).ShouldNotBeNull();
        CallbackUrlGuard.Check(url, allowPrivateNetworks: true).ShouldBeNull();
    }

    [Theory]
    [InlineData("172.15.255.255", false)]
    [InlineData("172.32.0.0", false)]
    [InlineData("100.128.0.1", false)]
    [InlineData("8.8.8.8", false)]
    [InlineData("2001:4860:4860::8888", false)]
    [InlineData("127.8.9.10", true)]
    [InlineData("224.0.0.1", true)]
    [InlineData("255.255.255.255", true)]
    [InlineData("::", true)]
    [InlineData("fc00::1", true)]
    public void IsRefused_Ranges(string address, bool refused) => CallbackUrlGuard.IsRefused(IPAddress.Parse(address)).ShouldBe(refused);
}
