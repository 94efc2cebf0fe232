using NodaTime;

namespace RtsApp.Scheduling;

/// <summary>
/// One weekly period of an availability rule (SPEC §12): on every <paramref name="Day"/>, the local
/// times [<paramref name="Start"/>, <paramref name="End"/>) of that day. <paramref name="End"/> is
/// <c>null</c> for 24:00, the end of the day (which <see cref="LocalTime"/> cannot express); otherwise
/// it must be after <paramref name="Start"/>.
/// </summary>
public sealed record WeeklyPeriod(IsoDayOfWeek Day, LocalTime Start, LocalTime? End)
{
    public IsoDayOfWeek Day { get; init; } = Day is >= IsoDayOfWeek.Monday and <= IsoDayOfWeek.Sunday
        ? Day
        : throw new ArgumentOutOfRangeException(nameof(Day), Day, "Must be a day of the week.");

    public LocalTime? End { get; init; } = End is null || End > Start
        ? End
        : throw new ArgumentOutOfRangeException(nameof(End), End, $"Must be after the start ({Start}), or null for 24:00.");

    /// <summary>Whether the period runs to the end of its day (24:00).</summary>
    public bool EndsAtMidnight => End is null;
}

/// <summary>
/// A weekly availability rule (SPEC §12): an instant is inside it when its wall-clock weekday and time
/// of day in <paramref name="Zone"/> fall in one of <paramref name="Periods"/>. Wall-clock, so on a day
/// when clocks change a period holds exactly the instants whose local time is in range: a skipped hour
/// adds nothing, a repeated hour counts twice. Turned into instants by <see cref="ManagedTime"/>.
/// </summary>
public sealed record WeeklyRule(DateTimeZone Zone, IReadOnlyList<WeeklyPeriod> Periods)
{
    public DateTimeZone Zone { get; init; } = Guard.NotNull(Zone, nameof(Zone));

    public IReadOnlyList<WeeklyPeriod> Periods { get; init; } = Guard.NoNullItems(Periods, nameof(Periods));
}
