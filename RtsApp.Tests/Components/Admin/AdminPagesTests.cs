using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using RtsApp.Features.Admin;
using RtsApp.Features.Callbacks;
using RtsApp.Store;
using RtsApp.Tests.Infrastructure;

namespace RtsApp.Tests.Components.Admin;

public sealed class AdminPagesFixture : IDisposable
{
    public RtsAppFactory App { get; } = RtsAppFactory.With(AdminSession.Settings());
    public void Dispose() => App.Dispose();
}

/// <summary>The signed-in dashboard over HTTP. Tests share one app; each makes its own application and data.</summary>
public sealed class AdminPagesTests(AdminPagesFixture fixture) : IClassFixture<AdminPagesFixture>
{
    private RtsAppFactory App => fixture.App;

    /// <summary>An application with an account, a calendar with one upcoming event, and an open scheduling link.</summary>
    public static async Task<(ApiClient Api, string Sub, string CalendarId, string LinkId)> SeedAsync(RtsAppFactory app, string name, string summary)
    {
        var api = await app.CreateApiClientAsync(name);
        var (sub, _) = await api.CreateAccountAsync("Ann " + name);
        var calendarId = await api.CreateCalendarAsync(sub, "Work");
        await api.PutEventAsync(calendarId, new { event_id = "standup", summary = "Team stand-up", start = "2026-03-23T09:00:00Z", end = "2026-03-23T09:30:00Z", tzid = "Europe/London" });
        var link = await api.PostOkAsync("/v1/real_time_scheduling", LinkBody(sub, calendarId, summary));
        return (api, sub, calendarId, link["real_time_scheduling"]!["real_time_scheduling_id"]!.GetValue<string>());
    }

    public static object LinkBody(string sub, string calendarId, string summary, string? callbackUrl = null) => new
    {
        oauth = new { redirect_uri = "https://app.example/after" },
        @event = new { event_id = "interview-" + Guid.NewGuid().ToString("N")[..8], summary, tzid = "Europe/London" },
        availability = new
        {
            participants = new[] { new { members = new[] { new { sub } }, required = "all" } },
            required_duration = new { minutes = 45 },
            query_periods = new[] { new { start = "2026-03-23T09:00:00Z", end = "2026-03-23T17:00:00Z" } },
        },
        target_calendars = new[] { new { sub, calendar_id = calendarId } },
        callback_url = callbackUrl,
    };

    [Fact]
    public async Task EveryPage_SignedIn_RendersWithAntiforgeryInEveryPostForm()
    {
        var (_, sub, _, linkId) = await SeedAsync(App, "Pages App", "Pages interview");
        var session = await AdminSession.SignedInAsync(App);
        foreach (var path in new[] { "/admin", "/admin/links", "/admin/applications", "/admin/accounts", $"/admin/links/{linkId}", $"/admin/accounts/{sub}" })
        {
            var page = await session.PageAsync(path);
            page.QuerySelector("h1").ShouldNotBeNull(path);
            var forms = page.QuerySelectorAll("form[method=post]");
            forms.Length.ShouldBeGreaterThan(0, path); // at least sign-out
            foreach (var form in forms)
                form.QuerySelector("input[name=__RequestVerificationToken]")?.GetAttribute("value").ShouldNotBeNullOrEmpty(path);
            page.QuerySelector("script[src*='blazor']").ShouldBeNull();
        }
    }

