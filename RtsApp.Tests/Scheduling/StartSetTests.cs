using RtsApp.Scheduling;
using static RtsApp.Tests.Scheduling.Build;

namespace RtsApp.Tests.Scheduling;

public class StartSetTests
{
    private static ClosedRange R(string from, string to) => new(T(from), T(to));

    [Fact]
    public void ClosedRange_EndBeforeStart_ThrowsNamingEnd()
    {
        Should.Throw<ArgumentOutOfRangeException>(() => new ClosedRange(T("10:00"), T("09:00"))).ParamName.ShouldBe("end");
    }

    [Fact]
    public void Of_OverlappingAndTouchingRanges_MergesIntoMaximalRanges()
    {
        var set = StartSet.Of(R("11:00", "12:00"), R("09:00", "10:00"), R("10:00", "10:30"), R("09:15", "09:45"));

        set.Ranges.ShouldBe([R("09:00", "10:30"), R("11:00", "12:00")]);
    }

    [Fact]
    public void Of_SinglePoint_IsKept()
    {
        StartSet.Of(R("09:00", "09:00")).Ranges.ShouldBe([R("09:00", "09:00")]);
    }

    [Fact]
    public void Contains_EndPoints_AreInside()
    {
        var set = StartSet.Of(R("09:00", "10:00"));

        set.Contains(T("09:00")).ShouldBeTrue();
        set.Contains(T("10:00")).ShouldBeTrue();
        set.Contains(T("10:01")).ShouldBeFalse();
        set.Contains(T("08:59")).ShouldBeFalse();
    }

    [Fact]
    public void Intersect_RangesSharingOnePoint_GivesThatPoint()
    {
        var set = StartSet.Of(R("09:00", "10:00"), R("11:00", "12:00")).Intersect(StartSet.Of(R("10:00", "11:30")));

        set.Ranges.ShouldBe([R("10:00", "10:00"), R("11:00", "11:30")]);
    }

    [Fact]
    public void Intersects_WindowTouchingRangeEnd_IsTrue()
    {
        var set = StartSet.Of(R("09:00", "10:00"));

        set.Intersects(R("10:00", "11:00")).ShouldBeTrue();
        set.Intersects(R("10:01", "11:00")).ShouldBeFalse();
    }

    [Fact]
    public void AtOrAfter_CutsTheRangeContainingTheEarliestStart()
    {
        var set = StartSet.Of(R("08:00", "09:00"), R("09:30", "10:00")).AtOrAfter(T("09:45"));

        set.Ranges.ShouldBe([R("09:45", "10:00")]);
    }

    [Fact]
    public void AtLeast_OneOfTwo_IsTheUnion()
    {
        var set = StartSet.AtLeast([StartSet.Of(R("09:00", "09:00")), StartSet.Of(R("09:30", "10:00"))], 1);

        set.Ranges.ShouldBe([R("09:00", "09:00"), R("09:30", "10:00")]);
    }

    [Fact]
    public void AtLeast_TwoOfThree_CountsCoverageIncludingSharedEndPoints()
    {
        var set = StartSet.AtLeast(
            [StartSet.Of(R("09:00", "10:00")), StartSet.Of(R("10:00", "11:00")), StartSet.Of(R("10:30", "12:00"))], 2);

        set.Ranges.ShouldBe([R("10:00", "10:00"), R("10:30", "11:00")]);
    }

    [Fact]
    public void AtLeast_RequiredOutOfRange_ThrowsNamingRequired()
    {
        Should.Throw<ArgumentOutOfRangeException>(() => StartSet.AtLeast([StartSet.Empty], 2)).ParamName.ShouldBe("required");
    }
}
