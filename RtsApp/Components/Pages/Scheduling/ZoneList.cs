using System.Globalization;
using NodaTime;
using NodaTime.TimeZones;

namespace RtsApp.Components.Pages.Scheduling;

/// <summary>Every place tzdb names (its zone.tab locations, ≈ 400), with a friendly name where the system's time-zone
/// data has one: what the zone switch offers, searchable by city, region, country or name.</summary>
public static class ZoneList
{
    public sealed record Entry(string Id, string Country, string? FriendlyName);

    /// <summary>Built once. The friendly names are read with an English UI culture, so they do not depend on whichever
    /// request happened to ask first.</summary>
    public static IReadOnlyList<Entry> All { get; } = Build();

    private static List<Entry> Build()
    {
        var previous = CultureInfo.CurrentUICulture;
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("en-US");
        try
        {
            var locations = TzdbDateTimeZoneSource.Default.ZoneLocations ?? [];
            return locations.GroupBy(l => l.ZoneId).Select(g => new Entry(g.Key, g.First().CountryName, Friendly(g.Key)))
                .Append(new Entry("Etc/UTC", "", "Coordinated Universal Time"))
                .ToList();
        }
        finally
        {
            CultureInfo.CurrentUICulture = previous;
        }
    }

    /// <summary>"Central European Time" from the system's "(UTC+01:00) Central European Time (Berlin)"; null when unknown.</summary>
    private static string? Friendly(string id)
    {
        try
        {
            var name = TimeZoneInfo.FindSystemTimeZoneById(id).DisplayName;
            if (name.StartsWith("(UTC", StringComparison.Ordinal) && name.IndexOf(") ", StringComparison.Ordinal) is var close and > 0)
                name = name[(close + 2)..];
            if (name.EndsWith(')') && name.LastIndexOf(" (", StringComparison.Ordinal) is var open and > 0) name = name[..open];
            return string.IsNullOrWhiteSpace(name) || name.Contains('/', StringComparison.Ordinal) ? null : name;
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return null;
        }
    }

    /// <summary>"Europe/Berlin — Central European Time — UTC+01:00 — 14:05" at <paramref name="now"/>.</summary>
    public static string Label(Entry entry, DateTimeZone zone, Instant now, SchedulingFormat format)
    {
        var parts = new List<string> { entry.Id.Replace('_', ' ') };
        if (entry.FriendlyName is { } friendly) parts.Add(friendly);
        parts.Add(SchedulingFormat.Offset(zone.GetUtcOffset(now)));
        parts.Add(format.TimeIn(now, zone));
        return string.Join(" — ", parts);
    }
}
