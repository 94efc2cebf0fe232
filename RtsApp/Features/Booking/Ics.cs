using RtsApp.ICalendar;

namespace RtsApp.Features.Booking;

/// <summary>RFC 5545 output for a booked link: a VCALENDAR (METHOD:PUBLISH) with one VEVENT per booked event
/// (UID, DTSTAMP, DTSTART, DTEND, SUMMARY, DESCRIPTION, LOCATION). The text itself is <see cref="IcsWriter"/>'s.</summary>
public static class Ics
{
    public static string Calendar(LinkPage page, BookedTime booked)
    {
        var events = booked.Steps.Count > 0
            ? booked.Steps.Select(s => (Uid: $"{page.LinkId}-{s.SequenceId}@rtsapp", s.Summary, s.Start, s.End))
            : [(Uid: $"{page.LinkId}@rtsapp", page.Summary, booked.Start, booked.End)];
        return IcsWriter.Calendar(
            events.Select(e => new IcsEventData(e.Uid, page.CompletedAt, e.Start, e.End, e.Summary, page.Description, page.Location)),
            method: "PUBLISH");
    }
}
