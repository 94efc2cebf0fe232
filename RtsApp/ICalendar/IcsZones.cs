using NodaTime;
using NodaTime.TimeZones;

namespace RtsApp.ICalendar;

/// <summary>
/// The time zones of one iCalendar object: TZID parameters resolved as an IANA name (tzdb), else a
/// Windows name through the CLDR mapping (<see cref="TimeZoneInfo.TryConvertWindowsIdToIanaId(string, out string?)"/>),
/// else the object's own VTIMEZONE with that TZID; floating times and dates belong to the default zone.
/// </summary>
internal sealed class IcsZones
{
    /// <summary>
    /// How a local time becomes an instant (RFC 5545 §3.3.5): a time skipped by a forward change is
    /// read with the offset before the gap, which shifts it forward by the gap's length (02:30 on a
    /// spring-forward day in New York is 03:30 EDT); a time that happens twice takes the earlier one.
    /// </summary>
    public static readonly ZoneLocalMappingResolver Resolver =
        Resolvers.CreateMappingResolver(Resolvers.ReturnEarlier, Resolvers.ReturnForwardShifted);

    private readonly Dictionary<string, IcsComponent> definitions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeZone?> cache = new(StringComparer.Ordinal);

    public IcsZones(IEnumerable<IcsComponent> vtimezones, DateTimeZone defaultZone)
    {
        ArgumentNullException.ThrowIfNull(defaultZone);
        Default = defaultZone;
        foreach (var vtz in vtimezones)
        {
            // Some producers escape the commas of "(UTC+05:30) Chennai, Kolkata, …" as TEXT; TZID parameters never are.
            if (!vtz.IsBroken && vtz.First("TZID")?.Value.Trim() is { Length: > 0 } id)
            {
                definitions.TryAdd(IcsText.Unescape(id), vtz);
            }
        }
    }

    /// <summary>The zone of floating times and of all-day (DATE) values: the account's zone.</summary>
    public DateTimeZone Default { get; }

    /// <summary>The zone a value's local time is read in; throws <see cref="IcsFormatException"/> for a TZID nothing defines.</summary>
    public DateTimeZone ZoneOf(IcsDateTime value) =>
        value.IsUtc ? DateTimeZone.Utc
        : value.TzId is null || value.IsDate ? Default
        : Find(value.TzId) ?? throw new IcsFormatException($"TZID '{value.TzId}' is neither a known zone nor defined by a VTIMEZONE.");

    /// <summary>The instant a value starts at: a DATE at the start of that day in the default zone (NodaTime's
    /// <see cref="LocalDate.AtStartOfDayInZone"/>, so a day that begins in a gap begins when the gap ends).</summary>
    public Instant ToInstant(IcsDateTime value) => ToInstant(value.Local, value.IsDate, ZoneOf(value));

    public static Instant ToInstant(LocalDateTime local, bool isDate, DateTimeZone zone) =>
        isDate ? local.Date.AtStartOfDayInZone(zone).ToInstant() : local.InZone(zone, Resolver).ToInstant();

    /// <summary>The zone a TZID names, or null.</summary>
    public DateTimeZone? Find(string tzId)
    {
        if (cache.TryGetValue(tzId, out var cached))
        {
            return cached;
        }
        var zone = Lookup(tzId);
        cache[tzId] = zone;
        return zone;
    }

    private DateTimeZone? Lookup(string tzId)
    {
        var id = tzId.Trim().Trim('"').Trim();
        if (KnownZone(id.TrimStart('/')) is { } known)
        {
            return known;
        }
        if (definitions.TryGetValue(tzId, out var vtz) || definitions.TryGetValue(id, out vtz))
        {
            return VTimeZone.TryCreate(vtz, id);
        }
        // Some producers prefix the IANA name with a path of their own: /mozilla.org/20050126_1/Europe/Berlin.
        for (var slash = id.IndexOf('/', 1); slash > 0; slash = id.IndexOf('/', slash + 1))
        {
            if (KnownZone(id[(slash + 1)..]) is { } suffix)
            {
                return suffix;
            }
        }
        return null;
    }

    private static DateTimeZone? KnownZone(string id)
    {
        if (id.Length == 0)
        {
            return null;
        }
        if (DateTimeZoneProviders.Tzdb.GetZoneOrNull(id) is { } iana)
        {
            return iana;
        }
        return TimeZoneInfo.TryConvertWindowsIdToIanaId(id, out var ianaId) && ianaId is not null
            ? DateTimeZoneProviders.Tzdb.GetZoneOrNull(ianaId)
            : null;
    }
}

