using NodaTime;
using RtsApp.Scheduling;
using static RtsApp.Tests.Scheduling.Build;

namespace RtsApp.Tests.Scheduling;

/// <summary>SPEC §12 in queries: a managed member's slots lie wholly inside its managed time, on top of §4.</summary>
public class ManagedMemberTests
{
    private static readonly DateTimeZone Utc = DateTimeZone.Utc;

    /// <summary>27 March 2026 is a Friday.</summary>
    private static WeeklyRule Friday(string start, string end) => new(Utc, [Weekly(IsoDayOfWeek.Friday, start, end)]);

    private static Member Managed(string sub, WeeklyRule[] rules, Interval[]? periods = null, Interval[]? own = null, Interval[]? busy = null) =>
        new(sub, own, busy ?? []) { Managed = new ManagedAvailability(rules, periods ?? []) };

    private static string[] OverlappingStarts(AvailabilityQuery q) => Starts(AvailabilityEngine.OverlappingSlots(q));

    private static string[] Times(params string[] times) => times.Select(t => T(t).ToString()).ToArray();

    [Fact]
    public void OverlappingSlots_ManagedWithNothing_HasNoTimeWhileEmptyAvailablePeriodsMeanNoRestriction()
    {
        var managed = new Member("A", [], []) { Managed = ManagedAvailability.Nothing };

        OverlappingStarts(Query([All(managed)], 60, [Span("09:00", "12:00")])).ShouldBeEmpty();
        OverlappingStarts(Query([All(managed with { Managed = null })], 60, [Span("09:00", "12:00")])).ShouldBe(Times("09:00", "09:30", "10:00", "10:30", "11:00"));
    }

    [Fact]
    public void OverlappingSlots_RuleInsideQueryPeriod_SlotsLieWhollyInsideTheRule()
    {
        var q = Query([All(Managed("A", [Friday("10:00", "11:30")]))], 60, [Span("09:00", "12:00")]);

        OverlappingStarts(q).ShouldBe(Times("10:00", "10:30"));
    }

    [Fact]
    public void OverlappingSlots_TouchingRulePeriods_OneSlotMaySpanTheJoin()
    {
        var q = Query([All(Managed("A", [Friday("09:00", "10:00"), Friday("10:00", "11:00")]))], 60, [Span("08:00", "12:00")]);

        OverlappingStarts(q).ShouldBe(Times("09:00", "09:30", "10:00"));
    }

    [Fact]
    public void OverlappingSlots_RuleTouchingAnAvailablePeriod_OneSlotMaySpanTheJoin()
    {
        var q = Query([All(Managed("A", [Friday("09:00", "10:00")], periods: [Span("10:00", "10:30")]))], 60, [Span("08:00", "12:00")]);

        OverlappingStarts(q).ShouldBe(Times("09:00", "09:30"));
    }

    [Fact]
    public void OverlappingSlots_AvailablePeriodsAlone_GiveManagedTime()
    {
        var q = Query([All(Managed("A", [], periods: [Span("10:00", "11:00")]))], 60, [Span("08:00", "12:00")]);

        OverlappingStarts(q).ShouldBe(Times("10:00"));
    }

    [Fact]
    public void OverlappingSlots_OwnAvailablePeriods_StillBoundEachSlotOneAtATime()
    {
        // Managed time 09:00–12:00 ∩ own periods 09:00–10:00, 10:00–11:30: §4 still wants one own period per slot.
        var q = Query([All(Managed("A", [Friday("09:00", "12:00")], own: [Span("09:00", "10:00"), Span("10:00", "11:30")]))], 60, [Span("08:00", "13:00")]);

        OverlappingStarts(q).ShouldBe(Times("09:00", "10:00", "10:30"));
    }

    [Fact]
    public void OverlappingSlots_ManagedMemberBusy_EventsStillRemoveStarts()
    {
        var q = Query([All(Managed("A", [Friday("09:00", "12:00")], busy: [Span("10:00", "10:30")]))], 30, [Span("08:00", "13:00")]);

        OverlappingStarts(q).ShouldBe(Times("09:00", "09:30", "10:30", "11:00", "11:30"));
    }

    [Fact]
    public void Periods_NumericGroup_ManagedMemberTakesPartOnlyInsideItsTime()
    {
        var q = Query([AnyOf(1, Managed("A", [Friday("09:00", "10:00")]), Busy("B", Span("08:00", "10:00")))], 60, [Span("08:00", "11:00")]);

        AvailabilityEngine.Periods(q).Select(p => $"{p.Start:HH:mm}–{p.End:HH:mm} {string.Join(",", p.Participants)}")
            .ShouldBe(["09:00–10:00 A", "10:00–11:00 B"]);
        AvailabilityEngine.ChooseParticipants(q, T("09:00")).ShouldBe(["A"]);
        AvailabilityEngine.ChooseParticipants(q, T("10:00")).ShouldBe(["B"]);
    }

    [Fact]
    public void Options_SequenceWithManagedMember_StepsLieInsideItsTime()
    {
        var step = (string id) => new SequenceStep(id, [All(Managed("A", [Friday("13:00", "15:00")]))], Min(60), Min(30),
            Duration.Zero, null, Duration.Zero, null, null);
        var q = new SequenceQuery([step("1"), step("2")], [Span("09:00", "17:00")], Instant.MinValue, Utc, 10);

        SequenceEngine.Options(q).Select(o => string.Join(" ", o.Steps.Select(s => $"{s.Start:HH:mm}")))
            .ShouldBe(["13:00 14:00"]);
    }

    [Fact]
    public void ManagedAvailability_Within_UnionsRulesAndPeriodsInsideTheWindow()
    {
        var managed = new ManagedAvailability([Friday("09:00", "10:00")], [Span("10:00", "11:00"), Span("15:00", "19:00")]);

        managed.Within(Span("08:00", "16:00")).ShouldBe([Span("09:00", "11:00"), Span("15:00", "16:00")]);
        ManagedAvailability.Nothing.Within(Span("08:00", "16:00")).ShouldBeEmpty();
    }
}
