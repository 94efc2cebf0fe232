using Microsoft.EntityFrameworkCore;
using NodaTime;
using RtsApp.Features.ManagedAvailability;
using RtsApp.Infrastructure;
using RtsApp.Scheduling;
using RtsApp.Store;

namespace RtsApp.Features.Availability;

/// <summary>Turns a validated availability spec into an engine query: resolves every member against the store
/// (unknown or foreign subs, calendars and availability rules are a 422 at their path) and loads all their busy time
/// through <see cref="BusyTimeCache"/> (one query for the calendars whose events changed since it last read them); when some members are managed (SPEC §12), their accounts' rules and available periods in one query each.
/// The API, the scheduling page and booking all go through here, so they see the same times.</summary>
public static class AvailabilityLoader
{
    private sealed record MemberRef(string Path, MemberSpec Member);

    public static async Task<Outcome<AvailabilityQuery>> BuildAsync(
        RtsDbContext db, BusyTimeCache cache, Caller caller, AvailabilitySpec spec, Instant now, CancellationToken ct)
    {
        var loaded = await LoadBusyAsync(db, cache, caller, Members(spec.Participants, "participants"), spec.QueryPeriods,
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
        RtsDbContext db, BusyTimeCache cache, Caller caller, SequenceSpec spec, Instant now, CancellationToken ct)
    {
        var pad = spec.Steps.Max(s => s.RequiredDuration + s.Buffer.Reach);
        var loaded = await LoadBusyAsync(db, cache, caller, Members(spec), spec.AllPeriods.ToList(), pad, ct);
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
            g.Members.Select(busy.Member).ToList(),
            g.Required is { } k && k < g.Members.Count ? k : null)).ToList();

    private sealed record MemberCalendar(string Id, string AccountId, long BusyVersion);

    /// <summary>The members' calendars, and the availability rules of the accounts of managed members.</summary>
    private sealed record Resolved(List<MemberCalendar> Calendars, List<AvailabilityRule> Rules);

    /// <summary>A stored rule as the engine needs it, with the calendars it names.</summary>
    private sealed record LoadedRule(string RuleId, WeeklyRule Rule, IReadOnlyList<string> CalendarIds);

    /// <summary>The members' busy time, by calendar and by account, and managed members' rules and available periods.</summary>
    private sealed class BusyTime(
        Dictionary<string, IReadOnlyList<Interval>> byCalendar, Dictionary<string, IReadOnlyList<Interval>> byAccount,
        ILookup<string, LoadedRule> rules, ILookup<string, Interval> periods)
    {
        /// <summary>The engine's member. A managed one (SPEC §12) takes its busy time from calendar_ids when given, else
        /// from its rules' calendars when any names some, else from all of its account's calendars.</summary>
        public Member Member(MemberSpec m)
        {
            if (!m.ManagedAvailability) return new Member(m.Sub, m.AvailablePeriods, Busy(m.Sub, m.CalendarIds));
            var own = m.AvailabilityRuleIds is { } ids ? rules[m.Sub].Where(r => ids.Contains(r.RuleId)).ToList() : rules[m.Sub].ToList();
            var calendars = m.CalendarIds.Count > 0 ? m.CalendarIds : own.SelectMany(r => r.CalendarIds).Distinct().ToList();
            return new Member(m.Sub, m.AvailablePeriods, Busy(m.Sub, calendars))
            {
                Managed = new Scheduling.ManagedAvailability(own.Select(r => r.Rule).ToList(), periods[m.Sub].ToList()),
            };
        }

        // The engine only reads a member's busy time, so members share the loaded lists rather than copies.
        private IReadOnlyList<Interval> Busy(string sub, IReadOnlyList<string> calendarIds) => calendarIds.Count switch
        {
            0 => byAccount.GetValueOrDefault(sub) ?? [],
            1 => byCalendar.GetValueOrDefault(calendarIds[0]) ?? [],
            _ => calendarIds.SelectMany(id => byCalendar.GetValueOrDefault(id) ?? []).ToList(),
        };
    }

