using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using RtsApp.Features.Connections;
using RtsApp.Infrastructure;
using RtsApp.Tests.ICalendar;
using RtsApp.Tests.Infrastructure;
using static RtsApp.Tests.Features.Connections.ConnectionCalls;

namespace RtsApp.Tests.Features.Connections.CalDav;

/// <summary>CalDAV connections (SPEC §13) against the real servers: the events another calendar app writes there reach
/// free/busy and availability through the connection check and the sync worker. Each test connects its own new calendar
/// by its collection URL, so tests share nothing but the servers.</summary>
[Collection(CalDavCollection.Name)]
public sealed class CalDavConnectionTests(CalDavServers servers, ConnectionsFixture fixture) : IClassFixture<ConnectionsFixture>, IDisposable
{
    private readonly RtsAppFactory factory = fixture.Factory;
    private readonly List<IDisposable> owned = [];

    public static TheoryData<string> Servers => [CalDavServers.Radicale, CalDavServers.Xandikos];

    public void Dispose()
    {
        foreach (var o in owned) o.Dispose();
    }

    internal OtherClient Other(string name)
    {
        var other = new OtherClient(servers[name]);
        owned.Add(other);
        return other;
    }

    internal static string Simple(string uid, string start, string end, string? extra = null) => Ics.Calendar(
        [.. new[] { "BEGIN:VEVENT", $"UID:{uid}", "DTSTAMP:20260101T000000Z", $"DTSTART:{start}", $"DTEND:{end}", $"SUMMARY:{uid}" },
            .. (extra is null ? [] : new[] { extra }), "END:VEVENT"]);

    internal static async Task<JsonNode> ConnectCalDavAsync(ApiClient api, string sub, CalDavServer server, Uri calendar, string? password = null) =>
        (await api.PostOkAsync("/v1/calendar_connections",
            new { sub, provider = "caldav", url = calendar.AbsoluteUri, username = server.User, password = password ?? server.Password }))["calendar_connection"]!;

    internal static async Task<string[]> BusyAsync(ApiClient api, string calendarId, string from = "2026-03-23T00:00:00Z", string to = "2026-03-24T00:00:00Z") =>
        (await api.GetOkAsync($"/v1/free_busy?from={from}&to={to}&tzid=Etc/UTC&calendar_ids[]={calendarId}"))["free_busy"]!.AsArray()
            .Select(b => $"{b!["start"]}/{b["end"]}").ToArray();

    private static async Task<string[]> AvailableAsync(ApiClient api, string sub, string calendarId)
    {
        var body = new JsonObject
        {
            ["participants"] = new JsonArray(new JsonObject
            {
                ["members"] = new JsonArray(new JsonObject { ["sub"] = sub, ["calendar_ids"] = new JsonArray(calendarId) }),
                ["required"] = "all",
            }),
            ["required_duration"] = new JsonObject { ["minutes"] = 60 },
            ["query_periods"] = new JsonArray(new JsonObject { ["start"] = "2026-03-23T08:00:00Z", ["end"] = "2026-03-23T12:00:00Z" }),
        };
        return (await api.PostOkAsync("/v1/availability", body.ToJsonString()))["available_periods"]!.AsArray()
            .Select(p => $"{p!["start"]}/{p["end"]}").ToArray();
    }

    private async Task<CalendarConnectionRow> StoredAsync(string id)
    {
        await using var db = factory.Db();
        var c = await db.CalendarConnections.AsNoTracking().SingleAsync(c => c.Id == id);
        return new CalendarConnectionRow(c.Status, c.Error, c.LeaseOwner, c.PasswordProtected, c.Failures);
    }

    private sealed record CalendarConnectionRow(string Status, string? Error, string? LeaseOwner, string? PasswordProtected, int Failures);

