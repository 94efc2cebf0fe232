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
using RtsApp.Tests.Features.Callbacks;
using RtsApp.Tests.Infrastructure;
using Reply = RtsApp.Tests.Features.Callbacks.CallbackReceiver.Reply;

namespace RtsApp.Tests.E2E;

/// <summary>The dashboard's selectors, in one place.</summary>
public static class AdminUi
{
    public const string Password = "#password";
    public const string Submit = "button[type=submit]";
    public const string Search = "#q";
    public const string Filter = "button:has-text('Filter')";
    public const string DisplayMessage = "#display-message";
    public const string Disable = "button:has-text('Disable')";
    public const string LinkStatus = "[data-test=link-status] [data-status]";
    public const string AppName = "#app-name";

    public static string LinkRow(string id) => $"tr[data-link-id='{id}']";
    public static string DeliveryRow(string status) => $"tr[data-delivery-id][data-status='{status}']";

    public static async Task SignInAsync(IPage page)
    {
        await page.GotoAsync("/admin");
        page.Url.ShouldContain("/admin/sign-in");
        await page.FillAsync(Password, LiveApp.AdminPassword);
        await page.ClickAsync(Submit);
        await page.WaitForURLAsync(u => new Uri(u).AbsolutePath == "/admin");
    }
}

[Collection(LiveAppCollection.Name)]
public sealed class AdminDashboardTests(LiveApp app)
{
    private async Task<(ApiClient Api, string LinkId, string Token)> CreateLinkAsync(string name, string summary, string? callbackUrl = null)
    {
        var api = await app.Factory.CreateApiClientAsync(name);
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
        await page.GotoAsync("/admin/sign-in");
        await LiveApp.ScreenshotAsync(page, "admin-sign-in-1280");
        await AdminUi.SignInAsync(page);
        await NoAxeViolationsAsync(page);
        await LiveApp.ScreenshotAsync(page, "admin-overview-1280");

        await page.ClickAsync("nav[aria-label=Dashboard] >> text=Links");
        await page.FillAsync(AdminUi.Search, summary.ToLowerInvariant());
        await page.ClickAsync(AdminUi.Filter);
        await page.Locator(AdminUi.LinkRow(linkId)).WaitForAsync();
        (await page.Locator("tr[data-link-id]").CountAsync()).ShouldBe(1);
        await NoAxeViolationsAsync(page);
        await LiveApp.ScreenshotAsync(page, "admin-links-search-1280");

        await page.ClickAsync($"{AdminUi.LinkRow(linkId)} a");
        await page.WaitForURLAsync($"**/admin/links/{linkId}");
        (await page.GetAttributeAsync(AdminUi.LinkStatus, "data-status")).ShouldBe("open");
        await NoAxeViolationsAsync(page);
        await LiveApp.ScreenshotAsync(page, "admin-link-open-1280");

        await page.FillAsync(AdminUi.DisplayMessage, "This position has been filled — thank you for your interest.");
        await page.ClickAsync(AdminUi.Disable);
        await page.WaitForURLAsync("**?done=disabled");
        (await page.GetAttributeAsync(AdminUi.LinkStatus, "data-status")).ShouldBe("disabled");
        await LiveApp.ScreenshotAsync(page, "admin-link-disabled-1280");

        var status = await api.GetOkAsync($"/v1/real_time_scheduling/{linkId}");
        status["real_time_scheduling"]!["status"]!.GetValue<string>().ShouldBe("disabled");
        var invitee = await app.NewPageAsync();
        await invitee.GotoAsync($"/rts/{token}");
        (await invitee.Locator("main").InnerTextAsync()).ShouldContain("This position has been filled — thank you for your interest.");
        (await invitee.Locator("[data-slot-start]").CountAsync()).ShouldBe(0);
    }

    [Fact]
    public async Task ResendAFailedCallback_ItIsDelivered()
    {
        await using var receiver = await CallbackReceiver.StartAsync(new Reply(500), new Reply(500), new Reply(500), new Reply(500));
        var (_, linkId, token) = await CreateLinkAsync("E2E Callback App", "Callback interview", receiver.Url);
        var booking = app.Factory.Services.GetRequiredService<BookingCommand>();
        var offered = (await app.Factory.Services.GetRequiredService<LinkPages>().GetPageAsync(token, default))!.Times.First();
        (await booking.BookAsync(token, offered.Start, "Europe/London", default)).ShouldBeOfType<BookingResult.Booked>();

        // Four failed attempts on the short schedule (1 s, 1 s, 2 s of the fake clock), then failed for good.
        await Eventually.HoldsAsync(async () =>
        {
            app.Factory.Clock.Advance(Duration.FromSeconds(3));
            await using var db = app.Factory.Db();
            return await db.CallbackDeliveries.AsNoTracking().Where(d => d.LinkId == linkId).Select(d => d.Status).SingleAsync();
        }, s => s == CallbackStatuses.Failed, "the callback failed for good");
        receiver.Received.Count.ShouldBe(4);

        var page = await app.NewPageAsync();
        await AdminUi.SignInAsync(page);
        await page.GotoAsync($"/admin/links/{linkId}");
        var failed = page.Locator(AdminUi.DeliveryRow(CallbackStatuses.Failed));
        (await failed.InnerTextAsync()).ShouldContain("500");
        await LiveApp.ScreenshotAsync(page, "admin-link-completed-failed-callback-1280");

        await failed.Locator("[data-action=resend]").ClickAsync();
        await page.WaitForURLAsync("**?done=resent");
        await receiver.ReceivedAsync(5);
        await Eventually.HoldsAsync(async () =>
        {
            await page.ReloadAsync();
            return await page.Locator(AdminUi.DeliveryRow(CallbackStatuses.Delivered)).CountAsync();
        }, n => n == 1, "the re-sent callback shows as delivered");
        (await page.Locator(AdminUi.DeliveryRow(CallbackStatuses.Delivered)).InnerTextAsync()).ShouldContain("200");
        (await page.Locator(AdminUi.DeliveryRow(CallbackStatuses.Failed)).CountAsync()).ShouldBe(1); // the record of what happened stays
        await NoAxeViolationsAsync(page);
        await LiveApp.ScreenshotAsync(page, "admin-link-resent-1280");
    }

    [Fact]
    public async Task Applications_CreateShowsTheSecretOnce_AccountsShowAnAgenda()
    {
        var (api, _, _) = await CreateLinkAsync("E2E Agenda App", "Agenda interview");
        var page = await app.NewPageAsync();
        await AdminUi.SignInAsync(page);
        await page.GotoAsync("/admin/applications");
        await page.FillAsync(AdminUi.AppName, "Acme Recruiting");
        await page.ClickAsync("button:has-text('Create')");
        var secret = await page.Locator("[data-test=client-secret]").InnerTextAsync();
        secret.ShouldStartWith("rts_sk_");
        await NoAxeViolationsAsync(page);
        await LiveApp.ScreenshotAsync(page, "admin-applications-created-1280");
        await page.GotoAsync("/admin/applications");
        (await page.ContentAsync()).ShouldNotContain(secret);

        await page.GotoAsync("/admin/accounts");
        await NoAxeViolationsAsync(page);
        await LiveApp.ScreenshotAsync(page, "admin-accounts-1280");
        await page.ClickAsync("a:has-text('Ann E2E Agenda App')");
        await page.Locator("[data-event-id=standup]").WaitForAsync();
        await NoAxeViolationsAsync(page);
        await LiveApp.ScreenshotAsync(page, "admin-account-agenda-1280");
    }
}
