using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using RtsApp.Features.Booking;
using RtsApp.Tests.Components.Admin;
using RtsApp.Tests.Components.Scheduling;
using RtsApp.Tests.Infrastructure;
using static RtsApp.Tests.Features.Connections.CalDav.CalDavConnectionTests;
using static RtsApp.Tests.Features.Connections.ConnectionCalls;

namespace RtsApp.Tests.Features.Connections.CalDav;

/// <summary>SPEC §13 (a): booking asks the connected CalDAV calendars again, before its transaction, for the chosen span.</summary>
[Collection(CalDavCollection.Name)]
public sealed class CalDavBookingTests(CalDavServers servers, ConnectionsFixture fixture) : IClassFixture<ConnectionsFixture>, IDisposable
{
    private static readonly Instant Nine = Instant.FromUtc(2026, 3, 23, 9, 0);
    private static readonly Instant Ten = Instant.FromUtc(2026, 3, 23, 10, 0);
    private readonly RtsAppFactory factory = fixture.Factory;
    private readonly List<IDisposable> owned = [];

    public static TheoryData<string> Servers => [CalDavServers.Radicale, CalDavServers.Xandikos];

    public void Dispose()
    {
        foreach (var o in owned) o.Dispose();
    }

    private sealed record Arranged(ApiClient Api, OtherClient Other, Uri Url, string ConnectionId, string CalDavCalendar, string Target, string Token, string LinkId);

    /// <summary>An account with a connected (empty) CalDAV calendar and a local one, and a link on Monday 09:00–11:00Z
    /// that reads the CalDAV calendar and books into the local one.</summary>
    private Task<Arranged> ArrangeAsync(string name) => ArrangeAsync(name, factory, writeBack: false);

    private BookingCommand Booking => factory.Services.GetRequiredService<BookingCommand>();

    private async Task<int> EventsInAsync(string calendarId)
    {
        await using var db = factory.Db();
        return await db.Events.CountAsync(e => e.CalendarId == calendarId);
    }

    [CalDavTheory]
    [MemberData(nameof(Servers))]
    public async Task Book_EventAddedOnTheServerSinceTheLastSync_IsTaken_AndStored(string name)
    {
        var a = await ArrangeAsync(name);
        await a.Other.PutAsync(a.Url, "late.ics", Simple("late", "20260323T090000Z", "20260323T093000Z"));

        (await Booking.BookAsync(a.Token, Nine, null, default)).ShouldBeOfType<BookingResult.Taken>();

        (await EventsInAsync(a.Target)).ShouldBe(0);
        (await EventsAsync(a.Api, a.CalDavCalendar)).ShouldBe(["late 2026-03-23T09:00:00Z"]);
        (await Booking.BookAsync(a.Token, Ten, null, default)).ShouldBeOfType<BookingResult.Booked>();
        (await EventsInAsync(a.Target)).ShouldBe(1);
    }

    /// <summary>SPEC §13 (a) for a sequencing link: the re-check covers every step of the option, however far after the
    /// first one a step lies (it looked one day past the summed durations, and booked over an event two days on).</summary>
    [CalDavTheory]
    [MemberData(nameof(Servers))]
    public async Task Book_SequenceWhoseLastStepIsDaysLater_RechecksThatStepToo(string name)
    {
        var other = new OtherClient(servers[name]);
        owned.Add(other);
        var url = await other.NewCalendarAsync("Work");
        var api = await factory.CreateApiClientAsync();
        var (sub, _) = await api.CreateAccountAsync();
        var calDav = CalendarId(await ConnectCalDavAsync(api, sub, servers[name], url));
        var local = await api.CreateCalendarAsync(sub, "Local");
        // Busy from Monday 10:00 to Wednesday 09:00: the second step can only be on Wednesday morning.
        await api.PutEventAsync(local, new { event_id = "away", summary = "Away", start = "2026-03-23T10:00:00Z", end = "2026-03-25T09:00:00Z", tzid = "Etc/UTC" });
        string Step(string id, int ordinal) => $$$"""
            {"sequence_id": "{{{id}}}", "ordinal": {{{ordinal}}}, "required_duration": {"minutes": 60},
             "participants": [{"members": [{"sub": "{{{sub}}}", "calendar_ids": ["{{{calDav}}}", "{{{local}}}"]}]}],
             "event": {"event_id": "{{{id}}}", "summary": "Round {{{ordinal}}}"}}
            """;
        var reply = await api.PostOkAsync("/v1/real_time_sequencing", $$$"""
            {"event": {"event_id": "rounds", "summary": "Rounds", "tzid": "Etc/UTC"},
             "availability": {"sequence": [{{{Step("one", 1)}}}, {{{Step("two", 2)}}}],
                              "query_periods": [{"start": "2026-03-23T09:00:00Z", "end": "2026-03-25T12:00:00Z"}]},
             "target_calendars": [{"sub": "{{{sub}}}", "calendar_id": "{{{local}}}"}], "tzid": "Etc/UTC",
             "redirect_urls": {"completed_url": "https://app.example/done"}}
            """);
        var linkUrl = reply["url"]!.GetValue<string>();
        var token = linkUrl[(linkUrl.LastIndexOf('/') + 1)..];
        Instant[] shown = [Nine, Instant.FromUtc(2026, 3, 25, 9, 0)];
        await other.PutAsync(url, "late.ics", Simple("late", "20260325T090000Z", "20260325T100000Z")); // not synced

        (await Booking.BookAsync(token, Nine, null, null, shown, default)).ShouldBeOfType<BookingResult.Taken>();

        (await EventsAsync(api, calDav)).ShouldBe(["late 2026-03-25T09:00:00Z"]);
        (await EventsInAsync(local)).ShouldBe(1); // "away" only
    }