    [CalDavTheory]
    [MemberData(nameof(Servers))]
    public async Task Connect_EventsOnTheServer_AreBusyInFreeBusyAndAvailability(string name)
    {
        var server = servers[name];
        var other = Other(name);
        var url = await other.NewCalendarAsync("Work");
        await other.PutAsync(url, "planning.ics", Simple("planning", "20260323T090000Z", "20260323T100000Z"));
        var api = await factory.CreateApiClientAsync();
        var (sub, _) = await api.CreateAccountAsync("Ann", "Europe/London");

        var connection = await ConnectCalDavAsync(api, sub, server, url);

        connection["provider"]!.GetValue<string>().ShouldBe("caldav");
        connection["status"]!.GetValue<string>().ShouldBe("active");
        connection.ToJsonString().ShouldNotContain("password");
        if (server.Password is { Length: > 0 } password) connection.ToJsonString().ShouldNotContain(password);
        var calendar = connection["calendars"]!.AsArray().ShouldHaveSingleItem()!;
        calendar["calendar_name"]!.GetValue<string>().ShouldBe("Work");
        calendar["calendar_readonly"]!.GetValue<bool>().ShouldBeFalse();
        var calendarId = CalendarId(connection);
        (await BusyAsync(api, calendarId)).ShouldBe(["2026-03-23T09:00:00Z/2026-03-23T10:00:00Z"]);
        (await AvailableAsync(api, sub, calendarId)).ShouldBe(["2026-03-23T08:00:00Z/2026-03-23T09:00:00Z", "2026-03-23T10:00:00Z/2026-03-23T12:00:00Z"]);
        var calendars = (await api.GetOkAsync("/v1/calendars"))["calendars"]!.AsArray();
        calendars.Single(c => c!["calendar_id"]!.GetValue<string>() == calendarId)!["provider_name"]!.GetValue<string>().ShouldBe("caldav");

        // Later PUTs on the server arrive with a sync, incrementally.
        await other.PutAsync(url, "review.ics", Simple("review", "20260323T110000Z", "20260323T113000Z"));
        await SyncNowAsync(api, Id(connection));
        await Eventually.HoldsAsync(() => BusyAsync(api, calendarId), b => b.Length == 2, "the new event arrived");
        (await AvailableAsync(api, sub, calendarId)).ShouldBe(["2026-03-23T08:00:00Z/2026-03-23T09:00:00Z", "2026-03-23T10:00:00Z/2026-03-23T11:00:00Z"]);

        await using var db = factory.Db();
        (await db.CalendarConnections.SingleAsync(c => c.Id == Id(connection))).PasswordProtected
            .ShouldSatisfyAllConditions(p => (p ?? "").ShouldNotContain(server.Password ?? "\u0001"));
    }

    [CalDavTheory]
    [MemberData(nameof(Servers))]
    public async Task Sync_DeletionOnTheServer_FreesTheTime_ChangedObjectMoves(string name)
    {
        var server = servers[name];
        var other = Other(name);
        var url = await other.NewCalendarAsync("Work");
        var planning = await other.PutAsync(url, "planning.ics", Simple("planning", "20260323T090000Z", "20260323T100000Z"));
        await other.PutAsync(url, "review.ics", Simple("review", "20260323T110000Z", "20260323T120000Z"));
        var api = await factory.CreateApiClientAsync();
        var (sub, _) = await api.CreateAccountAsync();
        var connection = await ConnectCalDavAsync(api, sub, server, url);
        var calendarId = CalendarId(connection);
        (await BusyAsync(api, calendarId)).Length.ShouldBe(2);

        await other.DeleteAsync(planning);
        await other.PutAsync(url, "review.ics", Simple("review", "20260323T140000Z", "20260323T150000Z"));
        await SyncNowAsync(api, Id(connection));

        await Eventually.HoldsAsync(() => BusyAsync(api, calendarId), b => b.SequenceEqual(["2026-03-23T14:00:00Z/2026-03-23T15:00:00Z"]),
            "the deleted event is gone and the changed one moved");
        (await AvailableAsync(api, sub, calendarId)).ShouldBe(["2026-03-23T08:00:00Z/2026-03-23T12:00:00Z"]);
    }

    /// <summary>A weekly event nobody touches: an incremental sync would never read it again, so once the window has
    /// moved a day every calendar is read again from scratch and the window's new end gets its occurrences.</summary>
    [CalDavTheory]
    [MemberData(nameof(Servers))]
    public async Task Sync_UnchangedRecurringEvent_IsExpandedAgainAsTheWindowMoves(string name)
    {
        await using var app = RtsAppFactory.With(new Dictionary<string, string?>(ConnectionsFixture.Settings) { [ConfigKeys.ConnectionsHorizon] = "7.00:00:00" });
        var other = Other(name);
        var url = await other.NewCalendarAsync("Work");
        await other.PutAsync(url, "standup.ics", Simple("standup", "20260323T090000Z", "20260323T100000Z", "RRULE:FREQ=WEEKLY"));
        var api = await app.CreateApiClientAsync();
        var (sub, _) = await api.CreateAccountAsync();
        var connection = await ConnectCalDavAsync(api, sub, servers[name], url);
        var calendarId = CalendarId(connection);
        const string Week = "2026-03-30T00:00:00Z", WeekEnd = "2026-03-31T00:00:00Z";
        (await BusyAsync(api, calendarId, Week, WeekEnd)).ShouldBeEmpty("the first window ends on 27 March");

        app.Clock.Advance(NodaTime.Duration.FromDays(4));
        await SyncNowAsync(api, Id(connection));

        await Eventually.HoldsAsync(() => BusyAsync(api, calendarId, Week, WeekEnd), b => b.SequenceEqual(["2026-03-30T09:00:00Z/2026-03-30T10:00:00Z"]),
            "the window now reaches 30 March, and the unchanged event was expanded again");
    }

