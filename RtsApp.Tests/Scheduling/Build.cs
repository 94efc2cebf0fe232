using NodaTime;
using NodaTime.Text;
using RtsApp.Scheduling;

namespace RtsApp.Tests.Scheduling;

/// <summary>Terse builders for engine inputs; times are UTC on 2026-03-27 unless a date is given.</summary>
internal static class Build
{
    public static Instant T(string time) => InstantPattern.General.Parse(
        time.Contains('T') ? (time.EndsWith('Z') ? time : time + ":00Z") : $"2026-03-27T{time}:00Z").Value;

    public static Interval Span(string from, string to) => new(T(from), T(to));

    public static Duration Min(int minutes) => Duration.FromMinutes(minutes);

    /// <summary>A weekly period from "HH:mm" times, as the API writes them; "24:00" is the end of the day.</summary>
    public static WeeklyPeriod Weekly(IsoDayOfWeek day, string start, string end) =>
        new(day, LocalTimePattern.CreateWithInvariantCulture("HH:mm").Parse(start).Value,
            end == "24:00" ? null : LocalTimePattern.CreateWithInvariantCulture("HH:mm").Parse(end).Value);

    public static Member Free(string sub, params Interval[] available) => new(sub, available, []);

    public static Member Busy(string sub, params Interval[] busy) => new(sub, null, busy);

    public static ParticipantGroup All(params Member[] members) => new(members, null);

    public static ParticipantGroup AnyOf(int required, params Member[] members) => new(members, required);

    public static AvailabilityQuery Query(
        ParticipantGroup[] groups,
        int minutes,
        Interval[] periods,
        int interval = 30,
        int before = 0,
        int after = 0,
        Instant? earliest = null,
        string zone = "UTC",
        int max = 256) => new(
            groups, Min(minutes), periods, Min(interval), Min(before), Min(after),
            earliest ?? Instant.MinValue, DateTimeZoneProviders.Tzdb[zone], max);

    public static string[] Starts(IEnumerable<AvailableSlot> slots) => slots.Select(s => s.Start.ToString()).ToArray();
}
