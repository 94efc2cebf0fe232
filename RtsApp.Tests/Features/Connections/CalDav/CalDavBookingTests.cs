using System.Net;
using System.Net.Sockets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using RtsApp.Features.Booking;
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
    private async Task<Arranged> ArrangeAsync(string name)
    {
        var other = new OtherClient(servers[name]);
        owned.Add(other);
        var url = await other.NewCalendarAsync("Work");
        var api = await factory.CreateApiClientAsync();
        var (sub, _) = await api.CreateAccountAsync();
        var connection = await ConnectCalDavAsync(api, sub, servers[name], url);
        var target = await api.CreateCalendarAsync(sub, "Local");
        var reply = await api.PostOkAsync("/v1/real_time_scheduling",
            ConnectionsApiTests.LinkBody(sub, target, [CalendarId(connection)]).ToJsonString());
        var linkUrl = reply["url"]!.GetValue<string>();
        return new Arranged(api, other, url, Id(connection), CalendarId(connection), target, linkUrl[(linkUrl.LastIndexOf('/') + 1)..],
            reply["real_time_scheduling"]!["real_time_scheduling_id"]!.GetValue<string>());
    }

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
}
