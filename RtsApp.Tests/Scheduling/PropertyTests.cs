using NodaTime;
using RtsApp.Scheduling;
using RtsApp.Tests.Infrastructure;

namespace RtsApp.Tests.Scheduling;

/// <summary>
/// The engine against <see cref="BruteForce"/> on random inputs on a 5-minute grid, with and without
/// managed members (SPEC §12). The run's seed is random and printed on failure; set RTS_PROPERTY_SEED
/// to replay it.
/// </summary>
public class PropertyTests
{
    private const int Cases = 3000;
    private const int SequenceCases = 800;
    private const int ManagedCases = 1500;
    private const int ManagedSequenceCases = 400;
    private static readonly Duration Grid = Duration.FromMinutes(5);
    // Intervals start inside the window and last up to 10 hours: the brute force must look that far.
    private static readonly Duration Reach = Duration.FromHours(11);
    private static readonly int[] Intervals = [5, 10, 15, 20, 30, 60];

    // Each scenario is a 12-hour window around an instant worth testing: a plain UTC day, DST changes
    // in both directions and hemispheres, a 30-minute shift, and a +05:45 zone.
    private static readonly (string Zone, Instant Around)[] Scenarios =
    [
        ("UTC", Instant.FromUtc(2026, 3, 27, 12, 0)),
        ("Europe/London", Instant.FromUtc(2026, 3, 29, 1, 0)),
        ("Europe/London", Instant.FromUtc(2026, 10, 25, 1, 0)),
        ("America/New_York", Instant.FromUtc(2026, 3, 8, 7, 0)),
        ("America/New_York", Instant.FromUtc(2026, 11, 1, 6, 0)),
        ("Australia/Lord_Howe", Instant.FromUtc(2026, 4, 4, 15, 0)),
        ("Australia/Lord_Howe", Instant.FromUtc(2026, 10, 3, 15, 30)),
        ("Asia/Kathmandu", Instant.FromUtc(2026, 3, 27, 3, 15)),
    ];

    // The same scenarios for managed members, plus zones whose clocks change at midnight (a day that
    // starts at 01:00, or a Saturday whose last hour repeats) and a synthetic zone jumping back 3½ hours.
    private static readonly (DateTimeZone Zone, Instant Around)[] ManagedScenarios =
    [
        .. Scenarios.Select(s => (DateTimeZoneProviders.Tzdb[s.Zone], s.Around)),
        (DateTimeZoneProviders.Tzdb["America/Santiago"], Instant.FromUtc(2026, 9, 6, 4, 0)),
        (DateTimeZoneProviders.Tzdb["America/Santiago"], Instant.FromUtc(2026, 4, 5, 3, 0)),
        (DateTimeZoneProviders.Tzdb["Asia/Beirut"], Instant.FromUtc(2026, 3, 28, 22, 0)),
        (DateTimeZoneProviders.Tzdb["Asia/Beirut"], Instant.FromUtc(2026, 10, 24, 21, 0)),
        (DateTimeZoneProviders.Tzdb["America/Havana"], Instant.FromUtc(2026, 3, 8, 5, 0)),
        (DateTimeZoneProviders.Tzdb["America/Havana"], Instant.FromUtc(2026, 11, 1, 5, 0)),
        (new SingleTransitionZone(Instant.FromUtc(2026, 3, 27, 12, 5), Offset.FromHours(1), Offset.FromHoursAndMinutes(-2, -30)), Instant.FromUtc(2026, 3, 27, 12, 0)),
    ];

    // Zones a rule may use besides its scenario's, so that members' rules mix zones.
    private static readonly DateTimeZone[] RuleZones = [.. new[] { "UTC", "Europe/London", "America/New_York", "Australia/Lord_Howe", "Asia/Kathmandu", "America/Santiago" }
        .Select(id => DateTimeZoneProviders.Tzdb[id])];

    private static int BaseSeed() =>
        int.TryParse(Environment.GetEnvironmentVariable("RTS_PROPERTY_SEED"), out var seed) ? seed : Random.Shared.Next();

    [Fact]
    public void AllFormats_RandomQueries_MatchBruteForce()
    {
        var seed = BaseSeed();
        for (var i = 0; i < Cases; i++)
        {
            var random = new Random(seed + i);
            var (zone, around) = Scenarios[random.Next(Scenarios.Length)];
            var (q, from, to) = RandomQuery(random, DateTimeZoneProviders.Tzdb[zone], around);
            AllFormatsMatchBruteForce(q, from, to, random, $"RTS_PROPERTY_SEED={seed} case {i} (Random seed {seed + i}), zone {q.Zone.Id}");
        }
    }