    [Fact]
    public async Task UnknownIds_Are404Pages()
    {
        var session = await AdminSession.SignedInAsync(App);
        await session.PageAsync("/admin/links/sch_nope", HttpStatusCode.NotFound);
        await session.PageAsync("/admin/accounts/acc_nope", HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task CreateApplication_ShowsTheSecretOnce_AndTheListNeverShowsIt()
    {
        var session = await AdminSession.SignedInAsync(App);
        var response = await session.SubmitAsync(await session.PageAsync("/admin/applications"), "create-application",
            new() { ["Name"] = "Dashboard Made" }, "/admin/applications");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var page = await AdminSession.Parse(response);
        var secret = page.QuerySelector("[data-test=client-secret]")!.TextContent;
        var clientId = page.QuerySelector("[data-test=client-id]")!.TextContent;
        secret.ShouldStartWith("rts_sk_");

        // The secret works against the API: the page used the same handler as the CLI.
        var api = new ApiClient(App.CreateClient(), clientId, secret);
        await api.CreateAccountAsync("Zed");

        var list = await session.Http.GetStringAsync("/admin/applications");
        list.ShouldContain(clientId);
        list.ShouldContain("Dashboard Made");
        list.ShouldNotContain(secret);
    }

    [Fact]
    public async Task CreateApplication_WithoutAName_ShowsTheHandlersError()
    {
        var session = await AdminSession.SignedInAsync(App);
        var response = await session.SubmitAsync(await session.PageAsync("/admin/applications"), "create-application",
            new() { ["Name"] = "  " }, "/admin/applications");
        (await response.Content.ReadAsStringAsync()).ShouldContain("A name is required.");
    }

    [Fact]
    public async Task CreateApplication_WithAControlCharacter_ShowsTheHandlersError_AndCreatesNothing()
    {
        var session = await AdminSession.SignedInAsync(App);
        var response = await session.SubmitAsync(await session.PageAsync("/admin/applications"), "create-application",
            new() { ["Name"] = "Tab\tbed" }, "/admin/applications");
        var page = await AdminSession.Parse(response);
        page.QuerySelector(".alert-danger")!.TextContent.ShouldContain("cannot contain control characters");
        page.QuerySelector("[data-test=client-secret]").ShouldBeNull();
        (await session.Http.GetStringAsync("/admin/applications")).ShouldNotContain("bed");
    }

    [Fact]
    public async Task RotateSecret_ShowsTheNewSecret_TheOldOneStillWorks()
    {
        var created = await App.CreateApplicationAsync("Rotated App");
        var session = await AdminSession.SignedInAsync(App);
        var response = await session.SubmitAsync(await session.PageAsync("/admin/applications"), "rotate-secret",
            new() { ["RotateClientId"] = created.ClientId }, "/admin/applications");
        var page = await AdminSession.Parse(response);
        var secret = page.QuerySelector("[data-test=client-secret]")!.TextContent;
        secret.ShouldNotBe(created.ClientSecret);
        page.QuerySelector($"tr[data-client-id='{created.ClientId}']")!.TextContent.ShouldContain("2026"); // previous secret valid until
        await new ApiClient(App.CreateClient(), created.ClientId, secret).CreateAccountAsync("New");
        await new ApiClient(App.CreateClient(), created.ClientId, created.ClientSecret).CreateAccountAsync("Old");
        (await session.Http.GetStringAsync("/admin/applications")).ShouldNotContain(secret);
    }

    [Fact]
    public async Task Links_SearchFilterAndDetail()
    {
        var (api, _, _, linkId) = await SeedAsync(App, "Search App", "Zebra crossing review");
        var session = await AdminSession.SignedInAsync(App);

        var found = await session.PageAsync("/admin/links?q=zebra+CROSSING");
        found.QuerySelectorAll("tr[data-link-id]").Select(r => r.GetAttribute("data-link-id")).ShouldBe([linkId]);
        (await session.PageAsync($"/admin/links?q={linkId}")).QuerySelectorAll("tr[data-link-id]").Length.ShouldBe(1);
        (await session.PageAsync("/admin/links?q=zebra&status=completed")).QuerySelector("[data-test=no-links]").ShouldNotBeNull();
        (await session.PageAsync("/admin/links?q=zebra&status=open")).QuerySelectorAll("tr[data-link-id]").Length.ShouldBe(1);

        var detail = await session.PageAsync($"/admin/links/{linkId}");
        detail.QuerySelector("[data-test=link-status] [data-status]")!.GetAttribute("data-status").ShouldBe("open");
        detail.QuerySelector("[data-test=duration]")!.TextContent.ShouldBe("45 min");
        var text = System.Text.RegularExpressions.Regex.Replace(detail.Body!.TextContent, @"\s+", " ");
        text.ShouldContain("Mon 23 Mar 2026, 09:00–17:00 Europe/London", customMessage: text);
    }

    [Fact]
    public async Task Links_AreNewestFirstAndPaged()
    {
        using var clock = App.UseClock(RtsAppFactory.DefaultNow);
        var (api, sub, calendarId, _) = await SeedAsync(App, "Paging App", "Paging first");
        for (var i = 0; i < AdminQueries.PageSize; i++)
        {
            clock.Advance(NodaTime.Duration.FromSeconds(1));
            await api.PostOkAsync("/v1/real_time_scheduling", LinkBody(sub, calendarId, $"Paging {i:00}"));
        }
        var appId = await Features.Callbacks.CallbackTestApp.ApplicationIdAsync(App, api.ClientId);
        var session = await AdminSession.SignedInAsync(App);
        var first = await session.PageAsync($"/admin/links?app={appId}");
        first.QuerySelectorAll("tr[data-link-id] a.fw-semibold")[0].TextContent.ShouldBe($"Paging {AdminQueries.PageSize - 1:00}");
        first.QuerySelectorAll("tr[data-link-id]").Length.ShouldBe(AdminQueries.PageSize);
        var next = first.QuerySelector("a[rel=next]")!.GetAttribute("href")!;
        var second = await session.PageAsync(next);
        second.QuerySelectorAll("tr[data-link-id] a.fw-semibold").Select(a => a.TextContent).ShouldBe(["Paging first"]);
    }

    [Fact]
    public async Task Disable_UsesTheApiRules_AndTheApiReportsIt()
    {
        var (api, _, _, linkId) = await SeedAsync(App, "Disable App", "To be disabled");
        var session = await AdminSession.SignedInAsync(App);
        var path = $"/admin/links/{linkId}";

        var tooLong = await session.SubmitAsync(await session.PageAsync(path), "disable-link", new() { ["DisplayMessage"] = new string('x', 501) }, path);
        tooLong.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        (await AdminSession.Parse(tooLong)).QuerySelector("[data-test=error]")!.TextContent.ShouldContain("at most 500");

        var response = await session.SubmitAsync(await session.PageAsync(path), "disable-link", new() { ["DisplayMessage"] = "This role has been filled." }, path);
        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        response.Headers.Location!.OriginalString.ShouldEndWith($"{path}?done=disabled");

        var status = await api.GetOkAsync($"/v1/real_time_scheduling/{linkId}");
        status["real_time_scheduling"]!["status"]!.GetValue<string>().ShouldBe("disabled");
        var page = await session.PageAsync(path);
        page.QuerySelector("[data-test=display-message]")!.TextContent.ShouldBe("This role has been filled.");
        page.QuerySelectorAll("form").Select(f => f.QuerySelector("input[name=_handler]")?.GetAttribute("value")).ShouldNotContain("disable-link");
    }

    [Fact]
    public async Task Resend_OnlyForThisLinksDeliveries()
    {
        var (api, _, _, linkId) = await SeedAsync(App, "Resend App", "Resend link");
        var (_, _, _, otherLinkId) = await SeedAsync(App, "Other App", "Other link");
        CallbackDelivery delivery;
        await using (var db = App.Db())
        {
            var appId = db.Links.Single(l => l.Id == otherLinkId).ApplicationId;
            delivery = CallbackOutbox.Enqueue(db, appId, otherLinkId, CallbackKinds.Completed, "http://127.0.0.1:9/none", new { x = 1 }, App.Clock.Now);
            delivery.Status = CallbackStatuses.Failed;
            await db.SaveChangesAsync();
        }
        var dbFactory = App.Services.GetRequiredService<IDbContextFactory<RtsDbContext>>();
        (await CallbackOutbox.ResendAsync(dbFactory, delivery.Id, App.Clock.Now, default, linkId)).ShouldBeFalse();
        (await CallbackOutbox.ResendAsync(dbFactory, delivery.Id, App.Clock.Now, default, otherLinkId)).ShouldBeTrue();
    }

    [Fact]
    public async Task Account_ShowsEachCalendarsUpcomingEventsByDay()
    {
        var (_, sub, calendarId, _) = await SeedAsync(App, "Agenda App", "Agenda link");
        var session = await AdminSession.SignedInAsync(App);
        (await session.Http.GetStringAsync("/admin/accounts")).ShouldContain(sub);
        var page = await session.PageAsync($"/admin/accounts/{sub}");
        var calendar = page.QuerySelector($"[data-calendar-id='{calendarId}']")!;
        calendar.QuerySelector("h4")!.TextContent.ShouldBe("Monday 23 March 2026");
        calendar.QuerySelector("[data-event-id=standup]")!.TextContent.ShouldContain("09:00–09:30");
        calendar.QuerySelector("[data-event-id=standup]")!.TextContent.ShouldContain("Team stand-up");
    }

    [Fact]
    public async Task Account_ShowsAvailabilityRulesAsAWeeklyGrid_AndUpcomingAvailablePeriods()
    {
        var (api, sub, calendarId, _) = await SeedAsync(App, "Rules App", "Rules link");
        await api.PostOkAsync("/v1/availability_rules", new
        {
            sub,
            availability_rule_id = "office",
            tzid = "America/New_York",
            calendar_ids = new[] { calendarId },
            weekly_periods = new object[]
            {
                new { day = "monday", start_time = "13:00", end_time = "17:00" },
                new { day = "monday", start_time = "09:00", end_time = "12:00" },
                new { day = "friday", start_time = "09:00", end_time = "24:00" },
            },
        });
        await api.PostAsync("/v1/available_periods", new { sub, available_period_id = "past", start = "2026-03-01T09:00:00Z", end = "2026-03-01T10:00:00Z" });
        await api.PostAsync("/v1/available_periods", new { sub, available_period_id = "saturday", start = "2026-03-28T10:00:00Z", end = "2026-03-28T12:00:00Z" });
        var session = await AdminSession.SignedInAsync(App);

        var page = await session.PageAsync($"/admin/accounts/{sub}");

        var grid = page.QuerySelector("table[data-rule-id=office]").ShouldNotBeNull();
        grid.QuerySelector("caption")!.TextContent.ShouldContain("America/New_York");
        grid.QuerySelectorAll("thead th[scope=col]").Select(th => th.TextContent).ShouldBe(["Day", "Available"]);
        grid.QuerySelectorAll("tbody tr").Select(tr => tr.QuerySelector("th[scope=row]")!.TextContent + ": " + tr.QuerySelector("td")!.TextContent).ShouldBe([
            "monday: 09:00–12:00, 13:00–17:00", "tuesday: —", "wednesday: —", "thursday: —", "friday: 09:00–24:00", "saturday: —", "sunday: —"]);
        var periods = page.QuerySelectorAll("[data-available-period-id]").ToList();
        periods.Select(p => p.GetAttribute("data-available-period-id")).ShouldBe(["saturday"]);
        periods[0].TextContent.ShouldContain("Sat 28 Mar 2026, 10:00–12:00");
        grid.QuerySelector("script").ShouldBeNull();
    }

    [Fact]
    public async Task Overview_CountsLinksByStatusAndShowsFailingCallbacks()
    {
        var (_, _, _, linkId) = await SeedAsync(App, "Overview App", "Overview link");
        string deliveryId;
        await using (var db = App.Db())
        {
            var appId = db.Links.Single(l => l.Id == linkId).ApplicationId;
            var d = CallbackOutbox.Enqueue(db, appId, linkId, CallbackKinds.Completed, "http://127.0.0.1:9/none", new { x = 1 }, App.Clock.Now);
            (d.Status, d.Attempts, d.LastStatusCode) = (CallbackStatuses.Failed, 4, 503);
            await db.SaveChangesAsync();
            deliveryId = d.Id;
        }
        var session = await AdminSession.SignedInAsync(App);
        var page = await session.PageAsync("/admin");
        int.Parse(page.QuerySelector("[data-test=links-open] .fs-2")!.TextContent, System.Globalization.CultureInfo.InvariantCulture).ShouldBeGreaterThan(0);
        var row = page.QuerySelector($"tr[data-delivery-id='{deliveryId}']")!;
        row.TextContent.ShouldContain("503");
        row.TextContent.ShouldContain("Overview link");

        // Once a re-send of it is delivered, the failure no longer needs attention.
        await using (var db = App.Db())
        {
            var failed = db.CallbackDeliveries.Single(d => d.Id == deliveryId);
            var resent = CallbackOutbox.Enqueue(db, failed.ApplicationId, linkId, CallbackKinds.Completed, failed.Url, new { x = 1 }, App.Clock.Now + NodaTime.Duration.FromMinutes(1));
            (resent.Status, resent.Attempts, resent.LastStatusCode) = (CallbackStatuses.Delivered, 1, 200);
            await db.SaveChangesAsync();
        }
        page = await session.PageAsync("/admin");
        page.QuerySelector($"tr[data-delivery-id='{deliveryId}']").ShouldBeNull();
    }
}
