using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using NodaTime.Text;
using RtsApp.Features.Availability;
using RtsApp.Store;
using RtsApp.Tests.Infrastructure;

namespace RtsApp.Tests.Features.Availability;

/// <summary>Availability keeps calendars' busy time in memory (BusyTimeCache) and must never answer from stale events:
/// instance A answers, instance B (another process on the same database, with its own cache) or someone outside the
/// application changes events, and A's next answer already reflects the change.</summary>
public sealed class BusyTimeCacheTests : IDisposable
{
    private readonly RtsAppFactory a = new();
    private readonly RtsAppFactory b;

    public BusyTimeCacheTests() => b = RtsAppFactory.SharingDatabaseWith(a);

    private static readonly Instant Day = Instant.FromUtc(2027, 1, 4, 0, 0);

    private static object Query(string sub, Instant from, Instant to, int minutes = 60) => new
    {
        participants = new[] { new { members = new[] { new { sub } }, required = "all" } },
        required_duration = new { minutes },
        query_periods = new[] { new { start = Text(from), end = Text(to) } },
        start_interval = new { minutes },
        response_format = "slots",
        max_results = 512,
    };

    private static string Text(Instant i) => InstantPattern.General.Format(i);

    private static async Task<string[]> SlotsAsync(ApiClient api, object query) =>
        (await api.PostOkAsync("/v1/availability", query))["available_slots"]!.AsArray().Select(s => s!["start"]!.GetValue<string>()).ToArray();

    private async Task<(ApiClient A, ApiClient B, string Sub, string Calendar)> SetUpAsync()
    {
        var apiA = await a.CreateApiClientAsync();
        var apiB = new ApiClient(b.CreateClient(), apiA.ClientId, apiA.Secret);
        var (sub, _) = await apiA.CreateAccountAsync("Member");
        return (apiA, apiB, sub, await apiA.CreateCalendarAsync(sub));
    }

    private static object Event(string id, int fromHour, int toHour, string transparency = "opaque") => new
    {
        event_id = id,
        summary = "Busy",
        start = Text(Day + Duration.FromHours(fromHour)),
        end = Text(Day + Duration.FromHours(toHour)),
        tzid = "Etc/UTC",
        transparency,
    };

    private static string[] Hours(params int[] hours) => hours.Select(h => Text(Day + Duration.FromHours(h))).ToArray();

    [Fact]
    public async Task EveryEventChangeThroughAnotherInstance_IsSeenByTheNextQuestion()
    {
        var (apiA, apiB, sub, calendar) = await SetUpAsync();
        var query = Query(sub, Day + Duration.FromHours(9), Day + Duration.FromHours(12));
        (await SlotsAsync(apiA, query)).ShouldBe(Hours(9, 10, 11));
        (await SlotsAsync(apiA, query)).ShouldBe(Hours(9, 10, 11));
        a.Services.GetRequiredService<BusyTimeCache>().Count.ShouldBe(1, "the first answer left the calendar's busy time in memory");

        await apiB.PutEventAsync(calendar, Event("meeting", 10, 11));
        (await SlotsAsync(apiA, query)).ShouldBe(Hours(9, 11), "created through B");

        await apiB.PutEventAsync(calendar, Event("meeting", 11, 12));
        (await SlotsAsync(apiA, query)).ShouldBe(Hours(9, 10), "moved through B");

        await apiB.PutEventAsync(calendar, Event("meeting", 11, 12, "transparent"));
        (await SlotsAsync(apiA, query)).ShouldBe(Hours(9, 10, 11), "made transparent through B");

        await apiB.PutEventAsync(calendar, Event("meeting", 9, 10));
        (await SlotsAsync(apiA, query)).ShouldBe(Hours(10, 11), "made opaque again through B");

        var deleted = await apiB.SendAsync(HttpMethod.Delete, $"/v1/calendars/{calendar}/events", new { event_id = "meeting" });
        ((int)deleted.StatusCode).ShouldBe(202);
        (await SlotsAsync(apiA, query)).ShouldBe(Hours(9, 10, 11), "deleted through B");
    }

