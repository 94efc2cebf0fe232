using System.Text.Json.Nodes;
using Deque.AxeCore.Playwright;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using NodaTime;
using RtsApp.Features.Booking;
using RtsApp.Store;
using RtsApp.Tests.Components.Admin;
using RtsApp.Tests.E2E.Infrastructure;
using RtsApp.Tests.E2E.Pages;
using RtsApp.Tests.Features.Callbacks;
using RtsApp.Tests.Infrastructure;
using Reply = RtsApp.Tests.Features.Callbacks.CallbackReceiver.Reply;

namespace RtsApp.Tests.E2E;

[Collection(LiveAppCollection.Name)]
public sealed class AdminDashboardTests(LiveApp app)
{
    private async Task<(ApiClient Api, string LinkId, string Token)> CreateLinkAsync(string name, string summary, string? callbackUrl = null,
        RtsAppFactory? factory = null)
    {
        var api = await (factory ?? app.Factory).CreateApiClientAsync(name);
        var (sub, _) = await api.CreateAccountAsync("Ann " + name);
        var calendarId = await api.CreateCalendarAsync(sub, "Work");
        await api.PutEventAsync(calendarId, new { event_id = "standup", summary = "Team stand-up", start = "2026-03-23T09:00:00Z", end = "2026-03-23T09:30:00Z", tzid = "Europe/London" });
        var reply = await api.PostOkAsync("/v1/real_time_scheduling", AdminPagesTests.LinkBody(sub, calendarId, summary, callbackUrl));
        var url = reply["url"]!.GetValue<string>();
        return (api, reply["real_time_scheduling"]!["real_time_scheduling_id"]!.GetValue<string>(), url[(url.LastIndexOf('/') + 1)..]);
    }

    private static async Task NoAxeViolationsAsync(IPage page)
    {
        var result = await page.RunAxe();
        result.Violations.Select(v => $"{v.Id}: {v.Help} ({string.Join(", ", v.Nodes.Select(n => string.Join(" ", n.Target)))})").ShouldBeEmpty();
    }

    [Fact]
    public async Task SignIn_FindALinkBySearch_DisableIt_TheApiAndThePageReportIt()
    {
        var summary = "Staff Engineer Interview " + Guid.NewGuid().ToString("N")[..6];
        var (api, linkId, token) = await CreateLinkAsync("E2E Disable App", summary);
        var page = await app.NewPageAsync();
        await page.GotoAsync(AdminSignInPage.Path);
        await LiveApp.ScreenshotAsync(page, "admin-sign-in-1280");
        await new AdminSignInPage(page).SignInAsync();
        await NoAxeViolationsAsync(page);
        await LiveApp.ScreenshotAsync(page, "admin-overview-1280");

        var links = new AdminLinksPage(page);
        await links.OpenFromNavigationAsync();
        await links.SearchAsync(summary.ToLowerInvariant(), linkId);
        (await links.Rows.CountAsync()).ShouldBe(1);
        await NoAxeViolationsAsync(page);
        await LiveApp.ScreenshotAsync(page, "admin-links-search-1280");

        var detail = await links.OpenLinkAsync(linkId);
        (await detail.StatusAsync()).ShouldBe("open");
        await NoAxeViolationsAsync(page);
        await LiveApp.ScreenshotAsync(page, "admin-link-open-1280");

        await detail.DisableAsync("This position has been filled — thank you for your interest.");
        (await detail.StatusAsync()).ShouldBe("disabled");
        await LiveApp.ScreenshotAsync(page, "admin-link-disabled-1280");

        var status = await api.GetOkAsync($"/v1/real_time_scheduling/{linkId}");
        status["real_time_scheduling"]!["status"]!.GetValue<string>().ShouldBe("disabled");
        var invitee = new SchedulingPageObject(await app.NewPageAsync());
        await invitee.OpenAsync($"/rts/{token}");
        (await invitee.Page.Locator("main").InnerTextAsync()).ShouldContain("This position has been filled — thank you for your interest.");
        (await invitee.Times.CountAsync()).ShouldBe(0);
    }

