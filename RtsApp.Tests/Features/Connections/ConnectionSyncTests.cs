using Microsoft.EntityFrameworkCore;
using RtsApp.Infrastructure;
using RtsApp.Store;
using RtsApp.Tests.Infrastructure;
using static RtsApp.Tests.Features.Connections.ConnectionCalls;

namespace RtsApp.Tests.Features.Connections;

/// <summary>The sync worker, driven by "sync now" (POST …/sync) and observed through the API, the feed server and the store.</summary>
public sealed class ConnectionSyncTests(ConnectionsFixture fixture) : IClassFixture<ConnectionsFixture>
{
    private readonly RtsAppFactory factory = fixture.Factory;
    private readonly FeedServer feeds = fixture.Feeds;

    private static readonly string Monday = Feeds.Calendar(Feeds.Event("a", "20260323T090000Z", "20260323T100000Z", "Planning"));

    private async Task<(ApiClient Api, string Id, string CalendarId, FeedServer.Feed Feed)> ConnectedAsync(string body, string tzid = "Europe/London")
    {
        var api = await factory.CreateApiClientAsync();
        var (sub, _) = await api.CreateAccountAsync("Ann", tzid);
        var (feed, url) = feeds.Add(body);
        var connection = await ConnectAsync(api, sub, url);
        return (api, Id(connection), CalendarId(connection), feed);
    }

    private async Task<List<CalendarEvent>> StoredAsync(string calendarId)
    {
        await using var db = factory.Db();
        return await db.Events.AsNoTracking().Where(e => e.CalendarId == calendarId).OrderBy(e => e.Start).ToListAsync();
    }

    private async Task<CalendarConnection> SettledAsync(string id)
    {
        await using var db = factory.Db();
        return await db.CalendarConnections.AsNoTracking().SingleAsync(c => c.Id == id);
    }

    [Fact]
    public async Task Sync_FeedNotModified_WritesNothing()
    {
        var (api, id, calendarId, feed) = await ConnectedAsync(Monday);
        var before = await StoredAsync(calendarId);

        await SyncNowAsync(api, id);
        await Eventually.HoldsAsync(() => feed.NotModified, n => n == 1, "the worker asked with If-None-Match and got a 304");
        await Eventually.HoldsAsync(() => SettledAsync(id), c => c.LeaseOwner is null && c.NextSyncAt > RtsAppFactory.DefaultNow, "the sync finished");

        var after = await StoredAsync(calendarId);
        after.Select(e => (e.Id, e.UpdatedAt)).ShouldBe(before.Select(e => (e.Id, e.UpdatedAt)));
        (await GetAsync(api, id))["status"]!.GetValue<string>().ShouldBe("active");
    }

    /// <summary>A weekly event that never changes on the server: its occurrences were expanded up to the first read's
    /// horizon, so once the window has moved a day the feed is read again in full (not asked with If-None-Match) and the
    /// window's new end gets its occurrences.</summary>
    [Fact]
    public async Task Sync_UnchangedRecurringFeed_IsExpandedAgainAsTheWindowMoves()
    {
        await using var app = RtsAppFactory.With(new Dictionary<string, string?>(ConnectionsFixture.Settings) { [ConfigKeys.ConnectionsHorizon] = "7.00:00:00" });
        var api = await app.CreateApiClientAsync();
        var (sub, _) = await api.CreateAccountAsync("Ann", "Etc/UTC");
        var (feed, url) = feeds.Add(Feeds.Calendar(Feeds.Event("weekly", "20260323T090000Z", "20260323T100000Z", "Standup", "RRULE:FREQ=WEEKLY")));
        var connection = await ConnectAsync(api, sub, url);
        var (id, calendarId) = (Id(connection), CalendarId(connection));
        (await EventsAsync(api, calendarId)).ShouldBe(["Standup 2026-03-23T09:00:00Z"], "the window ends on 27 March");

        app.Clock.Advance(NodaTime.Duration.FromHours(12));
        await SyncNowAsync(api, id);
        await Eventually.HoldsAsync(() => feed.NotModified, n => n == 1, "within a day of the full read, a conditional GET answered 304");

        app.Clock.Advance(NodaTime.Duration.FromDays(3));
        await SyncNowAsync(api, id);
        await Eventually.HoldsAsync(() => EventsAsync(api, calendarId), e => e.Contains("Standup 2026-03-30T09:00:00Z"),
            "the window now reaches 30 March, and the unchanged feed was expanded again");
        feed.NotModified.ShouldBe(1, "the full read did not send the validators");
    }