    [Fact]
    public void AllFormats_RandomManagedMembers_MatchBruteForce()
    {
        var seed = BaseSeed();
        for (var i = 0; i < ManagedCases; i++)
        {
            var random = new Random(seed + i);
            var (zone, around) = ManagedScenarios[random.Next(ManagedScenarios.Length)];
            var (q, from, to) = RandomQuery(random, zone, around, managed: true);
            AllFormatsMatchBruteForce(q, from, to, random, $"RTS_PROPERTY_SEED={seed} managed case {i} (Random seed {seed + i}), zone {q.Zone.Id}");
        }
    }

    private static void AllFormatsMatchBruteForce(AvailabilityQuery q, Instant from, Instant to, Random random, string context)
    {
        Render(AvailabilityEngine.OverlappingSlots(q)).ShouldBe(BruteForce.OverlappingSlots(q, from, to), context);
        Render(AvailabilityEngine.Slots(q)).ShouldBe(BruteForce.Slots(q, from, to), context);
        AvailabilityEngine.Periods(q).Select(p => $"{p.Start}–{p.End} {string.Join(",", p.Participants)}")
            .ShouldBe(BruteForce.Periods(q, from, to), context);

        var probe = from + Grid * random.Next(0, (int)((to - from) / Grid));
        var expected = BruteForce.InS(q, probe) && BruteForce.IsAligned(probe, q.Zone, q.StartInterval)
            ? BruteForce.Participants(q, probe, probe, chooseOnlyRequired: true)
            : null;
        AvailabilityEngine.ChooseParticipants(q, probe).ShouldBe(expected, context + $", probe {probe}");
    }

    [Fact]
    public void SequenceOptions_RandomSequencesWithGapBounds_MatchSearch()
    {
        var seed = BaseSeed();
        for (var i = 0; i < SequenceCases; i++)
        {
            var random = new Random(seed + i);
            var (zone, around) = Scenarios[random.Next(Scenarios.Length)];
            SequencesMatchSearch(random, DateTimeZoneProviders.Tzdb[zone], around, managed: false,
                $"RTS_PROPERTY_SEED={seed} case {i} (Random seed {seed + i}), zone {zone}");
        }
    }

    [Fact]
    public void SequenceOptions_RandomManagedMembers_MatchSearch()
    {
        var seed = BaseSeed();
        for (var i = 0; i < ManagedSequenceCases; i++)
        {
            var random = new Random(seed + i);
            var (zone, around) = ManagedScenarios[random.Next(ManagedScenarios.Length)];
            SequencesMatchSearch(random, zone, around, managed: true,
                $"RTS_PROPERTY_SEED={seed} managed case {i} (Random seed {seed + i}), zone {zone.Id}");
        }
    }

    private static void SequencesMatchSearch(Random random, DateTimeZone zone, Instant around, bool managed, string context)
    {
        var (from, to) = (around - Duration.FromHours(6), around + Duration.FromHours(6));
        var steps = Enumerable.Range(0, random.Next(2, 4)).Select(s => new SequenceStep(
            $"step{s}",
            [RandomGroup(random, from, to, $"s{s}", managed ? zone : null)],
            Grid * random.Next(1, 19),
            Duration.FromMinutes(Intervals[random.Next(Intervals.Length)]),
            Grid * random.Next(0, 4), random.Next(3) == 0 ? null : Grid * random.Next(0, 13),
            Grid * random.Next(0, 4), random.Next(3) == 0 ? null : Grid * random.Next(0, 13),
            random.Next(4) == 0 ? [RandomInterval(random, from, to)] : null)).ToList();
        var q = new SequenceQuery(steps, RandomIntervals(random, from, to, 1, 3),
            random.Next(3) == 0 ? RandomInstant(random, from, to) : Instant.MinValue,
            zone, random.Next(1, 40));

        var options = SequenceEngine.Options(q);

        options.Select(o => string.Join(" | ", Render(o.Steps.Select(s => new AvailableSlot(s.Start, s.End, s.Participants)))))
            .ShouldBe(BruteForce.SequenceOptions(q, from, to + Reach), context);
        foreach (var option in options.Take(3))
        {
            SequenceEngine.OptionStartingAt(q, option.Steps[0].Start).ShouldBeEquivalentTo(option, context);
        }
    }

    private static List<string> Render(IEnumerable<AvailableSlot> slots) =>
        slots.Select(s => $"{s.Start}–{s.End} {string.Join(",", s.Participants)}").ToList();

