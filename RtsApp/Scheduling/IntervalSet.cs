using System.Collections;
using NodaTime;

namespace RtsApp.Scheduling;

/// <summary>
/// A set of instants held as half-open intervals [start, end) that are sorted, disjoint and not
/// touching, so each interval is maximal: [09:00, 12:00) and [12:00, 17:00) are held as one
/// [09:00, 17:00), and a slot may span the point where they met. Immutable. Unbounded ends are
/// held as <see cref="Instant.MinValue"/>/<see cref="Instant.MaxValue"/>.
/// </summary>
/// <remarks>
/// Sorting and merging are <see cref="StartSet"/>'s sweeps over the closures [start, end]: two
/// half-open intervals join exactly when their closures do (they overlap or share an end point), and
/// the closures of maximal intervals never touch. Only intersection differs: closures that merely
/// touch meet in a single instant that the half-open intervals do not share, so it is dropped.
/// </remarks>
public sealed class IntervalSet : IReadOnlyList<Interval>
{
    private readonly StartSet closures;

    private IntervalSet(StartSet closures) => this.closures = closures;

    public static IntervalSet Empty { get; } = new(StartSet.Empty);

    /// <summary>The union of any intervals, in any order, overlapping or touching; empty ones add nothing.</summary>
    public static IntervalSet Of(IEnumerable<Interval> intervals)
    {
        ArgumentNullException.ThrowIfNull(intervals);
        return new IntervalSet(StartSet.Of(intervals
            .Select(i => new ClosedRange(Saturating.StartOrMin(i), Saturating.EndOrMax(i)))
            .Where(range => range.Start < range.End)));
    }

    public static IntervalSet Of(params Interval[] intervals) => Of((IEnumerable<Interval>)intervals);

    public int Count => closures.Ranges.Count;

    public bool IsEmpty => closures.IsEmpty;

    public Interval this[int index]
    {
        get
        {
            var range = closures.Ranges[index];
            return new Interval(range.Start, range.End);
        }
    }

    /// <summary>The instants in this set or in <paramref name="other"/> (or both).</summary>
    public IntervalSet Union(IntervalSet other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return other.IsEmpty ? this : IsEmpty ? other : new IntervalSet(StartSet.Of(closures.Ranges.Concat(other.closures.Ranges)));
    }

    /// <summary>The instants in both this set and <paramref name="other"/>.</summary>
    public IntervalSet Intersect(IntervalSet other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var meets = closures.Intersect(other.closures);
        return new IntervalSet(StartSet.Of(meets.Ranges.Where(range => range.Start < range.End)));
    }

    public IEnumerator<Interval> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => IsEmpty ? "∅" : string.Join(" ∪ ", this.Select(i => $"[{i.Start}, {i.End})"));
}