    [Fact]
    public async Task Sync_ContentChanged_ReplacesTheCalendarsEvents()
    {
        var (api, id, calendarId, feed) = await ConnectedAsync(Monday);
        feed.Body = Feeds.Calendar(
            Feeds.Event("a", "20260323T140000Z", "20260323T150000Z", "Planning (moved)"),
            Feeds.Event("b", "20260325T090000Z", "20260325T093000Z", "Review"));

        await SyncNowAsync(api, id);

        await Eventually.HoldsAsync(() => EventsAsync(api, calendarId),
            e => e.SequenceEqual(["Planning (moved) 2026-03-23T14:00:00Z", "Review 2026-03-25T09:00:00Z"]), "the events follow the feed");
        feed.Requests.ShouldBe(2);
    }

    [Fact]
    public async Task Sync_Failing_KeepsTheLastGoodEvents_ShowsTheError_ThenRecovers()
    {
        var (api, id, calendarId, feed) = await ConnectedAsync(Monday);
        feed.Status = 500;

        await SyncNowAsync(api, id);

        var failed = await Eventually.HoldsAsync(() => GetAsync(api, id), c => c["status"]!.GetValue<string>() == "error", "the connection shows the error");
        failed["error"]!.GetValue<string>().ShouldBe("the server answered 500");
        (await EventsAsync(api, calendarId)).ShouldBe(["Planning 2026-03-23T09:00:00Z"]);
        var retryAt = (await SettledAsync(id)).NextSyncAt;
        retryAt.ShouldBeGreaterThan(RtsAppFactory.DefaultNow); // backed off, not retried in a loop

        feed.Status = 200;
        feed.Body = "<!doctype html><p>maintenance</p>";
        await SyncNowAsync(api, id);
        await Eventually.HoldsAsync(() => GetAsync(api, id), c => c["error"]?.GetValue<string>() == "not an iCalendar feed", "an HTML page is an error too");
        (await SettledAsync(id)).Failures.ShouldBe(2);
        (await EventsAsync(api, calendarId)).ShouldBe(["Planning 2026-03-23T09:00:00Z"]);

        feed.Body = Feeds.Calendar(Feeds.Event("c", "20260326T090000Z", "20260326T100000Z", "Back"));
        await SyncNowAsync(api, id);
        var recovered = await Eventually.HoldsAsync(() => GetAsync(api, id), c => c["status"]!.GetValue<string>() == "active", "the connection recovers");
        recovered.AsObject().ContainsKey("error").ShouldBeFalse();
        (await EventsAsync(api, calendarId)).ShouldBe(["Back 2026-03-26T09:00:00Z"]);
    }

    /// <summary>A feed that starts redirecting to another scheme fails like any other broken feed (the sync used to
    /// crash on it, leaving the connection "active" and its lease held).</summary>
    [Fact]
    public async Task Sync_FeedRedirectingToAnotherScheme_ShowsTheError_AndKeepsTheLastGoodEvents()
    {
        var (api, id, calendarId, feed) = await ConnectedAsync(Monday);
        feed.Status = 301;
        feed.Location = "file:///etc/passwd";

        await SyncNowAsync(api, id);

        var failed = await Eventually.HoldsAsync(() => GetAsync(api, id), c => c["status"]!.GetValue<string>() == "error", "the connection shows the error");
        failed["error"]!.GetValue<string>().ShouldBe("refused: the feed redirects to a URL that is not http or https (or from https to http)");
        (await SettledAsync(id)).LeaseOwner.ShouldBeNull();
        (await EventsAsync(api, calendarId)).ShouldBe(["Planning 2026-03-23T09:00:00Z"]);
    }

