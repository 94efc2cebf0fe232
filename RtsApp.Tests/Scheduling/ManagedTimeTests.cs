using NodaTime;
using RtsApp.Scheduling;
using RtsApp.Tests.Infrastructure;
using static NodaTime.IsoDayOfWeek;
using static RtsApp.Tests.Scheduling.Build;

namespace RtsApp.Tests.Scheduling;

/// <summary>SPEC §12: weekly rules as wall-clock membership turned into instants, across clock changes.</summary>
public class ManagedTimeTests
{
    private static readonly Duration Hour = Duration.FromHours(1);

    private static WeeklyPeriod P(IsoDayOfWeek day, string start, string end) => Weekly(day, start, end);

    private static WeeklyRule Rule(string zone, params WeeklyPeriod[] periods) => new(DateTimeZoneProviders.Tzdb[zone], periods);

    /// <summary>Two UTC days around <paramref name="date"/>: wide enough for any zone's whole local day.</summary>
    private static Interval Around(string date)
    {
        var midnight = T($"{date}T00:00");
        return new Interval(midnight - Duration.FromDays(1), midnight + Duration.FromDays(2));
    }

    private static IntervalSet Intervals(Interval window, params WeeklyRule[] rules) => ManagedTime.Intervals(rules, window);

    private static Duration Length(IEnumerable<Interval> set) => set.Aggregate(Duration.Zero, (sum, i) => sum + i.Duration);

    [Fact]
    public void Intervals_OrdinaryWeek_GivesEachWeekdayItsEightHours()
    {
        var rule = Rule("UTC", P(Monday, "09:00", "17:00"), P(Tuesday, "09:00", "17:00"), P(Wednesday, "09:00", "17:00"),
            P(Thursday, "09:00", "17:00"), P(Friday, "09:00", "17:00"));

        var set = Intervals(Span("2026-03-23T00:00", "2026-03-30T00:00"), rule);

        set.ShouldBe(Enumerable.Range(23, 5).Select(d => Span($"2026-03-{d}T09:00", $"2026-03-{d}T17:00")));
    }

    [Fact]
    public void Intervals_LondonSpringForward_SkippedHourAddsNothing()
    {
        // 2026-03-29, a Sunday: 01:00 GMT becomes 02:00 BST at 01:00Z.
        Intervals(Around("2026-03-29"), Rule("Europe/London", P(Sunday, "01:00", "03:00")))
            .ShouldBe([Span("2026-03-29T01:00", "2026-03-29T02:00")]);
        Intervals(Around("2026-03-29"), Rule("Europe/London", P(Sunday, "00:00", "03:00")))
            .ShouldBe([Span("2026-03-29T00:00", "2026-03-29T02:00")]);
        Intervals(Around("2026-03-29"), Rule("Europe/London", P(Sunday, "09:00", "17:00")))
            .ShouldBe([Span("2026-03-29T08:00", "2026-03-29T16:00")]);
    }

    [Fact]
    public void Intervals_LondonFallBack_RepeatedHourCountsTwice()
    {
        // 2026-10-25, a Sunday: 02:00 BST becomes 01:00 GMT at 01:00Z, so 01:00–02:00 happens twice.
        Intervals(Around("2026-10-25"), Rule("Europe/London", P(Sunday, "01:00", "02:00")))
            .ShouldBe([Span("2026-10-25T00:00", "2026-10-25T02:00")]);
        Intervals(Around("2026-10-25"), Rule("Europe/London", P(Sunday, "01:00", "03:00")))
            .ShouldBe([Span("2026-10-25T00:00", "2026-10-25T03:00")]);
        Intervals(Around("2026-10-25"), Rule("Europe/London", P(Sunday, "09:00", "17:00")))
            .ShouldBe([Span("2026-10-25T09:00", "2026-10-25T17:00")]);
    }

    [Fact]
    public void Intervals_NewYorkSpringForward_TwoOClockHourAddsNothing()
    {
        // 2026-03-08, a Sunday: 02:00 EST becomes 03:00 EDT at 07:00Z.
        var set = Intervals(Around("2026-03-08"), Rule("America/New_York", P(Sunday, "01:00", "03:00")));

        set.ShouldBe([Span("2026-03-08T06:00", "2026-03-08T07:00")]);
        Length(set).ShouldBe(Hour);
        Length(Intervals(Around("2026-03-08"), Rule("America/New_York", P(Sunday, "09:00", "17:00")))).ShouldBe(8 * Hour);
    }