    /// <summary>A connection made from the calendar home (as a person gives their server's address) learns of a calendar
    /// created on the server after it was made: the daily full read discovers it, adds it to the connection and reads it.</summary>
    [CalDavTheory]
    [MemberData(nameof(Servers))]
    public async Task Sync_CalendarAddedOnTheServer_IsFoundByTheDailyFullRead(string name)
    {
        await using var app = RtsAppFactory.With(ConnectionsFixture.Settings);
        var other = Other(name);
        await other.NewCalendarAsync("Work");
        var api = await app.CreateApiClientAsync();
        var (sub, _) = await api.CreateAccountAsync();
        var connection = await ConnectCalDavAsync(api, sub, servers[name], other.CalendarHome);
        var later = $"Added later {Guid.NewGuid():N}";
        connection["calendars"]!.AsArray().ShouldNotContain(c => c!["calendar_name"]!.GetValue<string>() == later);

        var url = await other.NewCalendarAsync(later);
        await other.PutAsync(url, "planning.ics", Simple("planning", "20260323T090000Z", "20260323T100000Z"));
        app.Clock.Advance(NodaTime.Duration.FromDays(1));
        await SyncNowAsync(api, Id(connection));

        var found = await Eventually.HoldsAsync(async () => (await GetAsync(api, Id(connection)))["calendars"]!.AsArray(),
            c => c.Any(x => x!["calendar_name"]!.GetValue<string>() == later), "the new calendar joined the connection");
        var calendarId = found.Single(c => c!["calendar_name"]!.GetValue<string>() == later)!["calendar_id"]!.GetValue<string>();
        (await BusyAsync(api, calendarId)).ShouldBe(["2026-03-23T09:00:00Z/2026-03-23T10:00:00Z"]);
        (await GetAsync(api, Id(connection)))["status"]!.GetValue<string>().ShouldBe("active");
    }

    /// <summary>A calendar deleted on the server (by another client) leaves the connection healthy: its synced busy time
    /// goes, the API says <c>calendar_deleted</c>, the connection's other calendar keeps syncing in the same run; a
    /// calendar made again at that URL comes back with its new events.</summary>
    [CalDavTheory]
    [MemberData(nameof(Servers))]
    public async Task Sync_CalendarDeletedOnTheServer_IsMarkedDeleted_TheOthersKeepSyncing(string name)
    {
        await using var app = RtsAppFactory.With(ConnectionsFixture.Settings);
        var other = Other(name);
        var work = await other.NewCalendarAsync("Work");
        var home = await other.NewCalendarAsync("Home");
        await other.PutAsync(work, "standup.ics", Simple("standup", "20260323T080000Z", "20260323T083000Z"));
        await other.PutAsync(home, "dentist.ics", Simple("dentist", "20260323T090000Z", "20260323T100000Z"));
        var api = await app.CreateApiClientAsync();
        var (sub, _) = await api.CreateAccountAsync();
        var connection = await ConnectCalDavAsync(api, sub, servers[name], other.CalendarHome);
        async Task<string> IdOfAsync(Uri url)
        {
            await using var db = app.Db();
            return await db.Calendars.Where(c => c.ConnectionId == Id(connection) && c.RemoteUrl == url.AbsoluteUri).Select(c => c.Id).SingleAsync();
        }
        var (workId, homeId) = (await IdOfAsync(work), await IdOfAsync(home));
        (await BusyAsync(api, homeId)).ShouldBe(["2026-03-23T09:00:00Z/2026-03-23T10:00:00Z"]);

        await other.DeleteAsync(home);
        await other.PutAsync(work, "review.ics", Simple("review", "20260323T110000Z", "20260323T120000Z"));
        await SyncNowAsync(api, Id(connection));

        await Eventually.HoldsAsync(() => BusyAsync(api, workId), b => b.Length == 2, "the other calendar synced in the same run");
        (await BusyAsync(api, homeId)).ShouldBeEmpty();
        (await DeletedAsync(api, workId, homeId)).ShouldBe([false, true]);
        var refused = await ApiClient.ErrorAsync(await api.PostAsync("/v1/real_time_scheduling",
            ConnectionsApiTests.LinkBody(sub, target: homeId, memberCalendars: null).ToJsonString()), 422);
        refused["errors"]!["target_calendars[0].calendar_id"]![0]!["description"]!.GetValue<string>().ShouldBe("was deleted on its calendar server");
        var stored = await GetAsync(api, Id(connection));
        stored["status"]!.GetValue<string>().ShouldBe("active");
        stored["error"].ShouldBeNull();

        await other.NewCalendarAsync("Home again", at: home);
        await other.PutAsync(home, "gym.ics", Simple("gym", "20260323T140000Z", "20260323T150000Z"));
        await SyncNowAsync(api, Id(connection));

        await Eventually.HoldsAsync(() => BusyAsync(api, homeId), b => b.SequenceEqual(["2026-03-23T14:00:00Z/2026-03-23T15:00:00Z"]), "the calendar made again is read");
        (await DeletedAsync(api, workId, homeId)).ShouldBe([false, false]);
    }

