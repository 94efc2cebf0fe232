using System.Runtime.CompilerServices;
using NodaTime;
using RtsApp.Scheduling;

namespace RtsApp.Tests.Scheduling;

/// <summary>
/// An independent, deliberately naive reading of SPEC §4/§5/§12 for the property tests: it asks
/// "can this member start at t?" literally, instant by instant, on a grid. It shares nothing with the
/// engine but the input records: a managed member's time is read minute by minute from its rules'
/// wall clocks, never through <see cref="ManagedTime"/>. With every input on a 5-minute grid the start
/// sets' end points are on that grid too, so sampling every 2.5 minutes (to see gaps between adjacent
/// grid points) is exact.
/// </summary>
internal static class BruteForce
{
    public static readonly Duration Step = Duration.FromSeconds(150);

    public static bool MemberCanStart(Member m, IReadOnlyList<Interval> periods, Duration d, Duration b, Duration a, Instant t)
    {
        var end = t + d;
        if (!periods.Any(p => p.Start <= t && end <= p.End))
        {
            return false;
        }
        if (m.AvailablePeriods is { Count: > 0 } own && !own.Any(p => p.Start <= t && end <= p.End))
        {
            return false;
        }
        // The padded slot [t − b, t + d + a) must overlap no event [e, f).
        if (m.Busy.Any(e => t - b < e.End && e.Start < end + a))
        {
            return false;
        }
        return m.Managed is not { } managed || WholeSlotManaged(m, managed, periods, t, end);
    }