/// <summary>
/// A zone defined by a VTIMEZONE (RFC 5545 §3.6.5): each STANDARD or DAYLIGHT observance starts at its
/// DTSTART, RRULE and RDATE onsets, each a local time read with TZOFFSETFROM, after which TZOFFSETTO
/// holds. Before the first onset the first observance's TZOFFSETFROM holds; onsets are computed up to
/// <see cref="HorizonYear"/>, after which the last offset holds.
/// </summary>
internal sealed class VTimeZone : DateTimeZone
{
    internal const int HorizonYear = 2200;
    private const int MaxTransitions = 5000;

    private readonly Instant[] starts;
    private readonly Offset[] offsets;
    private readonly string[] names;
    private readonly Offset initialOffset;
    private readonly string initialName;

    private VTimeZone(string id, List<(Instant At, Offset To, string Name)> transitions, Offset initialOffset, string initialName)
        : base(id, transitions.Count == 0, Min(transitions, initialOffset), Max(transitions, initialOffset))
    {
        starts = [.. transitions.Select(t => t.At)];
        offsets = [.. transitions.Select(t => t.To)];
        names = [.. transitions.Select(t => t.Name)];
        this.initialOffset = initialOffset;
        this.initialName = initialName;
    }

    private static Offset Min(List<(Instant At, Offset To, string Name)> t, Offset initial) => t.Count == 0 ? initial : Offset.FromSeconds(Math.Min(initial.Seconds, t.Min(x => x.To.Seconds)));
    private static Offset Max(List<(Instant At, Offset To, string Name)> t, Offset initial) => t.Count == 0 ? initial : Offset.FromSeconds(Math.Max(initial.Seconds, t.Max(x => x.To.Seconds)));

    /// <summary>The zone <paramref name="vtz"/> defines, or null when it has no usable observance.</summary>
    public static VTimeZone? TryCreate(IcsComponent vtz, string id)
    {
        try
        {
            var transitions = new List<(Instant At, Offset To, string Name, Offset From)>();
            foreach (var observance in vtz.Children.Where(c => c.Name is "STANDARD" or "DAYLIGHT"))
            {
                if (observance.IsBroken
                    || observance.First("DTSTART") is not { } dtstartLine
                    || !IcsValues.TryParseDateTime(dtstartLine.Value, dtstartLine.Parameter("VALUE"), null, out var dtstart)
                    || observance.First("TZOFFSETFROM") is not { } fromLine || !IcsValues.TryParseOffset(fromLine.Value, out var from)
                    || observance.First("TZOFFSETTO") is not { } toLine || !IcsValues.TryParseOffset(toLine.Value, out var to))
                {
                    return null;
                }
                var name = observance.First("TZNAME")?.Value ?? observance.Name;
                var toInstant = (LocalDateTime local) => local.WithOffset(from).ToInstant();
                var onsets = new List<Instant>();
                if (observance.First("RRULE") is { } rruleLine)
                {
                    var rule = RecurrenceRule.Parse(rruleLine.Value);
                    var horizon = new LocalDateTime(HorizonYear, 1, 1, 0, 0);
                    foreach (var local in rule.Expand(dtstart.Local, toInstant, dtstart.Local, horizon).TakeWhile(l => l < horizon))
                    {
                        onsets.Add(toInstant(local));
                        if (onsets.Count > MaxTransitions)
                        {
                            return null;
                        }
                    }
                }
                else
                {
                    onsets.Add(toInstant(dtstart.Local));
                }
                foreach (var rdate in observance.All("RDATE"))
                {
                    foreach (var item in rdate.Value.Split(',', StringSplitOptions.RemoveEmptyEntries))
                    {
                        if (!IcsValues.TryParseDateTime(item, rdate.Parameter("VALUE"), null, out var at))
                        {
                            return null;
                        }
                        onsets.Add(at.IsUtc ? at.Local.InUtc().ToInstant() : toInstant(at.Local));
                    }
                }
                transitions.AddRange(onsets.Select(o => (o, to, name, from)));
                if (transitions.Count > MaxTransitions)
                {
                    return null;
                }
            }
            if (transitions.Count == 0)
            {
                return null;
            }
            var ordered = transitions.OrderBy(t => t.At).ToList();
            // Several observances may claim one instant (a duplicated RDATE): the last listed wins.
            var distinct = ordered.GroupBy(t => t.At).Select(g => (g.Key, g.Last().To, g.Last().Name)).ToList();
            return new VTimeZone(id, distinct, ordered[0].From, id);
        }
        catch (IcsFormatException)
        {
            return null;
        }
    }

    public override ZoneInterval GetZoneInterval(Instant instant)
    {
        var index = Array.BinarySearch(starts, instant);
        if (index < 0)
        {
            index = ~index - 1;
        }
        if (index < 0)
        {
            return new ZoneInterval(initialName, null, starts.Length > 0 ? starts[0] : null, initialOffset, Offset.Zero);
        }
        return new ZoneInterval(names[index], starts[index], index + 1 < starts.Length ? starts[index + 1] : null, offsets[index], Offset.Zero);
    }
}
