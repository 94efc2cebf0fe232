using System.Net;
using AngleSharp.Html.Parser;
using RtsApp.Features.Admin;
using RtsApp.Infrastructure;
using RtsApp.Tests.Components.Admin;
using RtsApp.Tests.Components.Scheduling;

namespace RtsApp.Tests.Infrastructure;

public sealed class SecurityHeadersFixture : IDisposable
{
    public RtsAppFactory App { get; } = RtsAppFactory.With(AdminSession.Settings());
    public void Dispose() => App.Dispose();
}

/// <summary>Every kind of response carries the security headers, and no page needs an inline script or style.</summary>
public sealed class SecurityHeadersTests(SecurityHeadersFixture fixture) : IClassFixture<SecurityHeadersFixture>
{
    private RtsAppFactory App => fixture.App;

    private static void ShouldHaveSecurityHeaders(HttpResponseMessage response, string what)
    {
        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        csp.ShouldContain("script-src 'self'", customMessage: what);
        csp.ShouldContain("frame-ancestors 'none'", customMessage: what);
        csp.ShouldNotContain("unsafe-inline", customMessage: what);
        csp.ShouldNotContain("unsafe-eval", customMessage: what);
        response.Headers.GetValues("X-Frame-Options").Single().ShouldBe("DENY", what);
        response.Headers.GetValues("X-Content-Type-Options").Single().ShouldBe("nosniff", what);
        response.Headers.GetValues("Referrer-Policy").Single().ShouldBeOneOf(SecurityHeaders.ReferrerPolicy, SecurityHeaders.SchedulingPageReferrerPolicy);
    }

    [Fact]
    public async Task EveryKindOfResponse_CarriesTheHeaders()
    {
        var api = await App.CreateApiClientAsync("Headers App");
        var link = await SchedulingLinks.CreateAsync(api);
        var admin = await AdminSession.SignedInAsync(App);
        var anonymous = App.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var responses = new List<(string What, HttpResponseMessage Response, HttpStatusCode Expected)>
        {
            ("home", await anonymous.GetAsync("/"), HttpStatusCode.OK),
            ("API 200", await api.GetAsync("/v1/accounts"), HttpStatusCode.OK),
            ("API 401", await anonymous.GetAsync("/v1/accounts"), HttpStatusCode.Unauthorized),
            ("API 422", await api.PostAsync("/v1/accounts", new { }), HttpStatusCode.UnprocessableEntity),
            ("scheduling page", await anonymous.GetAsync(link.Path), HttpStatusCode.OK),
            ("unknown scheduling link", await anonymous.GetAsync("/rts/nope"), HttpStatusCode.NotFound),
            ("sign-in", await anonymous.GetAsync(AdminSetup.SignInPath), HttpStatusCode.OK),
            ("admin redirect", await anonymous.GetAsync("/admin/links"), HttpStatusCode.Redirect),
            ("admin", await admin.Http.GetAsync("/admin"), HttpStatusCode.OK),
            ("admin links", await admin.Http.GetAsync("/admin/links"), HttpStatusCode.OK),
            ("static css", await anonymous.GetAsync("/app.css"), HttpStatusCode.OK),
            ("static js", await anonymous.GetAsync("/scheduling.js"), HttpStatusCode.OK),
            ("not found", await anonymous.GetAsync("/no/such/page"), HttpStatusCode.NotFound),
            ("health", await anonymous.GetAsync("/healthz"), HttpStatusCode.OK),
            ("openapi", await anonymous.GetAsync("/openapi/v1.json"), HttpStatusCode.OK),
        };
        foreach (var (what, response, expected) in responses)
        {
            response.StatusCode.ShouldBe(expected, what);
            ShouldHaveSecurityHeaders(response, what);
        }
    }

    [Fact]
    public async Task SchedulingPage_SendsNoReferrer_OtherPagesOnlyTheOrigin()
    {
        var link = await SchedulingLinks.CreateAsync(await App.CreateApiClientAsync("Referrer App"));
        var http = App.CreateClient();
        (await http.GetAsync(link.Path)).Headers.GetValues("Referrer-Policy").Single().ShouldBe("no-referrer");
        (await http.GetAsync(AdminSetup.SignInPath)).Headers.GetValues("Referrer-Policy").Single().ShouldBe("strict-origin-when-cross-origin");
    }

    /// <summary>What the policy forbids is not in the markup: scripts only by src, no event-handler or style attributes,
    /// no style elements.</summary>
    [Fact]
    public async Task Pages_HaveNoInlineScriptOrStyle()
    {
        var api = await App.CreateApiClientAsync("Inline App");
        var link = await SchedulingLinks.CreateAsync(api);
        var admin = await AdminSession.SignedInAsync(App);
        await AdminPagesTests.SeedAsync(App, "Inline Seed", "Inline interview");
        foreach (var path in new[] { "/", link.Path, AdminSetup.SignInPath, "/admin", "/admin/links", "/admin/accounts", "/admin/applications", "/no/such/page" })
        {
            var html = await (await admin.Http.GetAsync(path)).Content.ReadAsStringAsync();
            var page = await new HtmlParser().ParseDocumentAsync(html);
            page.QuerySelectorAll("script:not([src])").Select(e => e.OuterHtml).ShouldBeEmpty(path);
            page.QuerySelectorAll("style").ShouldBeEmpty(path);
            page.QuerySelectorAll("[style]").Select(e => e.OuterHtml).ShouldBeEmpty(path);
            page.All.SelectMany(e => e.Attributes).Where(a => a.Name.StartsWith("on", StringComparison.OrdinalIgnoreCase)).Select(a => a.Name).ShouldBeEmpty(path);
        }
    }
}
