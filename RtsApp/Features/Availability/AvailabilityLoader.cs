using Microsoft.EntityFrameworkCore;
using NodaTime;
using RtsApp.Infrastructure;
using RtsApp.Scheduling;
using RtsApp.Store;

namespace RtsApp.Features.Availability;

/// <summary>Turns a validated availability spec into an engine query: resolves every member against the store
/// (unknown or foreign subs and calendars are a 422 at their path) and loads all their busy time in one query.
/// The API, the scheduling page and booking all go through here, so they see the same times.</summary>
public static class AvailabilityLoader
{
    private sealed record MemberRef(string Path, MemberSpec Member);

    public static async Task<Outcome<AvailabilityQuery>> BuildAsync(
        RtsDbContext db, Caller caller, AvailabilitySpec spec, Instant now, CancellationToken ct)
    {
        var loaded = await LoadBusyAsync(db, caller, Members(spec.Participants, "participants"), spec.QueryPeriods,
            spec.RequiredDuration + spec.Buffer.Reach, ct);
        if (!loaded.TryGet(out var busy, out var error)) return error;
        return new AvailabilityQuery(
            Groups(spec.Participants, busy),
            spec.RequiredDuration,
            spec.QueryPeriods,
            spec.StartInterval,
            spec.Buffer.Before,
            spec.Buffer.After,
            now + spec.MinimumNotice,
            spec.Zone,
            spec.MaxResults);
    }

    public static async Task<Outcome<SequenceQuery>> BuildSequenceAsync(
        RtsDbContext db, Caller caller, SequenceSpec spec, Instant now, CancellationToken ct)
    {
        var pad = spec.Steps.Max(s => s.RequiredDuration + s.Buffer.Reach);
        var loaded = await LoadBusyAsync(db, caller, Members(spec), spec.AllPeriods.ToList(), pad, ct);
        if (!loaded.TryGet(out var busy, out var error)) return error;
        var steps = spec.Steps.Select(s => new SequenceStep(
            s.SequenceId, Groups(s.Participants, busy), s.RequiredDuration, s.StartInterval,
            s.Buffer.Before, s.Buffer.BeforeMaximum, s.Buffer.After, s.Buffer.AfterMaximum, s.QueryPeriods)).ToList();
        return new SequenceQuery(steps, spec.QueryPeriods, now + spec.MinimumNotice, spec.Zone, spec.MaxResults);
    }

    /// <summary>Checks only that every member is an account of the caller and every calendar_ids entry one of theirs —
    /// what a new link needs — without loading any events. Null when all are known.</summary>
    public static async Task<ApiError?> CheckMembersAsync(RtsDbContext db, Caller caller, AvailabilitySpec spec, CancellationToken ct) =>
        (await ResolveMembersAsync(db, caller, Members(spec.Participants, "participants").ToList(), ct)).TryGet(out _, out var error) ? null : error;

    public static async Task<ApiError?> CheckMembersAsync(RtsDbContext db, Caller caller, SequenceSpec spec, CancellationToken ct) =>
        (await ResolveMembersAsync(db, caller, Members(spec).ToList(), ct)).TryGet(out _, out var error) ? null : error;

    private static IEnumerable<MemberRef> Members(IReadOnlyList<GroupSpec> groups, string path) =>
        groups.SelectMany((g, i) => g.Members.Select((m, j) => new MemberRef($"{path}[{i}].members[{j}]", m)));

    private static IEnumerable<MemberRef> Members(SequenceSpec spec) =>
        spec.Steps.SelectMany((s, i) => Members(s.Participants, $"sequence[{i}].participants"));

    private static List<ParticipantGroup> Groups(IReadOnlyList<GroupSpec> groups, BusyTime busy) =>
        groups.Select(g => new ParticipantGroup(
            g.Members.Select(m => new Member(m.Sub, m.AvailablePeriods, busy.Of(m))).ToList(),
            g.Required is { } k && k < g.Members.Count ? k : null)).ToList();

