using NodaTime;

namespace RtsApp.ICalendar;

/// <summary>
/// One busy-relevant instance of a VEVENT: [<see cref="Start"/>, <see cref="End"/>) half-open, so an
/// instance with <c>Start == End</c> (a DATE-TIME DTSTART with neither DTEND nor DURATION) occupies no
/// time but is still listed. Cancelled events and instances are never occurrences; transparent ones are,
/// flagged by <see cref="Transparent"/>, because whether they count as busy is the caller's rule.
/// </summary>
public sealed record IcsOccurrence
{
    public IcsOccurrence(string uid, Instant? recurrenceId, string summary, Instant start, Instant end, LocalDate? allDayStart,
        LocalDate? allDayEnd, bool transparent)
    {
        ArgumentNullException.ThrowIfNull(uid);
        ArgumentNullException.ThrowIfNull(summary);
        if (end < start)
        {
            throw new ArgumentOutOfRangeException(nameof(end), end, $"End must not be before start ({start}).");
        }
        if (allDayStart.HasValue != allDayEnd.HasValue || allDayEnd < allDayStart)
        {
            throw new ArgumentOutOfRangeException(nameof(allDayEnd), allDayEnd, "An all-day occurrence has both dates, the end not before the start.");
        }
        Uid = uid;
        RecurrenceId = recurrenceId;
        Summary = summary;
        Start = start;
        End = end;
        AllDayStart = allDayStart;
        AllDayEnd = allDayEnd;
        Transparent = transparent;
    }

    /// <summary>The UID of the event: with <see cref="RecurrenceId"/>, the identity of this occurrence.</summary>
    public string Uid { get; }

    /// <summary>For an instance of a recurring event, the instant it was originally scheduled to start (its
    /// RECURRENCE-ID, also when an override moved it); null for an event that does not recur.</summary>
    public Instant? RecurrenceId { get; }

    /// <summary>SUMMARY with its escapes decoded; empty when absent.</summary>
    public string Summary { get; }

    /// <summary>The first instant of the occurrence (inclusive).</summary>
    public Instant Start { get; }

    /// <summary>The instant the occurrence ends (exclusive).</summary>
    public Instant End { get; }

    /// <summary>True for a VALUE=DATE event: it spans whole days of the default zone.</summary>
    public bool IsAllDay => AllDayStart.HasValue;

    /// <summary>For an all-day occurrence, its first day; otherwise null.</summary>
    public LocalDate? AllDayStart { get; }

    /// <summary>For an all-day occurrence, the day after its last day (exclusive, as DTEND); otherwise null.</summary>
    public LocalDate? AllDayEnd { get; }

    /// <summary>TRANSP:TRANSPARENT: the event does not block time (free), though it is on the calendar.</summary>
    public bool Transparent { get; }

    /// <summary>Whether the occurrence belongs to <paramref name="window"/>: it overlaps it, or it takes no
    /// time and lies inside it.</summary>
    public bool IsIn(Interval window) =>
        Start < window.End && (End > window.Start || (Start == End && Start >= window.Start));
}
