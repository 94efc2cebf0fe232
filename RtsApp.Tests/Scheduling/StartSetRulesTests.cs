using NodaTime;
using RtsApp.Scheduling;
using static RtsApp.Tests.Scheduling.Build;

namespace RtsApp.Tests.Scheduling;

/// <summary>SPEC §4 start-set rules: query and available periods, buffers, groups, minimum notice, max results.</summary>
public class StartSetRulesTests
{
    private static string[] OverlappingStarts(AvailabilityQuery q) => Starts(AvailabilityEngine.OverlappingSlots(q));

    private static string[] Times(params string[] times) => times.Select(t => T(t).ToString()).ToArray();

    [Fact]
    public void OverlappingSlots_AdjacentQueryPeriods_AreNotJoined()
    {
        // 09:30 would need 09:30–10:30, which lies in the union of the periods but in neither one.
        var q = Query([All(Busy("A"))], 60, [Span("09:00", "10:00"), Span("10:00", "11:00")]);

        OverlappingStarts(q).ShouldBe(Times("09:00", "10:00"));
    }

    [Fact]
    public void OverlappingSlots_AvailablePeriods_MustEachHoldTheWholeSlot()
    {
        var q = Query([All(Free("A", Span("09:00", "09:30"), Span("09:30", "11:00")))], 60, [Span("08:00", "12:00")]);

        OverlappingStarts(q).ShouldBe(Times("09:30", "10:00"));
    }

    [Fact]
    public void OverlappingSlots_EventBoundaries_SlotMayEndWhereEventStartsAndStartWhereItEnds()
    {
        var q = Query([All(Busy("A", Span("10:00", "11:00")))], 60, [Span("08:00", "13:00")]);

        OverlappingStarts(q).ShouldBe(Times("08:00", "08:30", "09:00", "11:00", "11:30", "12:00"));
    }

    [Fact]
    public void OverlappingSlots_Buffers_KeepDistanceOnBothSidesExactly()
    {
        // Event 10:00–11:00, d = 30, after = 15, before = 30: starts in (09:15, 11:30) are out, 09:15 and 11:30 stay.
        var q = Query([All(Busy("A", Span("10:00", "11:00")))], 30, [Span("09:00", "12:30")], interval: 15, before: 30, after: 15);

        OverlappingStarts(q).ShouldBe(Times("09:00", "09:15", "11:30", "11:45", "12:00"));
    }

    [Fact]
    public void OverlappingSlots_BuffersOutsideQueryPeriod_StillSeeEvents()
    {
        var q = Query([All(Busy("A", Span("08:45", "09:00")))], 30, [Span("09:00", "10:00")], before: 30);

        OverlappingStarts(q).ShouldBe(Times("09:30"));
    }

    [Fact]
    public void OverlappingSlots_OverlappingEvents_AreMerged()
    {
        var q = Query([All(Busy("A", Span("10:30", "11:30"), Span("10:00", "11:00")))], 30, [Span("09:30", "12:30")]);

        OverlappingStarts(q).ShouldBe(Times("09:30", "11:30", "12:00"));
    }

    [Fact]
    public void OverlappingSlots_EventsTouchingThroughDuration_LeaveTheSinglePointBetween()
    {
        // Gap 10:00–11:00 between events is exactly d: only 10:00 fits.
        var q = Query([All(Busy("A", Span("09:00", "10:00"), Span("11:00", "12:00")))], 60, [Span("08:00", "13:00")], interval: 5);

        AvailabilityEngine.Periods(q).Select(p => (p.Start, p.End)).ShouldContain((T("10:00"), T("11:00")));
        OverlappingStarts(q).ShouldContain(T("10:00").ToString());
        OverlappingStarts(q).ShouldNotContain(T("10:05").ToString());
    }

    [Fact]
    public void Periods_AllGroupAndNumericGroup_ListEveryAllMemberAndOnlyAbleNumericMembers()
    {
        var q = Query(
            [All(Busy("A"), Busy("B")), AnyOf(1, Busy("C", Span("08:00", "12:00")), Busy("D"))],
            60, [Span("09:00", "11:00")]);

        var period = AvailabilityEngine.Periods(q).ShouldHaveSingleItem();
        (period.Start, period.End).ShouldBe((T("09:00"), T("11:00")));
        period.Participants.ShouldBe(["A", "B", "D"]);
    }

    [Fact]
    public void Periods_SubInSeveralGroups_AppearsOnceAtItsFirstPlace()
    {
        var q = Query([AnyOf(1, Busy("X"), Busy("Y")), All(Busy("Y"), Busy("Z"))], 60, [Span("09:00", "10:00")]);

        AvailabilityEngine.Periods(q).ShouldHaveSingleItem().Participants.ShouldBe(["X", "Y", "Z"]);
    }

