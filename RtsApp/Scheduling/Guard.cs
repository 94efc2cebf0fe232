using NodaTime;

namespace RtsApp.Scheduling;

/// <summary>Constructor invariants, each failure naming the offending parameter.</summary>
internal static class Guard
{
    public static T NotNull<T>(T? value, string name) where T : class =>
        value ?? throw new ArgumentNullException(name);

    public static Duration Positive(Duration value, string name) =>
        value > Duration.Zero ? value : throw new ArgumentOutOfRangeException(name, value, "Must be positive.");

    public static Duration NonNegative(Duration value, string name) =>
        value >= Duration.Zero ? value : throw new ArgumentOutOfRangeException(name, value, "Must not be negative.");

    public static int AtLeastOne(int value, string name) =>
        value >= 1 ? value : throw new ArgumentOutOfRangeException(name, value, "Must be at least 1.");

    /// <summary>Alignment is by minute of the local day, so the interval must be whole minutes that divide a day.</summary>
    public static Duration StartInterval(Duration value, string name)
    {
        var ticks = value.BclCompatibleTicks;
        var valid = value > Duration.Zero
            && value == Duration.FromTicks(ticks)
            && ticks % NodaConstants.TicksPerMinute == 0
            && NodaConstants.TicksPerDay % ticks == 0;
        return valid
            ? value
            : throw new ArgumentOutOfRangeException(name, value, "Must be a whole number of minutes that divides a day.");
    }

    /// <summary>Query periods are where slots must lie, so each must have both ends.</summary>
    public static IReadOnlyList<Interval> Bounded(IReadOnlyList<Interval>? periods, string name)
    {
        NotNull(periods, name);
        foreach (var period in periods!)
        {
            if (!period.HasStart || !period.HasEnd)
            {
                throw new ArgumentException("Every period must have a start and an end.", name);
            }
        }
        return periods;
    }

    public static IReadOnlyList<T> NoNullItems<T>(IReadOnlyList<T>? items, string name) where T : class =>
        NotNull(items, name).All(item => item is not null) ? items! : throw new ArgumentException("Must not hold null.", name);

    public static IReadOnlyList<T> NotEmpty<T>(IReadOnlyList<T>? items, string name) =>
        NotNull(items, name).Count > 0 ? items! : throw new ArgumentException("Must not be empty.", name);
}
