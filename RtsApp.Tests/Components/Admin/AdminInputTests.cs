using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using RtsApp.Features.Admin;
using RtsApp.Tests.Infrastructure;

namespace RtsApp.Tests.Components.Admin;

public sealed class AdminInputFixture : IDisposable
{
    public RtsAppFactory App { get; } = RtsAppFactory.With(AdminSession.Settings());
    public void Dispose() => App.Dispose();
}

/// <summary>Whatever is in an admin URL, the page renders (SPEC §1: a 500 is always a bug): bad values count as absent,
/// numbers are clamped.</summary>
public sealed class AdminInputTests(AdminInputFixture fixture) : IClassFixture<AdminInputFixture>
{
    private static readonly string Huge = new('9', 5000);
    private static readonly string Long = new('x', 20_000);

    public static TheoryData<string> HostileQueries() =>
    [
        "page=abc", "page=99999999999", "page=-5", "page=0", "page=1e3", "page=%00", "page=%E2%82%AC", "page=" + Huge,
        "page=1&page=2", "page=", "page=%20%207",
        "status=bogus", "status=%00", "status=open&status=completed", "status=" + Long,
        "app=%00", "app=" + Long, "app=x&app=y",
        "q=%01%02%1B%7F", "q=%00", "q=" + Long, "q=%F0%9F%98%80%C3%A9", "q=a&q=b", "q=%25%5F%5C",
        "page=abc&status=%00&app=%00&q=%00",
    ];

    [Theory]
    [MemberData(nameof(HostileQueries))]
    public async Task Links_AnyQuery_RendersThePage(string query)
    {
        var session = await AdminSession.SignedInAsync(fixture.App);
        var page = await session.PageAsync("/admin/links?" + query);
        page.QuerySelector("h1")!.TextContent.ShouldBe("Links");
    }

    [Theory]
    [MemberData(nameof(HostileQueries))]
    public async Task Accounts_AnyQuery_RendersThePage(string query)
    {
        var session = await AdminSession.SignedInAsync(fixture.App);
        var page = await session.PageAsync("/admin/accounts?" + query);
        page.QuerySelector("h1")!.TextContent.ShouldBe("Accounts");
    }

    [Theory]
    [InlineData("/admin/links/sch_x?done=%00")]
    [InlineData("/admin/links/sch_x?done=disabled&done=resent")]
    [InlineData("/admin/links/%E2%82%AC%01")]
    [InlineData("/admin/accounts/%01%02?x=%00")]
    [InlineData("/admin/links/%7F")]
    public async Task Detail_HostileIds_AreNotFoundPages(string path)
    {
        var session = await AdminSession.SignedInAsync(fixture.App);
        await session.PageAsync(path, HttpStatusCode.NotFound);
    }

    public static TheoryData<string, string> ReturnUrls() => new()
    {
        { "%2Fadmin%2Flinks", "/admin/links" },
        { "%2Fadmin%2Flinks%3Fq%3Dcaf%C3%A9", "/admin/links?q=caf%C3%A9" },
        { "%2Fadmin%2F%C3%A9t%C3%A9", "/admin/%C3%A9t%C3%A9" },
        { "%2Fadmin%2F%E2%82%AC%3Fx%3D%F0%9F%98%80", "/admin/%E2%82%AC?x=%F0%9F%98%80" },
        { "https%3A%2F%2Fevil.example%2Fadmin", "/admin" },
        { "http%3A%2F%2Flocalhost%2Fadmin%2Flinks", "/admin" },
        { "%2F%2Fevil.example%2Fadmin", "/admin" },
        { "%2F%5Cevil.example%2Fadmin", "/admin" },
        { "%2Fadmin%5C..%5C..%2Fv1", "/admin" },
        { "%2Fadmin%2F..%2Fv1%2Faccounts", "/admin" },
        { "%2Fadmin%0D%0ASet-Cookie%3A%20x%3D1", "/admin" },
        { "%2Fadmin%2Flinks%00", "/admin" },
        { "%2Fadmin%09", "/admin" },
        { "%E2%82%AC", "/admin" },
        { "javascript%3Aalert(1)", "/admin" },
        { "%2Fadmin%2F%25", "/admin/%25" },
        { "%2Fadmin%2F%25zz", "/admin/%25zz" },
        { "%2Fadmin%2F%25%C3%A9", "/admin/%25%C3%A9" },
        { "%2Fadmin%3Fq%3D%25E9", "/admin?q=%E9" },
        { "%2Fadmin%23top", "/admin" },
        { "%2Fadmin%2F%F0%9F%98%80%25", "/admin/%F0%9F%98%80%25" },
        { "%2Fadmin%2Flinks&ReturnUrl=https%3A%2F%2Fevil.example", "/admin/links" }, // the first value counts
    };

    [Theory]
    [MemberData(nameof(ReturnUrls))]
    public async Task SignIn_AnyReturnUrl_RedirectsToALocalAdminPathOnly(string returnUrl, string expected)
    {
        var session = AdminSession.Anonymous(fixture.App);
        var response = await session.SignInAsync(AdminSession.Password, $"{AdminSetup.SignInPath}?ReturnUrl={returnUrl}");
        response.StatusCode.ShouldBe(HttpStatusCode.Redirect, await response.Content.ReadAsStringAsync());
        var location = response.Headers.Location!;
        (location.IsAbsoluteUri ? location.PathAndQuery : location.OriginalString).ShouldBe(expected);
        if (location.IsAbsoluteUri) location.Host.ShouldBe("localhost");
    }

    /// <summary>On Kestrel, unlike the in-memory test server, a response header with a non-ASCII character fails the
    /// response: the redirect after sign-in must be encoded.</summary>
    [Fact]
    public async Task SignIn_OnKestrel_NonAsciiReturnUrl_RedirectsWithAnEncodedLocation()
    {
        await using var factory = RtsAppFactory.With(AdminSession.Settings());
        factory.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        factory.StartServer();
        var baseUrl = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        foreach (var (returnUrl, expected) in new[] { ("%2Fadmin%2F%C3%A9t%C3%A9", "/admin/%C3%A9t%C3%A9"), ("%2Fadmin%3Fq%3D%E2%82%AC", "/admin?q=%E2%82%AC"), ("https%3A%2F%2F%C3%A9vil.example%2Fadmin", "/admin") })
        {
            using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer() }) { BaseAddress = new Uri(baseUrl) };
            var response = await new AdminSession(http).SignInAsync(AdminSession.Password, $"{AdminSetup.SignInPath}?ReturnUrl={returnUrl}");
            response.StatusCode.ShouldBe(HttpStatusCode.Redirect, returnUrl);
            var location = response.Headers.Location!;
            (location.IsAbsoluteUri ? location.PathAndQuery : location.OriginalString).ShouldBe(expected);
        }
    }

    [Theory]
    [InlineData("/admin/é")]
    [InlineData("/admin/links?q=\u0001")]
    [InlineData("https://evil.example/admin")]
    [InlineData("/admin/../v1")]
    [InlineData("/admin?x=\r\nLocation: https://evil.example")]
    public void SafeReturnUrl_IsAsciiAndLocal(string returnUrl)
    {
        var safe = AdminSetup.SafeReturnUrl(returnUrl);
        safe.ShouldStartWith(AdminSetup.Prefix);
        safe.ShouldAllBe(c => c > ' ' && c < 127);
    }
}
