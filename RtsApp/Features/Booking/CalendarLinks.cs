using System.Globalization;
using NodaTime;
using NodaTime.Text;

namespace RtsApp.Features.Booking;

/// <summary>"Add to calendar" links for a booked event through the calendars' public template URLs, times in UTC:
/// Google Calendar's <c>render?action=TEMPLATE</c> and Outlook on the web's compose deep link.</summary>
public static class CalendarLinks
{
    private static readonly InstantPattern Compact = InstantPattern.CreateWithInvariantCulture("uuuuMMdd'T'HHmmss'Z'");
    private static readonly InstantPattern Iso = InstantPattern.CreateWithInvariantCulture("uuuu-MM-dd'T'HH:mm:ss'Z'");

    public static string Google(string summary, Instant start, Instant end, string? details, string? location) =>
        "https://calendar.google.com/calendar/render?action=TEMPLATE"
        + Param("text", summary) + Param("dates", Compact.Format(start) + "/" + Compact.Format(end))
        + Param("details", details) + Param("location", location);

    public static string Outlook(string summary, Instant start, Instant end, string? details, string? location) =>
        "https://outlook.live.com/calendar/0/deeplink/compose?path=%2Fcalendar%2Faction%2Fcompose&rru=addevent"
        + Param("subject", summary) + Param("startdt", Iso.Format(start)) + Param("enddt", Iso.Format(end))
        + Param("body", details) + Param("location", location);

    private static string Param(string name, string? value) =>
        string.IsNullOrEmpty(value) ? "" : string.Create(CultureInfo.InvariantCulture, $"&{name}={Uri.EscapeDataString(value)}");
}
