using System.Net;
using System.Reflection;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using RtsApp.Features.Admin;
using RtsApp.Store;
using RtsApp.Tests.Infrastructure;

namespace RtsApp.Tests.Components.Admin;

/// <summary>Who gets into /admin. Each test has its own app: the lockout state is the database's.</summary>
public sealed class AdminAuthTests : IDisposable
{
    private readonly RtsAppFactory factory = RtsAppFactory.With(AdminSession.Settings());

    /// <summary>Every routable admin page, found from the components' own route attributes, with a sample id.</summary>
    public static TheoryData<string> AdminRoutes()
    {
        var data = new TheoryData<string>();
        foreach (var template in typeof(Program).Assembly.GetTypes()
                     .SelectMany(t => t.GetCustomAttributes<RouteAttribute>()).Select(r => r.Template)
                     .Where(t => t.StartsWith(AdminSetup.Prefix, StringComparison.Ordinal) && t != AdminSetup.SignInPath).Distinct().Order())
            data.Add(template.Replace("{Id}", "sch_0000"));
        return data;
    }

    [Fact]
    public void AdminRoutes_CoverEveryPage() =>
        ((IEnumerable<object[]>)AdminRoutes()).Select(r => (string)r[0]).ShouldBe(
            ["/admin", "/admin/accounts", "/admin/accounts/sch_0000", "/admin/applications", "/admin/links", "/admin/links/sch_0000"], ignoreOrder: true);

    [Theory]
    [MemberData(nameof(AdminRoutes))]
    public async Task AdminPage_Anonymous_RedirectsToSignInWithoutContent(string path)
    {
        var http = AdminSession.Anonymous(factory).Http;
        foreach (var response in new[] { await http.GetAsync(path), await http.PostAsync(path, new FormUrlEncodedContent([new("_handler", "x")])) })
        {
            response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
            response.Headers.Location!.AbsolutePath.ShouldBe(AdminSetup.SignInPath);
            (await response.Content.ReadAsStringAsync()).ShouldBeEmpty();
        }
    }

    [Fact]
    public async Task SignOut_Anonymous_RedirectsToSignIn()
    {
        var response = await AdminSession.Anonymous(factory).Http.PostAsync(AdminSetup.SignOutPath, new FormUrlEncodedContent([]));
        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        response.Headers.Location!.AbsolutePath.ShouldBe(AdminSetup.SignInPath);
    }

