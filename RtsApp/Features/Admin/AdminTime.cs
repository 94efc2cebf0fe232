using Microsoft.Extensions.Options;
using NodaTime;
using RtsApp.Components.Pages.Admin;
using RtsApp.Infrastructure;

namespace RtsApp.Features.Admin;

/// <summary><c>Rts:Admin</c> settings read by the dashboard. <see cref="TimeZone"/> (<c>Rts:Admin:TimeZone</c>): the one zone
/// the dashboard shows times in, an IANA id (default UTC), checked when the service starts.</summary>
public sealed class AdminOptions
{
    public const string Section = "Rts:Admin";
    public string TimeZone { get; set; } = TzdbZones.UtcId;
}

/// <summary>The dashboard's display zone and its way of writing times in it, each labelled with the zone.</summary>
public sealed class AdminTime(IOptions<AdminOptions> options)
{
    public DateTimeZone Zone { get; } = TzdbZones.Get(options.Value.TimeZone);

    /// <summary>"Mon 23 Mar 2026, 09:00 Europe/Berlin" (or "— " when absent).</summary>
    public string When(Instant? instant) => AdminFormat.When(instant, Zone.Id);

    public string Range(Instant start, Instant end) => AdminFormat.Range(start, end, Zone.Id);

    /// <summary>The zone's label as times carry it ("UTC", "Europe/Berlin").</summary>
    public string Label => AdminFormat.ZoneName(Zone);

    public LocalDate Today(Instant now) => now.InZone(Zone).Date;
}
