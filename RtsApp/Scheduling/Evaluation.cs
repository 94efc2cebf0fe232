using System.Buffers;
using NodaTime;

namespace RtsApp.Scheduling;

/// <summary>
/// The start sets of one availability question (SPEC §4): one per member, one per group, and the
/// query's own set S. Built once per question; every reply format reads from it.
/// </summary>
internal sealed class Evaluation
{
    private Evaluation(IReadOnlyList<ParticipantGroup> groups, StartSet[][] memberStarts, StartSet starts)
    {
        Groups = groups;
        MemberStarts = memberStarts;
        Starts = starts;
    }

    public IReadOnlyList<ParticipantGroup> Groups { get; }

    /// <summary>Per numeric group, per member (request order): where that member can start. Empty for an "all" group,
    /// whose members all take part wherever the group can start, so their sets are folded into the group's without being
    /// kept.</summary>
    public StartSet[][] MemberStarts { get; }

    /// <summary>S: where every group can start, at or after the earliest start.</summary>
    public StartSet Starts { get; }

    public static Evaluation Of(AvailabilityQuery query) => Of(
        query.Groups, query.QueryPeriods, query.RequiredDuration,
        query.BufferBefore, query.BufferAfter, query.EarliestStart);

    public static Evaluation Of(
        IReadOnlyList<ParticipantGroup> groups,
        IReadOnlyList<Interval> queryPeriods,
        Duration duration,
        Duration before,
        Duration after,
        Instant earliestStart)
    {
        var periodStarts = StretchStarts(queryPeriods, duration);
        var memberStarts = new StartSet[groups.Count][];
        StartSet? starts = null;
        for (var g = 0; g < groups.Count; g++)
        {
            var members = groups[g].Members;
            StartSet groupStarts;
            if (groups[g].RequiresAll)
            {
                memberStarts[g] = [];
                groupStarts = IntersectAll(members, queryPeriods, periodStarts, duration, before, after);
            }
            else
            {
                var sets = memberStarts[g] = new StartSet[members.Count];
                for (var m = 0; m < members.Count; m++)
                {
                    sets[m] = MemberStartSet(members[m], queryPeriods, periodStarts, duration, before, after);
                }
                groupStarts = StartSet.AtLeast(sets, groups[g].Required!.Value);
            }
            starts = starts is null ? groupStarts : starts.Intersect(groupStarts);
        }
        return new Evaluation(groups, memberStarts, (starts ?? StartSet.Empty).AtOrAfter(earliestStart));
    }

    /// <summary>Where every member can start: each member's set is computed into pooled scratch and intersected with
    /// the running result in turn, so only the group's set is allocated.</summary>
    private static StartSet IntersectAll(
        IReadOnlyList<Member> members,
        IReadOnlyList<Interval> queryPeriods,
        StartSet periodStarts,
        Duration duration,
        Duration before,
        Duration after)
    {
        var pool = ArrayPool<ClosedRange>.Shared;
        ClosedRange[]? running = null;
        var count = 0;
        try
        {
            foreach (var member in members)
            {
                var allowed = MemberAllowed(member, queryPeriods, periodStarts, duration);
                ClosedRange[]? own = null;
                var starts = allowed.Span;
                if (!allowed.IsEmpty && member.Busy.Count > 0)
                {
                    var removals = ArrayPool<OpenRange>.Shared.Rent(member.Busy.Count);
                    var removed = BusyRemovals(member.Busy, allowed, duration, before, after, removals);
                    own = pool.Rent(starts.Length + removed);
                    starts = own.AsSpan(0, StartSet.WithoutInto(starts, removals.AsSpan(0, removed), own));
                    ArrayPool<OpenRange>.Shared.Return(removals);
                }
                var next = pool.Rent((running is null ? 0 : count) + starts.Length + 1);
                if (running is null)
                {
                    starts.CopyTo(next);
                    count = starts.Length;
                }
                else
                {
                    count = StartSet.IntersectInto(running.AsSpan(0, count), starts, next);
                    pool.Return(running);
                }
                running = next;
                if (own is not null)
                {
                    pool.Return(own);
                }
                if (count == 0)
                {
                    break;
                }
            }
            return running is null || count == 0 ? StartSet.Empty : StartSet.FromNormalized(running.AsSpan(0, count));
        }
        finally
        {
            if (running is not null)
            {
                pool.Return(running);
            }
        }
    }

    /// <summary>Each allowed stretch [x, y) gives the starts [x, y − d] (none when it is shorter than d).</summary>
    private static StartSet StretchStarts(IEnumerable<Interval> stretches, Duration duration)
    {
        var ranges = new List<ClosedRange>();
        foreach (var stretch in stretches)
        {
            AddStretch(ranges, Saturating.StartOrMin(stretch), Saturating.EndOrMax(stretch), duration);
        }
        return StartSet.Of(ranges);
    }

