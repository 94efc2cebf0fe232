using NodaTime;
using NodaTime.TimeZones;

namespace RtsApp.Scheduling;

/// <summary>
/// Wall-clock alignment of start times (SPEC §4): t is aligned when its local time in the zone, as
/// minutes of the day, is a multiple of the start interval, with zero seconds. Within one zone
/// interval the offset is fixed, so the aligned instants there are evenly spaced; across a
/// transition the spacing is recomputed. That is how an ambiguous local time yields both of its
/// instants (one in each zone interval) and a skipped one yields none (it maps into no zone interval).
/// </summary>
public static class Alignment
{
    /// <summary>Whether <paramref name="instant"/> is aligned to <paramref name="interval"/> in <paramref name="zone"/>.</summary>
    public static bool IsAligned(Instant instant, DateTimeZone zone, Duration interval)
    {
        ArgumentNullException.ThrowIfNull(zone);
        Guard.StartInterval(interval, nameof(interval));
        return FirstAlignedAtOrAfter(instant, zone.GetZoneInterval(instant).WallOffset, interval.BclCompatibleTicks) == instant;
    }

    /// <summary>Every aligned instant of <paramref name="set"/>, earliest first.</summary>
    public static IEnumerable<Instant> AlignedStarts(StartSet set, DateTimeZone zone, Duration interval)
    {
        var cursor = new AlignedCursor(set, zone, interval);
        var from = Instant.MinValue;
        while (cursor.TryNext(from, out var start))
        {
            yield return start;
            from = start + Duration.Epsilon;
        }
    }

    /// <summary>
    /// The first instant at or after <paramref name="instant"/> whose local time under the fixed
    /// <paramref name="offset"/> is a multiple of <paramref name="intervalTicks"/>. Because the
    /// interval divides a day, a multiple counted from the Unix epoch's local midnight is a multiple
    /// counted from every local midnight.
    /// </summary>
    internal static Instant FirstAlignedAtOrAfter(Instant instant, Offset offset, long intervalTicks)
    {
        var shift = Duration.FromSeconds(offset.Seconds);
        var local = instant + shift;
        var ticks = local.ToUnixTimeTicks();
        if (Instant.FromUnixTimeTicks(ticks) < local)
        {
            ticks++; // sub-tick precision: round up so the result is never early
        }
        var remainder = ((ticks % intervalTicks) + intervalTicks) % intervalTicks;
        if (remainder != 0)
        {
            ticks += intervalTicks - remainder;
        }
        return Instant.FromUnixTimeTicks(ticks) - shift;
    }
}

/// <summary>
/// Walks the aligned instants of a start set in increasing order. Calls must ask for
/// non-decreasing <c>from</c> instants; the cursor then never revisits a range or a zone interval,
/// so a whole walk costs one step per answer plus one per range and per zone transition.
/// </summary>
internal struct AlignedCursor(StartSet set, DateTimeZone zone, Duration interval)
{
    private readonly IReadOnlyList<ClosedRange> ranges = set.Ranges;
    private readonly long intervalTicks = interval.BclCompatibleTicks;
    private int index;
    private ZoneInterval? zoneInterval;

    /// <summary>The first aligned instant of the set at or after <paramref name="from"/>, if any.</summary>
    public bool TryNext(Instant from, out Instant start)
    {
        for (; index < ranges.Count; index++)
        {
            var range = ranges[index];
            if (range.End < from)
            {
                continue;
            }
            var at = from > range.Start ? from : range.Start;
            while (true)
            {
                if (zoneInterval is null || !zoneInterval.Contains(at))
                {
                    zoneInterval = zone.GetZoneInterval(at);
                }
                var zoneEnd = zoneInterval.HasEnd ? zoneInterval.End : Instant.MaxValue;
                var candidate = Alignment.FirstAlignedAtOrAfter(at, zoneInterval.WallOffset, intervalTicks);
                if (candidate < zoneEnd)
                {
                    if (candidate > range.End)
                    {
                        break;
                    }
                    start = candidate;
                    return true;
                }
                // No aligned instant is left under this offset: continue from the next transition.
                if (zoneEnd > range.End)
                {
                    break;
                }
                at = zoneEnd;
            }
        }
        start = default;
        return false;
    }
}
