using NodaTime;
using RtsApp.Scheduling;
using static RtsApp.Tests.Scheduling.Build;

namespace RtsApp.Tests.Scheduling;

/// <summary>Half-open interval sets: maximal pieces, touching ones joined, touching ones not intersecting.</summary>
public class IntervalSetTests
{
    [Fact]
    public void Of_UnsortedOverlappingTouchingAndEmpty_GivesMaximalPieces()
    {
        IntervalSet.Of(Span("12:00", "17:00"), Span("09:00", "12:00"), Span("18:00", "18:00"), Span("19:00", "20:00"), Span("10:00", "11:00"))
            .ShouldBe([Span("09:00", "17:00"), Span("19:00", "20:00")]);
    }

    [Fact]
    public void Of_UnboundedEnds_AreHeldAsTheEndsOfTime()
    {
        IntervalSet.Of(new Interval(null, T("09:00")), new Interval(T("17:00"), null))
            .ShouldBe([new Interval(Instant.MinValue, T("09:00")), new Interval(T("17:00"), Instant.MaxValue)]);
    }

    [Fact]
    public void Union_TouchingPieces_Join()
    {
        IntervalSet.Of(Span("09:00", "12:00")).Union(IntervalSet.Of(Span("12:00", "13:00"), Span("14:00", "15:00")))
            .ShouldBe([Span("09:00", "13:00"), Span("14:00", "15:00")]);
        IntervalSet.Empty.Union(IntervalSet.Empty).ShouldBeEmpty();
    }

    [Fact]
    public void Intersect_TouchingPieces_ShareNothing()
    {
        IntervalSet.Of(Span("09:00", "12:00"), Span("13:00", "15:00")).Intersect(IntervalSet.Of(Span("12:00", "13:00"))).ShouldBeEmpty();
    }

    [Fact]
    public void Intersect_OverlappingPieces_GivesTheCommonParts()
    {
        IntervalSet.Of(Span("09:00", "12:00"), Span("13:00", "17:00"))
            .Intersect(IntervalSet.Of(Span("11:00", "14:00"), Span("15:00", "15:30"), Span("16:00", "18:00")))
            .ShouldBe([Span("11:00", "12:00"), Span("13:00", "14:00"), Span("15:00", "15:30"), Span("16:00", "17:00")]);
        IntervalSet.Of(Span("09:00", "12:00")).Intersect(IntervalSet.Empty).ShouldBeEmpty();
    }
}
