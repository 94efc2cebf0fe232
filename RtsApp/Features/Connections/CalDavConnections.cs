using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using NodaTime;
using RtsApp.Features.Connections.CalDav;
using RtsApp.ICalendar;
using RtsApp.Store;

namespace RtsApp.Features.Connections;

/// <summary>What a CalDAV calendar remembers between syncs (stored as JSON in <see cref="Calendar.SyncState"/>).</summary>
public sealed record CalDavCalendarState(bool SyncCollection, string? SyncToken, string? CTag, Dictionary<string, string> ETags)
{
    public static CalDavCalendarState? Read(string? json)
    {
        if (string.IsNullOrEmpty(json)) return null;
        try
        {
            return JsonSerializer.Deserialize<CalDavCalendarState>(json);
        }
        catch (JsonException)
        {
            return null; // a full listing rebuilds it
        }
    }

    public static CalDavCalendarState From(CalDavCalendarRef calendar, CalDavSyncState state) =>
        new(calendar.SupportsSyncCollection, state.SyncToken, state.CTag, new Dictionary<string, string>(state.ETags, StringComparer.Ordinal));

    /// <summary>The JSON to store, or null when it is too large (the next sync then lists everything again).</summary>
    public string? ToJson()
    {
        var json = JsonSerializer.Serialize(this);
        return json.Length <= StoreLimits.SyncStateMaxLength ? json : null;
    }

    public CalDavSyncState ToSyncState() => new(SyncToken, CTag, ETags);
}

/// <summary>One calendar found and read by a first CalDAV sync: the calendar, its state and its objects' occurrences.</summary>
public sealed record CalDavCalendarContent(CalDavCalendarRef Calendar, CalDavCalendarState State, IReadOnlyList<CalDavObjectEvents> Objects, int SkippedObjects);

/// <summary>The occurrences one CalDAV object (by href) has in the sync window.</summary>
public sealed record CalDavObjectEvents(string Href, IReadOnlyList<IcsOccurrence> Occurrences);

/// <summary>CalDAV connections (SPEC §13): the client for a connection's credentials (the password protected at rest
/// with Data Protection), the check made when one is created, and the incremental sync of its calendars into the events
/// table — an object's events replaced by its href, a removed object's events deleted.</summary>
public sealed class CalDavConnections(IHttpClientFactory httpClients, IDataProtectionProvider protection, IOptions<ConnectionOptions> options)
{
    private readonly IDataProtector protector = protection.CreateProtector("RtsApp.CalDavPassword");

    public string? Protect(string? password) => string.IsNullOrEmpty(password) ? null : protector.Protect(password);

    public CalDavClient Client(string? username, string? passwordProtected) =>
        new(httpClients.CreateClient(CalDavHttp.HttpClientName),
            new CalDavCredentials(username, passwordProtected is null ? null : protector.Unprotect(passwordProtected)),
            new CalDavClientOptions { AllowPrivateNetworks = options.Value.AllowPrivateNetworks == true, RequestTimeout = options.Value.Timeout });

    public CalDavClient Client(CalendarConnection connection) => Client(connection.Username, connection.PasswordProtected);

    /// <summary>The stored calendar as the client needs it; null when it is no CalDAV calendar.</summary>
    public static CalDavCalendarRef? Ref(Calendar calendar)
    {
        if (calendar.RemoteUrl is null || !Uri.TryCreate(calendar.RemoteUrl, UriKind.Absolute, out var url)) return null;
        var state = CalDavCalendarState.Read(calendar.SyncState);
        return new CalDavCalendarRef(url, calendar.Name, calendar.ReadOnly, state?.CTag, state?.SyncToken, state?.SyncCollection ?? true);
    }

    /// <summary>Discovery and a first full sync of every calendar found, within <paramref name="timeout"/>: what creating
    /// a connection checks. The failure's reason is SPEC §13's ("the server refused the credentials", "not a CalDAV
    /// server…", "unreachable: …").</summary>
    public async Task<(IReadOnlyList<CalDavCalendarContent>? Calendars, string? Error)> CheckAsync(
        string url, string? username, string? password, DateTimeZone zone, Interval window, TimeSpan timeout, CancellationToken ct)
    {
        var client = Client(username, Protect(password));
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(timeout);
        try
        {
            var discovery = await client.DiscoverAsync(new Uri(url), limit.Token);
            if (!discovery.Succeeded) return (null, discovery.Failure.Reason);
            if (discovery.Value.Calendars.Count == 0) return (null, "not a CalDAV server: no calendar that holds events was found");
            var found = new List<CalDavCalendarContent>();
            foreach (var calendar in discovery.Value.Calendars)
            {
                var sync = await client.SyncAsync(calendar, null, limit.Token);
                if (!sync.Succeeded) return (null, sync.Failure.Reason);
                var (objects, skipped) = Expand(sync.Value.Changed, zone, window);
                found.Add(new CalDavCalendarContent(calendar, CalDavCalendarState.From(calendar, sync.Value.State), objects, skipped));
            }
            return (found, null);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return (null, $"unreachable: no answer within {timeout.TotalSeconds:0.###} s");
        }
    }

