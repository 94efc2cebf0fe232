using System.Text.Json.Serialization;
using NodaTime;
using RtsApp.Infrastructure;

namespace RtsApp.Features.Availability;

/// <summary>A validated member: <see cref="CalendarIds"/> empty means all of the account's calendars (for a managed
/// member: its rules' calendars when they name any); <see cref="AvailablePeriods"/> null means no restriction (SPEC §1:
/// an empty array is absent). A <see cref="ManagedAvailability"/> member is managed by <see cref="AvailabilityRuleIds"/>,
/// null meaning all its account's rules (SPEC §12). The last two default, so that specs stored before them still read.</summary>
public sealed record MemberSpec(string Sub, IReadOnlyList<string> CalendarIds, IReadOnlyList<Interval>? AvailablePeriods,
    bool ManagedAvailability = false, IReadOnlyList<string>? AvailabilityRuleIds = null);

/// <summary>A validated participant group; <see cref="Required"/> is null for "all", else the number asked for
/// (from 1 to the number of members).</summary>
public sealed record GroupSpec(IReadOnlyList<MemberSpec> Members, int? Required);

/// <summary>Validated buffers: minimums default to zero; a null maximum means no upper bound (SPEC §5).</summary>
public sealed record BufferSpec(Duration Before, Duration? BeforeMaximum, Duration After, Duration? AfterMaximum)
{
    public static BufferSpec None { get; } = new(Duration.Zero, null, Duration.Zero, null);

    /// <summary>How far before a slot's start or after its end busy time can matter.</summary>
    [JsonIgnore]
    public Duration Reach => Before > After ? Before : After;
}

/// <summary>A validated availability query (SPEC §4) with every default applied. <see cref="Zone"/> aligns slots.</summary>
public sealed record AvailabilitySpec(
    IReadOnlyList<GroupSpec> Participants,
    Duration RequiredDuration,
    IReadOnlyList<Interval> QueryPeriods,
    Duration StartInterval,
    BufferSpec Buffer,
    Duration MinimumNotice,
    DateTimeZone Zone,
    int MaxResults,
    string ResponseFormat);

/// <summary>The event a sequence step books.</summary>
public sealed record StepEventSpec(string EventId, string Summary, string? Description);

/// <summary>A validated sequence step; <see cref="QueryPeriods"/> null means the sequence's own.</summary>
public sealed record SequenceStepSpec(
    string SequenceId,
    IReadOnlyList<GroupSpec> Participants,
    Duration RequiredDuration,
    Duration StartInterval,
    BufferSpec Buffer,
    IReadOnlyList<Interval>? QueryPeriods,
    StepEventSpec? Event);

/// <summary>A validated sequenced availability query (SPEC §5); <see cref="Steps"/> are in ordinal order.</summary>
public sealed record SequenceSpec(
    IReadOnlyList<SequenceStepSpec> Steps,
    IReadOnlyList<Interval> QueryPeriods,
    Duration MinimumNotice,
    DateTimeZone Zone,
    int MaxResults)
{
    /// <summary>Every query period, shared and per step.</summary>
    [JsonIgnore]
    public IEnumerable<Interval> AllPeriods => QueryPeriods.Concat(Steps.SelectMany(s => s.QueryPeriods ?? []));

    [JsonIgnore]
    public Duration TotalDuration => Steps.Aggregate(Duration.Zero, (d, s) => d + s.RequiredDuration);
}

/// <summary>Turns validated requests into specs: the one place a request's optional fields get their defaults.</summary>
public static class AvailabilitySpecs
{
    public static AvailabilitySpec ToSpec(this AvailabilityRequest r, DateTimeZone? defaultZone = null) => new(
        Groups(Validated.Value(r.Participants, "participants")),
        Validated.Value(r.RequiredDuration, "required_duration"),
        Periods(Validated.Value(r.Periods, "query_periods")),
        r.StartInterval ?? AvailabilityLimits.DefaultStartInterval,
        Buffer(r.Buffer),
        r.MinimumNotice ?? Duration.Zero,
        TzdbZones.Find(r.Tzid) ?? defaultZone ?? DateTimeZone.Utc,
        r.MaxResults ?? AvailabilityLimits.DefaultMaxResults,
        r.ResponseFormat ?? AvailabilityLimits.Periods);

    public static SequenceSpec ToSpec(this SequencedAvailabilityRequest r, DateTimeZone? defaultZone = null) => new(
        r.OrderedSteps.Select(Step).ToList(),
        Periods(Validated.Value(r.Periods, "query_periods")),
        r.MinimumNotice ?? Duration.Zero,
        TzdbZones.Find(r.Tzid) ?? defaultZone ?? DateTimeZone.Utc,
        r.MaxResults ?? AvailabilityLimits.DefaultMaxSequences);

    private static SequenceStepSpec Step(SequenceStepRequest s) => new(
        Validated.Value(s.Id, "sequence_id"),
        Groups(Validated.Value(s.Participants, "participants")),
        Validated.Value(s.RequiredDuration, "required_duration"),
        s.StartInterval ?? AvailabilityLimits.DefaultStartInterval,
        Buffer(s.Buffer),
        s.Periods is { } own ? Periods(own) : null,
        s.Event is { } e ? new StepEventSpec(Validated.Value(e.EventId, "event.event_id"), Validated.Value(e.Summary, "event.summary"), e.Description) : null);

    private static List<GroupSpec> Groups(List<GroupRequest> groups) =>
        groups.Select(g => new GroupSpec(Validated.Value(g.Members, "members").Select(Member).ToList(), g.RequiredCount)).ToList();

    private static MemberSpec Member(MemberRequest m) => new(
        Validated.Value(m.Sub, "sub"),
        m.CalendarIds?.Distinct().ToList() ?? [],
        m.AvailablePeriods is { Count: > 0 } ap ? Periods(ap) : null,
        m.ManagedAvailability == true,
        m.ManagedAvailability == true && m.AvailabilityRuleIds is { Count: > 0 } ids ? ids.Distinct().ToList() : null);

    private static BufferSpec Buffer(BufferRequest? b) => new(
        b?.Before?.Minimum ?? Duration.Zero, b?.Before?.Maximum, b?.After?.Minimum ?? Duration.Zero, b?.After?.Maximum);

    private static List<Interval> Periods(List<PeriodRequest> periods) =>
        periods.Select(p => new Interval(Validated.Value(p.Start, "start"), Validated.Value(p.End, "end"))).ToList();
}