    private static void AddStretch(List<ClosedRange> ranges, Instant start, Instant end, Duration duration)
    {
        if (end > start && end - start >= duration)
        {
            ranges.Add(new ClosedRange(start, end - duration));
        }
    }

    private static StartSet MemberStartSet(
        Member member,
        IReadOnlyList<Interval> queryPeriods,
        StartSet periodStarts,
        Duration duration,
        Duration before,
        Duration after)
    {
        var allowed = MemberAllowed(member, queryPeriods, periodStarts, duration);
        if (allowed.IsEmpty || member.Busy.Count == 0)
        {
            return allowed;
        }
        var removals = ArrayPool<OpenRange>.Shared.Rent(member.Busy.Count);
        var count = BusyRemovals(member.Busy, allowed, duration, before, after, removals);
        var starts = allowed.Without(removals.AsSpan(0, count));
        ArrayPool<OpenRange>.Shared.Return(removals);
        return starts;
    }

    /// <summary>Where the member could start before its busy time is taken out: the query periods, narrowed by its own
    /// available periods and, for a managed member, its managed time.</summary>
    private static StartSet MemberAllowed(Member member, IReadOnlyList<Interval> queryPeriods, StartSet periodStarts, Duration duration)
    {
        var allowed = member.AvailablePeriods is { Count: > 0 } own
            ? AllowedStarts(queryPeriods, own, duration)
            : periodStarts;
        if (member.Managed is { } managed && !allowed.IsEmpty)
        {
            // §12 on top of §4: the slot must also fit inside one maximal stretch of managed time. The
            // query periods and the member's own periods still bound it one at a time, as §4 says, so
            // their intersection with the managed time needs no separate step.
            allowed = allowed.Intersect(StretchStarts(managed.Within(Hull(queryPeriods)), duration));
        }
        return allowed;
    }

    /// <summary>From the earliest query period's start to the latest one's end: managed time outside it cannot matter.</summary>
    private static Interval Hull(IReadOnlyList<Interval> queryPeriods)
    {
        var (start, end) = (queryPeriods[0].Start, queryPeriods[0].End);
        foreach (var period in queryPeriods)
        {
            start = period.Start < start ? period.Start : start;
            end = period.End > end ? period.End : end;
        }
        return new Interval(start, end);
    }

    /// <summary>A slot must fit inside one query period and one of the member's periods: their pairwise overlaps.</summary>
    private static StartSet AllowedStarts(IReadOnlyList<Interval> queryPeriods, IReadOnlyList<Interval> own, Duration duration)
    {
        var ranges = new List<ClosedRange>();
        foreach (var period in queryPeriods)
        {
            foreach (var available in own)
            {
                var start = Saturating.StartOrMin(available);
                var end = Saturating.EndOrMax(available);
                AddStretch(ranges, start > period.Start ? start : period.Start, end < period.End ? end : period.End, duration);
            }
        }
        return StartSet.Of(ranges);
    }

    /// <summary>
    /// Each event [e, f) rules out the starts whose padded slot [t − b, t + d + a) meets it: the open
    /// range (e − d − a, f + b). Events that cannot reach <paramref name="allowed"/> are dropped first,
    /// which also keeps far-away instants out of the arithmetic. Written sorted and merged into <paramref name="removals"/>, returning how many; open ranges
    /// that only touch are kept apart because their shared end point stays available.
    /// </summary>
    private static int BusyRemovals(
        IReadOnlyList<Interval> busy, StartSet allowed, Duration duration, Duration before, Duration after, OpenRange[] removals)
    {
        var lead = duration + after;
        var reachFrom = Saturating.Minus(allowed.Ranges[0].Start, before);
        var reachTo = Saturating.Plus(allowed.Ranges[^1].End, lead);
        var count = 0;
        var ordered = true;
        for (var i = 0; i < busy.Count; i++)
        {
            var start = Saturating.StartOrMin(busy[i]);
            var end = Saturating.EndOrMax(busy[i]);
            if (end > reachFrom && start < reachTo)
            {
                var removal = new OpenRange(Saturating.Minus(start, lead), Saturating.Plus(end, before));
                ordered &= count == 0 || removals[count - 1].Start <= removal.Start;
                removals[count++] = removal;
            }
        }
        if (count < 2)
        {
            return count;
        }
        // Busy time read through the cache comes sorted by start already (and so do its removals): no sort then.
        if (!ordered)
        {
            Array.Sort(removals, 0, count, ByStart.Instance);
        }
        var merged = 0;
        for (var i = 1; i < count; i++)
        {
            var next = removals[i];
            if (next.Start < removals[merged].End)
            {
                if (next.End > removals[merged].End)
                {
                    removals[merged] = removals[merged] with { End = next.End };
                }
            }
            else
            {
                removals[++merged] = next;
            }
        }
        return merged + 1;
    }

    private sealed class ByStart : IComparer<OpenRange>
    {
        public static readonly ByStart Instance = new();

        public int Compare(OpenRange x, OpenRange y) => x.Start.CompareTo(y.Start);
    }
}
