using System.Globalization;
using NodaTime;
using NodaTime.Text;
using RtsApp.Features.Booking;
using RtsApp.Infrastructure;

namespace RtsApp.Components.Pages.Scheduling;

/// <summary>How the scheduling page writes times: in one chosen zone, on the link's 12- or 24-hour clock, in English.
/// Times are shown in the zone's wall-clock time; the instant itself travels as <see cref="ApiJson.Format"/> writes it.</summary>
public sealed class SchedulingFormat(DateTimeZone zone, bool twentyFourHour)
{
    private static readonly CultureInfo English = CultureInfo.GetCultureInfo("en-GB");
    private static readonly LocalDatePattern DayPattern = LocalDatePattern.Create("dddd d MMMM uuuu", English);
    private static readonly LocalDatePattern ShortDayPattern = LocalDatePattern.Create("ddd d MMM", English);
    private static readonly LocalTimePattern Clock24 = LocalTimePattern.Create("HH:mm", English);
    private static readonly LocalTimePattern Clock12 = LocalTimePattern.Create("h:mm tt", CultureInfo.GetCultureInfo("en-US"));

    public DateTimeZone Zone { get; } = zone;
    public bool TwentyFourHour { get; } = twentyFourHour;

    /// <summary>The zone for <paramref name="tzid"/> when tzdb knows it, else the link's display zone.</summary>
    public static SchedulingFormat For(LinkPage page, string? tzid) =>
        new(TzdbZones.Find(tzid) ?? TzdbZones.Find(page.DisplayTzid) ?? DateTimeZone.Utc, page.TwentyFourHour);

    public LocalDate Date(Instant i) => i.InZone(Zone).Date;
    public string Day(LocalDate d) => DayPattern.Format(d);
    public string Day(Instant i) => Day(Date(i));
    public string ShortDay(Instant i) => ShortDayPattern.Format(Date(i));
    public string Time(Instant i) => (TwentyFourHour ? Clock24 : Clock12).Format(i.InZone(Zone).TimeOfDay);

    /// <summary>"09:00 – 09:30", or with the end's day when the range crosses midnight.</summary>
    public string Range(Instant start, Instant end) =>
        Time(start) + " – " + (Date(start) == Date(end) ? "" : ShortDay(end) + " ") + Time(end);

    /// <summary>"Europe/London (UTC+01:00)" at <paramref name="at"/>.</summary>
    public static string ZoneLabel(DateTimeZone zone, Instant at)
    {
        var offset = zone.GetUtcOffset(at);
        var sign = offset.Milliseconds < 0 ? "−" : "+";
        var abs = Duration.FromMilliseconds(Math.Abs(offset.Milliseconds));
        return $"{zone.Id.Replace('_', ' ')} (UTC{sign}{abs.Hours:00}:{abs.Minutes:00})";
    }

    /// <summary>"30 minutes", "1 hour", "1 hour 30 minutes".</summary>
    public static string Length(Duration d)
    {
        var hours = (int)d.TotalHours;
        var minutes = d.Minutes;
        var parts = new List<string>();
        if (hours > 0) parts.Add(hours == 1 ? "1 hour" : $"{hours} hours");
        if (minutes > 0 || hours == 0) parts.Add(minutes == 1 ? "1 minute" : $"{minutes} minutes");
        return string.Join(" ", parts);
    }

    /// <summary>Zones offered by the zone switch besides the display zone and the current choice.</summary>
    public static readonly string[] CommonZones =
    [
        "Pacific/Honolulu", "America/Anchorage", "America/Los_Angeles", "America/Denver", "America/Phoenix", "America/Chicago",
        "America/New_York", "America/Toronto", "America/Sao_Paulo", "Etc/UTC", "Europe/London", "Europe/Dublin", "Europe/Lisbon",
        "Europe/Paris", "Europe/Berlin", "Europe/Madrid", "Europe/Amsterdam", "Europe/Stockholm", "Europe/Warsaw", "Europe/Athens",
        "Europe/Helsinki", "Europe/Istanbul", "Africa/Lagos", "Africa/Johannesburg", "Africa/Nairobi", "Asia/Dubai", "Asia/Karachi",
        "Asia/Kolkata", "Asia/Bangkok", "Asia/Singapore", "Asia/Shanghai", "Asia/Hong_Kong", "Asia/Tokyo", "Asia/Seoul",
        "Australia/Perth", "Australia/Brisbane", "Australia/Sydney", "Pacific/Auckland",
    ];
}
