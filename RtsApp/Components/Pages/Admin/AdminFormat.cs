using System.Globalization;
using NodaTime;
using NodaTime.Text;

namespace RtsApp.Components.Pages.Admin;

/// <summary>How the dashboard writes times: in UTC unless a zone is given (an account's or a link's), always with it.</summary>
public static class AdminFormat
{
    private static readonly ZonedDateTimePattern Full = ZonedDateTimePattern.CreateWithInvariantCulture("ddd d MMM yyyy, HH:mm", null);
    private static readonly LocalDatePattern Day = LocalDatePattern.Create("dddd d MMMM yyyy", CultureInfo.InvariantCulture);
    private static readonly LocalTimePattern Clock = LocalTimePattern.Create("HH:mm", CultureInfo.InvariantCulture);

    public static DateTimeZone Zone(string? tzid) => (tzid is null ? null : DateTimeZoneProviders.Tzdb.GetZoneOrNull(tzid)) ?? DateTimeZone.Utc;

    public static string When(Instant instant, string? tzid = null)
    {
        var zone = Zone(tzid);
        return Full.Format(instant.InZone(zone)) + " " + Name(zone);
    }

    public static string When(Instant? instant, string? tzid = null) => instant is { } i ? When(i, tzid) : "—";

    /// <summary>"Mon 23 Mar 2026, 09:00–17:00 Europe/London"; both ends in full when they fall on different days.</summary>
    public static string Range(Instant start, Instant end, string? tzid = null)
    {
        var zone = Zone(tzid);
        return start.InZone(zone).Date == end.InZone(zone).Date
            ? Full.Format(start.InZone(zone)) + "–" + Time(end, zone) + " " + Name(zone)
            : When(start, tzid) + " – " + When(end, tzid);
    }

    private static string Name(DateTimeZone zone) => ZoneName(zone);

    /// <summary>"UTC" for UTC (whichever id names it), else the zone's id.</summary>
    public static string ZoneName(DateTimeZone zone) => zone == DateTimeZone.Utc || zone.Id is "Etc/UTC" or "UTC" ? "UTC" : zone.Id;

    /// <summary>A delivery attempt's outcome, once: "503" rather than "503 · HTTP 503"; the error alone when no code came
    /// back; both when they say different things.</summary>
    public static string LastResult(int? code, string? error) => (code, error) switch
    {
        (null, null) => "—",
        ({ } c, null) => c.ToString(CultureInfo.InvariantCulture),
        (null, { } e) => e,
        ({ } c, { } e) when e == $"HTTP {c}" => c.ToString(CultureInfo.InvariantCulture),
        ({ } c, { } e) => $"{c} · {e}",
    };

    public static string Date(LocalDate date) => Day.Format(date);

    public static string Time(Instant instant, DateTimeZone zone) => Clock.Format(instant.InZone(zone).TimeOfDay);

    /// <summary>"1 h 30 min", "45 min".</summary>
    public static string Length(Duration? duration)
    {
        if (duration is not { } d) return "—";
        var hours = (int)d.TotalHours;
        var minutes = d.Minutes;
        return hours > 0 ? (minutes > 0 ? $"{hours} h {minutes} min" : $"{hours} h") : $"{minutes} min";
    }

    public static string Host(string url) => Uri.TryCreate(url, UriKind.Absolute, out var u) ? u.Authority : url;
}