    [Fact]
    public async Task EventsWrittenOutsideTheApi_AreSeenByTheNextQuestion()
    {
        var (apiA, _, sub, calendar) = await SetUpAsync();
        var query = Query(sub, Day + Duration.FromHours(9), Day + Duration.FromHours(12));
        (await SlotsAsync(apiA, query)).ShouldBe(Hours(9, 10, 11));

        // An operator's (or another tool's) writes straight into the database: an insert, then a bulk delete.
        await using (var db = b.Db())
        {
            var app = await db.Calendars.Where(c => c.Id == calendar).Select(c => c.ApplicationId).SingleAsync();
            db.Events.Add(new CalendarEvent
            {
                Id = "evt_outside",
                ApplicationId = app,
                CalendarId = calendar,
                EventId = "outside",
                Summary = "Busy",
                Start = Day + Duration.FromHours(11),
                End = Day + Duration.FromHours(12),
                Tzid = "Etc/UTC",
            });
            await db.SaveChangesAsync();
        }
        (await SlotsAsync(apiA, query)).ShouldBe(Hours(9, 10));

        await using (var db = b.Db())
            (await db.Events.Where(e => e.CalendarId == calendar).ExecuteDeleteAsync()).ShouldBe(1);
        (await SlotsAsync(apiA, query)).ShouldBe(Hours(9, 10, 11));
    }

    /// <summary>Shows that unchanged calendars are answered from memory, and that the database triggers are what makes a
    /// change visible: with them switched off, a new event stays unseen until the calendar's version moves.</summary>
    [Fact]
    public async Task UnchangedCalendar_IsAnsweredFromMemory_UntilItsVersionMoves()
    {
        var (apiA, apiB, sub, calendar) = await SetUpAsync();
        var query = Query(sub, Day + Duration.FromHours(9), Day + Duration.FromHours(12));
        (await SlotsAsync(apiA, query)).ShouldBe(Hours(9, 10, 11));

        await using (var db = b.Db())
        {
            if (a.Database.IsPostgres) await db.Database.ExecuteSqlRawAsync("ALTER TABLE events DISABLE TRIGGER USER");
            else await db.Database.ExecuteSqlRawAsync("DROP TRIGGER events_busy_insert");
        }
        await apiB.PutEventAsync(calendar, Event("unseen", 10, 11));
        (await SlotsAsync(apiA, query)).ShouldBe(Hours(9, 10, 11), "no event was read: the version did not move");

        await using (var db = b.Db())
            await db.Calendars.Where(c => c.Id == calendar).ExecuteUpdateAsync(s => s.SetProperty(c => c.BusyVersion, c => c.BusyVersion + 1));
        (await SlotsAsync(apiA, query)).ShouldBe(Hours(9, 11));
    }

    /// <summary>Random events (some of them long, reaching into windows from far before) and random windows that move,
    /// grow and jump, changed through B between questions to A: A's answers (cached, extended, sliced) must always equal
    /// those of an instance without a cache.</summary>
    [Fact]
    public async Task CachedAnswers_EqualUncachedAnswers_OnRandomChangesAndWindows()
    {
        await using var uncached = RtsAppFactory.SharingDatabaseWith(a, new Dictionary<string, string?> { ["Rts:Availability:BusyCacheIntervals"] = "0" });
        var (apiA, apiB, sub, calendar) = await SetUpAsync();
        var apiC = new ApiClient(uncached.CreateClient(), apiA.ClientId, apiA.Secret);
        var second = await apiA.CreateCalendarAsync(sub, "Other");
        var random = new Random(20261122);
        var live = new List<string>();
        for (var step = 0; step < 80; step++)
        {
            var change = random.Next(5);
            if (change == 0 && live.Count > 0)
            {
                var id = live[random.Next(live.Count)];
                live.Remove(id);
                var target = id.StartsWith('x') ? second : calendar;
                ((int)(await apiB.SendAsync(HttpMethod.Delete, $"/v1/calendars/{target}/events", new { event_id = id })).StatusCode).ShouldBe(202);
            }
            else if (change <= 3)
            {
                var id = (random.Next(2) == 0 ? "x" : "e") + random.Next(40);
                var startHour = random.Next(-24 * 20, 24 * 40);
                var hours = random.Next(4) == 0 ? random.Next(24, 24 * 20) : random.Next(1, 4);
                await apiB.PutEventAsync(id.StartsWith('x') ? second : calendar, Event(id, startHour, startHour + hours, random.Next(8) == 0 ? "transparent" : "opaque"));
                if (!live.Contains(id)) live.Add(id);
            }
            // At most 10 days of 30-minute slots: under max_results, so every slot of the window is compared.
            var from = Day + Duration.FromHours(random.Next(-24 * 10, 24 * 30));
            var to = from + Duration.FromHours(random.Next(2, 24 * 10));
            var query = Query(sub, from, to, 30);
            var expected = await SlotsAsync(apiC, query);
            (await SlotsAsync(apiA, query)).ShouldBe(expected, $"step {step}: {Text(from)}–{Text(to)}");
        }
    }

    public void Dispose()
    {
        b.Dispose();
        a.Dispose();
    }
}
