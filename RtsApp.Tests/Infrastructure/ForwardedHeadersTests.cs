using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Options;
using RtsApp.Features.Admin;
using RtsApp.Infrastructure;
using RtsApp.Tests.Components.Admin;

namespace RtsApp.Tests.Infrastructure;

/// <summary><c>Rts:ForwardedHeaders</c>: behind a TLS-terminating proxy the app sees https, but only from a known proxy.</summary>
public sealed class ForwardedHeadersTests
{
    private const string Proxy = "10.0.0.5";

    private static RtsAppFactory App(bool enabled = true, string knownProxy = Proxy) => RtsAppFactory.With(new Dictionary<string, string?>(AdminSession.Settings())
    {
        [ConfigKeys.ForwardedHeaders + ":Enabled"] = enabled ? "true" : "false",
        [ConfigKeys.ForwardedHeaders + ":KnownProxies:0"] = knownProxy,
        [ConfigKeys.ForwardedHeaders + ":KnownNetworks:0"] = "192.168.100.0/24",
    });

    private static HttpClient ThroughProxy(RtsAppFactory app, string from)
    {
        var http = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        http.DefaultRequestHeaders.Add(RtsAppFactory.RemoteAddressHeader, from);
        http.DefaultRequestHeaders.Add("X-Forwarded-Proto", "https");
        http.DefaultRequestHeaders.Add("X-Forwarded-For", "203.0.113.7");
        return http;
    }

    private static async Task<(string Cookie, string LinkUrl)> SignInAndCreateLinkAsync(RtsAppFactory app, string from)
    {
        var response = await new AdminSession(ThroughProxy(app, from)).SignInAsync(AdminSession.Password);
        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(AdminSetup.CookieName + "=", StringComparison.Ordinal));

        var created = await app.CreateApplicationAsync();
        var api = new ApiClient(ThroughProxy(app, from), created.ClientId, created.ClientSecret);
        var (sub, _) = await api.CreateAccountAsync();
        var calendarId = await api.CreateCalendarAsync(sub);
        var link = await api.PostOkAsync("/v1/real_time_scheduling", AdminPagesTests.LinkBody(sub, calendarId, "Forwarded"));
        return (cookie, link["real_time_scheduling"]!["url"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(Proxy)]
    [InlineData("192.168.100.20")] // inside a known network
    public async Task KnownProxy_ForwardedHttps_SecureCookieAndHttpsUrls(string from)
    {
        await using var app = App();
        var (cookie, url) = await SignInAndCreateLinkAsync(app, from);
        cookie.ShouldContain("secure", Case.Insensitive);
        url.ShouldStartWith("https://");
    }

    [Fact]
    public async Task UnknownProxy_HeadersIgnored()
    {
        await using var app = App();
        var (cookie, url) = await SignInAndCreateLinkAsync(app, "10.0.0.6");
        cookie.ShouldNotContain("secure", Case.Insensitive);
        url.ShouldStartWith("http://");
    }

    [Fact]
    public async Task Disabled_HeadersIgnoredEvenFromTheProxy()
    {
        await using var app = App(enabled: false);
        var (cookie, url) = await SignInAndCreateLinkAsync(app, Proxy);
        cookie.ShouldNotContain("secure", Case.Insensitive);
        url.ShouldStartWith("http://");
    }

    [Theory]
    [InlineData("KnownProxies:0", "10.0.0.300", "Rts:ForwardedHeaders:KnownProxies")]
    [InlineData("KnownNetworks:0", "10.0.0.0/33", "Rts:ForwardedHeaders:KnownNetworks")]
    [InlineData("KnownNetworks:0", "not a network", "Rts:ForwardedHeaders:KnownNetworks")]
    public void BadValue_FailsAtStartNamingTheKey(string key, string value, string named)
    {
        using var app = RtsAppFactory.With(new Dictionary<string, string?>
        {
            [ConfigKeys.ForwardedHeaders + ":Enabled"] = "true",
            [ConfigKeys.ForwardedHeaders + ":" + key] = value,
        });
        Should.Throw<OptionsValidationException>(() => app.Services).Message.ShouldContain(named);
    }
}
