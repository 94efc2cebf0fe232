using NodaTime;

namespace RtsApp.ICalendar;

/// <summary>
/// One VEVENT as read: its start in its own zone, how long each instance lasts, and — for a master —
/// its recurrence (RRULE, RDATE, EXDATE), or — for an override — the instance it replaces
/// (<see cref="RecurrenceId"/>). All zone lookups happen when it is read, so expanding it cannot fail
/// on a time zone.
/// </summary>
internal sealed class IcsEvent
{
    public required string Uid { get; init; }
    /// <summary>The original start of the instance this override replaces; null for a master.</summary>
    public Instant? RecurrenceId { get; init; }
    public required string Summary { get; init; }
    /// <summary>DTSTART's local time in <see cref="Zone"/> (a DATE is midnight with <see cref="IsAllDay"/>).</summary>
    public required LocalDateTime Start { get; init; }
    public required bool IsAllDay { get; init; }
    /// <summary>The zone instances are expanded in: DTSTART's TZID zone, UTC, or the default zone.</summary>
    public required DateTimeZone Zone { get; init; }
    public required InstanceLength Length { get; init; }
    public required bool Transparent { get; init; }
    public required bool Cancelled { get; init; }
    public int Sequence { get; init; }
    public RecurrenceRule? Rule { get; init; }
    /// <summary>RDATEs: each a start, and an end when given as a PERIOD.</summary>
    public IReadOnlyList<(Instant Start, Instant? End)> RDates { get; init; } = [];
    public IReadOnlySet<Instant> ExDates { get; init; } = new HashSet<Instant>();
    /// <summary>EXDATE;VALUE=DATE on a DATE-TIME series: every instance on that local date is excluded.</summary>
    public IReadOnlySet<LocalDate> ExDays { get; init; } = new HashSet<LocalDate>();

    public bool IsRecurring => Rule is not null || RDates.Count > 0;

    public Instant StartInstant => IcsZones.ToInstant(Start, IsAllDay, Zone);

    /// <summary>Reads a VEVENT; throws <see cref="IcsFormatException"/> when it lacks UID or DTSTART, has an
    /// unreadable value, a TZID nothing defines, or ends before it starts.</summary>
    public static IcsEvent Parse(IcsComponent vevent, IcsZones zones)
    {
        if (vevent.IsBroken)
        {
            throw new IcsFormatException("VEVENT is not terminated or holds a line that is not a content line.");
        }
        var uid = vevent.First("UID")?.Value.Trim() is { Length: > 0 } u ? IcsText.Unescape(u)
            : throw new IcsFormatException("VEVENT has no UID.");
        var dtstart = DateTimeOf(vevent.First("DTSTART") ?? throw new IcsFormatException("VEVENT has no DTSTART."));
        var zone = zones.ZoneOf(dtstart);
        var startInstant = zones.ToInstant(dtstart);

        InstanceLength length;
        if (vevent.First("DTEND") is { } dtendLine)
        {
            var dtend = DateTimeOf(dtendLine);
            if (dtstart.IsDate && dtend.IsDate)
            {
                var days = Period.Between(dtstart.Local.Date, dtend.Local.Date, PeriodUnits.Days).Days;
                length = days >= 0 ? new InstanceLength.Nominal(new IcsDuration(false, days, Duration.Zero))
                    : throw new IcsFormatException("VEVENT DTEND is before DTSTART.");
            }
            else
            {
                var exact = zones.ToInstant(dtend) - startInstant;
                length = exact >= Duration.Zero ? new InstanceLength.Exact(exact) : throw new IcsFormatException("VEVENT DTEND is before DTSTART.");
            }
        }
        else if (vevent.First("DURATION") is { } durationLine)
        {
            length = IcsValues.TryParseDuration(durationLine.Value, out var duration) && !duration.Negative
                ? new InstanceLength.Nominal(duration)
                : throw new IcsFormatException($"VEVENT DURATION '{durationLine.Value}' is not a non-negative duration.");
        }
        else
        {
            // RFC 5545 §3.6.1: without DTEND or DURATION a DATE lasts one day and a DATE-TIME no time at all.
            length = new InstanceLength.Nominal(new IcsDuration(false, dtstart.IsDate ? 1 : 0, Duration.Zero));
        }

        RecurrenceRule? rule = null;
        if (vevent.First("RRULE") is { } rruleLine)
        {
            rule = RecurrenceRule.Parse(rruleLine.Value);
            if (dtstart.IsDate && (rule.Frequency < Frequency.Daily || rule.ByHour.Count + rule.ByMinute.Count + rule.BySecond.Count > 0))
            {
                throw new IcsFormatException("RRULE sets times of day on an all-day event.");
            }
        }

        var rdates = new List<(Instant, Instant?)>();
        foreach (var line in vevent.All("RDATE"))
        {
            foreach (var item in Items(line))
            {
                var slash = item.IndexOf('/', StringComparison.Ordinal);
                if (slash < 0)
                {
                    rdates.Add((zones.ToInstant(DateTimeOf(line, item)), null));
                    continue;
                }
                var periodStart = zones.ToInstant(DateTimeOf(line, item[..slash], "DATE-TIME"));
                var endText = item[(slash + 1)..];
                Instant periodEnd;
                if (IcsValues.TryParseDuration(endText, out var d) && !d.Negative)
                {
                    periodEnd = periodStart + Duration.FromDays(d.Days) + d.Time;
                }
                else
                {
                    periodEnd = zones.ToInstant(DateTimeOf(line, endText, "DATE-TIME"));
                }
                rdates.Add(periodEnd >= periodStart ? (periodStart, periodEnd) : throw new IcsFormatException("RDATE period ends before it starts."));
            }
        }

        var exdates = new HashSet<Instant>();
        var exdays = new HashSet<LocalDate>();
        foreach (var line in vevent.All("EXDATE"))
        {
            foreach (var item in Items(line))
            {
                var value = DateTimeOf(line, item);
                if (value.IsDate && !dtstart.IsDate)
                {
                    exdays.Add(value.Local.Date);
                }
                else
                {
                    exdates.Add(zones.ToInstant(value));
                }
            }
        }

        Instant? recurrenceId = null;
        if (vevent.First("RECURRENCE-ID") is { } ridLine)
        {
            var rid = DateTimeOf(ridLine);
            recurrenceId = zones.ToInstant(rid.IsDate || !dtstart.IsDate ? rid : rid with { IsDate = true });
        }

        return new IcsEvent
        {
            Uid = uid,
            RecurrenceId = recurrenceId,
            Summary = vevent.First("SUMMARY") is { } summary ? IcsText.Unescape(summary.Value) : "",
            Start = dtstart.Local,
            IsAllDay = dtstart.IsDate,
            Zone = zone,
            Length = length,
            Transparent = vevent.First("TRANSP")?.Value.Trim().Equals("TRANSPARENT", StringComparison.OrdinalIgnoreCase) == true,
            Cancelled = vevent.First("STATUS")?.Value.Trim().Equals("CANCELLED", StringComparison.OrdinalIgnoreCase) == true,
            Sequence = int.TryParse(vevent.First("SEQUENCE")?.Value, out var sequence) ? sequence : 0,
            Rule = rule,
            RDates = rdates,
            ExDates = exdates,
            ExDays = exdays,
        };
    }

