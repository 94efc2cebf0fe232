using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using RtsApp.Features.Booking;
using RtsApp.Features.Connections;
using RtsApp.Infrastructure;
using RtsApp.Store;
using RtsApp.Tests.Infrastructure;
using static RtsApp.Tests.Features.Connections.CalDav.CalDavConnectionTests;
using static RtsApp.Tests.Features.Connections.ConnectionCalls;

namespace RtsApp.Tests.Features.Connections.CalDav;

/// <summary>The CalDAV sync and write-back workers across app instances on one database: an app restarted while the
/// server is down, and two apps (two processes behind a load balancer, PostgreSQL) running both workers at once. The
/// real server sits behind a <see cref="CalDavProxy"/> that counts what reaches it. Each test owns its apps, so it moves
/// their clocks (what the workers read) itself.</summary>
[Collection(CalDavCollection.Name)]
public sealed class CalDavWorkerTests(CalDavServers servers) : IDisposable
{
    private static readonly Instant Nine = Instant.FromUtc(2026, 3, 23, 9, 0);
    private static readonly Duration Interval = Duration.FromSeconds(5);
    private readonly TestDatabase database = TestDatabase.Create();
    private readonly List<IDisposable> owned = [];

    public static TheoryData<string> Servers => [CalDavServers.Radicale, CalDavServers.Xandikos];

    private static Dictionary<string, string?> Settings => new(ConnectionsFixture.Settings)
    {
        [ConfigKeys.ConnectionsSyncInterval] = Interval.ToTimeSpan().ToString("c", System.Globalization.CultureInfo.InvariantCulture),
    };

    public void Dispose()
    {
        foreach (var o in owned) o.Dispose();
        database.Dispose();
    }

    private RtsAppFactory StartApp(Instant now)
    {
        var app = RtsAppFactory.On(database, Settings);
        app.Clock.Now = now;
        app.CreateClient().Dispose(); // starts the host and its workers
        return app;
    }

    private sealed record WriteBackLink(ApiClient Api, string Sub, OtherClient Other, Uri Url, string ConnectionId, string CalDavCalendar, string Token, string LinkId);

    /// <summary>An account with a CalDAV calendar connected through <paramref name="proxy"/> and a local one, and a link on
    /// Monday 09:00–11:00Z that reads the local calendar and books into the CalDAV one.</summary>
    private async Task<WriteBackLink> ArrangeAsync(RtsAppFactory app, string name, CalDavProxy proxy)
    {
        var other = new OtherClient(servers[name]);
        owned.Add(other);
        var url = await other.NewCalendarAsync("Work");
        var api = await app.CreateApiClientAsync();
        var (sub, _) = await api.CreateAccountAsync();
        var connection = await ConnectCalDavAsync(api, sub, servers[name], proxy.Through(url));
        var local = await api.CreateCalendarAsync(sub, "Local");
        var reply = await api.PostOkAsync("/v1/real_time_scheduling", ConnectionsApiTests.LinkBody(sub, CalendarId(connection), [local]).ToJsonString());
        var linkUrl = reply["url"]!.GetValue<string>();
        return new WriteBackLink(api, sub, other, url, Id(connection), CalendarId(connection), linkUrl[(linkUrl.LastIndexOf('/') + 1)..],
            reply["real_time_scheduling"]!["real_time_scheduling_id"]!.GetValue<string>());
    }

    private async Task<CalDavWriteBack> WriteBackAsync(string linkId)
    {
        await using var db = database.Context();
        return await db.CalDavWriteBacks.AsNoTracking().SingleAsync(w => w.LinkId == linkId);
    }

    private static int Puts(CalDavProxy proxy, CalDavWriteBack row) => proxy.Requests.Count(r => r.Method == "PUT" && r.Path == row.Href);

    [CalDavTheory]
    [MemberData(nameof(Servers))]
    public async Task WriteBack_ServerDownAndAppRestarted_DeliveredOnceByTheNewApp(string name)
    {
        await using var proxy = await CalDavProxy.StartAsync(servers[name].Url);
        WriteBackLink a;
        await using (var first = StartApp(RtsAppFactory.DefaultNow))
        {
            a = await ArrangeAsync(first, name, proxy);
            proxy.Down = true;
            (await first.Services.GetRequiredService<BookingCommand>().BookAsync(a.Token, Nine, null, default)).ShouldBeOfType<BookingResult.Booked>();
            var failed = await Eventually.HoldsAsync(() => WriteBackAsync(a.LinkId), w => w.Attempts >= 1 && w.LeaseOwner is null, "an attempt failed");
            failed.Status.ShouldBe(CallbackStatuses.Pending);
            failed.LastError.ShouldNotBeNull();
        } // the first app is gone with the write-back still pending

        proxy.Down = false;
        // The new app starts after the retry time: the write-back is due there, and nowhere else.
        await using var second = StartApp(RtsAppFactory.DefaultNow + Duration.FromHours(1));

        var row = await Eventually.HoldsAsync(() => WriteBackAsync(a.LinkId), w => w.Status == CallbackStatuses.Delivered, "delivered by the new app");
        (await a.Other.CountObjectsWithUidAsync(a.Url, row.Uid)).ShouldBe(1);
        Puts(proxy, row).ShouldBe(1); // the attempt while down never reached the server
        row.Attempts.ShouldBe(2);
    }

