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
    [InlineData("http://192.0.2.10/cb")] // documentation
    [InlineData("http://198.18.0.1/cb")] // benchmarking
    [InlineData("http://[2001:db8::1]/cb")] // documentation
    [InlineData("http://[2002:7f00:1::1]/cb")] // 6to4 of 127.0.0.1
    public void Check_LocalOrPrivate_RefusedUnlessAllowed(string url)
    {
        CallbackUrlGuard.Check(url, allowPrivateNetworks: false).ShouldNotBeNull();
        CallbackUrlGuard.Check(url, allowPrivateNetworks: true).ShouldBeNull();
    }
}