    [Fact]
    public async Task SignIn_RightPassword_SetsAStrictHttpOnlyCookieAndReturnsToThePage()
    {
        var session = AdminSession.Anonymous(factory);
        var response = await session.SignInAsync(AdminSession.Password, "/admin/sign-in?ReturnUrl=%2Fadmin%2Flinks");
        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        response.Headers.Location!.OriginalString.ShouldEndWith("/admin/links");
        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(AdminSetup.CookieName + "=", StringComparison.Ordinal));
        cookie.ShouldContain("httponly", Case.Insensitive);
        cookie.ShouldContain("samesite=strict", Case.Insensitive);
        cookie.ShouldContain("path=/admin", Case.Insensitive);
        cookie.ShouldNotContain("secure;", Case.Insensitive); // plain http here; SameAsRequest marks it Secure over https
        (await session.Http.GetAsync("/admin/links")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task SignIn_OverHttps_MarksTheCookieSecure()
    {
        var session = new AdminSession(factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions
        { AllowAutoRedirect = false, BaseAddress = new Uri("https://localhost") }));
        var response = await session.SignInAsync(AdminSession.Password);
        response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(AdminSetup.CookieName + "=", StringComparison.Ordinal)).ShouldContain("secure", Case.Insensitive);
    }

    [Theory]
    [InlineData("https://evil.example/admin", "/admin")]
    [InlineData("//evil.example/admin", "/admin")]
    [InlineData("/adminx", "/admin")]
    [InlineData("/v1/accounts", "/admin")]
    [InlineData("/admin/links?status=open", "/admin/links?status=open")]
    [InlineData(null, "/admin")]
    public void SafeReturnUrl_OnlyLocalAdminPaths(string? returnUrl, string expected) => AdminSetup.SafeReturnUrl(returnUrl).ShouldBe(expected);

    [Fact]
    public async Task SignIn_WrongPassword_ShowsAnErrorAndDoesNotSignIn()
    {
        var session = AdminSession.Anonymous(factory);
        var response = await session.SignInAsync("not the password");
        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (response.Headers.TryGetValues("Set-Cookie", out var cookies) ? cookies : []).ShouldNotContain(c => c.StartsWith(AdminSetup.CookieName + "="));
        (await AdminSession.Parse(response)).QuerySelector("[data-test=sign-in-error]")!.TextContent.ShouldBe("Wrong password.");
        (await session.Http.GetAsync("/admin")).StatusCode.ShouldBe(HttpStatusCode.Redirect);
    }

    [Fact]
    public async Task SignIn_WithoutAntiforgeryToken_IsRefused()
    {
        var session = AdminSession.Anonymous(factory);
        var response = await session.Http.PostAsync(AdminSetup.SignInPath,
            new FormUrlEncodedContent([new("_handler", "sign-in"), new("Password", AdminSession.Password)]));
        response.StatusCode.ShouldBe(HttpStatusCode.SeeOther); // the sign-in page again, nothing signed in
        response.Headers.Location!.ToString().ShouldBe(AdminSetup.SignInPath + "?notice=expired");
        response.Headers.TryGetValues("Set-Cookie", out var cookies).ShouldBeFalse(cookies?.FirstOrDefault());
        (await session.PageAsync(response.Headers.Location.ToString())).QuerySelector("[data-test=form-expired]").ShouldNotBeNull();
        (await session.PageAsync(AdminSetup.SignInPath)).QuerySelector("[data-test=form-expired]").ShouldBeNull();
        (await session.Http.GetAsync("/admin")).StatusCode.ShouldBe(HttpStatusCode.Redirect);
    }

    [Fact]
    public async Task SignIn_AfterFiveFailures_IsLockedEvenWithTheRightPassword_UntilTheLockoutEnds()
    {
        using var clock = factory.UseClock(RtsAppFactory.DefaultNow);
        var session = AdminSession.Anonymous(factory);
        for (var i = 1; i < AdminSignIn.MaxFailures; i++)
            (await session.SignInAsync("wrong " + i)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        var locking = await session.SignInAsync("wrong again");
        locking.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        (await AdminSession.Parse(locking)).QuerySelector("[data-test=sign-in-error]")!.TextContent.ShouldContain("locked until");

        var refused = await session.SignInAsync(AdminSession.Password);
        refused.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        (await session.Http.GetAsync("/admin")).StatusCode.ShouldBe(HttpStatusCode.Redirect);

        // The state is in the database: a second process on it sees the same lockout.
        await using (var other = RtsAppFactory.SharingDatabaseWith(factory))
            (await AdminSession.Anonymous(other).SignInAsync(AdminSession.Password)).StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);

        clock.Advance(NodaTime.Duration.FromSeconds(AdminSignIn.LockoutDuration.TotalSeconds + 1));
        (await session.SignInAsync(AdminSession.Password)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await session.Http.GetAsync("/admin")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task SignOut_EndsTheSession()
    {
        var session = await AdminSession.SignedInAsync(factory);
        var page = await session.PageAsync("/admin");
        var form = page.QuerySelector($"form[action='{AdminSetup.SignOutPath}']")!;
        var token = form.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;

        (await session.Http.PostAsync(AdminSetup.SignOutPath, new FormUrlEncodedContent([]))).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var response = await session.Http.PostAsync(AdminSetup.SignOutPath, new FormUrlEncodedContent([new("__RequestVerificationToken", token)]));
        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await session.Http.GetAsync("/admin")).StatusCode.ShouldBe(HttpStatusCode.Redirect);
    }

    [Fact]
    public async Task SignOut_ACopyOfTheCookieKeptFromBefore_OpensNothing_AndOtherSessionsStand()
    {
        var session = AdminSession.Anonymous(factory);
        var signedIn = await session.SignInAsync(AdminSession.Password);
        var cookie = signedIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(AdminSetup.CookieName + "=", StringComparison.Ordinal)).Split(';')[0];
        var other = await AdminSession.SignedInAsync(factory);
        var copy = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        Task<HttpResponseMessage> WithCopyAsync()
        {
            var request = new HttpRequestMessage(HttpMethod.Get, "/admin/applications");
            request.Headers.Add("Cookie", cookie);
            return copy.SendAsync(request);
        }
        (await WithCopyAsync()).StatusCode.ShouldBe(HttpStatusCode.OK);

        var token = (await session.PageAsync("/admin")).QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        (await session.Http.PostAsync(AdminSetup.SignOutPath, new FormUrlEncodedContent([new("__RequestVerificationToken", token)])))
            .StatusCode.ShouldBe(HttpStatusCode.Redirect);

        var replayed = await WithCopyAsync();
        replayed.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        replayed.Headers.Location!.AbsolutePath.ShouldBe(AdminSetup.SignInPath);
        (await other.Http.GetAsync("/admin/applications")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    /// <summary>A cookie from before sessions had names (or made without one) opens nothing; the same cookie with a name
    /// does, so the refusal is the missing name's.</summary>
    [Fact]
    public async Task ACookieWithoutASessionName_IsRefused()
    {
        var format = factory.Services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>().Get(AdminSetup.Scheme).TicketDataFormat;
        var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        Task<HttpResponseMessage> WithCookieAsync(params Claim[] claims)
        {
            var ticket = new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity(claims, AdminSetup.Scheme)), AdminSetup.Scheme);
            var request = new HttpRequestMessage(HttpMethod.Get, "/admin/applications");
            request.Headers.Add("Cookie", $"{AdminSetup.CookieName}={format.Protect(ticket)}");
            return client.SendAsync(request);
        }

        (await WithCookieAsync([new Claim(AdminSetup.AdminClaim, "admin"), .. factory.Services.GetRequiredService<AdminSessions>().NewSession()]))
            .StatusCode.ShouldBe(HttpStatusCode.OK);
        var unnamed = await WithCookieAsync(new Claim(AdminSetup.AdminClaim, "admin"));
        unnamed.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        unnamed.Headers.Location!.AbsolutePath.ShouldBe(AdminSetup.SignInPath);
    }

    /// <summary>However the cookie's own idle expiry slides, the session ends a day after it signed in.</summary>
    [Fact]
    public async Task ASession_EndsADayAfterSigningIn_HoweverBusy()
    {
        await using var app = RtsAppFactory.With(AdminSession.Settings());
        var session = await AdminSession.SignedInAsync(app);
        NodaTime.Duration[] steps = [NodaTime.Duration.FromHours(7), NodaTime.Duration.FromHours(7), NodaTime.Duration.FromHours(7), NodaTime.Duration.FromMinutes(179)];
        foreach (var step in steps)
        {
            app.Clock.Advance(step); // 7 h, 14 h, 21 h and 23 h 59 min after signing in, by the app clock (the cookie's own idle expiry reads real time)
            (await session.Http.GetAsync("/admin/applications")).StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        app.Clock.Advance(NodaTime.Duration.FromMinutes(1));
        var ended = await session.Http.GetAsync("/admin/applications");
        ended.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        ended.Headers.Location!.AbsolutePath.ShouldBe(AdminSetup.SignInPath);
    }

    [Fact]
    public async Task AChangedPassword_EndsTheSessionsSignedInBefore()
    {
        await using var app = RtsAppFactory.With(AdminSession.Settings());
        var before = await AdminSession.SignedInAsync(app);
        (await before.Http.GetAsync("/admin/applications")).StatusCode.ShouldBe(HttpStatusCode.OK);

        app.Clock.Advance(NodaTime.Duration.FromMinutes(1));
        (await app.Services.GetRequiredService<AdminSignIn>().EnsurePasswordAsync("a changed password")).ShouldBeNull();

        var refused = await before.Http.GetAsync("/admin/applications");
        refused.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        refused.Headers.Location!.AbsolutePath.ShouldBe(AdminSetup.SignInPath);
        var after = AdminSession.Anonymous(app);
        (await after.SignInAsync("a changed password")).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await after.Http.GetAsync("/admin/applications")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Password_IsStoredOnlyAsAHash_AndAChangedConfigurationReplacesIt()
    {
        await using (var db = factory.Db())
        {
            var row = await db.AdminCredentials.SingleAsync();
            row.PasswordHash.ShouldNotContain(AdminSession.Password);
            row.PasswordHash.Length.ShouldBeGreaterThan(40);
        }
        var signIn = factory.Services.GetRequiredService<AdminSignIn>();
        (await signIn.EnsurePasswordAsync("a new password")).ShouldBeNull();
        (await signIn.CheckAsync(AdminSession.Password)).Succeeded.ShouldBeFalse();
        (await signIn.CheckAsync("a new password")).Succeeded.ShouldBeTrue();
    }

    [Fact]
    public async Task Password_Unset_IsGeneratedOnceAndOnlyItsHashKept()
    {
        await using var unset = new RtsAppFactory();
        _ = unset.Services; // starts the app, which stores a generated password
        var signIn = unset.Services.GetRequiredService<AdminSignIn>();
        await using (var db = unset.Db())
            (await db.AdminCredentials.CountAsync()).ShouldBe(1);
        (await signIn.EnsurePasswordAsync(null)).ShouldBeNull(); // not generated (or printed) again

        // On an empty credential table, the generated password is returned once and then works.
        await using (var db = unset.Db())
            await db.AdminCredentials.ExecuteDeleteAsync();
        var generated = await signIn.EnsurePasswordAsync(null);
        generated.ShouldNotBeNull();
        generated.Length.ShouldBeGreaterThanOrEqualTo(24);
        (await signIn.EnsurePasswordAsync(null)).ShouldBeNull();
        (await signIn.CheckAsync(generated)).Succeeded.ShouldBeTrue();
    }

    public void Dispose() => factory.Dispose();
}
