using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using NodaTime;
using RtsApp.Features.Connections.CalDav;
using RtsApp.ICalendar;
using RtsApp.Tests.ICalendar;

namespace RtsApp.Tests.Features.Connections.CalDav;

/// <summary>The CalDAV client against two real servers (Radicale, Xandikos). Data is written the way another calendar
/// app would (<see cref="OtherClient"/>); every test makes its own calendar, so tests share nothing but the servers.</summary>
[Collection(CalDavCollection.Name)]
public sealed class CalDavClientTests(CalDavServers servers) : IDisposable
{
    private static readonly DateTimeZone Berlin = DateTimeZoneProviders.Tzdb["Europe/Berlin"];
    private readonly CancellationTokenSource limit = new(TimeSpan.FromSeconds(60));
    private readonly List<IDisposable> owned = [];

    public static TheoryData<string> Servers => [CalDavServers.Radicale, CalDavServers.Xandikos];

    public static TheoryData<string, bool> ServersAndSyncPaths => new()
    {
        { CalDavServers.Radicale, true }, { CalDavServers.Radicale, false },
        { CalDavServers.Xandikos, true }, { CalDavServers.Xandikos, false },
    };

    private CancellationToken Cancel => limit.Token;

    private CalDavClient Client(CalDavServer server, bool useSyncCollection = true, string? password = null)
    {
        var http = new HttpClient(CalDavHttp.CreateHandler(allowPrivateNetworks: true));
        owned.Add(http);
        return new CalDavClient(http, new CalDavCredentials(server.User, password ?? server.Password),
            new CalDavClientOptions { AllowPrivateNetworks = true, UseSyncCollection = useSyncCollection, RequestTimeout = TimeSpan.FromSeconds(10) });
    }

    private OtherClient Other(string name)
    {
        var other = new OtherClient(servers[name]);
        owned.Add(other);
        return other;
    }

    private static async Task<T> Ok<T>(Task<CalDavResult<T>> call) where T : class
    {
        var result = await call;
        result.Succeeded.ShouldBeTrue(result.ToString());
        return result.Value;
    }

    /// <summary>A new calendar on <paramref name="name"/> holding <paramref name="objects"/> (written by another
    /// client), and RtsApp's client with the calendar as its discovery finds it.</summary>
    private async Task<Arranged> ArrangeAsync(string name, string displayName, bool useSyncCollection = true, params (string File, string Ics)[] objects)
    {
        var other = Other(name);
        var url = await other.NewCalendarAsync(displayName);
        foreach (var (file, ics) in objects) await other.PutAsync(url, file, ics);
        var client = Client(servers[name], useSyncCollection);
        var found = await Ok(client.DiscoverAsync(servers[name].Url, Cancel));
        return new Arranged(other, url, client, found.Calendars.Single(c => c.Url == url));
    }

    private sealed record Arranged(OtherClient Other, Uri Url, CalDavClient Client, CalDavCalendarRef Calendar);

    private static string Simple(string uid, string start) => Ics.Calendar(
        "BEGIN:VEVENT", $"UID:{uid}", "DTSTAMP:20270101T000000Z", $"DTSTART:{start}", "DURATION:PT1H", $"SUMMARY:{uid}", "END:VEVENT");

    // ---- discovery --------------------------------------------------------------------------------------------------

    [CalDavTheory]
    [MemberData(nameof(Servers))]
    public async Task Discover_FromRoot_FindsTheCalendarWithNameAndWritable(string name)
    {
        var server = servers[name];
        var calendar = await Other(name).NewCalendarAsync("Work Ünïcode");

        var found = await Ok(Client(server).DiscoverAsync(server.Url, Cancel));

        found.CalendarHome.ShouldBe(Other(name).CalendarHome);
        var work = found.Calendars.Single(c => c.Url == calendar);
        work.DisplayName.ShouldBe("Work Ünïcode");
        work.ReadOnly.ShouldBeFalse();
        work.SupportsSyncCollection.ShouldBeTrue();
        if (name == CalDavServers.Radicale)
            found.Calendars.Single(c => c.Url.AbsolutePath == $"/{server.User}/holidays/").ReadOnly.ShouldBeTrue();
    }

    [CalDavTheory]
    [MemberData(nameof(Servers))]
    public async Task Discover_FromPastedCalendarUrl_FindsThatCalendarOnly(string name)
    {
        var calendar = await Other(name).NewCalendarAsync("Pasted");

        var found = await Ok(Client(servers[name]).DiscoverAsync(calendar, Cancel));

        found.Calendars.ShouldHaveSingleItem().Url.ShouldBe(calendar);
        found.Calendars[0].DisplayName.ShouldBe("Pasted");
    }

