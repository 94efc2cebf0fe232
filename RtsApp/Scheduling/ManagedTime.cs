using NodaTime;

namespace RtsApp.Scheduling;

/// <summary>
/// What makes a member managed (SPEC §12): the rules that apply to it and its account's available
/// periods (explicit instants, half-open, any order). Its managed time is their union; with neither
/// rules nor periods it has no time at all.
/// </summary>
public sealed record ManagedAvailability(IReadOnlyList<WeeklyRule> Rules, IReadOnlyList<Interval> AvailablePeriods)
{
    public static ManagedAvailability Nothing { get; } = new([], []);

    public IReadOnlyList<WeeklyRule> Rules { get; init; } = Guard.NoNullItems(Rules, nameof(Rules));

    public IReadOnlyList<Interval> AvailablePeriods { get; init; } = Guard.NotNull(AvailablePeriods, nameof(AvailablePeriods));

    /// <summary>The managed time inside <paramref name="window"/>: the rules' time ∪ the available periods.</summary>
    public IntervalSet Within(Interval window) =>
        ManagedTime.Intervals(Rules, window).Union(IntervalSet.Of(AvailablePeriods).Intersect(IntervalSet.Of(window)));
}

/// <summary>
/// Turns weekly availability rules into instants (SPEC §12). Works zone interval by zone interval:
/// inside one the offset is fixed, so a local date-time maps to exactly one instant (local − offset).
/// A local period [D a, D b) then contributes, in each zone interval, the instants of that interval
/// whose shifted local time lies in the period. A skipped local hour lies in no zone interval and
/// contributes nothing; a repeated one lies in two and contributes twice; a day that starts at 01:00
/// (a transition at midnight) simply has no instants before 01:00. The cost is one step per local
/// day and period per zone interval, never per minute.
/// </summary>
public static class ManagedTime
{
    // Local date-times stay inside NodaTime's range for any offset (at most 18 hours) and the day after.
    private static readonly Duration Margin = Duration.FromDays(2);

    /// <summary>
    /// The instants of <paramref name="window"/> inside at least one of <paramref name="rules"/>:
    /// sorted, disjoint, touching pieces merged.
    /// </summary>
    public static IntervalSet Intervals(IEnumerable<WeeklyRule> rules, Interval window)
    {
        ArgumentNullException.ThrowIfNull(rules);
        var from = Latest(Saturating.StartOrMin(window), Instant.MinValue + Margin);
        var to = Earliest(Saturating.EndOrMax(window), Instant.MaxValue - Margin);
        var pieces = new List<Interval>();
        foreach (var rule in rules)
        {
            ArgumentNullException.ThrowIfNull(rule, nameof(rules));
            if (from < to)
            {
                AddRule(pieces, rule, from, to);
            }
        }
        return IntervalSet.Of(pieces);
    }

    private static void AddRule(List<Interval> pieces, WeeklyRule rule, Instant from, Instant to)
    {
        var byDay = new List<WeeklyPeriod>?[8];
        foreach (var period in rule.Periods)
        {
            (byDay[(int)period.Day] ??= []).Add(period);
        }
        foreach (var zoneInterval in rule.Zone.GetZoneIntervals(from, to))
        {
            var start = zoneInterval.HasStart ? Latest(zoneInterval.Start, from) : from;
            var end = zoneInterval.HasEnd ? Earliest(zoneInterval.End, to) : to;
            var offset = zoneInterval.WallOffset;
            var lastDay = (end - Duration.Epsilon).WithOffset(offset).Date;
            for (var day = start.WithOffset(offset).Date; day <= lastDay; day = day.PlusDays(1))
            {
                if (byDay[(int)day.DayOfWeek] is not { } periods)
                {
                    continue;
                }
                foreach (var period in periods)
                {
                    var localEnd = period.End is { } time ? day + time : day.PlusDays(1).AtMidnight();
                    var pieceStart = Latest((day + period.Start).WithOffset(offset).ToInstant(), start);
                    var pieceEnd = Earliest(localEnd.WithOffset(offset).ToInstant(), end);
                    if (pieceStart < pieceEnd)
                    {
                        pieces.Add(new Interval(pieceStart, pieceEnd));
                    }
                }
            }
        }
    }

    private static Instant Latest(Instant x, Instant y) => x > y ? x : y;

    private static Instant Earliest(Instant x, Instant y) => x < y ? x : y;
}
