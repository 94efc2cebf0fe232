using System.Text;
using NodaTime;
using NodaTime.Text;

namespace RtsApp.ICalendar;

/// <summary>One VEVENT to write: times are UTC instants, whole seconds (fractions are dropped).</summary>
public sealed record IcsEventData
{
    public IcsEventData(string uid, Instant stamp, Instant start, Instant end, string summary, string? description = null, string? location = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(uid);
        ArgumentNullException.ThrowIfNull(summary);
        if (end < start)
        {
            throw new ArgumentOutOfRangeException(nameof(end), end, $"End must not be before start ({start}).");
        }
        (Uid, Stamp, Start, End, Summary, Description, Location) = (uid, stamp, start, end, summary, description, location);
    }

    public string Uid { get; }
    /// <summary>DTSTAMP: when this text was made (or the event last revised).</summary>
    public Instant Stamp { get; }
    public Instant Start { get; }
    public Instant End { get; }
    public string Summary { get; }
    public string? Description { get; }
    public string? Location { get; }
}

/// <summary>
/// Writes RFC 5545 text: CRLF line ends, lines folded so no physical line exceeds 75 octets of UTF-8
/// (never inside a character), TEXT escaped (<c>\\ \; \, \n</c>), times as UTC <c>yyyyMMddTHHmmssZ</c>.
/// </summary>
public static class IcsWriter
{
    public const string ProductId = "-//RtsApp//Real-time scheduling//EN";

    private static readonly InstantPattern Utc = InstantPattern.CreateWithInvariantCulture("uuuuMMdd'T'HHmmss'Z'");

    /// <summary>A VCALENDAR holding one VEVENT and no METHOD: a CalDAV calendar object resource (RFC 4791 §4.1).</summary>
    public static string Event(string uid, Instant dtstamp, Instant start, Instant end, string summary, string? description = null, string? location = null) =>
        Calendar([new IcsEventData(uid, dtstamp, start, end, summary, description, location)], method: null);

    /// <summary>A VCALENDAR with one VEVENT per entry of <paramref name="events"/>, and METHOD when given (PUBLISH for a download).</summary>
    public static string Calendar(IEnumerable<IcsEventData> events, string? method)
    {
        ArgumentNullException.ThrowIfNull(events);
        var sb = new StringBuilder();
        Line(sb, "BEGIN:VCALENDAR");
        Line(sb, "VERSION:2.0");
        Line(sb, "PRODID:" + ProductId);
        Line(sb, "CALSCALE:GREGORIAN");
        if (method is { Length: > 0 })
        {
            Line(sb, "METHOD:" + method);
        }
        foreach (var e in events)
        {
            Line(sb, "BEGIN:VEVENT");
            Line(sb, "UID:" + IcsText.Escape(e.Uid));
            Line(sb, "DTSTAMP:" + Format(e.Stamp));
            Line(sb, "DTSTART:" + Format(e.Start));
            Line(sb, "DTEND:" + Format(e.End));
            Line(sb, "SUMMARY:" + IcsText.Escape(e.Summary));
            if (e.Description is { Length: > 0 } d)
            {
                Line(sb, "DESCRIPTION:" + IcsText.Escape(d));
            }
            if (e.Location is { Length: > 0 } l)
            {
                Line(sb, "LOCATION:" + IcsText.Escape(l));
            }
            Line(sb, "END:VEVENT");
        }
        Line(sb, "END:VCALENDAR");
        return sb.ToString();
    }

    /// <summary>UTC DATE-TIME text, truncated to the second (DATE-TIME has no fractions).</summary>
    public static string Format(Instant instant) =>
        Utc.Format(Instant.FromUnixTimeTicks(instant.ToUnixTimeTicks() - (((instant.ToUnixTimeTicks() % NodaConstants.TicksPerSecond) + NodaConstants.TicksPerSecond) % NodaConstants.TicksPerSecond)));

    /// <summary>Writes one content line, folded: 75 octets on the first physical line, a space and 74 on each next one.</summary>
    private static void Line(StringBuilder sb, string line)
    {
        var octets = 0;
        var first = true;
        foreach (var rune in line.EnumerateRunes())
        {
            var n = rune.Utf8SequenceLength;
            if (octets + n > (first ? 75 : 74))
            {
                sb.Append("\r\n ");
                octets = 0;
                first = false;
            }
            sb.Append(rune.ToString());
            octets += n;
        }
        sb.Append("\r\n");
    }
}
