using RtsApp.Infrastructure;

namespace RtsApp.Features.Availability;

/// <summary><c>Rts:Availability</c>.</summary>
public sealed class AvailabilityOptions
{
    public const string Section = "Rts:Availability";

    /// <summary>How many busy intervals (16 bytes each) <see cref="BusyTimeCache"/> may hold in all; 0 turns it off.</summary>
    public int BusyCacheIntervals { get; set; } = 1_000_000;
}

public static class AvailabilitySetup
{
    public static IServiceCollection AddRtsAvailability(this IServiceCollection services)
    {
        services.AddRtsOptions<AvailabilityOptions>(AvailabilityOptions.Section, o => o.BusyCacheIntervals >= 0,
            ConfigKeys.BusyCacheIntervals, "must be a whole number of at least 0 (0: no cache)");
        return services.AddSingleton<BusyTimeCache>();
    }
}
