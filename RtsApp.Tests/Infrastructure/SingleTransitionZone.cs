using NodaTime;
using NodaTime.TimeZones;

namespace RtsApp.Tests.Infrastructure;

/// <summary>
/// A zone with exactly one transition, from <paramref name="before"/> to <paramref name="after"/> at
/// <paramref name="transition"/>: DST cases with nothing else going on (NodaTime.Testing, which has
/// one, is not available from this project's package source).
/// </summary>
public sealed class SingleTransitionZone(Instant transition, Offset before, Offset after)
    : DateTimeZone($"Single {before} to {after} at {transition}", false, Offset.Min(before, after), Offset.Max(before, after))
{
    private readonly ZoneInterval early = new("Before", null, transition, before, Offset.Zero);
    private readonly ZoneInterval late = new("After", transition, null, after, Offset.Zero);

    public override ZoneInterval GetZoneInterval(Instant instant) => instant < transition ? early : late;
}