    private static string[] Items(ContentLine line) =>
        line.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static IcsDateTime DateTimeOf(ContentLine line) => DateTimeOf(line, line.Value);

    private static IcsDateTime DateTimeOf(ContentLine line, string text, string? forcedType = null)
    {
        var valueType = forcedType ?? line.Parameter("VALUE")?.Trim().ToUpperInvariant();
        if (valueType is "PERIOD")
        {
            valueType = null;
        }
        return IcsValues.TryParseDateTime(text, valueType is "DATE" or "DATE-TIME" or null ? valueType : null, line.Parameter("TZID"), out var value)
            ? value
            : throw new IcsFormatException($"{line.Name} '{text}' is not a date or date-time.");
    }

    /// <summary>The start and end instants of the instance that starts at <paramref name="local"/> in <see cref="Zone"/>.</summary>
    public (Instant Start, Instant End) Span(LocalDateTime local)
    {
        var start = IcsZones.ToInstant(local, IsAllDay, Zone);
        return Length switch
        {
            InstanceLength.Exact e => (start, start + e.Value),
            InstanceLength.Nominal { Value: var d } when IsAllDay && d.Time == Duration.Zero =>
                (start, local.Date.PlusDays(d.Days).AtStartOfDayInZone(Zone).ToInstant()),
            InstanceLength.Nominal { Value: var d } =>
                (start, Max(start, IcsZones.ToInstant(local.PlusDays(d.Days), IsAllDay, Zone) + d.Time)),
            _ => throw new InvalidOperationException("Unknown instance length."),
        };
    }

    private static Instant Max(Instant a, Instant b) => a > b ? a : b;

    /// <summary>An upper bound on how long any instance lasts, for deciding how far before a window to expand.</summary>
    public Duration Reach => Length switch
    {
        InstanceLength.Exact e => e.Value,
        InstanceLength.Nominal n => Duration.FromDays(n.Value.Days + 1) + n.Value.Time,
        _ => Duration.Zero,
    };
}

/// <summary>How long each instance lasts: an exact duration (DTEND − DTSTART for DATE-TIMEs), or a nominal
/// one (whole days on the local calendar plus exact time: DURATION, or DTEND − DTSTART for DATEs).</summary>
internal abstract record InstanceLength
{
    private InstanceLength() { }

    public sealed record Exact(Duration Value) : InstanceLength;

    public sealed record Nominal(IcsDuration Value) : InstanceLength;
}