    /// <summary><c>calendar_deleted</c> of each of <paramref name="calendarIds"/>, in that order, from <c>GET /v1/calendars</c>.</summary>
    private static async Task<bool[]> DeletedAsync(ApiClient api, params string[] calendarIds)
    {
        var listed = (await api.GetOkAsync("/v1/calendars"))["calendars"]!.AsArray()
            .ToDictionary(c => c!["calendar_id"]!.GetValue<string>(), c => c!["calendar_deleted"]!.GetValue<bool>());
        return calendarIds.Select(id => listed[id]).ToArray();
    }

    [CalDavTheory]
    [MemberData(nameof(Servers))]
    public async Task Recurring_WithExceptions_BlocksExactlyItsInstances(string name)
    {
        var server = servers[name];
        var other = Other(name);
        var url = await other.NewCalendarAsync("Work");
        // Daily 09:00 Berlin from Monday 23 March for 5 days; Tuesday's instance deleted, Wednesday's moved to 15:00.
        await other.PutAsync(url, "standup.ics", Ics.Calendar(
            "BEGIN:VEVENT", "UID:standup", "DTSTAMP:20260101T000000Z", "DTSTART;TZID=Europe/Berlin:20260323T090000",
            "DTEND;TZID=Europe/Berlin:20260323T093000", "RRULE:FREQ=DAILY;COUNT=5", "EXDATE;TZID=Europe/Berlin:20260324T090000",
            "SUMMARY:Standup", "END:VEVENT",
            "BEGIN:VEVENT", "UID:standup", "DTSTAMP:20260101T000000Z", "RECURRENCE-ID;TZID=Europe/Berlin:20260325T090000",
            "DTSTART;TZID=Europe/Berlin:20260325T150000", "DTEND;TZID=Europe/Berlin:20260325T153000", "SUMMARY:Standup (late)", "END:VEVENT"));
        var api = await factory.CreateApiClientAsync();
        var (sub, _) = await api.CreateAccountAsync();
        var calendarId = CalendarId(await ConnectCalDavAsync(api, sub, server, url));

        (await BusyAsync(api, calendarId, "2026-03-22T00:00:00Z", "2026-03-30T00:00:00Z")).ShouldBe([
            "2026-03-23T08:00:00Z/2026-03-23T08:30:00Z",
            "2026-03-25T14:00:00Z/2026-03-25T14:30:00Z",
            "2026-03-26T08:00:00Z/2026-03-26T08:30:00Z",
            "2026-03-27T08:00:00Z/2026-03-27T08:30:00Z",
        ]);
    }

