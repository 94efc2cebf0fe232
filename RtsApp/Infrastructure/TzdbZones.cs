using NodaTime;

namespace RtsApp.Infrastructure;

/// <summary>Looks up IANA time-zone ids in the tzdb that ships with NodaTime (SPEC §1: an unknown id is a 422).</summary>
public static class TzdbZones
{
    /// <summary>The id written where a zone is needed and none was given.</summary>
    public const string UtcId = "Etc/UTC";

    /// <summary>The zone for <paramref name="tzid"/>, or null when it is empty or tzdb does not know it.</summary>
    public static DateTimeZone? Find(string? tzid) =>
        string.IsNullOrWhiteSpace(tzid) ? null : DateTimeZoneProviders.Tzdb.GetZoneOrNull(tzid);

    public static bool IsKnown(string? tzid) => Find(tzid) is not null;

    /// <summary>The zone for an id that has been validated; a programming error otherwise.</summary>
    public static DateTimeZone Get(string tzid) =>
        Find(tzid) ?? throw new InvalidOperationException($"'{tzid}' was not validated as a tzdb id.");
}