    [Fact]
    public async Task Sync_MalformedObjects_AreSkippedAndCounted()
    {
        var (api, id, calendarId, feed) = await ConnectedAsync(Monday);
        feed.Body = Feeds.Calendar(Feeds.Malformed("x"), Feeds.Event("a", "20260323T090000Z", "20260323T100000Z", "Planning"), Feeds.Malformed("y"));

        await SyncNowAsync(api, id);

        await Eventually.HoldsAsync(() => GetAsync(api, id), c => c["skipped_objects"]!.GetValue<int>() == 2, "two objects skipped");
        (await EventsAsync(api, calendarId)).ShouldBe(["Planning 2026-03-23T09:00:00Z"]);
    }

    [Fact]
    public async Task Sync_ReadsAllDayAndFloatingTimesInTheAccountsZone_TransparentIsNotBusy()
    {
        var (api, _, calendarId, _) = await ConnectedAsync(Feeds.Calendar(
            "BEGIN:VEVENT\r\nUID:holiday\r\nDTSTAMP:20260101T000000Z\r\nDTSTART;VALUE=DATE:20260325\r\nDTEND;VALUE=DATE:20260326\r\nSUMMARY:Holiday\r\nEND:VEVENT",
            "BEGIN:VEVENT\r\nUID:floating\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260324T090000\r\nDTEND:20260324T100000\r\nSUMMARY:Floating\r\nEND:VEVENT",
            Feeds.Event("free", "20260323T090000Z", "20260323T100000Z", "Maybe", "TRANSP:TRANSPARENT"),
            "BEGIN:VEVENT\r\nUID:weekly\r\nDTSTAMP:20260101T000000Z\r\nDTSTART;TZID=America/New_York:20260302T080000\r\nDTEND;TZID=America/New_York:20260302T083000\r\nRRULE:FREQ=WEEKLY;COUNT=6\r\nSUMMARY:Weekly\r\nEND:VEVENT"),
            tzid: "America/New_York");

        var stored = await StoredAsync(calendarId);
        var holiday = stored.Single(e => e.Summary == "Holiday");
        holiday.StartDate.ShouldBe(new NodaTime.LocalDate(2026, 3, 25));
        holiday.Start.ShouldBe(NodaTime.Instant.FromUtc(2026, 3, 25, 4, 0)); // midnight in New York (EDT)
        stored.Single(e => e.Summary == "Floating").Start.ShouldBe(NodaTime.Instant.FromUtc(2026, 3, 24, 13, 0));
        stored.Single(e => e.Summary == "Maybe").Transparent.ShouldBeTrue();
        stored.ShouldAllBe(e => e.SourceUid != null && e.Tzid == "America/New_York");
        // Window: a day before the worker's now (2026-03-20T12:00Z) onward; 08:00 New York stays 08:00 across DST.
        stored.Where(e => e.Summary == "Weekly").Select(e => e.Start).ShouldBe([
            NodaTime.Instant.FromUtc(2026, 3, 23, 12, 0), NodaTime.Instant.FromUtc(2026, 3, 30, 12, 0), NodaTime.Instant.FromUtc(2026, 4, 6, 12, 0)]);
        stored.Where(e => e.Summary == "Weekly").Select(e => e.EventId).ShouldBe(["weekly/20260323T120000Z", "weekly/20260330T120000Z", "weekly/20260406T120000Z"]);

        var busy = (await api.GetOkAsync($"/v1/free_busy?from=2026-03-23&to=2026-03-24&tzid=Etc/UTC&calendar_ids[]={calendarId}"))["free_busy"]!.AsArray();
        busy.Select(b => b!["start"]!.GetValue<string>()).ShouldBe(["2026-03-23T12:00:00Z"]); // the transparent 09:00 is not busy
    }
}