    [CalDavTheory]
    [InlineData(CalDavServers.Radicale)]
    public async Task Discover_WrongPassword_IsCredentialsFailure(string name)
    {
        var result = await Client(servers[name], password: "wrong").DiscoverAsync(servers[name].Url, Cancel);

        result.Failure.ShouldNotBeNull().Kind.ShouldBe(CalDavFailureKind.Credentials);
        result.Failure.Reason.ShouldBe("the server refused the credentials");
    }

    /// <summary>A local web server that answers every request with <paramref name="answer"/>.</summary>
    private async Task<(WebApplication App, Uri Url)> WebServerAsync(RequestDelegate answer)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.Run(answer);
        await app.StartAsync(Cancel);
        return (app, new Uri(app.Urls.Single()));
    }

    private static RequestDelegate Answer(int status, string contentType, string body) => context =>
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        return context.Response.WriteAsync(body, context.RequestAborted);
    };

    [Fact]
    public async Task Discover_PlainWebServer_IsNotCalDav()
    {
        var (app, url) = await WebServerAsync(Answer(200, "text/html; charset=utf-8", "<!doctype html><html><body><h1>Welcome</h1></body></html>"));
        await using var _ = app;

        var result = await Client(new CalDavServer("web", url, null, null)).DiscoverAsync(url, Cancel);

        result.Failure.ShouldNotBeNull().Kind.ShouldBe(CalDavFailureKind.NotCalDav);
        result.Failure.Reason.ShouldStartWith("not a CalDAV server");
    }

    /// <summary>Hrefs a hostile or broken server may send: other schemes, hosts that do not parse. Each fails discovery as
    /// a server this client cannot use; none reaches the HTTP stack (which threw on them: a 500 when connecting).</summary>
    [Theory]
    [InlineData("/", "http://[::1")]
    [InlineData("/", "file:///etc/passwd")]
    [InlineData("/", "ftp://127.0.0.1/principal/")]
    [InlineData("/", "mailto:%%%")]
    [InlineData("/", "gopher://127.0.0.1:70/x")]
    [InlineData("http://:99999/x", "/principal/")]
    public async Task Discover_HrefsThatAreNotHttpUrls_AreRejected(string responseHref, string principalHref)
    {
        var multistatus = $"""
            <multistatus xmlns="DAV:"><response><href>{responseHref}</href><propstat><prop><current-user-principal>
            <href>{principalHref}</href></current-user-principal></prop><status>HTTP/1.1 200 OK</status></propstat></response></multistatus>
            """;
        var (app, url) = await WebServerAsync(Answer(207, "application/xml", multistatus));
        await using var _ = app;

        var result = await Client(new CalDavServer("hostile", url, null, null)).DiscoverAsync(url, Cancel);

        result.Failure.ShouldNotBeNull().Kind.ShouldBe(CalDavFailureKind.Rejected);
        result.Failure.Reason.ShouldStartWith("the server named a URL this client cannot use: ");
    }

    /// <summary>Hrefs are followed with the credentials: never from https down to http — except the server's own host
    /// named over http (a server behind a TLS proxy), which is taken on its https address.</summary>
    [Theory]
    [InlineData("https://cal.example/dav/", "/dav/principal/", "https://cal.example/dav/principal/")]
    [InlineData("https://cal.example/dav/", "http://cal.example/dav/principal/", "https://cal.example/dav/principal/")]
    [InlineData("https://cal.example:8443/dav/", "http://cal.example/dav/home/", "https://cal.example:8443/dav/home/")]
    [InlineData("http://cal.example/dav/", "https://cal.example/dav/home/", "https://cal.example/dav/home/")]
    [InlineData("https://cal.example/dav/", "http://other.example/dav/", null)]
    [InlineData("https://cal.example/dav/", "http://cal.example:8080/dav/", null)]
    public void Resolve_NeverDownToHttp_ButTheServersOwnHostIsTakenOnHttps(string baseUrl, string href, string? expected)
    {
        if (expected is null) Should.Throw<Exception>(() => CalDavClient.Resolve(new Uri(baseUrl), href)).Message.ShouldStartWith("the server named a URL");
        else CalDavClient.Resolve(new Uri(baseUrl), href).AbsoluteUri.ShouldBe(expected);
    }

    [Fact]
    public async Task Discover_MultistatusWithDtd_IsNotReadAtAll()
    {
        const string Bomb = """
            <?xml version="1.0"?>
            <!DOCTYPE multistatus [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>
            <multistatus xmlns="DAV:"><response><href>/</href><propstat><prop><current-user-principal><href>/&b;/</href>
            </current-user-principal></prop><status>HTTP/1.1 200 OK</status></propstat></response></multistatus>
            """;
        var (app, url) = await WebServerAsync(Answer(207, "application/xml", Bomb));
        await using var _ = app;

        var result = await Client(new CalDavServer("dtd", url, null, null)).DiscoverAsync(url, Cancel);

        result.Failure.ShouldNotBeNull().Kind.ShouldBe(CalDavFailureKind.NotCalDav);
    }

    [Fact]
    public async Task Discover_AnswerOverTheSizeLimit_IsRejected()
    {
        var huge = "<multistatus xmlns=\"DAV:\">" + new string(' ', 200_000) + "</multistatus>";
        var (app, url) = await WebServerAsync(Answer(207, "application/xml", huge));
        await using var _ = app;
        using var http = new HttpClient(CalDavHttp.CreateHandler(allowPrivateNetworks: true));
        var client = new CalDavClient(http, CalDavCredentials.None, new CalDavClientOptions { AllowPrivateNetworks = true, MaxResponseBytes = 64 * 1024 });

        var result = await client.DiscoverAsync(url, Cancel);

        result.Failure.ShouldNotBeNull().Kind.ShouldBe(CalDavFailureKind.Rejected);
        result.Failure.Reason.ShouldContain("larger than 65536 bytes");
    }

    [Fact]
    public async Task Discover_ClosedPort_IsUnreachable()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var url = new Uri($"http://127.0.0.1:{port}/");

        var result = await Client(new CalDavServer("closed", url, null, null)).DiscoverAsync(url, Cancel);

        result.Failure.ShouldNotBeNull().Kind.ShouldBe(CalDavFailureKind.Unreachable);
        result.Failure.Reason.ShouldStartWith("unreachable: ");
    }

    [Fact]
    public async Task Discover_LoopbackWithoutPrivateNetworks_IsRefusedBeforeConnecting()
    {
        using var http = new HttpClient(CalDavHttp.CreateHandler(allowPrivateNetworks: false));
        var client = new CalDavClient(http, CalDavCredentials.None);

        var result = await client.DiscoverAsync(new Uri("http://127.0.0.1:9/"), Cancel);

        result.Failure.ShouldNotBeNull().Kind.ShouldBe(CalDavFailureKind.Unreachable);
        result.Failure.Reason.ShouldContain("loopback");
    }

    // ---- sync -------------------------------------------------------------------------------------------------------

    [CalDavTheory]
    [MemberData(nameof(ServersAndSyncPaths))]
    public async Task Sync_InitialThenIncremental_ReturnsExactlyTheChanges(string name, bool useSyncCollection)
    {
        var (other, calendarUrl, client, calendar) = await ArrangeAsync(name, "Sync", useSyncCollection,
            ("a.ics", Simple("a", "20270301T090000Z")), ("b.ics", Simple("b", "20270302T090000Z")), ("c.ics", Simple("c", "20270303T090000Z")));
        var (a, b) = (new Uri(calendarUrl, "a.ics"), new Uri(calendarUrl, "b.ics"));

        var first = await Ok(client.SyncAsync(calendar, null, Cancel));

        first.FullResync.ShouldBeTrue();
        first.Changed.Select(o => IcsReader.Parse(o.IcsText, Berlin).Objects.Single().Uid).Order().ShouldBe(["a", "b", "c"]);
        first.Removed.ShouldBeEmpty();
        first.State.ETags.Count.ShouldBe(3);
        (first.State.SyncToken is not null).ShouldBe(useSyncCollection);

        var d = await other.PutAsync(calendarUrl, "d.ics", Simple("d", "20270304T090000Z"));
        await other.DeleteAsync(b);
        var second = await Ok(client.SyncAsync(calendar, first.State, Cancel));

        second.FullResync.ShouldBeFalse();
        second.Changed.ShouldHaveSingleItem().Href.ShouldBe(d.AbsolutePath);
        second.Changed[0].IcsText.ShouldContain("UID:d");
        second.Removed.ShouldBe([b.AbsolutePath]);
        second.State.ETags.Keys.Order().ShouldBe([a.AbsolutePath, calendarUrl.AbsolutePath + "c.ics", d.AbsolutePath]);

        var third = await Ok(client.SyncAsync(calendar, second.State, Cancel));
        third.Changed.ShouldBeEmpty();
        third.Removed.ShouldBeEmpty();

        await other.PutAsync(calendarUrl, "a.ics", Simple("a", "20270305T090000Z"));
        var fourth = await Ok(client.SyncAsync(calendar, third.State, Cancel));
        fourth.Changed.ShouldHaveSingleItem().IcsText.ShouldContain("DTSTART:20270305T090000Z");
        fourth.Removed.ShouldBeEmpty();
    }

    [CalDavTheory]
    [MemberData(nameof(Servers))]
    public async Task Sync_TokenTheServerDoesNotKnow_ListsEverythingAgain(string name)
    {
        var (_, calendarUrl, client, calendar) = await ArrangeAsync(name, "Stale", objects: ("a.ics", Simple("a", "20270301T090000Z")));
        var gone = calendarUrl.AbsolutePath + "gone.ics";
        var stale = new CalDavSyncState("http://example.invalid/sync/unknown", null, new Dictionary<string, string> { [gone] = "\"x\"" });

        var result = await Ok(client.SyncAsync(calendar, stale, Cancel));

        result.FullResync.ShouldBeTrue();
        result.Changed.ShouldHaveSingleItem().IcsText.ShouldContain("UID:a");
        result.Removed.ShouldBe([gone]);
        result.State.SyncToken.ShouldNotBe(stale.SyncToken);
    }

    // ---- time range -------------------------------------------------------------------------------------------------

    /// <summary>Weekly on Mondays 09:00 Berlin from 4 January 2027, ten times; 18 January excluded; 25 January moved to 14:00.</summary>
    private static string Weekly(string uid) => Ics.Calendar(
        "BEGIN:VTIMEZONE", "TZID:Europe/Berlin",
        "BEGIN:DAYLIGHT", "TZOFFSETFROM:+0100", "TZOFFSETTO:+0200", "TZNAME:CEST", "DTSTART:19700329T020000", "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU", "END:DAYLIGHT",
        "BEGIN:STANDARD", "TZOFFSETFROM:+0200", "TZOFFSETTO:+0100", "TZNAME:CET", "DTSTART:19701025T030000", "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU", "END:STANDARD",
        "END:VTIMEZONE",
        "BEGIN:VEVENT", $"UID:{uid}", "DTSTAMP:20270101T000000Z", "DTSTART;TZID=Europe/Berlin:20270104T090000", "DTEND;TZID=Europe/Berlin:20270104T100000",
        "RRULE:FREQ=WEEKLY;COUNT=10", "EXDATE;TZID=Europe/Berlin:20270118T090000", "SUMMARY:Weekly", "END:VEVENT",
        "BEGIN:VEVENT", $"UID:{uid}", "DTSTAMP:20270101T000000Z", "RECURRENCE-ID;TZID=Europe/Berlin:20270125T090000",
        "DTSTART;TZID=Europe/Berlin:20270125T140000", "DTEND;TZID=Europe/Berlin:20270125T150000", "SUMMARY:Weekly (moved)", "END:VEVENT");

    [CalDavTheory]
    [MemberData(nameof(Servers))]
    public async Task QueryTimeRange_RecurringWithExclusionAndOverride_BlocksTheInstancesInTheWindow(string name)
    {
        var (_, _, client, calendar) = await ArrangeAsync(name, "Busy", objects: [("weekly.ics", Weekly("weekly")), ("later.ics", Simple("later", "20270601T090000Z"))]);

        async Task<(List<string> Uids, List<(Instant, Instant)> Busy)> Query(Instant start, Instant end)
        {
            var objects = await Ok(client.QueryTimeRangeAsync(calendar, start, end, Cancel));
            var window = new Interval(start, end);
            var busy = objects.SelectMany(o => IcsReader.Read(o.IcsText, Berlin, window, 1000).Occurrences).Select(o => (o.Start, o.End)).Order().ToList();
            return (objects.Select(o => IcsReader.Parse(o.IcsText, Berlin).Objects.Single().Uid).ToList(), busy);
        }

        var plain = await Query(Ics.Utc("2027-02-01T07:00:00Z"), Ics.Utc("2027-02-01T09:00:00Z"));
        plain.Uids.ShouldBe(["weekly"]);
        plain.Busy.ShouldBe([(Ics.Utc("2027-02-01T08:00:00Z"), Ics.Utc("2027-02-01T09:00:00Z"))]);

        var moved = await Query(Ics.Utc("2027-01-25T00:00:00Z"), Ics.Utc("2027-01-26T00:00:00Z"));
        moved.Uids.ShouldBe(["weekly"]);
        moved.Busy.ShouldBe([(Ics.Utc("2027-01-25T13:00:00Z"), Ics.Utc("2027-01-25T14:00:00Z"))]);

        // The excluded Monday: whatever the server returns, nothing is busy.
        (await Query(Ics.Utc("2027-01-18T00:00:00Z"), Ics.Utc("2027-01-19T00:00:00Z"))).Busy.ShouldBeEmpty();

        // After the tenth instance (8 March): the recurring object may come back (it is looked at whole), nothing is busy.
        var after = await Query(Ics.Utc("2027-03-15T00:00:00Z"), Ics.Utc("2027-03-16T00:00:00Z"));
        after.Uids.ShouldNotContain("later");
        after.Busy.ShouldBeEmpty();

        // A single event is found by its own time range.
        (await Query(Ics.Utc("2027-06-01T09:30:00Z"), Ics.Utc("2027-06-01T09:45:00Z"))).Busy.ShouldBe(
            [(Ics.Utc("2027-06-01T09:00:00Z"), Ics.Utc("2027-06-01T10:00:00Z"))]);
    }

    // ---- write-back -------------------------------------------------------------------------------------------------

    [CalDavTheory]
    [MemberData(nameof(Servers))]
    public async Task PutEvent_RetriedAfterSuccess_HoldsOneObjectThatOtherClientsRead(string name)
    {
        var (other, calendarUrl, client, calendar) = await ArrangeAsync(name, "Bookings");
        var uid = $"evt_{Guid.NewGuid():N}@rts.example";
        var start = Ics.Utc("2027-04-05T10:00:00Z");
        var ics = IcsWriter.Event(uid, Ics.Utc("2027-04-01T00:00:00Z"), start, start + Duration.FromMinutes(30), "Intro call", "Booked via RtsApp", "Video");

        var first = await Ok(client.PutEventAsync(calendar, uid, ics, Cancel));
        var retry = await Ok(client.PutEventAsync(calendar, uid, ics, Cancel));

        first.Outcome.ShouldBe(CalDavPutOutcome.Created);
        retry.Outcome.ShouldBe(CalDavPutOutcome.AlreadyExists);
        retry.Href.ShouldBe(first.Href);
        (await other.CountObjectsWithUidAsync(calendarUrl, uid)).ShouldBe(1);
        var readBack = await other.GetAsync(new Uri(calendarUrl, first.Href));
        var occurrence = IcsReader.Read(readBack.ShouldNotBeNull(), Berlin, new Interval(start, start + Duration.FromDays(1)), 10).Occurrences.ShouldHaveSingleItem();
        occurrence.Uid.ShouldBe(uid);
        occurrence.Summary.ShouldBe("Intro call");
        occurrence.End.ShouldBe(start + Duration.FromMinutes(30));
    }

    [CalDavTheory]
    [MemberData(nameof(Servers))]
    public async Task PutEvent_DifferentObjectAtThatName_IsAFailure(string name)
    {
        var (other, calendarUrl, client, calendar) = await ArrangeAsync(name, "Clash", objects: ("taken.ics", Simple("someone-else", "20270301T090000Z")));
        var start = Ics.Utc("2027-04-05T10:00:00Z");

        var result = await client.PutEventAsync(calendar, "taken", IcsWriter.Event("taken", start, start, start + Duration.FromHours(1), "Mine"), Cancel);

        result.Failure.ShouldNotBeNull().Kind.ShouldBe(CalDavFailureKind.Rejected);
        (await other.GetAsync(new Uri(calendarUrl, "taken.ics"))).ShouldNotBeNull().ShouldContain("UID:someone-else");
    }

    [CalDavTheory]
    [InlineData(CalDavServers.Radicale)]
    public async Task PutEvent_ReadOnlyCalendar_IsRejected(string name)
    {
        var server = servers[name];
        var client = Client(server);
        var holidays = (await Ok(client.DiscoverAsync(server.Url, Cancel))).Calendars.Single(c => c.ReadOnly);
        var start = Ics.Utc("2027-04-05T10:00:00Z");

        var result = await client.PutEventAsync(holidays, "ro", IcsWriter.Event("ro", start, start, start + Duration.FromHours(1), "Nope"), Cancel);

        result.Failure.ShouldNotBeNull().Kind.ShouldBe(CalDavFailureKind.Rejected);
        result.Failure.Reason.ShouldContain("403");
    }

    public void Dispose()
    {
        foreach (var d in owned) d.Dispose();
        limit.Dispose();
    }
}