    /// <summary>Each object's occurrences in <paramref name="window"/>; an object that cannot be read counts as skipped
    /// (and keeps no events).</summary>
    public static (List<CalDavObjectEvents> Objects, int Skipped) Expand(IEnumerable<CalDavObject> objects, DateTimeZone zone, Interval window)
    {
        var result = new List<CalDavObjectEvents>();
        var skipped = 0;
        foreach (var o in objects)
        {
            var read = IcsReader.Read(o.IcsText, zone, window, ConnectionOptions.MaxInstances);
            skipped += read.SkippedObjects + (read.IsCalendar && read.IsComplete ? 0 : 1);
            result.Add(new CalDavObjectEvents(o.Href, read.IsCalendar && read.IsComplete ? read.Occurrences : []));
        }
        return (result, skipped);
    }

    /// <summary>Applies one sync's changes to a calendar in the tracked context (the caller saves, in its transaction):
    /// the events of removed and changed objects are deleted, the changed objects' occurrences added — except those of
    /// objects RtsApp wrote back there itself (<see cref="CalDavWriteBackOutbox.OwnUidsAsync"/>): such an object is the
    /// booking's own event, already stored, and the server's copy is the calendar of record — if someone moved it there,
    /// the stored event moves with it (its busy time is where the calendar says), and any further occurrence (it was made
    /// recurring) is stored as synced.</summary>
    public static async Task ApplyAsync(RtsDbContext db, string applicationId, string calendarId, string tzid,
        IReadOnlyList<CalDavObjectEvents> changed, IReadOnlyCollection<string> removed, bool full, Instant now, CancellationToken ct)
    {
        if (full)
            await db.Events.Where(e => e.CalendarId == calendarId && e.SourceUid != null).ExecuteDeleteAsync(ct);
        else
        {
            var hrefs = removed.Concat(changed.Select(c => c.Href)).Distinct(StringComparer.Ordinal).ToList();
            foreach (var batch in hrefs.Chunk(200))
                await db.Events.Where(e => e.CalendarId == calendarId && e.SourceHref != null && batch.Contains(e.SourceHref)).ExecuteDeleteAsync(ct);
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var added = new List<CalendarEvent>();
        // An event RtsApp wrote back for a booking is that booking's event, already in this calendar: not stored twice.
        var own = await CalDavWriteBackOutbox.OwnUidsAsync(db, calendarId, changed.SelectMany(o => o.Occurrences).Select(o => o.Uid), ct);
        var ownEventIds = own.Values.ToList();
        var booked = own.Count == 0 ? [] : await db.Events
            .Where(e => e.CalendarId == calendarId && e.SourceUid == null && ownEventIds.Contains(e.EventId)).ToDictionaryAsync(e => e.EventId, ct);
        var followed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var o in changed)
        {
            foreach (var occurrence in o.Occurrences)
            {
                if (own.TryGetValue(occurrence.Uid, out var bookedEventId) && followed.Add(occurrence.Uid))
                {
                    if (booked.TryGetValue(bookedEventId, out var ev)) Follow(ev, occurrence, now);
                    continue;
                }
                var eventId = ConnectionSync.EventId(occurrence);
                if (!seen.Add(eventId)) continue;
                added.Add(ConnectionSync.NewEvent(applicationId, calendarId, tzid, occurrence, eventId, now, o.Href));
            }
        }
        // An object that moved to another href keeps its UID: its old events go before the new ones are added.
        foreach (var batch in seen.Chunk(200))
            await db.Events.Where(e => e.CalendarId == calendarId && e.SourceUid != null && batch.Contains(e.EventId)).ExecuteDeleteAsync(ct);
        db.Events.AddRange(added);
    }