    [Fact]
    public void Intervals_NewYorkFallBack_OneOClockHourCountsTwice()
    {
        // 2026-11-01, a Sunday: 02:00 EDT becomes 01:00 EST at 06:00Z.
        Intervals(Around("2026-11-01"), Rule("America/New_York", P(Sunday, "01:00", "03:00")))
            .ShouldBe([Span("2026-11-01T05:00", "2026-11-01T08:00")]);
        Intervals(Around("2026-11-01"), Rule("America/New_York", P(Sunday, "01:00", "02:00")))
            .ShouldBe([Span("2026-11-01T05:00", "2026-11-01T07:00")]);
        Intervals(Around("2026-11-01"), Rule("America/New_York", P(Sunday, "09:00", "17:00")))
            .ShouldBe([Span("2026-11-01T14:00", "2026-11-01T22:00")]);
    }

    [Fact]
    public void Intervals_LordHoweHalfHourShifts_AddOrRemoveThirtyMinutes()
    {
        // Fall back at 15:00Z on 4 April (02:00 +11 becomes 01:30 +10:30, Sunday 5 April local): 01:30–02:00 twice.
        Intervals(Around("2026-04-05"), Rule("Australia/Lord_Howe", P(Sunday, "01:00", "03:00")))
            .ShouldBe([Span("2026-04-04T14:00", "2026-04-04T16:30")]);
        // Spring forward at 15:30Z on 3 October (02:00 +10:30 becomes 02:30 +11, Sunday 4 October local).
        Intervals(Around("2026-10-04"), Rule("Australia/Lord_Howe", P(Sunday, "01:00", "03:00")))
            .ShouldBe([Span("2026-10-03T14:30", "2026-10-03T16:00")]);
        Intervals(Around("2026-10-04"), Rule("Australia/Lord_Howe", P(Sunday, "02:00", "02:30"))).ShouldBeEmpty();
    }

    [Fact]
    public void Intervals_Kathmandu_QuarterHourOffset()
    {
        Intervals(Around("2026-03-27"), Rule("Asia/Kathmandu", P(Friday, "09:00", "17:00")))
            .ShouldBe([Span("2026-03-27T03:15", "2026-03-27T11:15")]);
    }

    [Fact]
    public void Intervals_EndAt2400_RunsToMidnightAndJoinsTheNextDay()
    {
        Intervals(Around("2026-03-27"), Rule("UTC", P(Friday, "22:00", "24:00"), P(Saturday, "00:00", "02:00")))
            .ShouldBe([Span("2026-03-27T22:00", "2026-03-28T02:00")]);
        Intervals(Around("2026-03-27"), Rule("UTC", P(Friday, "00:00", "24:00")))
            .ShouldBe([Span("2026-03-27T00:00", "2026-03-28T00:00")]);
    }

    [Fact]
    public void Intervals_RuleAcrossWindowEdges_IsCut()
    {
        var rule = Rule("UTC", P(Thursday, "09:00", "17:00"), P(Friday, "09:00", "17:00"));

        Intervals(Span("2026-03-26T12:00", "2026-03-27T10:30"), rule)
            .ShouldBe([Span("2026-03-26T12:00", "2026-03-26T17:00"), Span("2026-03-27T09:00", "2026-03-27T10:30")]);
        Intervals(Span("2026-03-27T17:00", "2026-03-27T18:00"), rule).ShouldBeEmpty();
    }

    [Fact]
    public void Intervals_RulesInDifferentZones_AreUnioned()
    {
        // London is still on GMT on 27 March; New York is on EDT (−4) since 8 March.
        var set = Intervals(Around("2026-03-27"), Rule("Europe/London", P(Friday, "09:00", "17:00")), Rule("America/New_York", P(Friday, "09:00", "17:00")));

        set.ShouldBe([Span("2026-03-27T09:00", "2026-03-27T21:00")]);
    }

    [Fact]
    public void Intervals_PeriodsOverlappingInOneRule_AreMerged()
    {
        Intervals(Around("2026-03-27"), Rule("UTC", P(Friday, "09:00", "12:00"), P(Friday, "12:00", "17:00"), P(Friday, "10:00", "11:00")))
            .ShouldBe([Span("2026-03-27T09:00", "2026-03-27T17:00")]);
    }

    [Fact]
    public void Intervals_NoRulesOrNoPeriods_AreEmpty()
    {
        Intervals(Around("2026-03-27")).ShouldBeEmpty();
        Intervals(Around("2026-03-27"), Rule("UTC")).ShouldBeEmpty();
    }

    [Fact]
    public void Intervals_SyntheticForwardJump_SkipsTheLostLocalTimes()
    {
        // At 12:00Z the offset goes from +00 to +03: local 12:00–15:00 of that Friday never happens.
        var zone = new SingleTransitionZone(T("12:00"), Offset.Zero, Offset.FromHours(3));

        ManagedTime.Intervals([new WeeklyRule(zone, [P(Friday, "10:00", "16:00")])], Around("2026-03-27"))
            .ShouldBe([Span("10:00", "13:00")]);
    }

