using NodaTime;
using RtsApp.Features.Booking;
using RtsApp.Tests.Features.Links;
using RtsApp.Tests.Infrastructure;

namespace RtsApp.Tests.Features.Booking;

/// <summary>SPEC §8: two bookings never both take overlapping time of one member — many links at once, or one link
/// many times at once — on whichever provider the run uses (scripts/test.sh runs SQLite and PostgreSQL).</summary>
public sealed class BookingConcurrencyTests(RtsAppFactory factory) : IClassFixture<RtsAppFactory>
{
    private const int Attempts = 20;
    private static readonly Instant Nine = LinkWorld.Nine;

    [Fact]
    public async Task Book_SameMemberFromManyLinksAtOnce_ExactlyOneWins()
    {
        var w = await LinkWorld.CreateAsync(factory);
        // Each link: the shared member A plus one guest of its own, written into A's calendar and the guest's.
        var links = new List<CreatedLink>();
        for (var i = 0; i < Attempts; i++)
        {
            var (guest, _) = await w.Api.CreateAccountAsync($"Guest {i}");
            var guestCal = await w.Api.CreateCalendarAsync(guest);
            links.Add(await w.CreateAsync(w.Scheduling(
                participants: $$"""[{"members": [{"sub": "{{guest}}"}, {"sub": "{{w.A}}"}], "required": "all"}]""",
                targets: $$"""[{"sub": "{{guest}}", "calendar_id": "{{guestCal}}"}, {"sub": "{{w.A}}", "calendar_id": "{{w.CalA}}"}]""")));
        }

        var results = await Task.WhenAll(links.Select(l => Task.Run(() => w.Booking.BookAsync(l.Token, Nine, null, default))));

        results.Count(r => r is PageResult.Booked).ShouldBe(1, string.Join(", ", results.Select(r => r.GetType().Name)));
        results.Count(r => r is PageResult.Taken).ShouldBe(Attempts - 1);
        // Each link has its own event_id (SPEC §8): the one event is the winner's.
        (await w.EventsAsync(w.CalA)).Single().ShouldEndWith(" Product Manager Interview 2026-03-27T09:00:00Z-2026-03-27T10:00:00Z");
        var statuses = await Task.WhenAll(links.Select(async l => (await w.StatusOfAsync(l.Id))));
        statuses.Count(s => s == "completed").ShouldBe(1);
        statuses.Count(s => s == "open").ShouldBe(Attempts - 1);
        await BookingInvariants.AssertAsync(factory);
    }

    [Fact]
    public async Task Book_OneLinkManyTimesAtOnce_ExactlyOneWins()
    {
        var w = await LinkWorld.CreateAsync(factory);
        var link = await w.CreateAsync(w.Scheduling());
        // Every attempt a different free time of the same link: only the first to commit completes it.
        var starts = Enumerable.Range(0, Attempts).Select(i => Nine + Duration.FromMinutes(30 * (i % 3))).ToList();

        var results = await Task.WhenAll(starts.Select(s => Task.Run(() => w.Booking.BookAsync(link.Token, s, null, default))));

        results.Count(r => r is PageResult.Booked).ShouldBe(1, string.Join(", ", results.Select(r => r.GetType().Name)));
        results.Count(r => r is PageResult.NotOpen).ShouldBe(Attempts - 1);
        (await w.EventsAsync(w.CalA)).Length.ShouldBe(1);
        (await w.StatusOfAsync(link.Id)).ShouldBe("completed");
        await BookingInvariants.AssertAsync(factory);
    }

    [Fact]
    public async Task Book_OverlappingTimesOfOneMemberAcrossTwoInstances_ExactlyOneWins()
    {
        // Two app instances on one database, as two processes behind a load balancer.
        using var second = RtsAppFactory.SharingDatabaseWith(factory);
        second.Clock.Now = factory.Clock.Now;
        var w = await LinkWorld.CreateAsync(factory);
        var links = new List<CreatedLink>();
        for (var i = 0; i < Attempts; i++)
            links.Add(await w.CreateAsync(w.Scheduling(participants: $$"""[{"members": [{"sub": "{{w.B}}"}], "required": "all"}]""",
                targets: $$"""[{"sub": "{{w.B}}", "calendar_id": "{{w.CalB}}"}]""")));
        var handlers = new[] { w.Booking, new LinkWorld(second, w.Api, w.A, w.CalA, w.B, w.CalB, w.R, w.CalR).Booking };
        // 09:00 and 09:30 overlap: whichever commits first, the other start is no longer free.
        var results = await Task.WhenAll(links.Select((l, i) => Task.Run(() =>
            handlers[i % 2].BookAsync(l.Token, Nine + Duration.FromMinutes(30 * (i % 2)), null, default))));

        results.Count(r => r is PageResult.Booked).ShouldBe(1, string.Join(", ", results.Select(r => r.GetType().Name)));
        (await w.EventsAsync(w.CalB)).Length.ShouldBe(1);
        await BookingInvariants.AssertAsync(factory);
    }
}
