using NodaTime;
using NodaTime.Text;

namespace RtsApp.Tests.ICalendar;

/// <summary>
/// The reader's expansion against <see cref="RecurrenceBruteForce"/> on random rules (FREQ DAILY to
/// YEARLY with INTERVAL, COUNT, UNTIL, WKST and random BYxxx parts) in zones with and without DST.
/// The run's seed is random and printed on failure; set RTS_ICAL_SEED to replay it.
/// </summary>
public class RecurrencePropertyTests
{
    private const int Cases = 2000;

    private static readonly DateTimeZone[] Zones =
        [.. new[] { "UTC", "Europe/London", "America/New_York", "Australia/Lord_Howe", "Asia/Kathmandu", "America/Santiago" }
            .Select(id => DateTimeZoneProviders.Tzdb[id])];

    private static int BaseSeed() =>
        int.TryParse(Environment.GetEnvironmentVariable("RTS_ICAL_SEED"), out var seed) ? seed : Random.Shared.Next();

    [Fact]
    public void Read_RandomRules_MatchBruteForce()
    {
        var seed = BaseSeed();
        for (var i = 0; i < Cases; i++)
        {
            var random = new Random(seed + i);
            var zone = Zones[random.Next(Zones.Length)];
            var dtstart = new LocalDateTime(random.Next(2019, 2027), random.Next(1, 13), random.Next(1, 29),
                Pick(random, [0, 1, 2, 3, 9, 13, 23]), Pick(random, [0, 30]), 0);
            var rule = RandomRule(random, dtstart);
            var minutes = random.Next(0, 4) * 45;
            var windowStart = dtstart.InZoneLeniently(zone).ToInstant() + Duration.FromDays(random.Next(-30, 1200)) + Duration.FromHours(random.Next(24));
            var window = new Interval(windowStart, windowStart + Duration.FromDays(random.Next(1, 400)));
            var text = Ics.Event($"DTSTART;TZID={zone.Id}:{dtstart:yyyyMMdd'T'HHmmss}", $"DURATION:PT{minutes}M", rule.ToRRule());
            var context = $"RTS_ICAL_SEED={seed} case {i} (Random seed {seed + i}): {zone.Id} {dtstart:yyyy-MM-ddTHH:mm} {rule.ToRRule()} window {window}";

            // The brute force reads whole periods past the window, so BYSETPOS sees each period complete.
            var expected = RecurrenceBruteForce.Starts(rule, dtstart, zone, window.End.InZone(zone).Date.PlusDays(RecurrenceBruteForce.Margin(rule) + 1))
                .Where(s => s < window.End && (s + Duration.FromMinutes(minutes) > window.Start || (minutes == 0 && s >= window.Start)))
                .Select(s => InstantPattern.General.Format(s)).Distinct().ToList(); // a set: two local times shifted onto one instant are one instance
            var result = Ics.Read(text, zone, window);

            result.SkippedObjects.ShouldBe(0, context);
            result.Occurrences.Select(o => InstantPattern.General.Format(o.Start)).ToList().ShouldBe(expected, context);
            result.Occurrences.ShouldAllBe(o => o.End - o.Start == Duration.FromMinutes(minutes), context);
        }
    }

    private static T Pick<T>(Random random, T[] values) => values[random.Next(values.Length)];

    private static int[] Some(Random random, int count, Func<int> value) =>
        [.. Enumerable.Range(0, count).Select(_ => value()).Distinct().Order()];

    private static int Signed(Random random, int max) => random.Next(2) == 0 ? random.Next(1, max + 1) : -random.Next(1, max + 1);

    private static Rule RandomRule(Random random, LocalDateTime dtstart)
    {
        var freq = (Freq)random.Next(4);
        var byWeekNo = freq == Freq.Yearly && random.Next(5) == 0 ? Some(random, random.Next(1, 3), () => Signed(random, 53)) : [];
        var ordinals = freq is Freq.Monthly or Freq.Yearly && byWeekNo.Length == 0 && random.Next(2) == 0;
        var maxOrdinal = freq == Freq.Monthly || random.Next(2) == 0 ? 5 : 53;
        var byMonth = random.Next(10) < 3 ? Some(random, random.Next(1, 4), () => random.Next(1, 13)) : [];
        var byDay = random.Next(2) == 0
            ? Enumerable.Range(0, random.Next(1, 4)).Select(_ => (ordinals && random.Next(3) > 0 ? Signed(random, maxOrdinal) : 0, (IsoDayOfWeek)random.Next(1, 8)))
                .Distinct().ToArray()
            : [];
        var byMonthDay = freq != Freq.Weekly && random.Next(10) < (freq == Freq.Daily ? 2 : 4) ? Some(random, random.Next(1, 4), () => Signed(random, 31)) : [];
        var byYearDay = freq == Freq.Yearly && random.Next(5) == 0 ? Some(random, random.Next(1, 4), () => Signed(random, 366)) : [];
        var hasBy = byDay.Length + byMonthDay.Length + byYearDay.Length + byWeekNo.Length + byMonth.Length > 0;
        var byHour = random.Next(7) == 0 ? Some(random, random.Next(1, 3), () => random.Next(24)) : [];
        var bySetPos = (hasBy || byHour.Length > 0) && random.Next(5) == 0 ? Some(random, random.Next(1, 3), () => Signed(random, 4)) : [];
        var count = random.Next(10) < 4 ? random.Next(1, 30) : (int?)null;
        var until = random.Next(4) == 0 ? dtstart.PlusDays(random.Next(0, 1500)).PlusHours(random.Next(-12, 12)) : (LocalDateTime?)null;
        var untilIsDate = until is not null && random.Next(3) == 0;
        return new Rule(freq, random.Next(3) == 0 ? random.Next(2, 4) : 1, count,
            untilIsDate ? null : until, untilIsDate ? until!.Value.Date : null,
            random.Next(4) == 0 ? (IsoDayOfWeek)random.Next(1, 8) : IsoDayOfWeek.Monday,
            byDay, byMonthDay, byMonth, byYearDay, byWeekNo, bySetPos, byHour);
    }
}
