using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using NodaTime;
using RtsApp.Features.Connections.CalDav;
using RtsApp.Features.Links;
using RtsApp.Infrastructure;
using RtsApp.Store;

namespace RtsApp.Features.Connections;

/// <summary>SPEC §13 (a): right before a booking's transaction, the busy time of every connected calendar the booking
/// involves is read again from its server for the chosen span (plus buffers) and stored as a sync would store it, so
/// that the booking's own re-check under the locks sees an event added there since the last sync. CalDAV calendars:
/// a <c>calendar-query</c> time-range REPORT; ICS feeds: a conditional download. All servers are asked at once, within
/// <see cref="ConnectionOptions.BookingCheckTimeout"/>; no database lock is held while they answer.</summary>
public sealed partial class BookingCheck(
    IDbContextFactory<RtsDbContext> dbFactory, CalDavConnections calDav, IcsFeedClient feeds, ConnectionSync sync,
    IOptions<ConnectionOptions> options, IClock clock, ILogger<BookingCheck> logger)
{
    /// <summary>The span a booking can be blocked in: its duration with the buffers around it — for a sequencing link,
    /// from the first of <paramref name="steps"/> (the option about to be booked, found before any lock) to the last,
    /// each step with its own buffers, whatever the gaps between them.</summary>
    public static Interval Span(LinkSpec spec, Instant start, IReadOnlyList<ChosenStep>? steps)
    {
        if (spec.Sequence is { } sequence && steps is { Count: > 0 })
        {
            Duration Reach(ChosenStep step) => sequence.Steps.FirstOrDefault(x => x.SequenceId == step.SequenceId)?.Buffer.Reach ?? Duration.Zero;
            return new Interval(steps.Min(s => s.Start - Reach(s)), steps.Max(s => s.End + Reach(s)));
        }
        var buffer = spec.Availability?.Buffer.Reach ?? Duration.Zero;
        return new Interval(start - buffer, start + spec.Duration + buffer);
    }

    /// <summary>True when every involved connected calendar answered (and what it holds for <paramref name="span"/> is
    /// stored); false when one did not answer in time or refused: the booking cannot be confirmed.</summary>
    public async Task<bool> RefreshAsync(string applicationId, LinkSpec spec, Interval span, CancellationToken ct)
    {
        var calendars = await InvolvedAsync(applicationId, spec, ct);
        if (calendars.Count == 0) return true;
        var timeout = options.Value.BookingCheckTimeout;
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(timeout);
        try
        {
            var results = await Task.WhenAll(calendars.GroupBy(c => c.Connection.Id)
                .Select(g => CheckConnectionAsync(g.First().Connection, g.Select(c => c.Calendar).ToList(), span, limit.Token)));
            return results.All(ok => ok);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            LogTimedOut(logger, timeout.TotalSeconds);
            return false;
        }
    }

    private async Task<List<(CalendarConnection Connection, Calendar Calendar)>> InvolvedAsync(string applicationId, LinkSpec spec, CancellationToken ct)
    {
        var subs = spec.Groups.SelectMany(g => g.Members).Select(m => m.Sub).Distinct().ToList();
        var named = spec.Groups.SelectMany(g => g.Members).Where(m => m.CalendarIds.Count > 0)
            .GroupBy(m => m.Sub).ToDictionary(g => g.Key, g => g.SelectMany(m => m.CalendarIds).ToHashSet(StringComparer.Ordinal));
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.Calendars.AsNoTracking()
            .Where(c => c.ApplicationId == applicationId && subs.Contains(c.AccountId) && c.ConnectionId != null && !c.Deleted)
            .Join(db.CalendarConnections.AsNoTracking(), c => c.ConnectionId, k => k.Id, (c, k) => new { Calendar = c, Connection = k })
            .ToListAsync(ct);
        // A member whose calendar_ids are given is busy in those only; otherwise in all of their calendars.
        return rows.Where(r => !named.TryGetValue(r.Calendar.AccountId, out var ids) || ids.Contains(r.Calendar.Id))
            .Select(r => (r.Connection, r.Calendar)).ToList();
    }

    private async Task<bool> CheckConnectionAsync(CalendarConnection connection, List<Calendar> calendars, Interval span, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var tzid = await db.Accounts.Where(a => a.Id == connection.AccountId).Select(a => a.Tzid).FirstOrDefaultAsync(ct);
        var zone = TzdbZones.Find(tzid) ?? DateTimeZone.Utc;
        var now = clock.GetCurrentInstant();
        if (connection.Provider == ConnectionProviders.CalDav)
        {
            var client = calDav.Client(connection);
            var found = new List<(Calendar Calendar, List<CalDavObjectEvents> Objects, IReadOnlyList<string> Gone)>();
            foreach (var calendar in calendars)
            {
                if (CalDavConnections.Ref(calendar) is not { } reference) continue;
                var query = await client.QueryTimeRangeAsync(reference, span.Start, span.End, ct);
                if (!query.Succeeded)
                {
                    LogRefused(logger, connection.Id, query.Failure.Reason);
                    return false;
                }
                // Objects stored as busy in the span that the server did not list there were deleted or moved since the
                // last sync: fetched by href, so the server's word (gone, or its new content) replaces them. Only what
                // the server confirms is removed: a server whose time-range matching misses an object loses no busy time.
                var listed = query.Value.Select(o => o.Href).ToHashSet(StringComparer.Ordinal);
                var unlisted = (await db.Events.AsNoTracking()
                    .Where(e => e.CalendarId == calendar.Id && e.SourceHref != null && e.Start < span.End && e.End > span.Start)
                    .Select(e => e.SourceHref!).Distinct().ToListAsync(ct)).Where(h => !listed.Contains(h)).ToList();
                IReadOnlyList<CalDavObject> objects = query.Value;
                IReadOnlyList<string> gone = [];
                if (unlisted.Count > 0)
                {
                    var fetched = await client.FetchAsync(reference, unlisted, ct);
                    if (!fetched.Succeeded)
                    {
                        LogRefused(logger, connection.Id, fetched.Failure.Reason);
                        return false;
                    }
                    objects = [.. objects, .. fetched.Value.Objects];
                    gone = fetched.Value.Gone;
                }
                found.Add((calendar, CalDavConnections.Expand(objects, zone, sync.Window(now)).Objects, gone));
            }
            await StoreAsync(db, connection.Id, async () =>
            {
                foreach (var (calendar, objects, gone) in found)
                    await CalDavConnections.ApplyAsync(db, connection.ApplicationId, calendar.Id, zone.Id, objects, gone, full: false, now, ct);
            }, ct);
            return true;
        }
        var download = await feeds.DownloadAsync(connection.Url, connection.ETag, connection.LastModified, options.Value.BookingCheckTimeout, ct);
        if (download.NotModified) return true;
        var content = download.Text is { } text ? ConnectionSync.Read(text, zone, sync.Window(now)) : null;
        if ((download.Error ?? content?.Error) is { } error || content is null)
        {
            LogRefused(logger, connection.Id, download.Error ?? content?.Error ?? "no content");
            return false;
        }
        await StoreAsync(db, connection.Id, async () =>
        {
            foreach (var calendar in calendars)
                await ConnectionSync.ReplaceEventsAsync(db, connection.ApplicationId, calendar.Id, zone.Id, content.Occurrences, now, ct);
            // The events now are the feed's current content: its validators go with them, so the next sync's conditional
            // download is answered 304 instead of downloading this content again.
            await db.CalendarConnections.Where(c => c.Id == connection.Id).ExecuteUpdateAsync(s => s
                .SetProperty(c => c.ETag, download.ETag).SetProperty(c => c.LastModified, download.LastModified), ct);
        }, ct);
        return true;
    }

    /// <summary>Writes what was read in one short transaction. A sync storing the same objects at the same moment may
    /// win the race; what it stored is as current, so a conflict is not an error.</summary>
    private async Task StoreAsync(RtsDbContext db, string connectionId, Func<Task> write, CancellationToken ct)
    {
        try
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            await CalendarLocks.LockConnectionAsync(db, connectionId, ct);
            await write();
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        catch (Exception e) when (e is DbUpdateException or System.Data.Common.DbException)
        {
            // Also a deadlock or serialization failure (PostgreSQL aborts one side): the other writer's content is as
            // current, and the check itself has already been answered.
            LogStoreRaced(logger, e, connectionId);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Booking check: connection {ConnectionId} could not confirm the time: {Reason}")]
    private static partial void LogRefused(ILogger logger, string connectionId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Booking check: a calendar server did not answer within {Seconds} s")]
    private static partial void LogTimedOut(ILogger logger, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Booking check: storing what connection {ConnectionId} holds raced a sync")]
    private static partial void LogStoreRaced(ILogger logger, Exception e, string connectionId);
}
