using NodaTime;
using RtsApp.Scheduling;

namespace RtsApp.Benchmarks;

/// <summary>
/// A seeded, realistic calendar load: one "all" group, one 35-day query period, 30-minute slots on
/// 30-minute starts in Europe/London (so the walk crosses a DST change), events of 15 minutes to 1 hour
/// spread over the 35 days (each member busy about a fifth of the time).
/// </summary>
public static class Workload
{
    public static readonly Instant Start = Instant.FromUtc(2026, 3, 9, 0, 0);

    public static AvailabilityQuery Build(int members, int eventsPerMember, int maxResults = 256, int seed = 42)
    {
        var random = new Random(seed);
        var span = Duration.FromDays(35);
        var group = new ParticipantGroup(
            Enumerable.Range(0, members).Select(m => new Member(
                $"acc_{m}",
                null,
                Enumerable.Range(0, eventsPerMember).Select(_ =>
                {
                    var start = Start + Duration.FromMinutes(15 * random.Next(0, (int)(span.TotalMinutes / 15)));
                    return new Interval(start, start + Duration.FromMinutes(15 * random.Next(1, 5)));
                }).ToList())).ToList(),
            null);
        return new AvailabilityQuery(
            [group], Duration.FromMinutes(30), [new Interval(Start, Start + span)], Duration.FromMinutes(30),
            Duration.Zero, Duration.Zero, Instant.MinValue, DateTimeZoneProviders.Tzdb["Europe/London"], maxResults);
    }
}