    [Fact]
    public void OverlappingSlots_NumericGroupTwoOfThree_NeedsTwoFreeMembers()
    {
        var q = Query(
            [AnyOf(2, Busy("A", Span("09:00", "10:00")), Busy("B", Span("10:00", "11:00")), Busy("C", Span("09:00", "11:00")))],
            60, [Span("09:00", "12:00")], interval: 60);

        AvailabilityEngine.OverlappingSlots(q).Select(s => (s.Start, string.Join(",", s.Participants)))
            .ShouldBe([(T("11:00"), "A,B,C")]);
    }

    [Fact]
    public void ChooseParticipants_NumericGroup_TakesTheFirstRequiredAbleMembersInRequestOrder()
    {
        var q = Query([AnyOf(2, Busy("A", Span("09:00", "10:00")), Busy("B"), Busy("C"), Busy("D"))], 60, [Span("09:00", "12:00")]);

        AvailabilityEngine.ChooseParticipants(q, T("09:00")).ShouldBe(["B", "C"]);
        AvailabilityEngine.ChooseParticipants(q, T("10:00")).ShouldBe(["A", "B"]);
    }

    [Fact]
    public void OverlappingSlots_MinimumNotice_CutsStartsBeforeEarliestStart()
    {
        var q = Query([All(Busy("A"))], 30, [Span("09:00", "11:00")], earliest: T("09:40"));

        OverlappingStarts(q).ShouldBe(Times("10:00", "10:30"));
        AvailabilityEngine.Periods(q).ShouldHaveSingleItem().Start.ShouldBe(T("09:40"));
    }

    [Fact]
    public void OverlappingSlots_EarliestStartOnAnAlignedInstant_KeepsIt()
    {
        var q = Query([All(Busy("A"))], 30, [Span("09:00", "11:00")], earliest: T("10:00"));

        OverlappingStarts(q).First().ShouldBe(T("10:00").ToString());
    }

    [Fact]
    public void Formats_MaxResults_LimitEachReply()
    {
        var q = Query([All(Busy("A", Span("10:00", "10:30"), Span("11:00", "11:30")))], 30, [Span("09:00", "13:00")], max: 2);

        AvailabilityEngine.OverlappingSlots(q).Count.ShouldBe(2);
        AvailabilityEngine.Slots(q).Count.ShouldBe(2);
        AvailabilityEngine.Periods(q).Count.ShouldBe(2);
        AvailabilityEngine.Periods(q with { MaxResults = 10 }).Count.ShouldBe(3);
    }

    [Fact]
    public void Slots_TakeAlignedStartsThatDoNotOverlapThePreviousSlot()
    {
        var q = Query([All(Busy("A"))], 45, [Span("09:00", "12:00")], interval: 15);

        Starts(AvailabilityEngine.Slots(q)).ShouldBe(Times("09:00", "09:45", "10:30", "11:15"));
    }

    [Fact]
    public void OverlappingSlots_UnboundedBusyAndFarAwayEvents_DoNotFail()
    {
        var q = Query(
            [All(new Member("A", null, [new Interval(null, T("09:30")), new Interval(Instant.MinValue, Instant.FromUtc(1, 1, 1, 0, 0))]),
                 new Member("B", [new Interval(T("09:00"), null)], [new Interval(T("11:00"), null)]))],
            30, [Span("09:00", "12:00")]);

        OverlappingStarts(q).ShouldBe(Times("09:30", "10:00", "10:30"));
    }

    [Fact]
    public void AvailabilityQuery_InvalidArguments_ThrowNamingTheParameter()
    {
        Should.Throw<ArgumentOutOfRangeException>(() => Query([All(Busy("A"))], 0, [Span("09:00", "10:00")])).ParamName.ShouldBe("RequiredDuration");
        Should.Throw<ArgumentOutOfRangeException>(() => Query([All(Busy("A"))], 30, [Span("09:00", "10:00")], interval: 7)).ParamName.ShouldBe("StartInterval");
        Should.Throw<ArgumentOutOfRangeException>(() => Query([All(Busy("A"))], 30, [Span("09:00", "10:00")], before: -5)).ParamName.ShouldBe("BufferBefore");
        Should.Throw<ArgumentOutOfRangeException>(() => Query([All(Busy("A"))], 30, [Span("09:00", "10:00")], max: 0)).ParamName.ShouldBe("MaxResults");
        Should.Throw<ArgumentException>(() => Query([], 30, [Span("09:00", "10:00")])).ParamName.ShouldBe("Groups");
        Should.Throw<ArgumentException>(() => Query([All(Busy("A"))], 30, [new Interval(T("09:00"), null)])).ParamName.ShouldBe("QueryPeriods");
        Should.Throw<ArgumentOutOfRangeException>(() => AnyOf(3, Busy("A"), Busy("B"))).ParamName.ShouldBe("Required");
        Should.Throw<ArgumentOutOfRangeException>(() => AnyOf(0, Busy("A"))).ParamName.ShouldBe("Required");
    }
}
