using RtsApp.Scheduling;
using static RtsApp.Tests.Scheduling.Build;

namespace RtsApp.Tests.Scheduling;

/// <summary>SPEC §4's worked example, verbatim, in all three reply formats.</summary>
public class SpecExampleTests
{
    // 1 of {A, B}; A free 09:00–10:00, B free 09:30–11:00; d = 60 min; no buffers; 30-minute interval.
    private static readonly AvailabilityQuery Example = Query(
        [AnyOf(1, Free("A", Span("09:00", "10:00")), Free("B", Span("09:30", "11:00")))],
        minutes: 60,
        periods: [Span("08:00", "12:00")]);

    [Fact]
    public void Periods_SpecExample_GivesOverlappingPeriodsPerMember()
    {
        var periods = AvailabilityEngine.Periods(Example);

        periods.Count.ShouldBe(2);
        (periods[0].Start, periods[0].End).ShouldBe((T("09:00"), T("10:00")));
        periods[0].Participants.ShouldBe(["A"]);
        (periods[1].Start, periods[1].End).ShouldBe((T("09:30"), T("11:00")));
        periods[1].Participants.ShouldBe(["B"]);
    }

    [Fact]
    public void OverlappingSlots_SpecExample_GivesEveryAlignedStart()
    {
        var slots = AvailabilityEngine.OverlappingSlots(Example);

        slots.Select(s => (s.Start, s.End, string.Join(",", s.Participants))).ShouldBe(
        [
            (T("09:00"), T("10:00"), "A"),
            (T("09:30"), T("10:30"), "B"),
            (T("10:00"), T("11:00"), "B"),
        ]);
    }

    [Fact]
    public void Slots_SpecExample_SkipsStartsOverlappingTheSlotTaken()
    {
        var slots = AvailabilityEngine.Slots(Example);

        slots.Select(s => (s.Start, string.Join(",", s.Participants))).ShouldBe(
        [
            (T("09:00"), "A"),
            (T("10:00"), "B"),
        ]);
    }

    [Fact]
    public void ChooseParticipants_SpecExample_PicksTheAbleMember()
    {
        AvailabilityEngine.ChooseParticipants(Example, T("09:00")).ShouldBe(["A"]);
        AvailabilityEngine.ChooseParticipants(Example, T("10:00")).ShouldBe(["B"]);
        AvailabilityEngine.ChooseParticipants(Example, T("10:30")).ShouldBeNull();
        AvailabilityEngine.ChooseParticipants(Example, T("09:15")).ShouldBeNull();
    }
}
