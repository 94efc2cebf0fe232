using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using NodaTime;
using RtsApp.Features.Calendars;
using RtsApp.ICalendar;
using RtsApp.Infrastructure;
using RtsApp.Store;

namespace RtsApp.Features.Connections;

/// <summary>A feed read for one window: its occurrences and skipped objects, or why it cannot be used.</summary>
public sealed record FeedContent(IReadOnlyList<IcsOccurrence> Occurrences, int SkippedObjects, string? Error);

/// <summary>Keeps a connection's calendar current (SPEC §13): downloads the feed, reads it for the sync window, and
/// replaces the calendar's synced events in one transaction. A failed sync keeps the last good events.</summary>
public sealed partial class ConnectionSync(
    IDbContextFactory<RtsDbContext> dbFactory, IcsFeedClient feeds, CalDavConnections calDav, IOptions<ConnectionOptions> options, IClock clock, ILogger<ConnectionSync> logger)
{
    public const string NotACalendar = "not an iCalendar feed";

    /// <summary>The window a sync keeps: from a day before <paramref name="now"/> to the horizon after it.</summary>
    public Interval Window(Instant now) => new(now - Duration.FromDays(1), now + Duration.FromTimeSpan(options.Value.Horizon));

    /// <summary>Reads <paramref name="text"/> for <paramref name="window"/> (floating times and all-day dates in
    /// <paramref name="zone"/>, the account's); a text that is no calendar, is cut off or holds too many occurrences is
    /// an error, so that the last good events are kept rather than replaced by a partial reading.</summary>
    public static FeedContent Read(string text, DateTimeZone zone, Interval window)
    {
        var result = IcsReader.Read(text, zone, window, ConnectionOptions.MaxInstances);
        if (!result.IsCalendar) return new FeedContent([], 0, NotACalendar);
        if (!result.IsComplete) return new FeedContent([], result.SkippedObjects, "the feed was cut off (no END:VCALENDAR)");
        if (result.TruncatedAtLimit)
            return new FeedContent([], result.SkippedObjects, string.Create(CultureInfo.InvariantCulture,
                $"the feed has more than {ConnectionOptions.MaxInstances:N0} events in the sync window"));
        return new FeedContent(result.Occurrences, result.SkippedObjects, null);
    }

    /// <summary>Downloads and reads a feed unconditionally within <paramref name="timeout"/>: what creating a connection checks.</summary>
    public async Task<(FeedDownload Download, FeedContent? Content)> CheckAsync(string url, DateTimeZone zone, Instant now, TimeSpan timeout, CancellationToken ct)
    {
        var download = await feeds.DownloadAsync(url, null, null, timeout, ct);
        if (download.Error is not null || download.Text is null) return (download, null);
        return (download, Read(download.Text, zone, Window(now)));
    }

    /// <summary>Syncs one connection that <paramref name="owner"/> has leased, and gives the lease back with the result.
    /// A 304 costs one small UPDATE of the connection: nothing is parsed and no event is written.</summary>
    public async Task SyncAsync(string connectionId, string owner, CancellationToken stop)
    {
        await using var db = await dbFactory.CreateDbContextAsync(stop);
        var connection = await db.CalendarConnections.AsNoTracking().FirstOrDefaultAsync(c => c.Id == connectionId, stop);
        if (connection is null) return;
        var tzid = await db.Accounts.Where(a => a.Id == connection.AccountId).Select(a => a.Tzid).FirstOrDefaultAsync(stop);
        var zone = TzdbZones.Find(tzid) ?? DateTimeZone.Utc;
        if (connection.Provider == ConnectionProviders.CalDav)
        {
            await SyncCalDavAsync(db, connection, zone, owner, stop);
            return;
        }
        // Once a day the feed is read whatever its validators say, so that the window's new end gets its occurrences.
        var full = ConnectionOptions.MustReExpand(connection.ExpandedAt, clock.GetCurrentInstant());
        var download = await feeds.DownloadAsync(connection.Url, full ? null : connection.ETag, full ? null : connection.LastModified,
            options.Value.Timeout, stop);
        var now = clock.GetCurrentInstant();
        var next = now + Duration.FromTimeSpan(options.Value.SyncInterval);
        var mine = db.CalendarConnections.Where(c => c.Id == connectionId).HeldBy(owner);
        if (download.NotModified)
        {
            Instant? synced = now;
            var kept = await mine.ExecuteUpdateAsync(s => s.SetProperty(c => c.LastSyncedAt, synced).SetProperty(c => c.NextSyncAt, next)
                .SetProperty(c => c.Status, ConnectionStatuses.Active).SetProperty(c => c.Error, (string?)null).SetProperty(c => c.Failures, 0)
                .SetProperty(c => c.LeaseOwner, (string?)null).SetProperty(c => c.LeaseUntil, (Instant?)null), CancellationToken.None);
            if (kept == 0) LogLeaseLost(connectionId);
            else LogNotModified(connectionId);
            return;
        }
        var content = download.Text is { } text ? Read(text, zone, Window(now)) : null;
        if ((download.Error ?? content?.Error) is { } error)
        {
            await FailAsync(mine, connection, error, now, content?.SkippedObjects);
            return;
        }
        var occurrences = content?.Occurrences ?? [];
        await using var tx = await db.Database.BeginTransactionAsync(stop);
        // Calendars before the connection row, as every writer takes them (the booking re-check stores a feed's events
        // and then its validators): the other order could deadlock with it on PostgreSQL.
        await CalendarLocks.LockConnectionAsync(db, connectionId, stop);
        Instant? syncedAt = now;
        var skipped = content?.SkippedObjects ?? 0;
        var updated = await mine.ExecuteUpdateAsync(s => s
            .SetProperty(c => c.Status, ConnectionStatuses.Active).SetProperty(c => c.Error, (string?)null)
            .SetProperty(c => c.LastSyncedAt, syncedAt).SetProperty(c => c.SkippedObjects, skipped).SetProperty(c => c.Failures, 0)
            .SetProperty(c => c.ETag, download.ETag).SetProperty(c => c.LastModified, download.LastModified)
            .SetProperty(c => c.ExpandedAt, syncedAt).SetProperty(c => c.NextSyncAt, next)
            .SetProperty(c => c.LeaseOwner, (string?)null).SetProperty(c => c.LeaseUntil, (Instant?)null), stop);
        if (updated == 0)
        {
            LogLeaseLost(connectionId);
            return; // the transaction is rolled back on dispose
        }
        var calendars = await db.Calendars.Where(c => c.ConnectionId == connectionId).Select(c => c.Id).ToListAsync(stop);
        foreach (var calendarId in calendars)
            await ReplaceEventsAsync(db, connection.ApplicationId, calendarId, zone.Id, occurrences, now, stop);
        await db.SaveChangesAsync(stop);
        await tx.CommitAsync(stop);
        LogSynced(connectionId, occurrences.Count, skipped);
    }

    /// <summary>A CalDAV connection: every calendar synced incrementally from its stored state, the changes applied and
    /// the new states stored in one transaction; any failure keeps everything as it was and marks the connection.</summary>
    private async Task SyncCalDavAsync(RtsDbContext db, CalendarConnection connection, DateTimeZone zone, string owner, CancellationToken stop)
    {
        var calendars = await db.Calendars.AsNoTracking().Where(c => c.ConnectionId == connection.Id).OrderBy(c => c.Id).ToListAsync(stop);
        var started = clock.GetCurrentInstant();
        // Once a day every calendar is listed and read again from scratch (see ConnectionOptions.ReExpandAfter).
        var full = ConnectionOptions.MustReExpand(connection.ExpandedAt, started);
        var (changes, skipped, error) = await calDav.FetchAsync(connection, calendars, zone, Window(started), full, started, stop);
        var now = clock.GetCurrentInstant();
        var mine = db.CalendarConnections.Where(c => c.Id == connection.Id).HeldBy(owner);
        if (error is not null || changes is null)
        {
            await FailAsync(mine, connection, error ?? "the sync failed", now, null);
            return;
        }
        var anyFull = changes.Any(c => c.Result.FullResync);
        var skippedObjects = anyFull && changes.All(c => c.Result.FullResync) ? skipped : connection.SkippedObjects + skipped;
        await using var tx = await db.Database.BeginTransactionAsync(stop);
        await CalendarLocks.LockConnectionAsync(db, connection.Id, stop);
        Instant? syncedAt = now;
        var next = now + Duration.FromTimeSpan(options.Value.SyncInterval);
        var updated = await mine.ExecuteUpdateAsync(s => s
            .SetProperty(c => c.Status, ConnectionStatuses.Active).SetProperty(c => c.Error, (string?)null)
            .SetProperty(c => c.LastSyncedAt, syncedAt).SetProperty(c => c.SkippedObjects, skippedObjects).SetProperty(c => c.Failures, 0)
            .SetProperty(c => c.ExpandedAt, c => full ? syncedAt : c.ExpandedAt).SetProperty(c => c.NextSyncAt, next)
            .SetProperty(c => c.LeaseOwner, (string?)null).SetProperty(c => c.LeaseUntil, (Instant?)null), stop);
        if (updated == 0)
        {
            LogLeaseLost(connection.Id);
            return;
        }
        var events = 0;
        var revived = 0;
        var stored = calendars.Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
        var found = changes.Select(c => c.Calendar).Where(c => !stored.Contains(c.Id)).ToList();
        if (found.Count > 0)
        {
            // Calendars added on the server since the connection was made (found by the daily full read).
            db.Calendars.AddRange(found);
            await db.SaveChangesAsync(stop);
            LogCalendarsFound(connection.Id, found.Count);
        }
        foreach (var (calendar, result, objects) in changes)
        {
            await CalDavConnections.ApplyAsync(db, connection.ApplicationId, calendar.Id, zone.Id, objects, result.Removed, result.FullResync, now, stop);
            var state = CalDavCalendarState.From(CalDavConnections.Ref(calendar)!, result.State).ToJson();
            var deleted = result.IsGone;
            await db.Calendars.Where(c => c.Id == calendar.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.SyncState, state).SetProperty(c => c.Deleted, deleted), stop);
            if (deleted && !calendar.Deleted) LogCalendarGone(connection.Id, calendar.Id);
            // Not only when this sync finds it back: a write-back the worker failed as "gone" while this run marked the
            // calendar present (it reads the flag without a lock) is revived by the next one.
            if (!deleted && await CalDavWriteBackOutbox.ReviveAsync(db, calendar.Id, now, stop) is > 0 and var count)
            {
                revived += count;
                LogWriteBacksRevived(connection.Id, calendar.Id, count);
            }
            events += objects.Sum(o => o.Occurrences.Count);
        }
        await db.SaveChangesAsync(stop);
        await tx.CommitAsync(stop);
        if (revived > 0) CalDavWriteBackOutbox.Signal.Notify();
        LogSynced(connection.Id, events, skipped);
    }

    private async Task FailAsync(IQueryable<CalendarConnection> mine, CalendarConnection connection, string error, Instant now, int? skipped)
    {
        var failures = connection.Failures + 1;
        var retryAt = now + Duration.FromTimeSpan(options.Value.RetryDelay(failures, Random.Shared.NextDouble()));
        var reason = error.Length > 1024 ? error[..1024] : error;
        var skippedObjects = skipped ?? connection.SkippedObjects;
        var updated = await mine.ExecuteUpdateAsync(s => s
            .SetProperty(c => c.Status, ConnectionStatuses.Error).SetProperty(c => c.Error, reason)
            .SetProperty(c => c.Failures, failures).SetProperty(c => c.SkippedObjects, skippedObjects).SetProperty(c => c.NextSyncAt, retryAt)
            .SetProperty(c => c.LeaseOwner, (string?)null).SetProperty(c => c.LeaseUntil, (Instant?)null), CancellationToken.None);
        if (updated == 0) LogLeaseLost(connection.Id);
        else LogFailed(connection.Id, failures, reason, ApiJson.Format(retryAt));
    }

    /// <summary>Replaces the calendar's synced events with <paramref name="occurrences"/> in the tracked context (the
    /// caller saves, in its transaction). Events written otherwise (no <see cref="CalendarEvent.SourceUid"/>) stay.</summary>
    public static async Task ReplaceEventsAsync(RtsDbContext db, string applicationId, string calendarId, string tzid,
        IReadOnlyList<IcsOccurrence> occurrences, Instant now, CancellationToken ct)
    {
        await db.Events.Where(e => e.CalendarId == calendarId && e.SourceUid != null).ExecuteDeleteAsync(ct);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var o in occurrences)
        {
            var eventId = EventId(o);
            if (!seen.Add(eventId)) continue;
            db.Events.Add(NewEvent(applicationId, calendarId, tzid, o, eventId, now, null));
        }
    }

    /// <summary>The event a synced occurrence becomes; <paramref name="href"/> is the CalDAV object it came from.</summary>
    public static CalendarEvent NewEvent(string applicationId, string calendarId, string tzid, IcsOccurrence o, string eventId, Instant now, string? href) => new()
    {
        Id = Ids.New(Ids.EventPrefix),
        ApplicationId = applicationId,
        CalendarId = calendarId,
        EventId = eventId,
        Summary = Truncate(o.Summary, EventFields.SummaryMaxLength),
        Start = o.Start,
        End = o.End,
        Tzid = tzid,
        StartDate = o.AllDayStart,
        EndDate = o.AllDayEnd,
        Transparent = o.Transparent,
        SourceUid = Truncate(o.Uid, 1024),
        SourceHref = href is null ? null : Truncate(href, 1024),
        CreatedAt = now,
        UpdatedAt = now,
    };

    /// <summary>A synced occurrence's event_id: its UID, with the instance's original start for a recurring one
    /// (<c>uid/20260327T090000Z</c>); a hash when that would be too long.</summary>
    public static string EventId(IcsOccurrence o)
    {
        var id = o.RecurrenceId is { } r ? o.Uid + "/" + r.ToString("uuuuMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture) : o.Uid;
        return id.Length <= EventFields.EventIdMaxLength ? id : "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(id)));
    }

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..max];

    [LoggerMessage(LogLevel.Information, "Connection {ConnectionId}: {Count} calendars found on the server that it did not have yet")]
    private partial void LogCalendarsFound(string connectionId, int count);

    [LoggerMessage(LogLevel.Information, "Connection {ConnectionId}: calendar {CalendarId} is on the server; {Count} write-backs that failed while it was gone are due again")]
    private partial void LogWriteBacksRevived(string connectionId, string calendarId, int count);

    [LoggerMessage(LogLevel.Information, "Connection {ConnectionId}: calendar {CalendarId} no longer exists on the server; its synced events are removed")]
    private partial void LogCalendarGone(string connectionId, string calendarId);

    [LoggerMessage(LogLevel.Information, "Connection {ConnectionId} synced: {Events} events, {Skipped} objects skipped")]
    private partial void LogSynced(string connectionId, int events, int skipped);

    [LoggerMessage(LogLevel.Debug, "Connection {ConnectionId}: the feed has not changed")]
    private partial void LogNotModified(string connectionId);

    [LoggerMessage(LogLevel.Warning, "Connection {ConnectionId} failed to sync ({Failures} in a row): {Error}; next attempt at {RetryAt}")]
    private partial void LogFailed(string connectionId, int failures, string error, string retryAt);

    [LoggerMessage(LogLevel.Warning, "Connection {ConnectionId}: the lease ran out during the sync; its result was dropped")]
    private partial void LogLeaseLost(string connectionId);
}