    /// <summary>Every member must be an account of the caller (only itself for an account token), every calendar_ids
    /// entry one of that member's calendars and every availability_rule_ids entry one of its rules; the members'
    /// calendars and managed members' rules, or a 422 naming each bad path.</summary>
    private static async Task<Outcome<Resolved>> ResolveMembersAsync(
        RtsDbContext db, Caller caller, List<MemberRef> refs, CancellationToken ct)
    {
        var subs = refs.Select(m => m.Member.Sub).Distinct().ToList();
        // The caller's accounts among the subs with their calendars, one row per calendar (or one for an account with none).
        var rows = await (
            from a in db.Accounts.AsNoTracking().Where(a => a.ApplicationId == caller.ApplicationId && subs.Contains(a.Id))
            from c in db.Calendars.AsNoTracking().Where(c => c.AccountId == a.Id && c.ApplicationId == caller.ApplicationId).DefaultIfEmpty()
            select new { AccountId = a.Id, CalendarId = c == null ? null : c.Id, BusyVersion = c == null ? 0 : c.BusyVersion })
            .ToListFastAsync(db, ct);
        var knownSubs = rows.Select(r => r.AccountId).ToHashSet();
        var calendars = new List<MemberCalendar>(rows.Count);
        foreach (var r in rows)
            if (r.CalendarId is { } id) calendars.Add(new MemberCalendar(id, r.AccountId, r.BusyVersion));
        var calendarOwner = calendars.ToDictionary(c => c.Id, c => c.AccountId);
        var managedSubs = ManagedSubs(refs);
        var rules = managedSubs.Count == 0 ? [] : await db.AvailabilityRules.AsNoTracking()
            .Where(r => managedSubs.Contains(r.AccountId)).OrderBy(r => r.CreatedAt).ThenBy(r => r.RuleId).ToListAsync(ct);
        var ruleIds = rules.ToLookup(r => r.AccountId, r => r.RuleId);

        var errors = new Dictionary<string, List<ErrorDetail>>();
        foreach (var (path, m) in refs)
        {
            if (!knownSubs.Contains(m.Sub) || (caller.AccountId is not null && caller.AccountId != m.Sub))
                errors.TryAdd(path + ".sub", [new ErrorDetail(ApiError.NotFound, "no such account")]);
            else if (m.CalendarIds.FirstOrDefault(id => !calendarOwner.TryGetValue(id, out var owner) || owner != m.Sub) is { } bad)
                errors.TryAdd(path + ".calendar_ids", [new ErrorDetail(ApiError.NotFound, $"{bad} is not a calendar of {m.Sub}")]);
            else if (m.AvailabilityRuleIds?.FirstOrDefault(id => !ruleIds[m.Sub].Contains(id)) is { } unknown)
                errors.TryAdd(path + ".availability_rule_ids", [new ErrorDetail(ApiError.NotFound, $"{unknown} is not an availability rule of {m.Sub}")]);
        }
        return errors.Count > 0 ? new ApiError(422, errors) : new Resolved(calendars, rules);
    }

    private static List<string> ManagedSubs(IEnumerable<MemberRef> refs) =>
        refs.Where(r => r.Member.ManagedAvailability).Select(r => r.Member.Sub).Distinct().ToList();

    /// <summary>Checks every member and loads the opaque events of all of them overlapping the padded query window, and
    /// managed members' available periods overlapping it.</summary>
    private static async Task<Outcome<BusyTime>> LoadBusyAsync(
        RtsDbContext db, BusyTimeCache cache, Caller caller, IEnumerable<MemberRef> memberRefs, IReadOnlyList<Interval> periods, Duration pad, CancellationToken ct)
    {
        var refs = memberRefs.ToList();
        if (!(await ResolveMembersAsync(db, caller, refs, ct)).TryGet(out var resolved, out var error)) return error;
        var calendars = resolved.Calendars;

        var from = periods.Min(p => p.Start) - pad;
        var to = periods.Max(p => p.End) + pad;
        var events = await cache.ReadAsync(db, calendars.Select(c => new VersionedCalendar(c.Id, c.BusyVersion)).ToList(), from, to, ct);
        var byCalendar = new Dictionary<string, IReadOnlyList<Interval>>(calendars.Count);
        for (var i = 0; i < calendars.Count; i++) byCalendar[calendars[i].Id] = events[i];
        var byAccount = calendars.GroupBy(c => c.AccountId).ToDictionary(
            g => g.Key, g => g.Count() == 1 ? byCalendar[g.First().Id] : (IReadOnlyList<Interval>)g.SelectMany(c => byCalendar[c.Id]).ToList());
        var managedSubs = ManagedSubs(refs);
        var available = managedSubs.Count == 0 ? [] : await db.AvailablePeriods.AsNoTracking()
            .Where(p => managedSubs.Contains(p.AccountId) && p.Start < to && p.End > from)
            .Select(p => new { p.AccountId, p.Start, p.End }).ToListFastAsync(db, ct);
        return new BusyTime(byCalendar, byAccount,
            resolved.Rules.ToLookup(r => r.AccountId, r => new LoadedRule(r.RuleId, ManagedRules.ToWeeklyRule(r), ManagedRules.CalendarIds(r))),
            available.ToLookup(p => p.AccountId, p => new Interval(p.Start, p.End)));
    }
}