    [Fact]
    public void Intervals_SyntheticBackwardJump_CountsTheRepeatedLocalTimesTwice()
    {
        // At 12:00Z the offset goes from +03 to +00: local 12:00–15:00 of that Friday happens twice.
        var zone = new SingleTransitionZone(T("12:00"), Offset.FromHours(3), Offset.Zero);

        ManagedTime.Intervals([new WeeklyRule(zone, [P(Friday, "13:00", "14:00")])], Around("2026-03-27"))
            .ShouldBe([Span("10:00", "11:00"), Span("13:00", "14:00")]);
    }

    [Fact]
    public void Intervals_SantiagoDayStartingAtOne_HasNoMidnightHour()
    {
        // 2026-09-06, a Sunday: 24:00 −04 on Saturday becomes 01:00 −03 at 04:00Z.
        var rule = Rule("America/Santiago", P(Saturday, "22:00", "24:00"), P(Sunday, "00:00", "02:00"));

        Intervals(Around("2026-09-06"), rule).ShouldBe([Span("2026-09-06T02:00", "2026-09-06T05:00")]);
        Intervals(Around("2026-09-06"), Rule("America/Santiago", P(Sunday, "00:00", "01:00"))).ShouldBeEmpty();
    }

    [Fact]
    public void Intervals_SantiagoFallBackAtMidnight_RepeatsSaturdayLastHour()
    {
        // 2026-04-05 03:00Z: 24:00 −03 on Saturday 4 April becomes 23:00 −04, so Saturday 23:00–24:00 happens twice.
        Intervals(Around("2026-04-04"), Rule("America/Santiago", P(Saturday, "23:00", "24:00")))
            .ShouldBe([Span("2026-04-05T02:00", "2026-04-05T04:00")]);
        Intervals(Around("2026-04-04"), Rule("America/Santiago", P(Sunday, "00:00", "01:00")))
            .ShouldBe([Span("2026-04-05T04:00", "2026-04-05T05:00")]);
    }

    [Fact]
    public void Intervals_BeirutAndHavanaMidnightTransitions_AreExact()
    {
        // Beirut: Sunday 29 March starts at 01:00; Saturday 24 October 23:00–24:00 happens twice.
        Intervals(Around("2026-03-29"), Rule("Asia/Beirut", P(Sunday, "00:00", "01:00"))).ShouldBeEmpty();
        Intervals(Around("2026-10-24"), Rule("Asia/Beirut", P(Saturday, "23:00", "24:00")))
            .ShouldBe([Span("2026-10-24T20:00", "2026-10-24T22:00")]);
        // Havana: Sunday 8 March starts at 01:00; Sunday 1 November 00:00–01:00 happens twice.
        Intervals(Around("2026-03-08"), Rule("America/Havana", P(Sunday, "00:00", "02:00")))
            .ShouldBe([Span("2026-03-08T05:00", "2026-03-08T06:00")]);
        Intervals(Around("2026-11-01"), Rule("America/Havana", P(Sunday, "00:00", "01:00")))
            .ShouldBe([Span("2026-11-01T04:00", "2026-11-01T06:00")]);
    }

    [Fact]
    public void Intervals_LongWindow_GivesOnePiecePerWeek()
    {
        var set = Intervals(Span("2026-01-01T00:00", "2027-01-01T00:00"), Rule("Europe/London", P(Wednesday, "09:00", "17:00")));

        set.Count.ShouldBe(52);
        set.ShouldAllBe(i => i.Duration == 8 * Hour);
    }

    [Fact]
    public void WeeklyPeriod_InvalidArguments_ThrowNamingTheParameter()
    {
        Should.Throw<ArgumentOutOfRangeException>(() => P(Friday, "17:00", "09:00")).ParamName.ShouldBe("End");
        Should.Throw<ArgumentOutOfRangeException>(() => P(Friday, "09:00", "09:00")).ParamName.ShouldBe("End");
        Should.Throw<ArgumentOutOfRangeException>(() => new WeeklyPeriod(None, LocalTime.Noon, null)).ParamName.ShouldBe("Day");
        Should.Throw<ArgumentNullException>(() => new WeeklyRule(null!, [])).ParamName.ShouldBe("Zone");
        Should.Throw<ArgumentException>(() => new WeeklyRule(DateTimeZone.Utc, [null!])).ParamName.ShouldBe("Periods");
        P(Friday, "00:00", "24:00").EndsAtMidnight.ShouldBeTrue();
    }
}