    [Fact]
    public async Task ResendAFailedCallback_ItIsDelivered()
    {
        // This test moves the clock the callback worker reads, so it runs on an app of its own (see FakeClock).
        await using var own = LiveApp.StartOwnServer();
        await using var receiver = await CallbackReceiver.StartAsync(new Reply(500), new Reply(500), new Reply(500), new Reply(500));
        var (_, linkId, token) = await CreateLinkAsync("E2E Callback App", "Callback interview", receiver.Url, own.Factory);
        var booking = own.Factory.Services.GetRequiredService<BookingCommand>();
        var offered = (await own.Factory.Services.GetRequiredService<LinkPages>().GetPageAsync(token, default))!.Times[0];
        (await booking.BookAsync(token, offered.Start, "Europe/London", default)).ShouldBeOfType<BookingResult.Booked>();

        // Four failed attempts on the short schedule (1 s, 1 s, 2 s of the fake clock), then failed for good.
        await Eventually.HoldsAsync(async () =>
        {
            own.Factory.Clock.Advance(Duration.FromSeconds(3));
            await using var db = own.Factory.Db();
            return await db.CallbackDeliveries.AsNoTracking().Where(d => d.LinkId == linkId).Select(d => d.Status).SingleAsync();
        }, s => s == CallbackStatuses.Failed, "the callback failed for good");
        receiver.Received.Count.ShouldBe(4);

        var page = await app.NewPageAsync(on: own);
        await new AdminSignInPage(page).SignInAsync();
        var detail = await AdminLinkDetailPage.OpenAsync(page, linkId);
        var failed = detail.Deliveries(CallbackStatuses.Failed);
        (await failed.InnerTextAsync()).ShouldContain("500");
        await LiveApp.ScreenshotAsync(page, "admin-link-completed-failed-callback-1280");

        await detail.ResendAsync(failed);
        await receiver.ReceivedAsync(5);
        await Eventually.HoldsAsync(async () =>
        {
            await page.ReloadAsync();
            return await detail.Deliveries(CallbackStatuses.Delivered).CountAsync();
        }, n => n == 1, "the re-sent callback shows as delivered");
        (await detail.Deliveries(CallbackStatuses.Delivered).InnerTextAsync()).ShouldContain("200");
        (await detail.Deliveries(CallbackStatuses.Failed).CountAsync()).ShouldBe(1); // the record of what happened stays
        await NoAxeViolationsAsync(page);
        await LiveApp.ScreenshotAsync(page, "admin-link-resent-1280");
    }

    [Fact]
    public async Task Applications_CreateShowsTheSecretOnce_AccountsShowAnAgenda()
    {
        var (api, _, _) = await CreateLinkAsync("E2E Agenda App", "Agenda interview");
        var page = await app.NewPageAsync();
        await new AdminSignInPage(page).SignInAsync();
        var applications = new AdminApplicationsPage(page);
        await applications.OpenAsync();
        var secret = await applications.CreateAsync("Acme Recruiting");
        secret.ShouldStartWith("rts_sk_");
        await NoAxeViolationsAsync(page);
        await LiveApp.ScreenshotAsync(page, "admin-applications-created-1280");
        await applications.OpenAsync();
        (await page.ContentAsync()).ShouldNotContain(secret);

        var accounts = new AdminAccountsPage(page);
        await accounts.OpenAsync();
        await NoAxeViolationsAsync(page);
        await LiveApp.ScreenshotAsync(page, "admin-accounts-1280");
        await accounts.OpenAccountAsync("Ann E2E Agenda App", "standup");
        await NoAxeViolationsAsync(page);
        await LiveApp.ScreenshotAsync(page, "admin-account-agenda-1280");
    }
}
