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

    /// <summary>
    /// Two rules per managed member (SPEC §12): Monday to Friday 09:00–17:00 in London and Saturday
    /// 10:00–14:00 in New York. Both zones change clocks inside the 35 days.
    /// </summary>
    public static readonly ManagedAvailability TwoRules = new(
        [
            new WeeklyRule(DateTimeZoneProviders.Tzdb["Europe/London"],
                [.. new[] { IsoDayOfWeek.Monday, IsoDayOfWeek.Tuesday, IsoDayOfWeek.Wednesday, IsoDayOfWeek.Thursday, IsoDayOfWeek.Friday }
                    .Select(day => new WeeklyPeriod(day, new LocalTime(9, 0), new LocalTime(17, 0)))]),
            new WeeklyRule(DateTimeZoneProviders.Tzdb["America/New_York"],
                [new WeeklyPeriod(IsoDayOfWeek.Saturday, new LocalTime(10, 0), new LocalTime(14, 0))]),
        ],
        []);

    /// <summary>The workload; with <paramref name="managed"/>, every member is managed by <see cref="TwoRules"/>.</summary>
    public static AvailabilityQuery Build(int members, int eventsPerMember, int maxResults = 256, int seed = 42, bool managed = false)
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
                }).ToList())
            { Managed = managed ? TwoRules : null }).ToList(),
            null);
        return new AvailabilityQuery(
            [group], Duration.FromMinutes(30), [new Interval(Start, Start + span)], Duration.FromMinutes(30),
            Duration.Zero, Duration.Zero, Instant.MinValue, DateTimeZoneProviders.Tzdb["Europe/London"], maxResults);
    }
}
