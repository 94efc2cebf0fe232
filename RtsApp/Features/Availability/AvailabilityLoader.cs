using Microsoft.EntityFrameworkCore;
using NodaTime;
using RtsApp.Infrastructure;
using RtsApp.Scheduling;
using RtsApp.Store;

namespace RtsApp.Features.Availability;

/// <summary>Turns a validated availability request into an engine query: resolves every member against the store
/// (unknown or foreign subs and calendars are a 422 at their path) and loads all their busy time in one query.
/// The API, the scheduling page and booking all go through here, so they see the same times.</summary>
public static class AvailabilityLoader
{
    private sealed record MemberRef(string Path, MemberRequest Member);

    public static async Task<(AvailabilityQuery? Query, ApiError? Error)> BuildAsync(
        RtsDbContext db, Caller caller, AvailabilityRequest r, Instant now, string? defaultTzid, CancellationToken ct)
    {
        var periods = ToIntervals(r.Periods!);
        var buffer = Buffer(r.Buffer);
        var members = Members(r.Participants!, "participants");
        var (busy, error) = await LoadBusyAsync(db, caller, members, periods, r.RequiredDuration!.Value + Max(buffer.Before, buffer.After), ct);
        if (error is not null) return (null, error);
        var query = new AvailabilityQuery(
            Groups(r.Participants!, busy!),
            r.RequiredDuration!.Value,
            periods,
            r.StartInterval ?? AvailabilityLimits.DefaultStartInterval,
            buffer.Before,
            buffer.After,
            now + (r.MinimumNotice ?? Duration.Zero),
            ApiJson.Zone(r.Tzid ?? defaultTzid) ?? DateTimeZone.Utc,
            r.MaxResults ?? 256);
        return (query, null);
    }

    public static async Task<(SequenceQuery? Query, ApiError? Error)> BuildSequenceAsync(
        RtsDbContext db, Caller caller, SequencedAvailabilityRequest r, Instant now, string? defaultTzid, CancellationToken ct)
    {
        var shared = ToIntervals(r.Periods!);
        var steps = r.OrderedSteps;
        var pad = Duration.Zero;
        var allPeriods = new List<Interval>(shared);
        foreach (var s in r.Sequence!)
        {
            var b = Buffer(s.Buffer);
            pad = Max(pad, s.RequiredDuration!.Value + Max(b.Before, b.After));
            if (s.Periods is { } own) allPeriods.AddRange(ToIntervals(own));
        }
        var (busy, error) = await LoadBusyAsync(db, caller, Members(r), allPeriods, pad, ct);
        if (error is not null) return (null, error);
        var sequence = steps.Select(s =>
        {
            var before = s.Buffer?.Before;
            var after = s.Buffer?.After;
            return new SequenceStep(
                s.Id!, Groups(s.Participants!, busy!), s.RequiredDuration!.Value, s.StartInterval ?? AvailabilityLimits.DefaultStartInterval,
                before?.Minimum ?? Duration.Zero, before?.Maximum, after?.Minimum ?? Duration.Zero, after?.Maximum,
                s.Periods is { } own ? ToIntervals(own) : null);
        }).ToList();
        var query = new SequenceQuery(sequence, shared, now + (r.MinimumNotice ?? Duration.Zero),
            ApiJson.Zone(r.Tzid ?? defaultTzid) ?? DateTimeZone.Utc, r.MaxResults ?? 20);
        return (query, null);
    }

    /// <summary>Checks only that every member is an account of the caller and every calendar_ids entry one of theirs —
    /// what a new link needs — without loading any events. Null when all are known.</summary>
    public static async Task<ApiError?> CheckMembersAsync(RtsDbContext db, Caller caller, AvailabilityRequest r, CancellationToken ct) =>
        (await ResolveMembersAsync(db, caller, Members(r.Participants!, "participants").ToList(), ct)).Error;

    public static async Task<ApiError?> CheckMembersAsync(RtsDbContext db, Caller caller, SequencedAvailabilityRequest r, CancellationToken ct) =>
        (await ResolveMembersAsync(db, caller, Members(r).ToList(), ct)).Error;

    private static (Duration Before, Duration After) Buffer(BufferRequest? b) =>
        (b?.Before?.Minimum ?? Duration.Zero, b?.After?.Minimum ?? Duration.Zero);

    private static Duration Max(Duration a, Duration b) => a > b ? a : b;

    private static List<Interval> ToIntervals(List<PeriodRequest> periods) =>
        periods.Select(p => new Interval(p.Start!.Value, p.End!.Value)).ToList();

