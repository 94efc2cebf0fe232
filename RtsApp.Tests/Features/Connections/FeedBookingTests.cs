using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using RtsApp.Features.Booking;
using RtsApp.Tests.Infrastructure;
using static RtsApp.Tests.Features.Connections.ConnectionCalls;

namespace RtsApp.Tests.Features.Connections;

/// <summary>SPEC §13 (a) for ICS feeds: booking downloads the involved feeds again (conditionally) before its transaction.</summary>
public sealed class FeedBookingTests(ConnectionsFixture fixture) : IClassFixture<ConnectionsFixture>
{
    private static readonly Instant Nine = Instant.FromUtc(2026, 3, 23, 9, 0);
    private static readonly Instant Ten = Instant.FromUtc(2026, 3, 23, 10, 0);
    private readonly RtsAppFactory factory = fixture.Factory;

    private BookingCommand Booking => factory.Services.GetRequiredService<BookingCommand>();

    private sealed record Arranged(ApiClient Api, FeedServer.Feed Feed, string ConnectionId, string FeedCalendar, string Target, string Token, string LinkId);

    /// <summary>An account with a connected feed (one event, Monday 10:30–11:00Z) and a local calendar, and a link on
    /// Monday 09:00–11:00Z that reads the feed and books into the local calendar.</summary>
    private async Task<Arranged> ArrangeAsync()
    {
        var api = await factory.CreateApiClientAsync();
        var (sub, _) = await api.CreateAccountAsync();
        var (feed, url) = fixture.Feeds.Add(Feeds.Calendar(Feeds.Event("gym", "20260323T103000Z", "20260323T110000Z", "Gym")), "booking-" + Guid.NewGuid().ToString("N"));
        var connection = await ConnectAsync(api, sub, url);
        var local = await api.CreateCalendarAsync(sub, "Local");
        var reply = await api.PostOkAsync("/v1/real_time_scheduling", ConnectionsApiTests.LinkBody(sub, local, [CalendarId(connection)]).ToJsonString());
        var linkUrl = reply["url"]!.GetValue<string>();
        return new Arranged(api, feed, Id(connection), CalendarId(connection), local, linkUrl[(linkUrl.LastIndexOf('/') + 1)..],
            reply["real_time_scheduling"]!["real_time_scheduling_id"]!.GetValue<string>());
    }

    private async Task<(int TargetEvents, string LinkStatus, string? ETag)> StoredAsync(Arranged a)
    {
        await using var db = factory.Db();
        return (await db.Events.CountAsync(e => e.CalendarId == a.Target),
            (await db.Links.SingleAsync(l => l.Id == a.LinkId)).Status,
            (await db.CalendarConnections.SingleAsync(c => c.Id == a.ConnectionId)).ETag);
    }

    /// <summary>An event added to the feed since its last sync makes the time taken and is stored, with the feed's new
    /// validators: the next sync asks with them and is answered 304.</summary>
    [Fact]
    public async Task Book_EventAddedToTheFeedSinceTheLastSync_IsTaken_StoredWithTheNewValidators()
    {
        var a = await ArrangeAsync();
        a.Feed.Body = Feeds.Calendar(Feeds.Event("gym", "20260323T103000Z", "20260323T110000Z", "Gym"),
            Feeds.Event("late", "20260323T090000Z", "20260323T093000Z", "Late"));

        (await Booking.BookAsync(a.Token, Nine, null, default)).ShouldBeOfType<BookingResult.Taken>();

        (await EventsAsync(a.Api, a.FeedCalendar)).ShouldBe(["Late 2026-03-23T09:00:00Z", "Gym 2026-03-23T10:30:00Z"]);
        (await StoredAsync(a)).ShouldBe((0, "open", a.Feed.ETag));
        var notModified = a.Feed.NotModified;
        await SyncNowAsync(a.Api, a.ConnectionId);
        await Eventually.HoldsAsync(() => a.Feed.NotModified, n => n == notModified + 1, "the next sync sent the stored ETag and got a 304");
        (await EventsAsync(a.Api, a.FeedCalendar)).ShouldBe(["Late 2026-03-23T09:00:00Z", "Gym 2026-03-23T10:30:00Z"]);

        (await Booking.BookAsync(a.Token, Ten, null, default)).ShouldBeOfType<BookingResult.Booked>();
        (await StoredAsync(a)).TargetEvents.ShouldBe(1);
    }

    /// <summary>An unchanged feed answers the re-check with a 304 and the booking goes ahead.</summary>
    [Fact]
    public async Task Book_FeedUnchanged_IsBooked()
    {
        var a = await ArrangeAsync();
        var notModified = a.Feed.NotModified;

        (await Booking.BookAsync(a.Token, Nine, null, default)).ShouldBeOfType<BookingResult.Booked>();

        a.Feed.NotModified.ShouldBe(notModified + 1);
        (await StoredAsync(a)).ShouldBe((1, "completed", a.Feed.ETag));
    }

    /// <summary>A feed that fails at booking time leaves the time unconfirmed: nothing is booked, the link stays open.</summary>
    [Fact]
    public async Task Book_FeedFailingDuringTheCheck_IsUnconfirmed_NothingBooked()
    {
        var a = await ArrangeAsync();
        a.Feed.Status = 503;

        (await Booking.BookAsync(a.Token, Nine, null, default)).ShouldBeOfType<BookingResult.Unconfirmed>();

        var stored = await StoredAsync(a);
        (stored.TargetEvents, stored.LinkStatus).ShouldBe((0, "open"));
        (await EventsAsync(a.Api, a.FeedCalendar)).ShouldBe(["Gym 2026-03-23T10:30:00Z"]);
    }
}
