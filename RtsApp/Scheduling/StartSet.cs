using System.Buffers;
using NodaTime;

namespace RtsApp.Scheduling;

/// <summary>
/// A set of instants at which something can start, held as a union of closed ranges that are sorted,
/// disjoint and not touching (so each range is maximal). Immutable. All operations are sorted sweeps
/// over the ranges: their cost depends on the number of ranges, never on the length of time covered.
/// </summary>
public sealed class StartSet
{
    private readonly ClosedRange[] ranges;

    private StartSet(ClosedRange[] normalized) => ranges = normalized;

    public static StartSet Empty { get; } = new([]);

    /// <summary>The maximal ranges of the set, earliest first.</summary>
    public IReadOnlyList<ClosedRange> Ranges => ranges;

    public bool IsEmpty => ranges.Length == 0;

    /// <summary>The union of any ranges, in any order, overlapping or touching.</summary>
    public static StartSet Of(IEnumerable<ClosedRange> ranges)
    {
        var sorted = ranges.ToArray();
        Array.Sort(sorted, static (x, y) => x.Start.CompareTo(y.Start));
        return new StartSet(MergeSorted(sorted));
    }

    public static StartSet Of(params ClosedRange[] ranges) => Of((IEnumerable<ClosedRange>)ranges);

    private static ClosedRange[] MergeSorted(ClosedRange[] sorted)
    {
        if (sorted.Length == 0)
        {
            return sorted;
        }
        var merged = new List<ClosedRange>(sorted.Length);
        var current = sorted[0];
        for (var i = 1; i < sorted.Length; i++)
        {
            var next = sorted[i];
            // Closed ranges that share an end point have that point in common, so they join.
            if (next.Start <= current.End)
            {
                if (next.End > current.End)
                {
                    current = new ClosedRange(current.Start, next.End);
                }
            }
            else
            {
                merged.Add(current);
                current = next;
            }
        }
        merged.Add(current);
        return merged.Count == sorted.Length ? sorted : merged.ToArray();
    }

    public bool Contains(Instant instant)
    {
        var i = FirstEndingAtOrAfter(instant);
        return i < ranges.Length && ranges[i].Start <= instant;
    }

    /// <summary>Whether the set has at least one instant in <paramref name="window"/>.</summary>
    public bool Intersects(ClosedRange window)
    {
        var i = FirstEndingAtOrAfter(window.Start);
        return i < ranges.Length && ranges[i].Start <= window.End;
    }

