using NodaTime;

namespace RtsApp.Scheduling;

/// <summary>
/// A closed interval of instants [<see cref="Start"/>, <see cref="End"/>]: both ends belong to it, so
/// a range with <c>Start == End</c> holds exactly one instant. Start sets are unions of these, because
/// removing an event's open interval from a stretch of starts leaves its end points in.
/// </summary>
public readonly record struct ClosedRange
{
    public ClosedRange(Instant start, Instant end)
    {
        if (end < start)
        {
            throw new ArgumentOutOfRangeException(nameof(end), end, $"End must not be before start ({start}).");
        }
        Start = start;
        End = end;
    }

    /// <summary>The first instant in the range (inclusive).</summary>
    public Instant Start { get; }

    /// <summary>The last instant in the range (inclusive).</summary>
    public Instant End { get; }

    public bool Contains(Instant instant) => Start <= instant && instant <= End;

    public override string ToString() => $"[{Start}, {End}]";
}

/// <summary>
/// An open interval of instants (Start, End): neither end belongs to it. It is what one busy event
/// removes from a start set.
/// </summary>
internal readonly record struct OpenRange(Instant Start, Instant End);
