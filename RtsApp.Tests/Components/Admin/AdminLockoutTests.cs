using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using RtsApp.Features.Admin;
using RtsApp.Tests.Infrastructure;

namespace RtsApp.Tests.Components.Admin;

/// <summary>Sign-in limits: per client, atomic across concurrent attempts and processes, with a global backstop that
/// never locks the right password out for good. Each test has its own app: the counts are the database's.</summary>
public sealed class AdminLockoutTests : IDisposable
{
    private readonly RtsAppFactory factory = RtsAppFactory.With(AdminSession.Settings());

    private AdminSession From(string address, RtsAppFactory? app = null)
    {
        var http = (app ?? factory).CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        http.DefaultRequestHeaders.Add(RtsAppFactory.RemoteAddressHeader, address);
        return new AdminSession(http);
    }

    [Fact]
    public async Task Burst_FortyConcurrentWrongPasswordsFromOneClient_AtMostFiveChecked()
    {
        // Two processes on one database, twenty attempts each, all at once.
        await using var other = RtsAppFactory.SharingDatabaseWith(factory);
        var client = AdminSignIn.ClientKey(IPAddress.Parse("198.51.100.1"));
        var checks = new[] { factory, other }.Select(app => app.Services.GetRequiredService<AdminSignIn>())
            .SelectMany(signIn => Enumerable.Range(0, 20).Select(i => Task.Run(() => signIn.CheckAsync($"wrong {i}", client))))
            .ToList();
        var results = await Task.WhenAll(checks);

        results.ShouldAllBe(r => !r.Succeeded);
        results.Count(r => r.PasswordChecked).ShouldBeLessThanOrEqualTo(AdminSignIn.MaxFailures);
        results.Count(r => r.PasswordChecked).ShouldBeGreaterThan(0);
        results.Count(r => !r.PasswordChecked).ShouldBeGreaterThanOrEqualTo(40 - AdminSignIn.MaxFailures);
        (await factory.Services.GetRequiredService<AdminSignIn>().CheckAsync(AdminSession.Password, client)).Succeeded.ShouldBeFalse();
    }

    [Fact]
    public async Task Burst_OverHttp_ThenAnotherClientSignsIn_AndTheFirstAgainAfterTheLockout()
    {
        var attacker = From("198.51.100.2");
        var page = await attacker.PageAsync(AdminSetup.SignInPath);
        var responses = await Task.WhenAll(Enumerable.Range(0, 40).Select(i =>
            attacker.SubmitAsync(page, "sign-in", new() { ["Password"] = $"wrong {i}" }, AdminSetup.SignInPath)));
        responses.ShouldAllBe(r => r.StatusCode == HttpStatusCode.Unauthorized || r.StatusCode == HttpStatusCode.TooManyRequests);
        responses.Count(r => r.StatusCode == HttpStatusCode.Unauthorized).ShouldBeLessThan(AdminSignIn.MaxFailures);
        (await attacker.SignInAsync(AdminSession.Password)).StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);

        // Another client is not locked out by the first one's guesses.
        var admin = From("192.0.2.50");
        (await admin.SignInAsync(AdminSession.Password)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await admin.Http.GetAsync("/admin")).StatusCode.ShouldBe(HttpStatusCode.OK);

        factory.Clock.Advance(AdminSignIn.LockoutDuration + Duration.FromSeconds(1));
        (await attacker.SignInAsync(AdminSession.Password)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
    }

    [Fact]
    public async Task RightPassword_ResetsTheClientsCount()
    {
        var signIn = factory.Services.GetRequiredService<AdminSignIn>();
        const string client = "ip:198.51.100.3";
        for (var round = 0; round < 3; round++)
        {
            for (var i = 1; i < AdminSignIn.MaxFailures; i++) (await signIn.CheckAsync("typo", client)).IsLockedOut.ShouldBeFalse();
            (await signIn.CheckAsync(AdminSession.Password, client)).Succeeded.ShouldBeTrue();
        }
    }

    [Fact]
    public async Task GlobalBackstop_ManyClientsGuessing_RefusesEveryoneForAMinuteOnly()
    {
        var signIn = factory.Services.GetRequiredService<AdminSignIn>();
        for (var i = 0; i < AdminSignIn.GlobalMaxFailures; i++)
            (await signIn.CheckAsync("guess", $"ip:10.1.{i / 256}.{i % 256}")).PasswordChecked.ShouldBeTrue();

        var refused = await signIn.CheckAsync(AdminSession.Password, "ip:192.0.2.99");
        refused.Succeeded.ShouldBeFalse();
        refused.PasswordChecked.ShouldBeFalse();
        refused.LockedUntil.ShouldBe(factory.Clock.Now + AdminSignIn.GlobalWindow);
        // The refused attempt did not use up that client's own allowance.
        await using (var db = factory.Db())
            (await db.ThrottleWindows.SingleAsync(t => t.Key == "ip:192.0.2.99")).Attempts.ShouldBe(0);

        factory.Clock.Advance(AdminSignIn.GlobalWindow);
        (await signIn.CheckAsync(AdminSession.Password, "ip:192.0.2.99")).Succeeded.ShouldBeTrue();
    }

    [Theory]
    [InlineData("192.0.2.1", "ip:192.0.2.1")]
    [InlineData("::ffff:192.0.2.1", "ip:192.0.2.1")]
    [InlineData("2001:db8:1:2:3:4:5:6", "ip:2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:2::ffff", "ip:2001:db8:1:2::/64")]
    [InlineData(null, "ip:unknown")]
    public void ClientKey_IPv6SharesItsSlash64(string? address, string key) =>
        AdminSignIn.ClientKey(address is null ? null : IPAddress.Parse(address)).ShouldBe(key);

    public void Dispose() => factory.Dispose();
}