    /// <summary>Index of the first range whose end is at or after <paramref name="instant"/> (binary search).</summary>
    internal int FirstEndingAtOrAfter(Instant instant)
    {
        int lo = 0, hi = ranges.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (ranges[mid].End < instant)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }
        return lo;
    }

    public StartSet Intersect(StartSet other)
    {
        // Pooled scratch, copied out at its exact size, as in Without.
        var scratch = ArrayPool<ClosedRange>.Shared.Rent(ranges.Length + other.ranges.Length + 1);
        var result = scratch.AsSpan(0, IntersectInto(ranges, other.ranges, scratch)).ToArray();
        ArrayPool<ClosedRange>.Shared.Return(scratch);
        return new StartSet(result);
    }

    /// <summary>Writes the intersection of two normalized range lists into <paramref name="into"/> (room for
    /// <c>a.Length + b.Length</c>, apart from both) and returns how many ranges it wrote.</summary>
    internal static int IntersectInto(ReadOnlySpan<ClosedRange> a, ReadOnlySpan<ClosedRange> b, Span<ClosedRange> into)
    {
        var count = 0;
        int i = 0, j = 0;
        while (i < a.Length && j < b.Length)
        {
            var start = a[i].Start > b[j].Start ? a[i].Start : b[j].Start;
            var end = a[i].End < b[j].End ? a[i].End : b[j].End;
            var step = a[i].End < b[j].End;
            if (start <= end)
            {
                into[count++] = new ClosedRange(start, end);
            }
            if (step)
            {
                i++;
            }
            else
            {
                j++;
            }
        }
        return count;
    }

    /// <summary>A set over a copy of <paramref name="normalized"/> (sorted, disjoint, not touching).</summary>
    internal static StartSet FromNormalized(ReadOnlySpan<ClosedRange> normalized) => new(normalized.ToArray());

    /// <summary>The instants of this set at or after <paramref name="earliest"/>.</summary>
    public StartSet AtOrAfter(Instant earliest)
    {
        var i = FirstEndingAtOrAfter(earliest);
        if (i == 0 && (ranges.Length == 0 || ranges[0].Start >= earliest))
        {
            return this;
        }
        var result = new ClosedRange[ranges.Length - i];
        Array.Copy(ranges, i, result, 0, result.Length);
        if (result.Length > 0 && result[0].Start < earliest)
        {
            result[0] = new ClosedRange(earliest, result[0].End);
        }
        return new StartSet(result);
    }

    /// <summary>
    /// This set minus a union of open ranges. <paramref name="removals"/> must be sorted by start and
    /// must not overlap (they may share an end point, which then stays in the set).
    /// </summary>
    internal StartSet Without(ReadOnlySpan<OpenRange> removals)
    {
        if (removals.Length == 0)
        {
            return this;
        }
        // Scratch from the pool: the result is copied out at its exact size, so a request allocates
        // one array per member instead of a growing list and a copy.
        var scratch = ArrayPool<ClosedRange>.Shared.Rent(ranges.Length + removals.Length);
        var result = scratch.AsSpan(0, WithoutInto(ranges, removals, scratch)).ToArray();
        ArrayPool<ClosedRange>.Shared.Return(scratch);
        return new StartSet(result);
    }

    /// <summary>The ranges of this set, for sweeps that write into pooled scratch instead of new sets.</summary>
    internal ReadOnlySpan<ClosedRange> Span => ranges;

    /// <summary>Writes <paramref name="ranges"/> minus <paramref name="removals"/> (as <see cref="Without"/>) into
    /// <paramref name="into"/>, which has room for <c>ranges.Length + removals.Length</c>; returns how many it wrote.</summary>
    internal static int WithoutInto(ReadOnlySpan<ClosedRange> ranges, ReadOnlySpan<OpenRange> removals, Span<ClosedRange> into)
    {
        var count = 0;
        var first = 0;
        foreach (var range in ranges)
        {
            while (first < removals.Length && removals[first].End <= range.Start)
            {
                first++;
            }
            var from = range.Start;
            var covered = false;
            for (var k = first; k < removals.Length && removals[k].Start < range.End; k++)
            {
                var removal = removals[k];
                if (removal.Start >= from)
                {
                    into[count++] = new ClosedRange(from, removal.Start);
                }
                if (removal.End > range.End)
                {
                    covered = true;
                    break;
                }
                if (removal.End > from)
                {
                    from = removal.End;
                }
            }
            if (!covered)
            {
                into[count++] = new ClosedRange(from, range.End);
            }
        }
        return count;
    }

    /// <summary>
    /// The instants that lie in at least <paramref name="required"/> of <paramref name="sets"/>: a sweep
    /// over all range ends counting how many sets cover each instant.
    /// </summary>
    public static StartSet AtLeast(IReadOnlyList<StartSet> sets, int required)
    {
        ArgumentNullException.ThrowIfNull(sets);
        if (required < 1 || required > sets.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(required), required, $"Must be between 1 and {sets.Count}.");
        }
        var count = 0;
        foreach (var set in sets)
        {
            count += set.ranges.Length;
        }
        var edges = new (Instant At, int Delta)[count * 2];
        var e = 0;
        foreach (var set in sets)
        {
            foreach (var range in set.ranges)
            {
                edges[e++] = (range.Start, 1);
                edges[e++] = (range.End, -1);
            }
        }
        // At equal instants openings come before closings: the ranges are closed, so an instant where
        // one range ends and another begins is covered by both.
        Array.Sort(edges, static (x, y) => x.At != y.At ? x.At.CompareTo(y.At) : y.Delta.CompareTo(x.Delta));
        var result = new List<ClosedRange>();
        var depth = 0;
        var openedAt = Instant.MinValue;
        foreach (var (at, delta) in edges)
        {
            depth += delta;
            if (delta > 0 && depth == required)
            {
                openedAt = at;
            }
            else if (delta < 0 && depth == required - 1)
            {
                result.Add(new ClosedRange(openedAt, at));
            }
        }
        return new StartSet(result.ToArray());
    }

    public override string ToString() => ranges.Length == 0 ? "∅" : string.Join(" ∪ ", ranges);
}
