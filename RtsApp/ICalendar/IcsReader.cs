using NodaTime;

namespace RtsApp.ICalendar;

/// <summary>
/// Reads iCalendar text (RFC 5545): a feed or one CalDAV calendar object resource. Pure: the default
/// zone and the window are parameters, nothing is fetched and no clock is read. Never throws for bad
/// input: a VEVENT that cannot be read is skipped and counted, and text that is not a VCALENDAR at all
/// gives <see cref="IcsReadResult.IsCalendar"/> false.
/// </summary>
public static class IcsReader
{
    /// <summary>
    /// Parses <paramref name="text"/> and expands every event into the occurrences that overlap
    /// <paramref name="window"/>, stopping once <paramref name="maxInstances"/> are found.
    /// </summary>
    /// <param name="defaultZone">The account's zone: floating times and all-day dates are read in it.</param>
    /// <param name="window">Which occurrences to return; it must have a start and an end.</param>
    /// <param name="maxInstances">The most occurrences to return; more sets <see cref="IcsReadResult.TruncatedAtLimit"/>.</param>
    public static IcsReadResult Read(string text, DateTimeZone defaultZone, Interval window, int maxInstances)
    {
        var calendar = Parse(text, defaultZone);
        var occurrences = new List<IcsOccurrence>();
        var skipped = calendar.SkippedObjects;
        var truncated = false;
        foreach (var obj in calendar.Objects)
        {
            var expansion = obj.Expand(window, maxInstances - occurrences.Count);
            occurrences.AddRange(expansion.Occurrences);
            skipped += expansion.SkippedObjects;
            if (expansion.TruncatedAtLimit)
            {
                truncated = true;
                break;
            }
        }
        return new IcsReadResult(occurrences, skipped, calendar.IsCalendar, calendar.IsComplete, truncated);
    }

    /// <summary>
    /// Parses <paramref name="text"/> into its objects — the VEVENTs sharing one UID: the master and its
    /// overrides (RECURRENCE-ID) — without expanding them, so a caller can track objects by UID and
    /// expand each for any window. VTODO, VJOURNAL, VFREEBUSY, VALARM and unknown components are ignored.
    /// </summary>
    public static IcsCalendar Parse(string text, DateTimeZone defaultZone)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(defaultZone);
        var root = IcsComponent.Parse(text);
        if (root is not { Name: "VCALENDAR" })
        {
            return new IcsCalendar([], 0, IsCalendar: false, IsComplete: false);
        }
        var zones = new IcsZones(root.Children.Where(c => c.Name == "VTIMEZONE"), defaultZone);
        var skipped = 0;
        var events = new List<IcsEvent>();
        foreach (var vevent in root.Children.Where(c => c.Name == "VEVENT"))
        {
            try
            {
                events.Add(IcsEvent.Parse(vevent, zones));
            }
            catch (IcsFormatException)
            {
                skipped++;
            }
            catch (ArgumentException)
            {
                skipped++; // a value NodaTime refuses (a date beyond its range); as malformed as any other
            }
        }
        var objects = new List<IcsObject>();
        foreach (var group in events.GroupBy(e => e.Uid, StringComparer.Ordinal))
        {
            var masters = group.Where(e => e.RecurrenceId is null).ToList();
            skipped += Math.Max(0, masters.Count - 1); // a second master for one UID is contradictory: the first one wins
            var overrides = group.Where(e => e.RecurrenceId is not null)
                .GroupBy(e => e.RecurrenceId!.Value)
                .Select(g => g.OrderBy(e => e.Sequence).Last())
                .ToList();
            objects.Add(new IcsObject(group.Key, masters.FirstOrDefault(), overrides));
        }
        return new IcsCalendar(objects, skipped, IsCalendar: true, IsComplete: root.IsClosed);
    }
}

/// <summary>What <see cref="IcsReader.Read"/> found.</summary>
/// <param name="Occurrences">The occurrences overlapping the window, object by object in the order of the text.</param>
/// <param name="SkippedObjects">VEVENTs (or whole series) that could not be read and were left out.</param>
/// <param name="IsCalendar">False when the text is not a VCALENDAR (an HTML page, binary data, an empty body).</param>
/// <param name="IsComplete">False when the VCALENDAR has no END line: a cut-off download, whose missing events
/// a caller should not take as deleted.</param>
/// <param name="TruncatedAtLimit">True when more occurrences exist than the limit allowed; the list is incomplete.</param>
public sealed record IcsReadResult(IReadOnlyList<IcsOccurrence> Occurrences, int SkippedObjects, bool IsCalendar, bool IsComplete,
    bool TruncatedAtLimit);

/// <summary>The objects of one iCalendar text, before expansion (<see cref="IcsReader.Parse"/>).</summary>
/// <param name="Objects">One per UID, in the order of their first VEVENT.</param>
/// <param name="SkippedObjects">VEVENTs that could not be read (and second masters of one UID).</param>
/// <param name="IsCalendar">False when the text is not a VCALENDAR.</param>
/// <param name="IsComplete">False when the VCALENDAR has no END line.</param>
public sealed record IcsCalendar(IReadOnlyList<IcsObject> Objects, int SkippedObjects, bool IsCalendar, bool IsComplete);

