using System.Globalization;
using Microsoft.Extensions.Localization;
using NodaTime;
using NodaTime.Text;
using RtsApp.Features.Booking;
using RtsApp.Infrastructure;

namespace RtsApp.Components.Pages.Scheduling;

/// <summary>How the scheduling page writes times and words: in one chosen zone, on the link's 12- or 24-hour clock, in
/// the request's culture (dates) and UI culture (<see cref="Text"/>). Times are shown in the zone's wall-clock time; the
/// instant itself travels as <see cref="ApiJson.Format"/> writes it.</summary>
public sealed class SchedulingFormat
{
    private static readonly CultureInfo UsEnglish = CultureInfo.GetCultureInfo("en-US");
    private readonly LocalDatePattern dayPattern;
    private readonly LocalDatePattern dayNoYearPattern;
    private readonly LocalDatePattern shortDayPattern;
    private readonly YearMonthPattern monthPattern;
    private readonly LocalTimePattern clock;

    public SchedulingFormat(DateTimeZone zone, bool twentyFourHour, CultureInfo culture, IStringLocalizer text)
    {
        ArgumentNullException.ThrowIfNull(culture);
        ArgumentNullException.ThrowIfNull(text);
        Zone = zone;
        TwentyFourHour = twentyFourHour;
        Culture = culture;
        Text = text;
        dayPattern = LocalDatePattern.Create(text["DayPattern"], culture);
        dayNoYearPattern = LocalDatePattern.Create(text["DayNoYearPattern"], culture);
        shortDayPattern = LocalDatePattern.Create(text["ShortDayPattern"], culture);
        monthPattern = YearMonthPattern.Create(text["MonthPattern"], culture);
        // A culture without its own AM/PM designators writes the 12-hour clock the US way.
        clock = twentyFourHour ? LocalTimePattern.Create("HH:mm", culture)
            : LocalTimePattern.Create("h:mm tt", string.IsNullOrEmpty(culture.DateTimeFormat.AMDesignator) ? UsEnglish : culture);
    }

    public DateTimeZone Zone { get; }
    public bool TwentyFourHour { get; }
    public CultureInfo Culture { get; }
    public IStringLocalizer Text { get; }

    /// <summary>The zone for <paramref name="tzid"/> when tzdb knows it, else the link's display zone; dates in the
    /// request's culture.</summary>
    public static SchedulingFormat For(LinkPage page, string? tzid, IStringLocalizer text) =>
        new(TzdbZones.Find(tzid) ?? TzdbZones.Find(page.DisplayTzid) ?? DateTimeZone.Utc, page.TwentyFourHour, CultureInfo.CurrentCulture, text);

    /// <summary>The page's text for <paramref name="key"/>, its placeholders filled in.</summary>
    public string T(string key, params object[] args) => args.Length == 0 ? Text[key] : Text[key, args];

    public LocalDate Date(Instant i) => i.InZone(Zone).Date;
    public string Day(LocalDate d) => dayPattern.Format(d);
    public string Day(Instant i) => Day(Date(i));
    public string DayNoYear(LocalDate d) => dayNoYearPattern.Format(d);
    public string ShortDay(Instant i) => shortDayPattern.Format(Date(i));
    public string Month(YearMonth m) => monthPattern.Format(m);
    public string Time(Instant i) => TimeIn(i, Zone);

    /// <summary>The wall-clock time; in the hour a zone's clocks go back, which happens twice, with its offset ("02:30
    /// (UTC+11:00)", then "02:30 (UTC+10:00)") so the two are told apart.</summary>
    public string TimeIn(Instant i, DateTimeZone zone) =>
        RepeatedOffset(i, zone) is { } offset ? $"{Clock(i, zone)} ({offset})" : Clock(i, zone);

    /// <summary>The wall-clock time alone, in the shown zone.</summary>
    public string Clock(Instant i) => Clock(i, Zone);

    private string Clock(Instant i, DateTimeZone zone) => clock.Format(i.InZone(zone).TimeOfDay);

    /// <summary>"UTC+11:00" when the wall-clock time of <paramref name="i"/> happens twice that night (the clocks go back),
    /// else null.</summary>
    public string? RepeatedOffset(Instant i) => RepeatedOffset(i, Zone);

    private static string? RepeatedOffset(Instant i, DateTimeZone zone)
    {
        var local = i.InZone(zone);
        return zone.MapLocal(local.LocalDateTime).Count > 1 ? Offset(local.Offset) : null;
    }

    /// <summary>"09:00 – 09:30", or with the end's day when the range crosses midnight.</summary>
    public string Range(Instant start, Instant end) =>
        Time(start) + " – " + (Date(start) == Date(end) ? "" : ShortDay(end) + " ") + Time(end);

    /// <summary>"Europe/London (UTC+01:00)" at <paramref name="at"/>.</summary>
    public static string ZoneLabel(DateTimeZone zone, Instant at) => $"{zone.Id.Replace('_', ' ')} ({Offset(zone.GetUtcOffset(at))})";

    /// <summary>"UTC+01:00", "UTC−03:30".</summary>
    public static string Offset(Offset offset)
    {
        var sign = offset.Milliseconds < 0 ? "−" : "+";
        var abs = Duration.FromMilliseconds(Math.Abs(offset.Milliseconds));
        return $"UTC{sign}{abs.Hours:00}:{abs.Minutes:00}";
    }

    /// <summary>"30 minutes", "1 hour", "1 hour 30 minutes" in the page's language.</summary>
    public string Length(Duration d)
    {
        var hours = (int)d.TotalHours;
        var minutes = d.Minutes;
        var parts = new List<string>();
        if (hours > 0) parts.Add(hours == 1 ? T("Hour") : T("Hours", hours));
        if (minutes > 0 || hours == 0) parts.Add(minutes == 1 ? T("Minute") : T("Minutes", minutes));
        return string.Join(" ", parts);
    }

    /// <summary>The first day of a week in the page's culture (Monday for en-GB, de, fr, es; Sunday for en-US).</summary>
    public IsoDayOfWeek FirstDayOfWeek => NodaTime.Utility.BclConversions.ToIsoDayOfWeek(Culture.DateTimeFormat.FirstDayOfWeek);
}
