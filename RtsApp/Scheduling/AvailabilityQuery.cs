using NodaTime;

namespace RtsApp.Scheduling;

/// <summary>
/// One member of a participant group: the account id <paramref name="Sub"/>, its own available periods
/// (<c>null</c> or empty = no restriction, as an empty array means "absent" on the wire), and its opaque
/// busy intervals (half-open [start, end), any order, may overlap; a missing end point means unbounded).
/// </summary>
public sealed record Member(string Sub, IReadOnlyList<Interval>? AvailablePeriods, IReadOnlyList<Interval> Busy)
{
    public string Sub { get; init; } = Guard.NotNull(Sub, nameof(Sub));

    public IReadOnlyList<Interval> Busy { get; init; } = Guard.NotNull(Busy, nameof(Busy));

    /// <summary>
    /// <c>null</c> for an ordinary member. Otherwise the member is managed (SPEC §12): on top of the §4
    /// rules, every slot must lie wholly inside its managed time, the union of these rules' time and
    /// available periods. Unlike <see cref="AvailablePeriods"/>, nothing here means no time at all
    /// (<see cref="ManagedAvailability.Nothing"/>), never "no restriction".
    /// </summary>
    public ManagedAvailability? Managed { get; init; }
}

/// <summary>
/// A group of members of which at least <paramref name="Required"/> must be able to start a slot;
/// <c>null</c> means "all". A numeric requirement is between 1 and the number of members.
/// </summary>
public sealed record ParticipantGroup(IReadOnlyList<Member> Members, int? Required)
{
    public IReadOnlyList<Member> Members { get; init; } = Guard.NotEmpty(Members, nameof(Members));

    public int? Required { get; init; } = Required is null || (Required >= 1 && Required <= Members?.Count)
        ? Required
        : throw new ArgumentOutOfRangeException(nameof(Required), Required, "Must be null (all) or between 1 and the number of members.");

    /// <summary>Whether every member must be able to start: "all", or a number equal to the group's size.</summary>
    public bool RequiresAll => Required is null || Required == Members.Count;
}

/// <summary>
/// An availability question as defined by SPEC §4, with every default already applied and "now"
/// already folded into <paramref name="EarliestStart"/> (now + minimum notice, or
/// <see cref="Instant.MinValue"/>), so that answering it reads no clock.
/// <paramref name="StartInterval"/> is whole minutes dividing a day; alignment is by local wall-clock
/// time in <paramref name="Zone"/>.
/// </summary>
public sealed record AvailabilityQuery(
    IReadOnlyList<ParticipantGroup> Groups,
    Duration RequiredDuration,
    IReadOnlyList<Interval> QueryPeriods,
    Duration StartInterval,
    Duration BufferBefore,
    Duration BufferAfter,
    Instant EarliestStart,
    DateTimeZone Zone,
    int MaxResults)
{
    public IReadOnlyList<ParticipantGroup> Groups { get; init; } = Guard.NotEmpty(Groups, nameof(Groups));

    public Duration RequiredDuration { get; init; } = Guard.Positive(RequiredDuration, nameof(RequiredDuration));

    public IReadOnlyList<Interval> QueryPeriods { get; init; } = Guard.Bounded(QueryPeriods, nameof(QueryPeriods));

    public Duration StartInterval { get; init; } = Guard.StartInterval(StartInterval, nameof(StartInterval));

    public Duration BufferBefore { get; init; } = Guard.NonNegative(BufferBefore, nameof(BufferBefore));

    public Duration BufferAfter { get; init; } = Guard.NonNegative(BufferAfter, nameof(BufferAfter));

    public DateTimeZone Zone { get; init; } = Guard.NotNull(Zone, nameof(Zone));

    public int MaxResults { get; init; } = Guard.AtLeastOne(MaxResults, nameof(MaxResults));
}

/// <summary>
/// A "periods" answer: every slot of the query's duration starting in [Start, End − duration] is
/// bookable. <paramref name="Participants"/> are the subs who take part somewhere in it.
/// </summary>
public sealed record AvailablePeriod(Instant Start, Instant End, IReadOnlyList<string> Participants);

/// <summary>A bookable slot [Start, End) and the subs able to attend it.</summary>
public sealed record AvailableSlot(Instant Start, Instant End, IReadOnlyList<string> Participants);