    /// <summary>The booking's stored event (tracked) takes the time its written-back copy has on the server, when that
    /// differs.</summary>
    private static void Follow(CalendarEvent booked, IcsOccurrence occurrence, Instant now)
    {
        if (booked.Start == occurrence.Start && booked.End == occurrence.End
            && booked.StartDate == occurrence.AllDayStart && booked.EndDate == occurrence.AllDayEnd) return;
        booked.Start = occurrence.Start;
        booked.End = occurrence.End;
        booked.StartDate = occurrence.AllDayStart;
        booked.EndDate = occurrence.AllDayEnd;
        booked.UpdatedAt = now;
    }

    /// <summary>Syncs every CalDAV calendar of <paramref name="connection"/> from its stored state; the changes, or the
    /// first failure's reason. When <paramref name="full"/>, the server is first asked again which calendars there are
    /// (discovery from the connection's URL): a calendar found that the connection does not have yet comes back as a new,
    /// unsaved <see cref="Calendar"/> (created at <paramref name="now"/>), and every calendar is read from scratch.</summary>
    public async Task<(List<(Calendar Calendar, CalDavSyncResult Result, List<CalDavObjectEvents> Objects)>? Changes, int Skipped, string? Error)> FetchAsync(
        CalendarConnection connection, IReadOnlyList<Calendar> calendars, DateTimeZone zone, Interval window, bool full, Instant now, CancellationToken ct)
    {
        var client = Client(connection);
        var changes = new List<(Calendar, CalDavSyncResult, List<CalDavObjectEvents>)>();
        var skipped = 0;
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(options.Value.LeaseDuration - TimeSpan.FromMinutes(1));
        try
        {
            var all = calendars.ToList();
            HashSet<string>? listed = null; // the URLs of the calendars discovery found, once asked
            async Task<CalDavResult<CalDavDiscovery>> DiscoverAsync()
            {
                var discovery = await client.DiscoverAsync(new Uri(connection.Url), limit.Token);
                if (discovery.Succeeded) listed = discovery.Value.Calendars.Select(c => c.Url.AbsoluteUri).ToHashSet(StringComparer.Ordinal);
                return discovery;
            }
            if (full)
            {
                var discovery = await DiscoverAsync();
                if (!discovery.Succeeded) return (null, 0, discovery.Failure.Reason);
                var known = calendars.Select(c => c.RemoteUrl).ToHashSet(StringComparer.Ordinal);
                var added = discovery.Value.Calendars.Where(c => !known.Contains(c.Url.AbsoluteUri)).ToList();
                for (var i = 0; i < added.Count; i++)
                    all.Add(ConnectionsHandler.NewCalDavCalendar(connection, added[i],
                        new CalDavCalendarState(added[i].SupportsSyncCollection, null, null, []), now + Duration.FromTicks(i)));
            }
            foreach (var calendar in all)
            {
                if (Ref(calendar) is not { } reference) continue;
                var previous = full ? null : CalDavCalendarState.Read(calendar.SyncState)?.ToSyncState();
                var sync = await client.SyncAsync(reference, previous, limit.Token);
                if (!sync.Succeeded && sync.Failure.Kind == CalDavFailureKind.Gone)
                {
                    if (!calendars.Contains(calendar)) continue; // just found, and gone already
                    // A 404 alone is not trusted (a proxy during a restart, a renamed account): the calendar counts as
                    // deleted only when discovery from the connection's URL works and no longer lists it. Then its events
                    // go and the connection stays healthy; otherwise the sync fails and keeps the last good events.
                    if (listed is null && !(await DiscoverAsync()).Succeeded) return (null, 0, sync.Failure.Reason);
                    if (listed!.Contains(calendar.RemoteUrl!)) return (null, 0, sync.Failure.Reason);
                    changes.Add((calendar, CalDavSyncResult.Gone, []));
                    continue;
                }
                if (!sync.Succeeded) return (null, 0, sync.Failure.Reason);
                var (objects, objectsSkipped) = Expand(sync.Value.Changed, zone, window);
                skipped += objectsSkipped;
                changes.Add((calendar, sync.Value, objects));
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return (null, 0, "unreachable: the sync took too long");
        }
        return (changes, skipped, null);
    }

    /// <summary>A calendar's name: the server's display name, else the last segment of its URL.</summary>
    public static string CalendarName(CalDavCalendarRef calendar)
    {
        var name = calendar.DisplayName is { Length: > 0 } display && !display.Any(char.IsControl)
            ? display
            : Uri.UnescapeDataString(calendar.Url.Segments.LastOrDefault() ?? "").Trim('/');
        if (name.Length == 0) name = calendar.Url.Host;
        return name.Length > 256 ? name[..256] : name;
    }
}