    [CalDavPostgresTheory]
    [MemberData(nameof(Servers))]
    public async Task TwoApps_SyncEachConnectionOncePerInterval_AndWriteBackOnce(string name)
    {
        const int connections = 3, rounds = 3;
        await using var proxy = await CalDavProxy.StartAsync(servers[name].Url);
        await using var first = StartApp(RtsAppFactory.DefaultNow);
        var booked = await ArrangeAsync(first, name, proxy);
        var api = booked.Api;
        var calendars = new List<(string ConnectionId, string Path)> { (booked.ConnectionId, new Uri(await CalendarUrlAsync(booked.CalDavCalendar)).AbsolutePath) };
        for (var i = 1; i < connections; i++)
        {
            var other = new OtherClient(servers[name]);
            owned.Add(other);
            var connection = await ConnectCalDavAsync(api, booked.Sub, servers[name], proxy.Through(await other.NewCalendarAsync("Work " + i)));
            calendars.Add((Id(connection), new Uri(await CalendarUrlAsync(CalendarId(connection))).AbsolutePath));
        }
        await using var second = StartApp(RtsAppFactory.DefaultNow);

        int Syncs(string path) => proxy.Requests.Count(r => r.Method == "REPORT" && r.Report == "sync-collection" && r.Path == path);
        calendars.Select(c => Syncs(c.Path)).ShouldAllBe(n => n == 1); // the first sync, when connecting
        for (var round = 1; round <= rounds; round++)
        {
            first.Clock.Advance(Interval);
            second.Clock.Advance(Interval);
            var now = first.Clock.Now;
            foreach (var (id, _) in calendars)
                await Eventually.HoldsAsync(() => ConnectionAsync(id), c => c.LastSyncedAt == now && c.LeaseOwner is null, $"round {round} synced {id}");
        }
        await Task.Delay(ConnectionSyncWorker.PollInterval * 3); // both workers look again: nothing is due within the interval
        calendars.Select(c => Syncs(c.Path)).ShouldBe(Enumerable.Repeat(1 + rounds, connections));

        // Both apps run the write-back worker, and both are woken by the booking (they share this test process).
        (await first.Services.GetRequiredService<BookingCommand>().BookAsync(booked.Token, Nine, null, default)).ShouldBeOfType<BookingResult.Booked>();
        var row = await Eventually.HoldsAsync(() => WriteBackAsync(booked.LinkId), w => w.Status == CallbackStatuses.Delivered, "written back");
        await Task.Delay(ConnectionSyncWorker.PollInterval * 3);
        Puts(proxy, row).ShouldBe(1);
        row.Attempts.ShouldBe(1);
        (await booked.Other.CountObjectsWithUidAsync(booked.Url, row.Uid)).ShouldBe(1);
        first.Logs.Entries.ShouldBeEmpty();
        second.Logs.Entries.ShouldBeEmpty();
    }

    private async Task<string> CalendarUrlAsync(string calendarId)
    {
        await using var db = database.Context();
        return (await db.Calendars.SingleAsync(c => c.Id == calendarId)).RemoteUrl!;
    }

    private async Task<CalendarConnection> ConnectionAsync(string id)
    {
        await using var db = database.Context();
        return await db.CalendarConnections.AsNoTracking().SingleAsync(c => c.Id == id);
    }
}

/// <summary>A theory over the real CalDAV servers that only runs in the PostgreSQL pass (two apps on one database are
/// what several processes behind a load balancer are; SQLite is one process's database).</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class CalDavPostgresTheoryAttribute : TheoryAttribute
{
    public CalDavPostgresTheoryAttribute()
    {
        if (TestDatabase.RunProvider != DatabaseProviders.Postgres) Skip = $"PostgreSQL only: run with {TestDatabase.ProviderVariable}=Postgres (scripts/test.sh's second pass)";
        else if (CalDavServers.SkipReason is { } reason) Skip = reason;
    }
}
