using FluentValidation;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using NodaTime;
using RtsApp.Features.Connections.CalDav;
using RtsApp.Features.Links;
using RtsApp.Infrastructure;
using RtsApp.Store;

namespace RtsApp.Features.Connections;

public sealed record CreateConnectionRequest(string? Sub, string? Provider, string? Url, string? Username = null, string? Password = null);

/// <summary>A validated connection request: the provider known, the URL absolute http(s) and ASCII.</summary>
public sealed record ConnectionSpec(string? Sub, string Provider, string Url, string? Username = null, string? Password = null)
{
    // The password is never printed (records print every property by default).
    public override string ToString() => $"ConnectionSpec {{ Sub = {Sub}, Provider = {Provider}, Url = {Url}, Username = {Username} }}";
}

public sealed class CreateConnectionValidator : AbstractValidator<CreateConnectionRequest>
{
    private static readonly CreateConnectionValidator WithSub = new(false), SubImplied = new(true);

    /// <summary>With an account token the <c>sub</c> is implied.</summary>
    public static CreateConnectionValidator For(bool subImplied) => subImplied ? SubImplied : WithSub;

    private CreateConnectionValidator(bool subImplied)
    {
        RuleFor(x => x.Sub).Required().When(_ => !subImplied);
        RuleFor(x => x.Provider).Required();
        RuleFor(x => x.Provider).Must(p => p is ConnectionProviders.Ics or ConnectionProviders.CalDav).When(x => !string.IsNullOrEmpty(x.Provider))
            .WithMessage("must be ics or caldav");
        RuleFor(x => x.Username).MaximumLength(256).Must(u => u is null || !u.Any(char.IsControl)).WithMessage("must not hold control characters");
        RuleFor(x => x.Password).MaximumLength(1024);
        RuleFor(x => x.Username).Null().When(x => x.Provider == ConnectionProviders.Ics).WithMessage("is only for caldav connections");
        RuleFor(x => x.Password).Null().When(x => x.Provider == ConnectionProviders.Ics).WithMessage("is only for caldav connections");
        RuleFor(x => x.Url).Required().MaximumLength(2048);
        RuleFor(x => x.Url).Must(u => ConnectionsHandler.NormalizeUrl(u) is not null).When(x => x.Url is { Length: > 0 and <= 2048 })
            .WithMessage("must be an absolute http, https or webcal URL");
    }
}

public sealed record ConnectionCalendarView(string CalendarId, string CalendarName, bool CalendarReadonly);
public sealed record ConnectionView(
    string ConnectionId, string Sub, string Provider, string Url, string? Username, string Status, string? Error, string? LastSyncedAt, int SkippedObjects,
    IReadOnlyList<ConnectionCalendarView> Calendars);
public sealed record ConnectionReply(ConnectionView CalendarConnection);
public sealed record ConnectionsReply(IReadOnlyList<ConnectionView> CalendarConnections);

