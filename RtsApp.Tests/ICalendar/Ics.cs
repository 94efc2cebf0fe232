using NodaTime;
using NodaTime.Text;
using RtsApp.ICalendar;

namespace RtsApp.Tests.ICalendar;

/// <summary>Helpers that build iCalendar text and read it back for the tests.</summary>
internal static class Ics
{
    public static readonly DateTimeZone NewYork = DateTimeZoneProviders.Tzdb["America/New_York"];
    public static readonly DateTimeZone London = DateTimeZoneProviders.Tzdb["Europe/London"];
    public static readonly Interval Always = new(Instant.FromUtc(1900, 1, 1, 0, 0), Instant.FromUtc(2100, 1, 1, 0, 0));

    /// <summary>A VCALENDAR around the given lines (CRLF-joined), as most producers write it.</summary>
    public static string Calendar(params string[] lines) =>
        string.Join("\r\n", ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Test//Test//EN", .. lines, "END:VCALENDAR"]) + "\r\n";

    /// <summary>A VCALENDAR with one VEVENT (UID "e1") holding the given properties.</summary>
    public static string Event(params string[] properties) =>
        Calendar(["BEGIN:VEVENT", "UID:e1", "DTSTAMP:20260101T000000Z", .. properties, "END:VEVENT"]);

    public static IcsReadResult Read(string text, DateTimeZone? zone = null, Interval? window = null, int max = 10_000) =>
        IcsReader.Read(text, zone ?? NewYork, window ?? Always, max);

    public static Instant Utc(string text) => InstantPattern.ExtendedIso.Parse(text).GetValueOrThrow();

    public static LocalDateTime Local(string text) => LocalDateTimePattern.GeneralIso.Parse(text.Length == 16 ? text + ":00" : text).GetValueOrThrow();

    public static Instant At(string local, DateTimeZone zone) => zone.AtStrictly(Local(local)).ToInstant();

    /// <summary>The occurrences' starts as local times in <paramref name="zone"/>, "yyyy-MM-ddTHH:mm:ss".</summary>
    public static List<string> Starts(IcsReadResult result, DateTimeZone zone) =>
        [.. result.Occurrences.Select(o => LocalDateTimePattern.GeneralIso.Format(o.Start.InZone(zone).LocalDateTime))];
}