    private sealed record MemberCalendar(string Id, string AccountId);

    /// <summary>The members' busy time, by calendar and by account.</summary>
    private sealed class BusyTime(Dictionary<string, List<Interval>> byCalendar, Dictionary<string, IReadOnlyList<Interval>> byAccount)
    {
        public IReadOnlyList<Interval> Of(MemberSpec m) => m.CalendarIds.Count > 0
            ? m.CalendarIds.SelectMany(id => byCalendar.GetValueOrDefault(id) ?? []).ToList()
            : byAccount.GetValueOrDefault(m.Sub) ?? [];
    }

    /// <summary>Every member must be an account of the caller (only itself for an account token) and every calendar_ids
    /// entry one of that member's calendars; the members' calendars, or a 422 naming each bad path.</summary>
    private static async Task<Outcome<List<MemberCalendar>>> ResolveMembersAsync(
        RtsDbContext db, Caller caller, List<MemberRef> refs, CancellationToken ct)
    {
        var subs = refs.Select(m => m.Member.Sub).Distinct().ToList();
        var calendars = await db.Calendars.AsNoTracking()
            .Where(c => c.ApplicationId == caller.ApplicationId && subs.Contains(c.AccountId))
            .Select(c => new MemberCalendar(c.Id, c.AccountId)).ToListAsync(ct);
        var knownSubs = (await db.Accounts.AsNoTracking()
            .Where(a => a.ApplicationId == caller.ApplicationId && subs.Contains(a.Id)).Select(a => a.Id).ToListAsync(ct)).ToHashSet();
        var calendarOwner = calendars.ToDictionary(c => c.Id, c => c.AccountId);

        var errors = new Dictionary<string, List<ErrorDetail>>();
        foreach (var (path, m) in refs)
        {
            if (!knownSubs.Contains(m.Sub) || (caller.AccountId is not null && caller.AccountId != m.Sub))
                errors.TryAdd(path + ".sub", [new ErrorDetail(ApiError.NotFound, "no such account")]);
            else if (m.CalendarIds.FirstOrDefault(id => !calendarOwner.TryGetValue(id, out var owner) || owner != m.Sub) is { } bad)
                errors.TryAdd(path + ".calendar_ids", [new ErrorDetail(ApiError.NotFound, $"{bad} is not a calendar of {m.Sub}")]);
        }
        return errors.Count > 0 ? new ApiError(422, errors) : calendars;
    }

    /// <summary>Checks every member and loads the opaque events of all of them overlapping the padded query window.</summary>
    private static async Task<Outcome<BusyTime>> LoadBusyAsync(
        RtsDbContext db, Caller caller, IEnumerable<MemberRef> memberRefs, IReadOnlyList<Interval> periods, Duration pad, CancellationToken ct)
    {
        if (!(await ResolveMembersAsync(db, caller, memberRefs.ToList(), ct)).TryGet(out var calendars, out var error)) return error;

        var from = periods.Min(p => p.Start) - pad;
        var to = periods.Max(p => p.End) + pad;
        var calendarIds = calendars.Select(c => c.Id).ToList();
        var events = await db.Events.AsNoTracking()
            .Where(e => calendarIds.Contains(e.CalendarId) && !e.Transparent && e.Start < to && e.End > from)
            .Select(e => new { e.CalendarId, e.Start, e.End }).ToListFastAsync(db, ct);
        var byCalendar = events.GroupBy(e => e.CalendarId).ToDictionary(g => g.Key, g => g.Select(e => new Interval(e.Start, e.End)).ToList());
        var byAccount = calendars.GroupBy(c => c.AccountId).ToDictionary(
            g => g.Key, g => (IReadOnlyList<Interval>)g.SelectMany(c => byCalendar.GetValueOrDefault(c.Id) ?? []).ToList());
        return new BusyTime(byCalendar, byAccount);
    }
}