    /// <summary>
    /// SPEC §12, minute by minute: every minute the slot touches must be managed time, that is inside a
    /// rule or an available period, inside the member's own available periods when it has some, and
    /// inside a query period. Every input is on a 5-minute grid (and every zone offset is whole
    /// quarter hours), so membership is constant within each minute and its first instant decides it.
    /// </summary>
    private static bool WholeSlotManaged(Member m, ManagedAvailability managed, IReadOnlyList<Interval> periods, Instant t, Instant end)
    {
        var minutes = Minutes.GetValue(managed, _ => new MinuteTable());
        for (var minute = FloorMinute(t); minute < end; minute += Duration.FromMinutes(1))
        {
            var inside = minutes.Get(minute, at => managed.Rules.Any(r => InRule(r, at)) || managed.AvailablePeriods.Any(p => p.Contains(at)))
                && (m.AvailablePeriods is not { Count: > 0 } own || own.Any(p => p.Contains(minute)))
                && periods.Any(p => p.Contains(minute));
            if (!inside)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>SPEC §12, literally: the instant's weekday and time of day in the rule's zone fall in one of its periods.</summary>
    public static bool InRule(WeeklyRule rule, Instant instant)
    {
        var local = instant.InZone(rule.Zone).LocalDateTime;
        return rule.Periods.Any(p => p.Day == local.DayOfWeek && p.Start <= local.TimeOfDay && (p.End is not { } e || local.TimeOfDay < e));
    }

    private static Instant FloorMinute(Instant t)
    {
        var ticks = t.ToUnixTimeTicks();
        return Instant.FromUnixTimeTicks(ticks - (((ticks % NodaConstants.TicksPerMinute) + NodaConstants.TicksPerMinute) % NodaConstants.TicksPerMinute));
    }

    // Rule membership per minute is asked again and again for the same member (every start sampled,
    // every reply format), so each minute's answer is kept with the member's managed availability.
    private static readonly ConditionalWeakTable<ManagedAvailability, MinuteTable> Minutes = new();

    private sealed class MinuteTable
    {
        private readonly Dictionary<Instant, bool> known = [];

        public bool Get(Instant minute, Func<Instant, bool> compute)
        {
            lock (known)
            {
                if (!known.TryGetValue(minute, out var inside))
                {
                    known[minute] = inside = compute(minute);
                }
                return inside;
            }
        }
    }

    public static bool InS(AvailabilityQuery q, Instant t) => t >= q.EarliestStart && q.Groups.All(g =>
        g.Members.Count(m => MemberCanStart(m, q.QueryPeriods, q.RequiredDuration, q.BufferBefore, q.BufferAfter, t))
            >= (g.Required ?? g.Members.Count));

    public static bool IsAligned(Instant t, DateTimeZone zone, Duration interval)
    {
        var local = t.InZone(zone).LocalDateTime;
        return local.Second == 0 && local.NanosecondOfSecond == 0
            && (local.Hour * 60 + local.Minute) % (int)interval.TotalMinutes == 0;
    }

    public static IEnumerable<Instant> Grid(Instant from, Instant to)
    {
        for (var t = from; t <= to; t += Step)
        {
            yield return t;
        }
    }

    /// <summary>Participants who can start somewhere in [from, to] (sampled on the grid).</summary>
    public static List<string> Participants(AvailabilityQuery q, Instant from, Instant to, bool chooseOnlyRequired = false)
    {
        var subs = new List<string>();
        foreach (var g in q.Groups)
        {
            var taken = 0;
            foreach (var m in g.Members)
            {
                var all = g.Required is null;
                if (chooseOnlyRequired && !all && taken == g.Required)
                {
                    break;
                }
                if (all || Grid(from, to).Any(t => MemberCanStart(m, q.QueryPeriods, q.RequiredDuration, q.BufferBefore, q.BufferAfter, t)))
                {
                    taken++;
                    if (!subs.Contains(m.Sub))
                    {
                        subs.Add(m.Sub);
                    }
                }
            }
        }
        return subs;
    }

    public static List<Instant> AlignedStarts(AvailabilityQuery q, Instant from, Instant to) =>
        Grid(from, to).Where(t => InS(q, t) && IsAligned(t, q.Zone, q.StartInterval)).ToList();

    public static List<string> OverlappingSlots(AvailabilityQuery q, Instant from, Instant to) =>
        AlignedStarts(q, from, to).Take(q.MaxResults).Select(t => SlotText(q, t)).ToList();

    public static List<string> Slots(AvailabilityQuery q, Instant from, Instant to)
    {
        var taken = new List<string>();
        var free = Instant.MinValue;
        foreach (var t in AlignedStarts(q, from, to))
        {
            if (taken.Count == q.MaxResults)
            {
                break;
            }
            if (t >= free)
            {
                taken.Add(SlotText(q, t));
                free = t + q.RequiredDuration;
            }
        }
        return taken;
    }

    /// <summary>Maximal runs of S on the grid, each [p, q] giving [p, q + d).</summary>
    public static List<string> Periods(AvailabilityQuery q, Instant from, Instant to)
    {
        var periods = new List<string>();
        Instant? runStart = null;
        var last = from;
        foreach (var t in Grid(from, to))
        {
            if (InS(q, t))
            {
                runStart ??= t;
                last = t;
            }
            else if (runStart is { } p)
            {
                periods.Add(PeriodText(q, p, last));
                runStart = null;
            }
        }
        if (runStart is { } open)
        {
            periods.Add(PeriodText(q, open, last));
        }
        return periods.Take(q.MaxResults).ToList();
    }

    private static string PeriodText(AvailabilityQuery q, Instant p, Instant last) =>
        $"{p}–{last + q.RequiredDuration} {string.Join(",", Participants(q, p, last))}";

    private static string SlotText(AvailabilityQuery q, Instant t) =>
        $"{t}–{t + q.RequiredDuration} {string.Join(",", Participants(q, t, t))}";

    /// <summary>
    /// Sequences by search: for each aligned start of step 1, the lexicographically earliest completion,
    /// found by trying later steps' starts in order (memoised: can step i starting at t be completed?).
    /// </summary>
    public static List<string> SequenceOptions(SequenceQuery q, Instant from, Instant to)
    {
        var steps = q.Steps;
        var queries = Enumerable.Range(0, steps.Count).Select(q.StepQuery).ToArray();
        var starts = queries.Select(sq => AlignedStarts(sq, from, to)).ToArray();
        var memo = new Dictionary<(int, Instant), List<Instant>?>();

        List<Instant>? Complete(int i, Instant t)
        {
            if (i == steps.Count - 1)
            {
                return [t];
            }
            if (memo.TryGetValue((i, t), out var known))
            {
                return known;
            }
            List<Instant>? found = null;
            var end = t + steps[i].RequiredDuration;
            var min = Max(steps[i].AfterMinimum, steps[i + 1].BeforeMinimum);
            foreach (var u in starts[i + 1])
            {
                var gap = u - end;
                if (gap < min || (steps[i].AfterMaximum is { } a && gap > a) || (steps[i + 1].BeforeMaximum is { } b && gap > b))
                {
                    continue;
                }
                if (Complete(i + 1, u) is { } rest)
                {
                    found = [t, .. rest];
                    break;
                }
            }
            memo[(i, t)] = found;
            return found;
        }

        return starts[0]
            .Select(t => Complete(0, t))
            .OfType<List<Instant>>()
            .Take(q.MaxResults)
            .Select(option => string.Join(" | ", option.Select((t, i) => SlotText(queries[i], t))))
            .ToList();
    }

    private static Duration Max(Duration x, Duration y) => x > y ? x : y;
}