/// <summary>
/// A calendar object: every VEVENT with one UID — the master, if present, with its recurrence, and the
/// overrides that replace single instances. <see cref="Uid"/> is its identity, independent of any ETag.
/// </summary>
public sealed class IcsObject
{
    private readonly IcsEvent? master;
    private readonly IReadOnlyList<IcsEvent> overrides;

    internal IcsObject(string uid, IcsEvent? master, IReadOnlyList<IcsEvent> overrides)
    {
        Uid = uid;
        this.master = master;
        this.overrides = overrides;
    }

    public string Uid { get; }

    /// <summary>True when a master VEVENT recurs (RRULE or RDATE), or the object holds overrides.</summary>
    public bool IsRecurring => master?.IsRecurring == true || overrides.Count > 0;

    /// <summary>
    /// The occurrences of this object overlapping <paramref name="window"/> (master instances in order,
    /// then moved or kept overrides), at most <paramref name="maxInstances"/>. A series too costly to
    /// expand (a rule that needs more than a few hundred thousand periods to reach the window) is counted
    /// in <see cref="IcsReadResult.SkippedObjects"/> instead.
    /// </summary>
    public IcsReadResult Expand(Interval window, int maxInstances)
    {
        if (!window.HasStart || !window.HasEnd)
        {
            throw new ArgumentException("The window must have a start and an end.", nameof(window));
        }
        ArgumentOutOfRangeException.ThrowIfNegative(maxInstances);
        var result = new List<IcsOccurrence>();
        try
        {
            var truncated = ExpandInto(result, window, maxInstances);
            return new IcsReadResult(result, 0, IsCalendar: true, IsComplete: true, truncated);
        }
        catch (IcsFormatException)
        {
            return new IcsReadResult([], 1, IsCalendar: true, IsComplete: true, TruncatedAtLimit: false);
        }
    }

    private bool ExpandInto(List<IcsOccurrence> result, Interval window, int maxInstances)
    {
        var overridden = overrides.Select(o => o.RecurrenceId!.Value).ToHashSet();
        var found = new List<IcsOccurrence>();
        if (master is { Cancelled: false } m)
        {
            found.AddRange(Instances(m, window, overridden, maxInstances + 1));
        }
        foreach (var o in overrides.Where(o => !o.Cancelled))
        {
            var (start, end) = o.Span(o.Start);
            if (Occurrence(o, start, end, o.RecurrenceId) is var occurrence && occurrence.IsIn(window))
            {
                found.Add(occurrence);
            }
        }
        result.AddRange(found.Take(maxInstances));
        return found.Count > maxInstances;
    }

    private static IcsOccurrence Occurrence(IcsEvent e, Instant start, Instant end, Instant? recurrenceId)
    {
        LocalDate? first = null, after = null;
        if (e.IsAllDay)
        {
            first = start.InZone(e.Zone).Date;
            after = end == start ? first : (end - Duration.FromTicks(1)).InZone(e.Zone).Date.PlusDays(1);
        }
        return new IcsOccurrence(e.Uid, recurrenceId, e.Summary, start, end, first, after, e.Transparent);
    }

    /// <summary>
    /// The master's occurrences in the window, in start order, EXDATEs and overridden instances removed
    /// and duplicates dropped. The rule is expanded lazily and left once <paramref name="limit"/> of its
    /// instances are in the window, so a rule's size never exceeds what the caller may keep.
    /// </summary>
    private static IEnumerable<IcsOccurrence> Instances(IcsEvent e, Interval window, HashSet<Instant> overridden, int limit)
    {
        if (!e.IsRecurring)
        {
            var (start, end) = e.Span(e.Start);
            return [Occurrence(e, start, end, null)];
        }
        var slack = Duration.FromDays(2);
        var from = window.Start - Min(e.Reach, window.Start - Instant.MinValue - slack) - slack;
        var skipTo = from.InZone(e.Zone).LocalDateTime;
        var stopAfter = (window.End < Instant.MaxValue - slack ? window.End + slack : Instant.MaxValue).InZone(e.Zone).LocalDateTime;

        var list = new List<IcsOccurrence>();
        bool Keep(Instant start, Instant end, LocalDate day)
        {
            if (e.ExDays.Contains(day) || e.ExDates.Contains(start) || overridden.Contains(start))
            {
                return false;
            }
            var occurrence = Occurrence(e, start, end, start);
            if (!occurrence.IsIn(window))
            {
                return false;
            }
            list.Add(occurrence);
            return true;
        }
        var locals = e.Rule is { } rule
            ? rule.Expand(e.Start, l => IcsZones.ToInstant(l, e.IsAllDay, e.Zone), skipTo, stopAfter)
            : [e.Start];
        var kept = 0;
        foreach (var local in locals)
        {
            var (start, end) = e.Span(local);
            if (start >= window.End)
            {
                break;
            }
            if (start >= from && Keep(start, end, local.Date) && ++kept >= limit)
            {
                break;
            }
        }
        foreach (var (rdate, explicitEnd) in e.RDates)
        {
            var local = rdate.InZone(e.Zone).LocalDateTime;
            var (s, t) = e.Span(local);
            Keep(rdate, explicitEnd ?? rdate + (t - s), local.Date);
        }
        return list.DistinctBy(o => o.Start).OrderBy(o => o.Start);
    }

    private static Duration Min(Duration a, Duration b) => a < b ? a : b;
}