    [CalDavTheory]
    [InlineData(CalDavServers.Radicale)]
    public async Task PasswordChanged_StatusError_KeepsTheLastGoodEvents(string name)
    {
        var server = servers[name];
        var other = Other(name);
        var url = await other.NewCalendarAsync("Work");
        await other.PutAsync(url, "planning.ics", Simple("planning", "20260323T090000Z", "20260323T100000Z"));
        var api = await factory.CreateApiClientAsync();
        var (sub, _) = await api.CreateAccountAsync();
        var connection = await ConnectCalDavAsync(api, sub, server, url);
        var id = Id(connection);

        // The password the connection holds no longer opens the account (as after the user changed it at the server).
        var wrong = factory.Services.GetRequiredService<CalDavConnections>().Protect("not-the-password");
        await using (var db = factory.Db())
            await db.CalendarConnections.Where(c => c.Id == id).ExecuteUpdateAsync(s => s.SetProperty(c => c.PasswordProtected, wrong));
        await SyncNowAsync(api, id);

        await Eventually.HoldsAsync(() => StoredAsync(id), c => c.Status == "error" && c.LeaseOwner is null, "the sync failed");
        var shown = await GetAsync(api, id);
        shown["status"]!.GetValue<string>().ShouldBe("error");
        shown["error"]!.GetValue<string>().ShouldBe("the server refused the credentials");
        (await BusyAsync(api, CalendarId(connection))).ShouldBe(["2026-03-23T09:00:00Z/2026-03-23T10:00:00Z"]);
    }

    /// <summary>A 404 is not taken for a deletion when discovery cannot confirm it (a proxy answering 404 to everything
    /// while the server restarts): the sync fails, the connection shows it, and the last good events stay.</summary>
    [CalDavTheory]
    [MemberData(nameof(Servers))]
    public async Task Sync_EverythingAnswers404_IsAnError_NotADeletion(string name)
    {
        var other = Other(name);
        var url = await other.NewCalendarAsync("Work");
        await other.PutAsync(url, "planning.ics", Simple("planning", "20260323T090000Z", "20260323T100000Z"));
        var api = await factory.CreateApiClientAsync();
        var (sub, _) = await api.CreateAccountAsync();
        var connection = await ConnectCalDavAsync(api, sub, servers[name], url);
        var id = Id(connection);

        // The feed server answers 404 to every path it does not know: the connection and its calendar now point there.
        var nowhere = fixture.Feeds.BaseUrl + url.AbsolutePath;
        await using (var db = factory.Db())
        {
            await db.CalendarConnections.Where(c => c.Id == id).ExecuteUpdateAsync(s => s.SetProperty(c => c.Url, nowhere));
            await db.Calendars.Where(c => c.ConnectionId == id).ExecuteUpdateAsync(s => s.SetProperty(c => c.RemoteUrl, nowhere));
        }
        await SyncNowAsync(api, id);

        await Eventually.HoldsAsync(() => StoredAsync(id), c => c.Status == "error" && c.LeaseOwner is null, "the sync failed");
        (await GetAsync(api, id))["error"]!.GetValue<string>().ShouldContain("no longer exists on the server");
        (await BusyAsync(api, CalendarId(connection))).ShouldBe(["2026-03-23T09:00:00Z/2026-03-23T10:00:00Z"]);
        (await DeletedAsync(api, CalendarId(connection))).ShouldBe([false]);
    }

    [CalDavTheory]
    [InlineData(CalDavServers.Radicale)]
    public async Task Connect_WrongPassword_Is422_RefusedCredentials(string name)
    {
        var server = servers[name];
        var url = await Other(name).NewCalendarAsync("Work");
        var api = await factory.CreateApiClientAsync();
        var (sub, _) = await api.CreateAccountAsync();

        var error = await ApiClient.ErrorAsync(await api.PostAsync("/v1/calendar_connections",
            new { sub, provider = "caldav", url = url.AbsoluteUri, username = server.User, password = "wrong" }), 422);

        error["errors"]!["url"]![0]!["key"]!.GetValue<string>().ShouldBe("errors.connection_failed");
        error["errors"]!["url"]![0]!["description"]!.GetValue<string>().ShouldBe("the server refused the credentials");
    }

    [Fact]
    public async Task Connect_NoServerListening_Is422_Unreachable()
    {
        var api = await factory.CreateApiClientAsync();
        var (sub, _) = await api.CreateAccountAsync();
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var error = await ApiClient.ErrorAsync(await api.PostAsync("/v1/calendar_connections",
            new { sub, provider = "caldav", url = $"http://127.0.0.1:{port}/dav/" }), 422);

        error["errors"]!["url"]![0]!["key"]!.GetValue<string>().ShouldBe("errors.connection_failed");
        error["errors"]!["url"]![0]!["description"]!.GetValue<string>().ShouldStartWith("unreachable: ");
    }
}