    private static (AvailabilityQuery Query, Instant From, Instant To) RandomQuery(Random random, DateTimeZone zone, Instant around, bool managed = false)
    {
        var (from, to) = (around - Duration.FromHours(6), around + Duration.FromHours(6));
        var groups = Enumerable.Range(0, random.Next(1, 4)).Select(g => RandomGroup(random, from, to, $"g{g}", managed ? zone : null)).ToList();
        var q = new AvailabilityQuery(
            groups,
            Grid * random.Next(1, 25),
            RandomIntervals(random, from, to, 1, 3),
            Duration.FromMinutes(Intervals[random.Next(Intervals.Length)]),
            Grid * random.Next(0, 7),
            Grid * random.Next(0, 7),
            random.Next(3) == 0 ? RandomInstant(random, from, to) : Instant.MinValue,
            zone,
            random.Next(4) == 0 ? random.Next(1, 4) : 512);
        return (q, from, to + Reach);
    }

    /// <summary>Members of a random group; with <paramref name="managedZone"/>, most of them managed, with rules near its transitions.</summary>
    private static ParticipantGroup RandomGroup(Random random, Instant from, Instant to, string prefix, DateTimeZone? managedZone = null)
    {
        var members = Enumerable.Range(0, random.Next(1, 5)).Select(m => new Member(
            // A small pool of subs so that the same account sometimes appears in several groups.
            random.Next(5) == 0 ? $"shared{random.Next(2)}" : $"{prefix}m{m}",
            random.Next(3) == 0 ? RandomIntervals(random, from, to, 1, 3) : null,
            RandomIntervals(random, from, to, 0, 5, maxMinutes: 120))).ToList();
        if (managedZone is not null)
        {
            members = members.ConvertAll(m => random.Next(4) == 0 ? m : m with { Managed = RandomManaged(random, from, to, managedZone) });
        }
        return new ParticipantGroup(members, random.Next(2) == 0 ? null : random.Next(1, members.Count + 1));
    }

    /// <summary>
    /// 1–2 rules, sometimes none (mostly in the scenario's zone, so that its clock change falls inside
    /// them), and 0–2 available periods. Weekly periods are on a 5-minute grid, mostly on the local days
    /// the window touches, sometimes running to 24:00.
    /// </summary>
    private static ManagedAvailability RandomManaged(Random random, Instant from, Instant to, DateTimeZone scenarioZone)
    {
        var rules = Enumerable.Range(0, random.Next(6) == 0 ? 0 : random.Next(1, 3)).Select(_ =>
        {
            var zone = random.Next(3) == 0 ? RuleZones[random.Next(RuleZones.Length)] : scenarioZone;
            return new WeeklyRule(zone, Enumerable.Range(0, random.Next(1, 4)).Select(_ => RandomWeeklyPeriod(random, from, to, zone)).ToList());
        }).ToList();
        return new ManagedAvailability(rules, RandomIntervals(random, from, to, 0, 2));
    }

    private static WeeklyPeriod RandomWeeklyPeriod(Random random, Instant from, Instant to, DateTimeZone zone)
    {
        // Mostly near a local time the window passes through, so that rules meet the query periods.
        var anchor = RandomInstant(random, from, to).InZone(zone).LocalDateTime;
        var day = random.Next(8) == 0 ? (IsoDayOfWeek)random.Next(1, 8) : anchor.DayOfWeek;
        var startMinute = random.Next(3) == 0 ? 5 * random.Next(0, 288) : Math.Max(0, (anchor.Hour * 60 + anchor.Minute) / 5 * 5 - 5 * random.Next(0, 73));
        var endMinute = random.Next(6) == 0 ? 1440 : Math.Min(1440, startMinute + 5 * random.Next(1, 145));
        return new WeeklyPeriod(day, LocalTime.MinValue.PlusMinutes(startMinute), endMinute == 1440 ? null : LocalTime.MinValue.PlusMinutes(endMinute));
    }

    private static Instant RandomInstant(Random random, Instant from, Instant to) =>
        from + Grid * random.Next(0, (int)((to - from) / Grid) + 1);

    private static Interval RandomInterval(Random random, Instant from, Instant to, int maxMinutes = 600)
    {
        var start = RandomInstant(random, from, to);
        return new Interval(start, start + Grid * random.Next(1, maxMinutes / 5 + 1));
    }

    private static List<Interval> RandomIntervals(Random random, Instant from, Instant to, int min, int max, int maxMinutes = 600) =>
        Enumerable.Range(0, random.Next(min, max + 1)).Select(_ => RandomInterval(random, from, to, maxMinutes)).ToList();
}
