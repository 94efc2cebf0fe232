using NodaTime;

namespace RtsApp.Scheduling;

/// <summary>
/// Instant arithmetic that clamps to <see cref="Instant.MinValue"/>/<see cref="Instant.MaxValue"/>
/// instead of throwing: events and available periods may be unbounded or far away, and no input
/// may make the engine fail.
/// </summary>
internal static class Saturating
{
    public static Instant Plus(Instant instant, Duration nonNegative) =>
        instant > Instant.MaxValue - nonNegative ? Instant.MaxValue : instant + nonNegative;

    public static Instant Minus(Instant instant, Duration nonNegative) =>
        instant < Instant.MinValue + nonNegative ? Instant.MinValue : instant - nonNegative;

    public static Instant StartOrMin(Interval interval) => interval.HasStart ? interval.Start : Instant.MinValue;

    public static Instant EndOrMax(Interval interval) => interval.HasEnd ? interval.End : Instant.MaxValue;
}