    [CalDavTheory]
    [MemberData(nameof(Servers))]
    public async Task Book_ServerDownDuringTheCheck_IsUnconfirmed_NothingBooked(string name)
    {
        var a = await ArrangeAsync(name);
        // The calendar's server now accepts connections but never answers.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var accepted = new List<TcpClient>();
        _ = Task.Run(async () =>
        {
            while (true)
            {
                try { accepted.Add(await silent.AcceptTcpClientAsync()); }
                catch (ObjectDisposedException) { return; }
                catch (SocketException) { return; }
            }
        });
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        await using (var db = factory.Db())
            await db.Calendars.Where(c => c.Id == a.CalDavCalendar)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.RemoteUrl, $"http://127.0.0.1:{port}{a.Url.AbsolutePath}"));

        (await Booking.BookAsync(a.Token, Nine, null, default)).ShouldBeOfType<BookingResult.Unconfirmed>();

        (await EventsInAsync(a.Target)).ShouldBe(0);
        await using (var db = factory.Db())
            (await db.Links.SingleAsync(l => l.Id == a.LinkId)).Status.ShouldBe("open");
        silent.Stop();
        foreach (var c in accepted) c.Dispose();
    }
    [CalDavTheory]
    [MemberData(nameof(Servers))]
    public async Task Book_EventDeletedOnTheServerSinceTheLastSync_IsBooked_AndTheStaleCopyRemoved(string name)
    {
        var other = new OtherClient(servers[name]);
        owned.Add(other);
        var url = await other.NewCalendarAsync("Work");
        var gone = await other.PutAsync(url, "gone.ics", Simple("gone", "20260323T090000Z", "20260323T093000Z"));
        await other.PutAsync(url, "kept.ics", Simple("kept", "20260323T103000Z", "20260323T110000Z"));
        var api = await factory.CreateApiClientAsync();
        var (sub, _) = await api.CreateAccountAsync();
        var connection = await ConnectCalDavAsync(api, sub, servers[name], url);
        var calendarId = CalendarId(connection);
        var target = await api.CreateCalendarAsync(sub, "Local");
        var reply = await api.PostOkAsync("/v1/real_time_scheduling", ConnectionsApiTests.LinkBody(sub, target, [calendarId]).ToJsonString());
        var linkUrl = reply["url"]!.GetValue<string>();
        (await BusyAsync(api, calendarId)).Length.ShouldBe(2);
        await other.DeleteAsync(gone); // no sync runs in between: only the booking's re-check can learn of it

        (await Booking.BookAsync(linkUrl[(linkUrl.LastIndexOf('/') + 1)..], Nine, null, default)).ShouldBeOfType<BookingResult.Booked>();

        (await EventsAsync(api, calendarId)).ShouldBe(["kept 2026-03-23T10:30:00Z"]);
        (await EventsInAsync(target)).ShouldBe(1);
    }

    [CalDavTheory]
    [MemberData(nameof(Servers))]
    public async Task WriteBack_ReadBackBySyncAndRecheck_IsStoredOnce(string name)
    {
        var a = await ArrangeWriteBackAsync(name);
        (await Booking.BookAsync(a.Token, Nine, null, default)).ShouldBeOfType<BookingResult.Booked>();
        var row = await Eventually.HoldsAsync(() => WriteBackAsync(a.LinkId), w => w.Status == "delivered", "the event was written to the server");
        // Something else changes on the server too, so the sync is seen to have read the calendar after the write-back.
        await a.Other.PutAsync(a.Url, "marker.ics", Simple("marker", "20260323T140000Z", "20260323T150000Z"));

        await SyncNowAsync(a.Api, a.ConnectionId);
        await Eventually.HoldsAsync(() => EventsAsync(a.Api, a.CalDavCalendar), e => e.Any(x => x.StartsWith("marker", StringComparison.Ordinal)), "the sync read the calendar");

        (await EventsAsync(a.Api, a.CalDavCalendar)).ShouldBe(["Interview 2026-03-23T09:00:00Z", "marker 2026-03-23T14:00:00Z"]);
        (await BusyAsync(a.Api, a.CalDavCalendar)).ShouldBe(["2026-03-23T09:00:00Z/2026-03-23T09:30:00Z", "2026-03-23T14:00:00Z/2026-03-23T15:00:00Z"]);
        (await a.Other.CountObjectsWithUidAsync(a.Url, row.Uid)).ShouldBe(1);

        // A later booking's re-check of the same span reads the object back as well: still one event, and the time is taken.
        var second = await a.Api.PostOkAsync("/v1/real_time_scheduling",
            ConnectionsApiTests.LinkBody((await a.Api.GetOkAsync("/v1/calendar_connections/" + a.ConnectionId))["calendar_connection"]!["sub"]!.GetValue<string>(),
                a.CalDavCalendar, [a.CalDavCalendar]).ToJsonString());
        var secondUrl = second["url"]!.GetValue<string>();
        (await Booking.BookAsync(secondUrl[(secondUrl.LastIndexOf('/') + 1)..], Nine, null, default)).ShouldBeOfType<BookingResult.Taken>();
        (await EventsAsync(a.Api, a.CalDavCalendar)).ShouldBe(["Interview 2026-03-23T09:00:00Z", "marker 2026-03-23T14:00:00Z"]);
    }

    /// <summary>The written-back event is the calendar's: moved there by its owner, the booking's stored event follows at
    /// the next sync, so the new time is busy and the old one free (it stayed busy at the old time and the new one was
    /// offered and booked twice).</summary>
    [CalDavTheory]
    [MemberData(nameof(Servers))]
    public async Task WriteBack_MovedOnTheServer_TheBookingsEventFollows(string name)
    {
        var a = await ArrangeWriteBackAsync(name);
        (await Booking.BookAsync(a.Token, Nine, null, default)).ShouldBeOfType<BookingResult.Booked>();
        var row = await Eventually.HoldsAsync(() => WriteBackAsync(a.LinkId), w => w.Status == "delivered", "the event was written to the server");
        var objectName = row.Href!.TrimEnd('/')[(row.Href!.TrimEnd('/').LastIndexOf('/') + 1)..];
        await a.Other.PutAsync(a.Url, Uri.UnescapeDataString(objectName), Simple(row.Uid, "20260323T100000Z", "20260323T103000Z").Replace("SUMMARY:" + row.Uid, "SUMMARY:Interview", StringComparison.Ordinal));

        await SyncNowAsync(a.Api, a.ConnectionId);
        await Eventually.HoldsAsync(() => EventsAsync(a.Api, a.CalDavCalendar), e => e.SequenceEqual(["Interview 2026-03-23T10:00:00Z"]), "the booking's event moved");

        (await BusyAsync(a.Api, a.CalDavCalendar)).ShouldBe(["2026-03-23T10:00:00Z/2026-03-23T10:30:00Z"]);
        (await a.Other.CountObjectsWithUidAsync(a.Url, row.Uid)).ShouldBe(1);
        var sub = (await a.Api.GetOkAsync("/v1/calendar_connections/" + a.ConnectionId))["calendar_connection"]!["sub"]!.GetValue<string>();
        async Task<string> SecondLinkAsync()
        {
            var url = (await a.Api.PostOkAsync("/v1/real_time_scheduling", ConnectionsApiTests.LinkBody(sub, a.Target, [a.CalDavCalendar]).ToJsonString()))["url"]!.GetValue<string>();
            return url[(url.LastIndexOf('/') + 1)..];
        }
        (await Booking.BookAsync(await SecondLinkAsync(), Ten, null, default)).ShouldBeOfType<BookingResult.Taken>();
        (await Booking.BookAsync(await SecondLinkAsync(), Nine, null, default)).ShouldBeOfType<BookingResult.Booked>();
    }

    /// <summary>A link that reads a local calendar and books into the connected CalDAV calendar (SPEC §13 (c)).</summary>
    private Task<Arranged> ArrangeWriteBackAsync(string name, RtsAppFactory? app = null) => ArrangeAsync(name, app ?? factory, writeBack: true);

    /// <summary>An account with a new CalDAV calendar connected and a local one; the link reads one and books into the
    /// other: into the CalDAV one when <paramref name="writeBack"/>, else into the local one.</summary>
    private async Task<Arranged> ArrangeAsync(string name, RtsAppFactory app, bool writeBack)
    {
        var other = new OtherClient(servers[name]);
        owned.Add(other);
        var url = await other.NewCalendarAsync("Work");
        var api = await app.CreateApiClientAsync();
        var (sub, _) = await api.CreateAccountAsync();
        var connection = await ConnectCalDavAsync(api, sub, servers[name], url);
        var local = await api.CreateCalendarAsync(sub, "Local");
        var (target, read) = writeBack ? (CalendarId(connection), local) : (local, CalendarId(connection));
        var reply = await api.PostOkAsync("/v1/real_time_scheduling", ConnectionsApiTests.LinkBody(sub, target, [read]).ToJsonString());
        var linkUrl = reply["url"]!.GetValue<string>();
        return new Arranged(api, other, url, Id(connection), CalendarId(connection), local, linkUrl[(linkUrl.LastIndexOf('/') + 1)..],
            reply["real_time_scheduling"]!["real_time_scheduling_id"]!.GetValue<string>());
    }

    private Task<RtsApp.Store.CalDavWriteBack> WriteBackAsync(string linkId) => WriteBackAsync(factory, linkId);

    private static async Task<RtsApp.Store.CalDavWriteBack> WriteBackAsync(RtsAppFactory app, string linkId)
    {
        await using var db = app.Db();
        return await db.CalDavWriteBacks.AsNoTracking().SingleAsync(w => w.LinkId == linkId);
    }

    [CalDavTheory]
    [MemberData(nameof(Servers))]
    public async Task Book_IntoWritableCalDavCalendar_AnotherClientSeesTheEvent(string name)
    {
        var a = await ArrangeWriteBackAsync(name);

        (await Booking.BookAsync(a.Token, Nine, null, default)).ShouldBeOfType<BookingResult.Booked>();

        var row = await Eventually.HoldsAsync(() => WriteBackAsync(a.LinkId), w => w.Status == "delivered", "the event was written to the server");
        row.Uid.ShouldEndWith("@rtsapp");
        (await a.Other.CountObjectsWithUidAsync(a.Url, row.Uid)).ShouldBe(1);
        var text = await a.Other.GetAsync(new Uri(a.Url, row.Href!.Split('/')[^1]));
        text.ShouldNotBeNull().ShouldContain("SUMMARY:Interview");
        text.ShouldContain("DTSTART:20260323T090000Z");
    }

    [CalDavTheory]
    [MemberData(nameof(Servers))]
    public async Task Book_ServerDownDuringWriteBack_DeliveredAfterItReturns(string name)
    {
        var a = await ArrangeWriteBackAsync(name);
        string realUrl;
        await using (var db = factory.Db())
        {
            realUrl = (await db.Calendars.SingleAsync(c => c.Id == a.CalDavCalendar)).RemoteUrl!;
            // Nothing listens on this port: the calendar's server is down.
            using var closed = new TcpListener(IPAddress.Loopback, 0);
            closed.Start();
            var port = ((IPEndPoint)closed.LocalEndpoint).Port;
            closed.Stop();
            await db.Calendars.Where(c => c.Id == a.CalDavCalendar)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.RemoteUrl, $"http://127.0.0.1:{port}{a.Url.AbsolutePath}"));
        }

        (await Booking.BookAsync(a.Token, Nine, null, default)).ShouldBeOfType<BookingResult.Booked>();
        var failed = await Eventually.HoldsAsync(() => WriteBackAsync(a.LinkId), w => w.Attempts >= 1 && w.LeaseOwner is null, "an attempt failed");
        failed.Status.ShouldBe("pending");
        failed.LastError.ShouldNotBeNull().ShouldStartWith("unreachable");

        // The server is back; the retry is due (the test clock does not move, so the retry time is brought forward).
        await using (var db = factory.Db())
        {
            await db.Calendars.Where(c => c.Id == a.CalDavCalendar).ExecuteUpdateAsync(s => s.SetProperty(c => c.RemoteUrl, realUrl));
            await db.CalDavWriteBacks.Where(w => w.LinkId == a.LinkId).ExecuteUpdateAsync(s => s.SetProperty(w => w.NextAttemptAt, Instant.MinValue));
        }
        var row = await Eventually.HoldsAsync(() => WriteBackAsync(a.LinkId), w => w.Status == "delivered", "delivered after the server returned");
        (await a.Other.CountObjectsWithUidAsync(a.Url, row.Uid)).ShouldBe(1);
    }

    /// <summary>A booking into a calendar since deleted on the server: each attempt is refused until a sync finds the
    /// calendar gone, then the write-back ends as failed with that reason instead of being retried for ever. Should a
    /// sync find the calendar back (made again at its URL), the write-back is due again and delivered.</summary>
    [CalDavTheory]
    [MemberData(nameof(Servers))]
    public async Task Book_IntoACalendarDeletedOnTheServer_WriteBackEndsFailed_UntilTheCalendarIsBack(string name)
    {
        var a = await ArrangeWriteBackAsync(name);
        await a.Other.DeleteAsync(a.Url);

        (await Booking.BookAsync(a.Token, Nine, null, default)).ShouldBeOfType<BookingResult.Booked>();
        var refused = await Eventually.HoldsAsync(() => WriteBackAsync(a.LinkId), w => w.Attempts >= 1 && w.LeaseOwner is null, "an attempt was refused");
        refused.Status.ShouldBe("pending");

        await SyncNowAsync(a.Api, a.ConnectionId);
        await Eventually.HoldsAsync(async () =>
        {
            await using var db = factory.Db();
            return (await db.Calendars.SingleAsync(c => c.Id == a.CalDavCalendar)).Deleted;
        }, deleted => deleted, "the sync found the calendar gone");
        await using (var db = factory.Db())
            await db.CalDavWriteBacks.Where(w => w.LinkId == a.LinkId).ExecuteUpdateAsync(s => s.SetProperty(w => w.NextAttemptAt, Instant.MinValue));
        var failed = await Eventually.HoldsAsync(() => WriteBackAsync(a.LinkId), w => w.Status == "failed", "the write-back gave up");
        failed.LastError.ShouldBe("the calendar no longer exists on the server");

        await a.Other.NewCalendarAsync("Work again", at: a.Url);
        await SyncNowAsync(a.Api, a.ConnectionId);
        var delivered = await Eventually.HoldsAsync(() => WriteBackAsync(a.LinkId), w => w.Status == "delivered", "delivered once the calendar was back");
        (await a.Other.CountObjectsWithUidAsync(a.Url, delivered.Uid)).ShouldBe(1);
    }

    [CalDavTheory]
    [InlineData(CalDavServers.Xandikos)]
    public async Task AdminLinkDetail_ShowsThePendingWriteBackWithItsError(string name)
    {
        await using var app = RtsAppFactory.With(new Dictionary<string, string?>(ConnectionsFixture.Settings.Concat(AdminSession.Settings())));
        var a = await ArrangeWriteBackAsync(name, app);
        await using (var db = app.Db())
            await db.Calendars.Where(c => c.Id == a.CalDavCalendar).ExecuteUpdateAsync(s => s.SetProperty(c => c.RemoteUrl, "http://127.0.0.1:9/down/"));
        (await app.Services.GetRequiredService<BookingCommand>().BookAsync(a.Token, Nine, null, default)).ShouldBeOfType<BookingResult.Booked>();
        var session = await AdminSession.SignedInAsync(app);

        var page = await Eventually.HoldsAsync(() => session.PageAsync("/admin/links/" + a.LinkId),
            p => p.QuerySelector("tr[data-write-back-id]")?.TextContent.Contains("unreachable", StringComparison.Ordinal) == true, "the failed attempt is shown");

        page.QuerySelector("tr[data-write-back-id]")!.GetAttribute("data-status").ShouldBe("pending");
        page.QuerySelector("tr[data-write-back-id] [data-test=calendar-name]")!.TextContent.ShouldBe("Work"); // the calendar's name, not only its id
    }

    [CalDavTheory]
    [InlineData(CalDavServers.Radicale)]
    public async Task AdminAccountPage_ListsThePendingWriteBack_RetryNowDeliversIt(string name)
    {
        await using var app = RtsAppFactory.With(new Dictionary<string, string?>(ConnectionsFixture.Settings.Concat(AdminSession.Settings())));
        var a = await ArrangeWriteBackAsync(name, app);
        string realUrl;
        await using (var db = app.Db())
        {
            realUrl = (await db.Calendars.SingleAsync(c => c.Id == a.CalDavCalendar)).RemoteUrl!;
            await db.Calendars.Where(c => c.Id == a.CalDavCalendar).ExecuteUpdateAsync(s => s.SetProperty(c => c.RemoteUrl, "http://127.0.0.1:9/down/"));
        }
        (await app.Services.GetRequiredService<BookingCommand>().BookAsync(a.Token, Nine, null, default)).ShouldBeOfType<BookingResult.Booked>();
        var session = await AdminSession.SignedInAsync(app);
        var sub = (await GetAsync(a.Api, a.ConnectionId))["sub"]!.GetValue<string>();
        var path = "/admin/accounts/" + sub;

        var page = await Eventually.HoldsAsync(() => session.PageAsync(path),
            p => p.QuerySelector(".pending-write-backs tr[data-write-back-id] [data-test=last-error]")?.TextContent.StartsWith("unreachable", StringComparison.Ordinal) == true,
            "the failed attempt is listed with its error");
        var row = page.QuerySelector(".pending-write-backs tr[data-write-back-id]")!;
        row.GetAttribute("data-status").ShouldBe("pending");
        row.QuerySelector("[data-test=calendar-name]")!.TextContent.ShouldBe("Work");
        row.QuerySelectorAll("td")[3].TextContent.Trim().ShouldBe("1");
        var id = row.GetAttribute("data-write-back-id")!;

        // The server is back. The retry is not due (this app's clock does not move): only "Retry now" sends it.
        await using (var db = app.Db())
            await db.Calendars.Where(c => c.Id == a.CalDavCalendar).ExecuteUpdateAsync(s => s.SetProperty(c => c.RemoteUrl, realUrl));
        var forged = await session.Http.PostAsync(path, new FormUrlEncodedContent(new Dictionary<string, string>
        { ["_handler"] = "retry-write-back", ["RetryWriteBackId"] = id }));
        forged.StatusCode.ShouldBe(HttpStatusCode.SeeOther); // no antiforgery token: the page again, nothing done
        forged.Headers.Location!.ToString().ShouldBe(path + "?notice=expired");
        var unknown = await session.SubmitAsync(page, "retry-write-back", new() { ["RetryWriteBackId"] = "cwb_unknown" }, path);
        ((int)unknown.StatusCode).ShouldBe(422);
        (await WriteBackAsync(app, a.LinkId)).Status.ShouldBe("pending");

        var submitted = await session.SubmitAsync(page, "retry-write-back", new() { ["RetryWriteBackId"] = id }, path);
        submitted.StatusCode.ShouldBe(HttpStatusCode.Redirect, await submitted.Content.ReadAsStringAsync());
        submitted.Headers.Location!.ToString().ShouldEndWith("?done=retry");

        var delivered = await Eventually.HoldsAsync(() => WriteBackAsync(app, a.LinkId), w => w.Status == "delivered", "the retry delivered it");
        delivered.Attempts.ShouldBe(2);
        (await a.Other.CountObjectsWithUidAsync(a.Url, delivered.Uid)).ShouldBe(1);
        (await session.PageAsync(path)).QuerySelector(".pending-write-backs").ShouldBeNull();
    }

    [CalDavTheory]
    [InlineData(CalDavServers.Radicale)]
    public async Task Page_ServerDownDuringTheCheck_SaysNothingWasBooked(string name)
    {
        var a = await ArrangeAsync(name);
        await using (var db = factory.Db())
            await db.Calendars.Where(c => c.Id == a.CalDavCalendar).ExecuteUpdateAsync(s => s.SetProperty(c => c.RemoteUrl, "http://127.0.0.1:9/down/"));
        using var http = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var doc = await Html.GetAsync(http, "/rts/" + a.Token + "?start=2026-03-23T09:00:00Z");

        var response = await Html.SubmitAsync(http, doc.QuerySelector("form:has(button[data-action=confirm])")!);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var page = await Html.ParseAsync(response);
        page.QuerySelector("[role=status]")!.TextContent.ShouldContain(
            "We could not confirm this time with the calendar server — nothing was booked. Please try again.");
        (await EventsInAsync(a.Target)).ShouldBe(0);
    }
}
