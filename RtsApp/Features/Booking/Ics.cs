using System.Text;
using NodaTime;
using NodaTime.Text;
using RtsApp.Features.Links;
using RtsApp.Store;

namespace RtsApp.Features.Booking;

/// <summary>RFC 5545 output for a booked link: a VCALENDAR with one VEVENT per booked event (UID, DTSTAMP, DTSTART,
/// DTEND, SUMMARY), CRLF line ends, text escaped and lines folded at 75 octets.</summary>
public static class Ics
{
    private static readonly InstantPattern Utc = InstantPattern.CreateWithInvariantCulture("uuuuMMdd'T'HHmmss'Z'");

    public static string Calendar(SchedulingLink link, LinkSpec spec, BookedTime booked)
    {
        var sb = new StringBuilder();
        Line(sb, "BEGIN:VCALENDAR");
        Line(sb, "VERSION:2.0");
        Line(sb, "PRODID:-//RtsApp//Real-time scheduling//EN");
        Line(sb, "CALSCALE:GREGORIAN");
        Line(sb, "METHOD:PUBLISH");
        var events = booked.Steps.Count > 0
            ? booked.Steps.Select(s => (Uid: $"{link.Id}-{s.SequenceId}@rtsapp", s.Summary, s.Start, s.End))
            : [(Uid: $"{link.Id}@rtsapp", link.Summary, booked.Start, booked.End)];
        var stamp = Truncate(link.CompletedAt ?? booked.Start);
        foreach (var (uid, summary, start, end) in events)
        {
            Line(sb, "BEGIN:VEVENT");
            Line(sb, "UID:" + Escape(uid));
            Line(sb, "DTSTAMP:" + Utc.Format(stamp));
            Line(sb, "DTSTART:" + Utc.Format(Truncate(start)));
            Line(sb, "DTEND:" + Utc.Format(Truncate(end)));
            Line(sb, "SUMMARY:" + Escape(summary));
            if (spec.Event.Description is { Length: > 0 } d) Line(sb, "DESCRIPTION:" + Escape(d));
            if (spec.Event.Location is { Length: > 0 } l) Line(sb, "LOCATION:" + Escape(l));
            Line(sb, "END:VEVENT");
        }
        Line(sb, "END:VCALENDAR");
        return sb.ToString();
    }

    private static Instant Truncate(Instant i) => Instant.FromUnixTimeSeconds(i.ToUnixTimeSeconds());

    public static string Escape(string text) =>
        text.Replace("\\", "\\\\").Replace(";", "\\;").Replace(",", "\\,").Replace("\r\n", "\\n").Replace("\n", "\\n").Replace("\r", "\\n");

    /// <summary>Writes one content line, folded so that no physical line exceeds 75 octets of UTF-8.</summary>
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