    private static IEnumerable<MemberRef> Members(List<GroupRequest> groups, string path) =>
        groups.SelectMany((g, i) => g.Members!.Select((m, j) => new MemberRef($"{path}[{i}].members[{j}]", m)));

    private static IEnumerable<MemberRef> Members(SequencedAvailabilityRequest r) =>
        r.Sequence!.SelectMany((s, i) => Members(s.Participants!, $"sequence[{i}].participants"));

    private static List<ParticipantGroup> Groups(List<GroupRequest> groups, Func<MemberRequest, IReadOnlyList<Interval>> busy) =>
        groups.Select(g => new ParticipantGroup(
            g.Members!.Select(m => new Member(m.Sub!, m.AvailablePeriods is { Count: > 0 } ap ? ToIntervals(ap) : null, busy(m))).ToList(),
            g.RequiredCount is { } k && k < g.Members!.Count ? k : null)).ToList();

    private sealed record MemberCalendar(string Id, string AccountId);

    /// <summary>Every member must be an account of the caller (only itself for an account token) and every calendar_ids
    /// entry one of that member's calendars; the members' calendars, or a 422 naming each bad path.</summary>
    private static async Task<(List<MemberCalendar>? Calendars, ApiError? Error)> ResolveMembersAsync(
        RtsDbContext db, Caller caller, List<MemberRef> refs, CancellationToken ct)
    {
        var subs = refs.Select(m => m.Member.Sub!).Distinct().ToList();
        var calendars = await db.Calendars.AsNoTracking()
            .Where(c => c.ApplicationId == caller.ApplicationId && subs.Contains(c.AccountId))
            .Select(c => new MemberCalendar(c.Id, c.AccountId)).ToListAsync(ct);
        var knownSubs = (await db.Accounts.AsNoTracking()
            .Where(a => a.ApplicationId == caller.ApplicationId && subs.Contains(a.Id)).Select(a => a.Id).ToListAsync(ct)).ToHashSet();
        var calendarOwner = calendars.ToDictionary(c => c.Id, c => c.AccountId);

        var errors = new Dictionary<string, List<ErrorDetail>>();
        foreach (var (path, m) in refs)
        {
            if (!knownSubs.Contains(m.Sub!) || (caller.AccountId is not null && caller.AccountId != m.Sub))
                errors.TryAdd(path + ".sub", [new ErrorDetail(ApiError.NotFound, "no such account")]);
            else if (m.CalendarIds?.FirstOrDefault(id => !calendarOwner.TryGetValue(id, out var owner) || owner != m.Sub) is { } bad)
                errors.TryAdd(path + ".calendar_ids", [new ErrorDetail(ApiError.NotFound, $"{bad} is not a calendar of {m.Sub}")]);
        }
        return errors.Count > 0 ? (null, new ApiError(422, errors)) : (calendars, null);
    }

    /// <summary>Checks every member and loads the opaque events of all of them overlapping the padded query window.</summary>
    private static async Task<(Func<MemberRequest, IReadOnlyList<Interval>>? Busy, ApiError? Error)> LoadBusyAsync(
        RtsDbContext db, Caller caller, IEnumerable<MemberRef> memberRefs, List<Interval> periods, Duration pad, CancellationToken ct)
    {
        var (calendars, error) = await ResolveMembersAsync(db, caller, memberRefs.ToList(), ct);
        if (error is not null) return (null, error);

        var from = periods.Min(p => p.Start) - pad;
        var to = periods.Max(p => p.End) + pad;
        var calendarIds = calendars!.Select(c => c.Id).ToList();
        var events = await db.Events.AsNoTracking()
            .Where(e => calendarIds.Contains(e.CalendarId) && !e.Transparent && e.Start < to && e.End > from)
            .Select(e => new { e.CalendarId, e.Start, e.End }).ToListFastAsync(db, ct);
        var byCalendar = events.GroupBy(e => e.CalendarId).ToDictionary(g => g.Key, g => g.Select(e => new Interval(e.Start, e.End)).ToList());
        var byAccount = calendars!.GroupBy(c => c.AccountId).ToDictionary(
            g => g.Key, g => (IReadOnlyList<Interval>)g.SelectMany(c => byCalendar.GetValueOrDefault(c.Id) ?? []).ToList());

        IReadOnlyList<Interval> Busy(MemberRequest m) => m.CalendarIds is { Count: > 0 } ids
            ? ids.Distinct().SelectMany(id => byCalendar.GetValueOrDefault(id) ?? []).ToList()
            : byAccount.GetValueOrDefault(m.Sub!) ?? [];
        return (Busy, null);
    }
}