/// <summary>Creates, reads, syncs and deletes connections; used by the API and the admin dashboard.</summary>
public sealed class ConnectionsHandler(
    IDbContextFactory<RtsDbContext> dbFactory, ConnectionSync sync, CalDavConnections calDav, IOptions<ConnectionOptions> options, IClock clock)
{
    public const string ConnectionFailedKey = "errors.connection_failed";

    /// <summary>"Sync now": due before any clock, whichever process's clock reads it.</summary>
    public static readonly Instant DueNow = Instant.FromUnixTimeTicks(0);

    /// <summary>The URL as stored: <c>webcal://</c> (how calendar apps link feeds) read as https, then ASCII-normalized.</summary>
    public static string? NormalizeUrl(string? url)
    {
        if (url is null) return null;
        var trimmed = url.Trim();
        if (trimmed.StartsWith("webcal://", StringComparison.OrdinalIgnoreCase)) trimmed = "https://" + trimmed["webcal://".Length..];
        return WebUrls.Normalize(trimmed);
    }

    public static ConnectionSpec ToSpec(CreateConnectionRequest r) =>
        new(r.Sub, Validated.Value(r.Provider, "provider"), Validated.Value(NormalizeUrl(r.Url), "url"),
            string.IsNullOrEmpty(r.Username) ? null : r.Username, string.IsNullOrEmpty(r.Password) ? null : r.Password);

    /// <summary>A request as the API reads it (validated as the API validates it, then created by
    /// <see cref="CreateAsync(Caller, ConnectionSpec, CancellationToken)"/>): the connect page's path into the same check.</summary>
    public async Task<Outcome<ConnectionView>> CreateAsync(Caller caller, CreateConnectionRequest request, CancellationToken ct) =>
        ApiError.Validate(CreateConnectionValidator.For(caller.AccountId is not null), request) is { } invalid
            ? invalid
            : await CreateAsync(caller, ToSpec(request), ct);

    /// <summary>The account <paramref name="sub"/> (else the caller's own) when the caller may act for it; else the 404 at
    /// <c>sub</c> that every connection call gives, whether the account is another application's or none at all.</summary>
    public static async Task<Outcome<Account>> AccountAsync(RtsDbContext db, Caller caller, string? sub, CancellationToken ct)
    {
        sub ??= caller.AccountId;
        var account = await db.Accounts.AsNoTracking().FirstOrDefaultAsync(a => a.Id == sub && a.ApplicationId == caller.ApplicationId, ct);
        if (account is null || (caller.AccountId is not null && caller.AccountId != sub))
            return ApiError.Field(404, "sub", ApiError.NotFound, "no such account");
        return account;
    }

    /// <summary>Checks the feed (download and read, <see cref="ConnectionOptions.CreateCheckLimit"/> at most) and stores
    /// the connection, its calendar and its events; a feed that cannot be used is a 422 at <c>url</c>.</summary>
    public async Task<Outcome<ConnectionView>> CreateAsync(Caller caller, ConnectionSpec spec, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!(await AccountAsync(db, caller, spec.Sub, ct)).TryGet(out var account, out var noAccount)) return noAccount;

        var now = clock.GetCurrentInstant();
        var zone = TzdbZones.Find(account.Tzid) ?? DateTimeZone.Utc;
        var timeout = options.Value.Timeout < ConnectionOptions.CreateCheckLimit ? options.Value.Timeout : ConnectionOptions.CreateCheckLimit;
        if (spec.Provider == ConnectionProviders.CalDav) return await CreateCalDavAsync(db, caller, account, spec, zone, now, ct);
        var (download, content) = await sync.CheckAsync(spec.Url, zone, now, timeout, ct);
        var failure = download.Error ?? content?.Error;
        if (failure is not null || content is null)
            return ApiError.Unprocessable("url", ConnectionFailedKey, failure ?? ConnectionSync.NotACalendar);

        var connection = NewConnection(caller, account, spec, content.SkippedObjects, now);
        connection.ETag = download.ETag;
        connection.LastModified = download.LastModified;
        var calendar = NewCalendar(connection, CalendarName(spec.Url), readOnly: true, now);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.CalendarConnections.Add(connection);
        db.Calendars.Add(calendar);
        await db.SaveChangesAsync(ct);
        await ConnectionSync.ReplaceEventsAsync(db, caller.ApplicationId, calendar.Id, zone.Id, content.Occurrences, now, ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return View(connection, [calendar]);
    }

    /// <summary>A CalDAV connection: discovery and a first sync of every calendar found, <see cref="ConnectionOptions.CreateCheckLimit"/>
    /// at most in all; each calendar becomes a calendar row (read-only when the user cannot write it).</summary>
    private async Task<Outcome<ConnectionView>> CreateCalDavAsync(
        RtsDbContext db, Caller caller, Account account, ConnectionSpec spec, DateTimeZone zone, Instant now, CancellationToken ct)
    {
        var (found, failure) = await calDav.CheckAsync(spec.Url, spec.Username, spec.Password, zone, sync.Window(now), ConnectionOptions.CreateCheckLimit, ct);
        if (failure is not null || found is null)
            return ApiError.Unprocessable("url", ConnectionFailedKey, failure ?? "not a CalDAV server");
        var connection = NewConnection(caller, account, spec, found.Sum(f => f.SkippedObjects), now);
        connection.Username = spec.Username;
        connection.PasswordProtected = calDav.Protect(spec.Password);
        // Created a tick apart: keeps the server's order in listings.
        var calendars = found.Select((f, i) => NewCalDavCalendar(connection, f.Calendar, f.State, now + Duration.FromTicks(i))).ToList();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.CalendarConnections.Add(connection);
        db.Calendars.AddRange(calendars);
        await db.SaveChangesAsync(ct);
        for (var i = 0; i < calendars.Count; i++)
            await CalDavConnections.ApplyAsync(db, caller.ApplicationId, calendars[i].Id, zone.Id, found[i].Objects, [], full: true, now, ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return View(connection, calendars);
    }

    /// <summary>A connection that has just synced for the first time, due again after one interval.</summary>
    private CalendarConnection NewConnection(Caller caller, Account account, ConnectionSpec spec, int skipped, Instant now) => new()
    {
        Id = Ids.New(Ids.ConnectionPrefix),
        ApplicationId = caller.ApplicationId,
        AccountId = account.Id,
        Provider = spec.Provider,
        Url = spec.Url,
        Status = ConnectionStatuses.Active,
        LastSyncedAt = now,
        ExpandedAt = now,
        SkippedObjects = skipped,
        NextSyncAt = now + Duration.FromTimeSpan(options.Value.SyncInterval),
        CreatedAt = now,
    };

    /// <summary>A CalDAV calendar of a connection, as discovery found it, with its sync state.</summary>
    internal static Calendar NewCalDavCalendar(CalendarConnection connection, CalDavCalendarRef found, CalDavCalendarState state, Instant createdAt)
    {
        var calendar = NewCalendar(connection, CalDavConnections.CalendarName(found), found.ReadOnly, createdAt);
        calendar.RemoteUrl = found.Url.AbsoluteUri;
        calendar.SyncState = state.ToJson();
        return calendar;
    }

    /// <summary>One of a connection's calendars, owned by the connection's account.</summary>
    private static Calendar NewCalendar(CalendarConnection connection, string name, bool readOnly, Instant createdAt) => new()
    {
        Id = Ids.New(Ids.CalendarPrefix),
        ApplicationId = connection.ApplicationId,
        AccountId = connection.AccountId,
        Name = name,
        ConnectionId = connection.Id,
        ReadOnly = readOnly,
        CreatedAt = createdAt,
    };

    public async Task<IReadOnlyList<ConnectionView>> ListAsync(Caller caller, string? sub, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var connections = await Visible(db, caller).Where(c => sub == null || c.AccountId == sub)
            .OrderBy(c => c.CreatedAt).ThenBy(c => c.Id).ToListAsync(ct);
        return await ViewsAsync(db, connections, ct);
    }

    public async Task<ConnectionView?> GetAsync(Caller caller, string id, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var connection = await Visible(db, caller).FirstOrDefaultAsync(c => c.Id == id, ct);
        return connection is null ? null : (await ViewsAsync(db, [connection], ct))[0];
    }

    /// <summary>Marks the connection due now and wakes this process's worker; false when it is not the caller's (any
    /// connection for the dashboard, <paramref name="caller"/> null).</summary>
    public async Task<bool> SyncNowAsync(Caller? caller, string id, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var connections = caller is null ? db.CalendarConnections : Visible(db, caller);
        var updated = await connections.Where(c => c.Id == id).ExecuteUpdateAsync(s => s.SetProperty(c => c.NextSyncAt, DueNow), ct);
        if (updated == 1) ConnectionSyncWorker.Signal.Notify();
        return updated == 1;
    }

    /// <summary>Deletes the connection with its calendars and their events, and takes those calendars out of the account's
    /// availability rules (<see cref="ManagedAvailability.ManagedRules.ForgetCalendars"/>); 404 when it is not the caller's, 422
    /// <c>errors.in_use</c> while an open link books into or reads one of its calendars by id.</summary>
    public async Task<ApiError?> DeleteAsync(Caller caller, string id, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var connection = await Visible(db, caller).FirstOrDefaultAsync(c => c.Id == id, ct);
        if (connection is null) return NotFound();
        var calendarIds = await db.Calendars.Where(c => c.ConnectionId == id).Select(c => c.Id).ToListAsync(ct);
        // Under the account's lock, which a link naming one of these calendars takes to check it exists (LinksHandler):
        // one of the two sees the other.
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await AccountLocks.LockAsync(db, connection.ApplicationId, [connection.AccountId], ct);
        if (await OpenLinkUsingAsync(db, connection.ApplicationId, calendarIds, ct) is { } linkId)
            return ApiError.Unprocessable("connection_id", ApiError.InUse, $"the open link {linkId} uses one of this connection's calendars");
        await CalendarLocks.LockConnectionAsync(db, id, ct);
        await db.Events.Where(e => calendarIds.Contains(e.CalendarId)).ExecuteDeleteAsync(ct);
        await db.Calendars.Where(c => c.ConnectionId == id).ExecuteDeleteAsync(ct);
        await db.CalendarConnections.Where(c => c.Id == id).ExecuteDeleteAsync(ct);
        var now = clock.GetCurrentInstant();
        foreach (var rule in await db.AvailabilityRules.Where(r => r.AccountId == connection.AccountId).ToListAsync(ct))
            ManagedAvailability.ManagedRules.ForgetCalendars(rule, calendarIds, now);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return null;
    }

    public static ApiError NotFound() => ApiError.Field(404, "connection_id", ApiError.NotFound, "no such calendar connection");

    /// <summary>An open link whose target calendars or members' calendar_ids name one of <paramref name="calendarIds"/>.</summary>
    private async Task<string?> OpenLinkUsingAsync(RtsDbContext db, string applicationId, List<string> calendarIds, CancellationToken ct)
    {
        var now = clock.GetCurrentInstant();
        foreach (var calendarId in calendarIds)
        {
            if (await LinkStore.OpenLinkUsingAsync(db, applicationId, calendarId, spec => spec.TargetCalendars.Any(t => t.CalendarId == calendarId)
                    || spec.Groups.SelectMany(g => g.Members).Any(m => m.CalendarIds.Contains(calendarId)), now, ct) is { } linkId)
                return linkId;
        }
        return null;
    }

    private static IQueryable<CalendarConnection> Visible(RtsDbContext db, Caller caller) =>
        db.CalendarConnections.AsNoTracking()
            .Where(c => c.ApplicationId == caller.ApplicationId && (caller.AccountId == null || c.AccountId == caller.AccountId));

    private static async Task<List<ConnectionView>> ViewsAsync(RtsDbContext db, List<CalendarConnection> connections, CancellationToken ct)
    {
        var ids = connections.Select(c => c.Id).ToList();
        var calendars = (await db.Calendars.AsNoTracking().Where(c => c.ConnectionId != null && ids.Contains(c.ConnectionId))
            .OrderBy(c => c.CreatedAt).ThenBy(c => c.Id).ToListAsync(ct)).ToLookup(c => c.ConnectionId);
        return connections.Select(c => View(c, calendars[c.Id].ToList())).ToList();
    }

    private static ConnectionView View(CalendarConnection c, IReadOnlyList<Calendar> calendars) => new(
        c.Id, c.AccountId, c.Provider, c.Url, c.Username, c.Status, c.Error, c.LastSyncedAt is { } at ? ApiJson.Format(at) : null, c.SkippedObjects,
        calendars.Select(k => new ConnectionCalendarView(k.Id, k.Name, k.ReadOnly)).ToList());

    /// <summary>The profile a connection's calendars show (<c>profile_name</c>): the feed's host.</summary>
    public static string ProfileName(string url) => Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.Host : url;

    /// <summary>A feed's calendar is named after its file (<c>…/team.ics</c> → team), else its host.</summary>
    private static string CalendarName(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri)) return url.Length > 256 ? url[..256] : url;
        var file = Uri.UnescapeDataString(uri.Segments.LastOrDefault() ?? "").Trim('/');
        if (file.EndsWith(".ics", StringComparison.OrdinalIgnoreCase)) file = file[..^4];
        var name = file.Length > 0 && !file.Any(char.IsControl) ? file : uri.Host;
        return name.Length > 256 ? name[..256] : name;
    }
}
