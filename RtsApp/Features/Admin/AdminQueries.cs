using System.Diagnostics.CodeAnalysis;
using Microsoft.EntityFrameworkCore;
using NodaTime;
using RtsApp.Features.Callbacks;
using RtsApp.Features.Links;
using RtsApp.Features.ManagedAvailability;
using RtsApp.Store;

namespace RtsApp.Features.Admin;

public sealed record ApplicationOption(string Id, string ClientId, string Name);
public sealed record StatusCount(string Status, int Count);
public sealed record DayCount(LocalDate Day, int Count);
public sealed record FailingCallback(CallbackDelivery Delivery, string? LinkSummary);
/// <summary><see cref="FailingCallbacks"/>: deliveries that gave up (a pending retry is not failing yet: it is counted in
/// <see cref="RetryingCallbacks"/>).</summary>
public sealed record OverviewView(IReadOnlyList<StatusCount> LinksByStatus, IReadOnlyList<DayCount> BookingsByDay,
    IReadOnlyList<FailingCallback> FailingCallbacks, int Applications, int Accounts, int RetryingCallbacks);

/// <summary>The links list's filters: status, application, a search (summary, sch_ id, or the invitee's name or email),
/// and the days created (from and to, inclusive, in the dashboard's zone).</summary>
public sealed record LinkFilter(string? Status, string? ApplicationId, string? Search, int Page, LocalDate? CreatedFrom = null, LocalDate? CreatedTo = null);

/// <summary>An account as the dashboard names it: its name and email, linking to its page.</summary>
public sealed record AccountRef(string Id, string Name, string? Email);

public sealed record LinkRow(string Id, string Summary, string Kind, string Status, string ApplicationName, Instant CreatedAt,
    Instant ExpiresAt, Instant? ChosenStart, IReadOnlyList<AccountRef> Participants, string Url, string? InviteeName);
public sealed record Paged<T>(IReadOnlyList<T> Items, int Page, int PageSize, int Total)
{
    public int Pages => Math.Max(1, (Total + PageSize - 1) / PageSize);
}

public sealed record LinkDetailView(SchedulingLink Link, string Status, string ApplicationName, LinkSpec? Spec, ChosenBooking? Chosen,
    IReadOnlyList<CallbackDelivery> Deliveries, string Url, IReadOnlyDictionary<string, AccountRef> Accounts,
    IReadOnlyList<CalDavWriteBack>? WriteBacks = null, IReadOnlyDictionary<string, string>? WriteBackCalendars = null);

public sealed record AccountRow(Account Account, string ApplicationName, IReadOnlyList<Calendar> Calendars);
public sealed record CalendarAgenda(Calendar Calendar, IReadOnlyList<CalendarEvent> Events);
/// <summary>One day of a rule's week: its periods as "HH:mm–HH:mm" wall-clock ranges in the rule's zone, in order.</summary>
public sealed record RuleDay(string Day, IReadOnlyList<string> Ranges);
public sealed record RuleGrid(string RuleId, string Tzid, IReadOnlyList<string> CalendarIds, IReadOnlyList<RuleDay> Days);
/// <summary>A calendar connection as the dashboard lists it, with the number of events its calendars hold.</summary>
public sealed record ConnectionRow(CalendarConnection Connection, int Events);
/// <summary><see cref="WriteBacks"/>: the write-backs into the account's connected calendars not delivered yet.</summary>
public sealed record AccountDetailView(Account Account, string ApplicationName, IReadOnlyList<CalendarAgenda> Calendars,
    IReadOnlyList<RuleGrid> Rules, IReadOnlyList<AvailablePeriodRow> UpcomingPeriods, IReadOnlyList<ConnectionRow> Connections,
    IReadOnlyList<CalDavWriteBack> WriteBacks);

/// <summary>The dashboard's read-only views over the store. Anything that changes data goes through the same handlers
/// as the API (<see cref="LinksHandler"/>, <see cref="Applications.ApplicationsHandler"/>, <see cref="CallbackOutbox"/>).</summary>
public sealed class AdminQueries(IDbContextFactory<RtsDbContext> dbFactory, LinksHandler links, IClock clock, AdminTime time)
{
    public const int PageSize = 25;
    public static readonly Duration BookingsWindow = Duration.FromDays(7);
    /// <summary>How far ahead a calendar's agenda looks, and how many events it shows at most.</summary>
    public static readonly Duration AgendaWindow = Duration.FromDays(30);
    public const int AgendaLimit = 100;
    public static readonly IReadOnlyList<string> Statuses =
        [LinkStatuses.Open, LinkStatuses.Completed, LinkStatuses.Disabled, LinkStatuses.Expired];

