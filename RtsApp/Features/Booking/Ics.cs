using RtsApp.Features.Links;
using RtsApp.ICalendar;
using RtsApp.Store;

namespace RtsApp.Features.Booking;

/// <summary>RFC 5545 output for a booked link: a VCALENDAR (METHOD:PUBLISH) with one VEVENT per booked event
/// (UID, DTSTAMP, DTSTART, DTEND, SUMMARY, DESCRIPTION, LOCATION). The text itself is <see cref="IcsWriter"/>'s.</summary>
public static class Ics
{
    public static string Calendar(SchedulingLink link, LinkSpec spec, BookedTime booked)
    {
        var events = booked.Steps.Count > 0
            ? booked.Steps.Select(s => (Uid: $"{link.Id}-{s.SequenceId}@rtsapp", s.Summary, s.Start, s.End, Description: spec.DescriptionOf(s.SequenceId)))
            : [(Uid: $"{link.Id}@rtsapp", link.Summary, booked.Start, booked.End, spec.Event.Description)];
        var stamp = link.CompletedAt ?? booked.Start;
        return IcsWriter.Calendar(
            events.Select(e => new IcsEventData(e.Uid, stamp, e.Start, e.End, e.Summary, e.Description, spec.Event.Location)),
            method: "PUBLISH");
    }
}
