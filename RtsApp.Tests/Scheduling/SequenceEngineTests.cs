using NodaTime;
using RtsApp.Scheduling;
using static RtsApp.Tests.Scheduling.Build;

namespace RtsApp.Tests.Scheduling;

public class SequenceEngineTests
{
    private static SequenceStep Step(string id, Member member, int minutes = 30, int? afterMax = null, int? beforeMax = null,
        int afterMin = 0, int beforeMin = 0, Interval[]? periods = null) => new(
            id, [All(member)], Min(minutes), Min(30),
            Min(beforeMin), beforeMax is { } b ? Min(b) : null,
            Min(afterMin), afterMax is { } a ? Min(a) : null,
            periods);

    private static SequenceQuery Sequence(params SequenceStep[] steps) =>
        new(steps, [Span("08:00", "13:00")], Instant.MinValue, DateTimeZone.Utc, 20);

    // Step 2 could start 09:30 or 10:30; step 3 must follow step 2 with no gap and can only start 11:00.
    // Greedy forward alone takes 09:30 and gets stuck; the backward pass removes 09:30 first.
    private static readonly SequenceQuery GreedyTrap = Sequence(
        Step("one", Free("P1", Span("09:00", "09:30")), afterMax: 60),
        Step("two", Free("P2", Span("09:30", "10:00"), Span("10:30", "11:00")), afterMax: 0),
        Step("three", Free("P3", Span("11:00", "11:30"))));

    private static string Render(SequenceOption option) =>
        string.Join(" ", option.Steps.Select(s => $"{s.SequenceId}@{s.Start.InUtc():HH:mm}-{s.End.InUtc():HH:mm}"));

    [Fact]
    public void Options_EarliestNextStartCannotComplete_BackwardPassFindsTheLaterOne()
    {
        var q = GreedyTrap;

        SequenceEngine.Options(q).Select(Render).ShouldBe(["one@09:00-09:30 two@10:30-11:00 three@11:00-11:30"]);
    }

    [Fact]
    public void Options_EachFirstStart_GetsItsEarliestCompletion()
    {
        var q = Sequence(
            Step("one", Free("P1", Span("09:00", "10:00")), afterMin: 30),
            Step("two", Free("P2", Span("10:00", "12:00"))));

        SequenceEngine.Options(q).Select(Render).ShouldBe(
        [
            "one@09:00-09:30 two@10:00-10:30",
            "one@09:30-10:00 two@10:30-11:00",
        ]);
    }

    [Fact]
    public void Options_GapBounds_TakeTheTighterOfAfterAndNextBefore()
    {
        // after 0..120 and next before 15..30 give a gap of 15..30 minutes; step 2 can start 10:00 only.
        var q = Sequence(
            Step("one", Free("P1", Span("09:00", "10:00")), afterMax: 120),
            Step("two", Free("P2", Span("10:00", "10:30")), beforeMin: 15, beforeMax: 30));

        SequenceEngine.Options(q).Select(Render).ShouldBe(["one@09:00-09:30 two@10:00-10:30"]);
    }

    [Fact]
    public void Options_MinimumGapAboveMaximumGap_GivesNothing()
    {
        var q = Sequence(
            Step("one", Busy("P1"), afterMax: 15),
            Step("two", Busy("P2"), beforeMin: 30));

        SequenceEngine.Options(q).ShouldBeEmpty();
    }

    [Fact]
    public void Options_StepQueryPeriods_NarrowThatStepOnly()
    {
        var q = Sequence(
            Step("one", Busy("P1")),
            Step("two", Busy("P2"), periods: [Span("12:00", "12:30")]));

        SequenceEngine.Options(q).Select(Render).First().ShouldBe("one@08:00-08:30 two@12:00-12:30");
    }

    [Fact]
    public void Options_MinimumBuffersActAsBuffersAgainstEvents()
    {
        // Step one's 30-minute minimum after-buffer keeps its slot 30 minutes clear of P1's 10:00 event.
        var q = Sequence(
            Step("one", Busy("P1", Span("10:00", "13:00")), afterMin: 30),
            Step("two", Busy("P2")));

        SequenceEngine.Options(q).Select(o => o.Steps[0].Start.InUtc().ToString("HH:mm", null)).ShouldBe(["08:00", "08:30", "09:00"]);
    }

    [Fact]
    public void Options_MaxResultsAndEarliestStart_Apply()
    {
        var q = Sequence(Step("one", Busy("P1")), Step("two", Busy("P2"))) with { MaxResults = 2, EarliestStart = T("09:10") };

        SequenceEngine.Options(q).Select(Render).ShouldBe(
        [
            "one@09:30-10:00 two@10:00-10:30",
            "one@10:00-10:30 two@10:30-11:00",
        ]);
    }

    [Fact]
    public void OptionStartingAt_FirstStartOfAnOption_RecomputesIt_OtherwiseNull()
    {
        var q = GreedyTrap;

        Render(SequenceEngine.OptionStartingAt(q, T("09:00")).ShouldNotBeNull()).ShouldBe("one@09:00-09:30 two@10:30-11:00 three@11:00-11:30");
        SequenceEngine.OptionStartingAt(q, T("09:30")).ShouldBeNull();
        SequenceEngine.OptionStartingAt(q, T("09:15")).ShouldBeNull();
    }

    [Fact]
    public void StepQuery_UsesMinimumBuffersAndSharedPeriods()
    {
        var q = Sequence(Step("one", Busy("P1"), beforeMin: 5, afterMin: 10, afterMax: 60));

        var stepQuery = q.StepQuery(0);

        (stepQuery.BufferBefore, stepQuery.BufferAfter).ShouldBe((Min(5), Min(10)));
        stepQuery.QueryPeriods.ShouldBe(q.QueryPeriods);
    }
}