    public async Task<IReadOnlyList<ApplicationOption>> ApplicationsAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Applications.AsNoTracking().OrderBy(a => a.Name).Select(a => new ApplicationOption(a.Id, a.ClientId, a.Name)).ToListAsync(ct);
    }

    public async Task<OverviewView> OverviewAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = clock.GetCurrentInstant();
        var byStatus = new List<StatusCount>();
        foreach (var status in Statuses)
            byStatus.Add(new StatusCount(status, await db.Links.WhereStatus(status, now).CountAsync(ct)));

        var since = now - BookingsWindow;
        var completed = await db.Links.AsNoTracking().Where(l => l.CompletedAt >= since).Select(l => l.CompletedAt!.Value).ToListAsync(ct);
        var today = time.Today(now);
        var days = Enumerable.Range(0, 7).Select(i => today.PlusDays(i - 6))
            .Select(d => new DayCount(d, completed.Count(c => c.InZone(time.Zone).Date == d))).ToList();

        // Failing means given up: a pending delivery still has retries to come. A failed delivery that a later re-send
        // (same link and kind) delivered needs no more attention.
        var retrying = await db.CallbackDeliveries.CountAsync(d => d.Status == CallbackStatuses.Pending && d.Attempts > 0, ct);
        var failing = await db.CallbackDeliveries.AsNoTracking()
            .Where(d => d.Status == CallbackStatuses.Failed)
            .Where(d => !db.CallbackDeliveries.Any(r => r.LinkId == d.LinkId && r.Kind == d.Kind
                && r.Status == CallbackStatuses.Delivered && r.CreatedAt > d.CreatedAt))
            .OrderByDescending(d => d.CreatedAt).Take(20).ToListAsync(ct);
        var linkIds = failing.Select(d => d.LinkId).OfType<string>().Distinct().ToList();
        var summaries = await db.Links.AsNoTracking().Where(l => linkIds.Contains(l.Id)).ToDictionaryAsync(l => l.Id, l => l.Summary, ct);
        return new OverviewView(byStatus, days,
            failing.Select(d => new FailingCallback(d, d.LinkId is { } id && summaries.TryGetValue(id, out var s) ? s : null)).ToList(),
            await db.Applications.CountAsync(ct), await db.Accounts.CountAsync(ct), retrying);
    }

    /// <summary>Newest first, filtered by status, application and creation day, searched by summary (any case), id, or the
    /// invitee's name or email (kept in the booking's JSON). The filter's values come from a URL: unknown or malformed
    /// ones are ignored (<see cref="AdminInput"/>).</summary>
    [SuppressMessage("Globalization", "CA1304:Specify CultureInfo", Justification = "Translated to SQL lower(); no .NET culture applies.")]
    [SuppressMessage("Globalization", "CA1311:Specify a culture or use an invariant version", Justification = "Translated to SQL lower().")]
    [SuppressMessage("Performance", "CA1862:Use the 'StringComparison' method overloads", Justification = "Not translatable to SQL.")]
    public async Task<Paged<LinkRow>> LinksAsync(LinkFilter filter, string baseUrl, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = clock.GetCurrentInstant();
        IQueryable<SchedulingLink> query = db.Links.AsNoTracking();
        if (filter.Status is { Length: > 0 } status && Statuses.Contains(status)) query = query.WhereStatus(status, now);
        if (filter.ApplicationId is { } app && AdminInput.IsPlausibleId(app)) query = query.Where(l => l.ApplicationId == app);
        if (AdminInput.Text(filter.Search) is { } search)
        {
            var lower = search.ToLowerInvariant();
            query = query.Where(l => l.Id == search || l.Summary.ToLower().Contains(lower)
                || (l.ChosenJson != null && l.ChosenJson.ToLower().Contains(lower) && l.ChosenJson.Contains("\"invitee\"")));
        }
        if (filter.CreatedFrom is { } from)
        {
            var start = from.AtStartOfDayInZone(time.Zone).ToInstant();
            query = query.Where(l => l.CreatedAt >= start);
        }
        if (filter.CreatedTo is { } to)
        {
            var end = to.PlusDays(1).AtStartOfDayInZone(time.Zone).ToInstant();
            query = query.Where(l => l.CreatedAt < end);
        }
        var total = await query.CountAsync(ct);
        var page = Math.Clamp(filter.Page, 1, Math.Max(1, (total + PageSize - 1) / PageSize));
        var rows = await query.OrderByDescending(l => l.CreatedAt).ThenByDescending(l => l.Id)
            .Skip((page - 1) * PageSize).Take(PageSize)
            .Join(db.Applications, l => l.ApplicationId, a => a.Id, (l, a) => new { Link = l, a.Name })
            .ToListAsync(ct);
        var specs = rows.ToDictionary(r => r.Link.Id, r => LinkStore.Read(r.Link));
        var accounts = await AccountsAsync(db, specs.Values.OfType<LinkSpec>().SelectMany(s => s.Groups.SelectMany(g => g.Members).Select(m => m.Sub)), ct);
        return new Paged<LinkRow>(rows.Select(r => new LinkRow(r.Link.Id, r.Link.Summary, r.Link.Kind, LinkStatus.Of(r.Link, now), r.Name,
            r.Link.CreatedAt, r.Link.ExpiresAt, r.Link.ChosenStart,
            (specs[r.Link.Id]?.Groups.SelectMany(g => g.Members).Select(m => m.Sub) ?? []).Distinct()
                .Select(sub => accounts.GetValueOrDefault(sub) ?? new AccountRef(sub, sub, null)).ToList(),
            LinkUrls.Absolute(baseUrl, links.Token(r.Link)), LinkViews.Chosen(r.Link)?.Invitee?.Name)).ToList(), page, PageSize, total);
    }

    /// <summary>The named accounts among <paramref name="subs"/>, by id.</summary>
    private static async Task<Dictionary<string, AccountRef>> AccountsAsync(RtsDbContext db, IEnumerable<string> subs, CancellationToken ct)
    {
        var ids = subs.Distinct().ToList();
        return await db.Accounts.AsNoTracking().Where(a => ids.Contains(a.Id))
            .ToDictionaryAsync(a => a.Id, a => new AccountRef(a.Id, a.Name, a.Email), ct);
    }

    public async Task<LinkDetailView?> LinkAsync(string id, string baseUrl, CancellationToken ct)
    {
        if (!AdminInput.IsPlausibleId(id)) return null;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var link = await db.Links.AsNoTracking().FirstOrDefaultAsync(l => l.Id == id, ct);
        if (link is null) return null;
        var appName = await db.Applications.Where(a => a.Id == link.ApplicationId).Select(a => a.Name).FirstAsync(ct);
        var deliveries = await db.CallbackDeliveries.AsNoTracking().Where(d => d.LinkId == id).OrderByDescending(d => d.CreatedAt).ToListAsync(ct);
        var writeBacks = await db.CalDavWriteBacks.AsNoTracking().Where(w => w.LinkId == id).OrderBy(w => w.CreatedAt).ThenBy(w => w.Id).ToListAsync(ct);
        var writeBackCalendarIds = writeBacks.Select(w => w.CalendarId).Distinct().ToList();
        var writeBackCalendars = writeBackCalendarIds.Count == 0 ? new Dictionary<string, string>()
            : await db.Calendars.AsNoTracking().Where(c => writeBackCalendarIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => c.Name, ct);
        var spec = LinkStore.Read(link);
        var chosen = LinkViews.Chosen(link);
        var accounts = await AccountsAsync(db, (spec?.InvolvedAccounts ?? []).Concat(chosen?.Participants ?? []), ct);
        return new LinkDetailView(link, LinkStatus.Of(link, clock.GetCurrentInstant()), appName,
            spec, chosen, deliveries, LinkUrls.Absolute(baseUrl, links.Token(link)), accounts, writeBacks, writeBackCalendars);
    }

    public async Task<Paged<AccountRow>> AccountsAsync(string? applicationId, int page, CancellationToken ct)
    {
        if (!AdminInput.IsPlausibleId(applicationId)) applicationId = null;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.Accounts.AsNoTracking().Where(a => applicationId == null || a.ApplicationId == applicationId);
        var total = await query.CountAsync(ct);
        page = Math.Clamp(page, 1, Math.Max(1, (total + PageSize - 1) / PageSize));
        var accounts = await query.OrderByDescending(a => a.CreatedAt).ThenBy(a => a.Id).Skip((page - 1) * PageSize).Take(PageSize).ToListAsync(ct);
        var ids = accounts.Select(a => a.Id).ToList();
        var calendars = await db.Calendars.AsNoTracking().Where(c => ids.Contains(c.AccountId)).ToListAsync(ct);
        var names = await AppNamesAsync(db, accounts.Select(a => a.ApplicationId), ct);
        return new Paged<AccountRow>(accounts.Select(a => new AccountRow(a, names[a.ApplicationId],
            calendars.Where(c => c.AccountId == a.Id).OrderByDescending(c => c.IsPrimary).ThenBy(c => c.Name).ToList())).ToList(), page, PageSize, total);
    }

    /// <summary>The account and, for each of its calendars, the events not yet over within <see cref="AgendaWindow"/>.</summary>
    public async Task<AccountDetailView?> AccountAsync(string id, CancellationToken ct)
    {
        if (!AdminInput.IsPlausibleId(id)) return null;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var account = await db.Accounts.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, ct);
        if (account is null) return null;
        var now = clock.GetCurrentInstant();
        var until = now + AgendaWindow;
        var calendars = await db.Calendars.AsNoTracking().Where(c => c.AccountId == id).ToListAsync(ct);
        var agendas = new List<CalendarAgenda>();
        foreach (var calendar in calendars.OrderByDescending(c => c.IsPrimary).ThenBy(c => c.Name))
        {
            var events = await db.Events.AsNoTracking().Where(e => e.CalendarId == calendar.Id && e.End > now && e.Start < until)
                .OrderBy(e => e.Start).ThenBy(e => e.EventId).Take(AgendaLimit).ToListAsync(ct);
            agendas.Add(new CalendarAgenda(calendar, events));
        }
        var rules = await db.AvailabilityRules.AsNoTracking().Where(r => r.AccountId == id).OrderBy(r => r.CreatedAt).ThenBy(r => r.RuleId).ToListAsync(ct);
        var periods = await db.AvailablePeriods.AsNoTracking().Where(p => p.AccountId == id && p.End > now)
            .OrderBy(p => p.Start).ThenBy(p => p.PeriodId).Take(AgendaLimit).ToListAsync(ct);
        var names = await AppNamesAsync(db, [account.ApplicationId], ct);
        var connections = await db.CalendarConnections.AsNoTracking().Where(c => c.AccountId == id).OrderBy(c => c.CreatedAt).ThenBy(c => c.Id)
            .Select(c => new ConnectionRow(c, db.Events.Count(e => db.Calendars.Any(k => k.Id == e.CalendarId && k.ConnectionId == c.Id))))
            .ToListAsync(ct);
        var connected = calendars.Where(c => c.ConnectionId != null).Select(c => c.Id).ToList();
        var writeBacks = connected.Count == 0 ? [] : await db.CalDavWriteBacks.AsNoTracking()
            .Where(w => connected.Contains(w.CalendarId) && w.Status != CallbackStatuses.Delivered)
            .OrderBy(w => w.CreatedAt).ThenBy(w => w.Id).Take(AgendaLimit).ToListAsync(ct);
        return new AccountDetailView(account, names[account.ApplicationId], agendas, rules.Select(Grid).ToList(), periods, connections, writeBacks);
    }

    /// <summary>A rule's week, Monday first, each day's periods sorted by start.</summary>
    public static RuleGrid Grid(AvailabilityRule rule)
    {
        var periods = ManagedRules.WeeklyPeriods(rule);
        return new RuleGrid(rule.RuleId, rule.Tzid, ManagedRules.CalendarIds(rule), ManagedRules.Days.Select(day => new RuleDay(day,
            periods.Where(p => p.Day == day).OrderBy(p => p.StartTime, StringComparer.Ordinal).Select(p => $"{p.StartTime}–{p.EndTime}").ToList())).ToList());
    }

    private static async Task<Dictionary<string, string>> AppNamesAsync(RtsDbContext db, IEnumerable<string> ids, CancellationToken ct)
    {
        var list = ids.Distinct().ToList();
        return await db.Applications.AsNoTracking().Where(a => list.Contains(a.Id)).ToDictionaryAsync(a => a.Id, a => a.Name, ct);
    }
}
