using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using NodaTime;
using RtsApp.Features.Connections.CalDav;
using RtsApp.ICalendar;
using RtsApp.Infrastructure;
using RtsApp.Store;

namespace RtsApp.Features.Connections;

/// <summary>SPEC §13 (c): booked events written into writable CalDAV calendars through a durable outbox. A booking adds
/// one row per (link, calendar, event) in its own transaction; <see cref="CalDavWriteBackWorker"/> PUTs it with
/// <c>If-None-Match: *</c> until the server accepts it.</summary>
public static class CalDavWriteBackOutbox
{
    public const string IdPrefix = "cwb_";

    /// <summary>Wakes this process's write-back workers.</summary>
    internal static readonly WorkSignal Signal = new();

    /// <summary>Why a write-back failed when its calendar was gone from the server; such write-backs are due again when a
    /// sync finds the calendar back (<see cref="ReviveAsync"/>).</summary>
    public const string CalendarGone = "the calendar no longer exists on the server";

    /// <summary>Makes the write-backs that failed because <paramref name="calendarId"/> was gone due again, at once: the
    /// calendar is back on the server (a sync found it, in the transaction that marks it so). Their attempts and last
    /// error stay as the record, as with "Retry now". The number made due.</summary>
    public static Task<int> ReviveAsync(RtsDbContext db, string calendarId, Instant now, CancellationToken ct) =>
        db.CalDavWriteBacks.Where(w => w.CalendarId == calendarId && w.Status == CallbackStatuses.Failed && w.LastError == CalendarGone)
            .ExecuteUpdateAsync(s => s.SetProperty(w => w.Status, CallbackStatuses.Pending).SetProperty(w => w.NextAttemptAt, now), ct);

    private const string UidSuffix = "@rtsapp";

    /// <summary>The UID the event has on the server: stable, so a retry finds what an earlier attempt wrote.</summary>
    public static string Uid(string linkId, string eventId) => $"{linkId}-{eventId}{UidSuffix}";

    /// <summary>The link a UID of <see cref="Uid"/>'s shape names (link ids hold no <c>-</c>), or null for any other UID.</summary>
    public static string? LinkIdOf(string uid) =>
        uid.EndsWith(UidSuffix, StringComparison.Ordinal) && uid.IndexOf('-', StringComparison.Ordinal) is > 0 and var dash ? uid[..dash] : null;

    /// <summary>Which of <paramref name="uids"/> are events RtsApp wrote back into <paramref name="calendarId"/> for a
    /// booking whose own event is still stored there, each with that event's <c>event_id</c>: a sync reading them back
    /// must not store that event twice. Costs no query unless some UID has the write-back shape.</summary>
    public static async Task<Dictionary<string, string>> OwnUidsAsync(RtsDbContext db, string calendarId, IEnumerable<string> uids, CancellationToken ct)
    {
        var candidates = uids.Where(u => LinkIdOf(u) is not null).Distinct(StringComparer.Ordinal).ToList();
        var own = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var batch in candidates.Chunk(200))
        {
            var linkIds = batch.Select(u => LinkIdOf(u)!).Distinct().ToList();
            foreach (var w in await db.CalDavWriteBacks.AsNoTracking()
                .Where(w => linkIds.Contains(w.LinkId) && w.CalendarId == calendarId && batch.Contains(w.Uid)
                    && db.Events.Any(e => e.CalendarId == calendarId && e.EventId == w.EventId && e.SourceUid == null))
                .Select(w => new { w.Uid, w.EventId }).ToListAsync(ct))
                own[w.Uid] = w.EventId;
        }
        return own;
    }

    /// <summary>The writable CalDAV calendars among <paramref name="calendarIds"/>.</summary>
    public static async Task<HashSet<string>> WritableAsync(RtsDbContext db, IEnumerable<string> calendarIds, CancellationToken ct)
    {
        var ids = calendarIds.Distinct().ToList();
        return (await db.Calendars.AsNoTracking().Where(c => ids.Contains(c.Id) && c.RemoteUrl != null && !c.ReadOnly)
            .Select(c => c.Id).ToListAsync(ct)).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>Adds a pending write-back to the (tracked) context; the caller saves it in the booking's transaction.</summary>
    public static void Enqueue(RtsDbContext db, string applicationId, string linkId, string calendarId, string eventId,
        string summary, string? description, string? location, Interval span, Instant now)
    {
        var uid = Uid(linkId, eventId);
        db.CalDavWriteBacks.Add(new CalDavWriteBack
        {
            Id = Ids.New(IdPrefix),
            ApplicationId = applicationId,
            LinkId = linkId,
            CalendarId = calendarId,
            EventId = eventId,
            Uid = uid,
            IcsText = IcsWriter.Event(uid, now, span.Start, span.End, summary, description, location),
            Status = CallbackStatuses.Pending,
            NextAttemptAt = now,
            CreatedAt = now,
        });
        db.SavedChanges += (_, _) => Signal.Notify();
    }
}

/// <summary>The dashboard's "Retry now" for a write-back not delivered yet (pending, or failed because its calendar was
/// gone): the same row is made due at once — unlike a callback's re-send, which queues a new delivery, because a
/// write-back is one object under one UID and its PUT is idempotent. Its attempts and last error stay as the record.</summary>
public static class CalDavWriteBackRetry
{
    /// <summary>False when <paramref name="id"/> is unknown, delivered, or not in one of <paramref name="calendarIds"/>.</summary>
    public static async Task<bool> RetryNowAsync(IDbContextFactory<RtsDbContext> dbFactory, string id, IReadOnlyCollection<string> calendarIds,
        Instant now, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var updated = await db.CalDavWriteBacks.Where(w => w.Id == id && calendarIds.Contains(w.CalendarId) && w.Status != CallbackStatuses.Delivered)
            .ExecuteUpdateAsync(s => s.SetProperty(w => w.Status, CallbackStatuses.Pending).SetProperty(w => w.NextAttemptAt, now), ct);
        if (updated == 1) CalDavWriteBackOutbox.Signal.Notify();
        return updated == 1;
    }
}

/// <summary>Delivers pending write-backs: each claimed with the shared lease (<see cref="Leases"/>), PUT once per
/// attempt, retried with growing delays (the connections' backoff) until accepted. <c>AlreadyExists</c> (412, or the UID
/// already in the calendar) counts as delivered: it is what a retry after a lost answer finds.</summary>
public sealed partial class CalDavWriteBackWorker(
    IDbContextFactory<RtsDbContext> dbFactory, CalDavConnections calDav, IOptions<ConnectionOptions> options, IClock clock,
    StoreStartup startup, ILogger<CalDavWriteBackWorker> logger) : BackgroundService
{
    private const int Batch = 4;

    public string Owner { get; } = Leases.NewOwner();

    protected override Task ExecuteAsync(CancellationToken stop) =>
        LeasedWorkLoop.RunAsync(startup, RunOnceAsync, () => CalDavWriteBackOutbox.Signal.Next, Batch, ConnectionSyncWorker.PollInterval,
            e => LogLoopFailed(logger, e), stop);

    internal async Task<int> RunOnceAsync(CancellationToken stop)
    {
        var claimed = new List<string>();
        await using (var db = await dbFactory.CreateDbContextAsync(stop))
        {
            var now = clock.GetCurrentInstant();
            var lease = Duration.FromTimeSpan(options.Value.Timeout + options.Value.Timeout + TimeSpan.FromMinutes(1));
            var due = await Claimable(db.CalDavWriteBacks, now).OrderBy(w => w.NextAttemptAt).Select(w => w.Id).Take(Batch).ToListAsync(stop);
            foreach (var id in due)
                if (await Leases.TryClaimAsync(Claimable(db.CalDavWriteBacks.Where(w => w.Id == id), now), Owner, now, lease, stop))
                    claimed.Add(id);
        }
        await Task.WhenAll(claimed.Select(id => DeliverAsync(id, stop)));
        return claimed.Count;
    }

    private static IQueryable<CalDavWriteBack> Claimable(IQueryable<CalDavWriteBack> rows, Instant now) =>
        rows.Where(w => w.Status == CallbackStatuses.Pending && w.NextAttemptAt <= now).Unleased(now);

    private async Task DeliverAsync(string id, CancellationToken stop)
    {
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(stop);
            var row = await db.CalDavWriteBacks.AsNoTracking().SingleAsync(w => w.Id == id, stop);
            var calendar = await db.Calendars.AsNoTracking().FirstOrDefaultAsync(c => c.Id == row.CalendarId, stop);
            var connection = calendar?.ConnectionId is { } connectionId
                ? await db.CalendarConnections.AsNoTracking().FirstOrDefaultAsync(c => c.Id == connectionId, stop)
                : null;
            var mine = db.CalDavWriteBacks.Where(w => w.Id == id).HeldBy(Owner);
            var now = clock.GetCurrentInstant();
            if (calendar is null || connection is null || calendar.Deleted || CalDavConnections.Ref(calendar) is not { } reference)
            {
                var gone = calendar?.Deleted == true ? CalDavWriteBackOutbox.CalendarGone : "the calendar or its connection was deleted";
                await mine.ExecuteUpdateAsync(s => s.SetProperty(w => w.Status, CallbackStatuses.Failed)
                    .SetProperty(w => w.LastError, gone)
                    .SetProperty(w => w.LeaseOwner, (string?)null).SetProperty(w => w.LeaseUntil, (Instant?)null), CancellationToken.None);
                return;
            }
            var put = await calDav.Client(connection).PutEventAsync(reference, row.Uid, row.IcsText, stop);
            var attempts = row.Attempts + 1;
            now = clock.GetCurrentInstant();
            if (put.Succeeded)
            {
                Instant? delivered = now;
                await mine.ExecuteUpdateAsync(s => s.SetProperty(w => w.Status, CallbackStatuses.Delivered).SetProperty(w => w.Attempts, attempts)
                    .SetProperty(w => w.Href, put.Value.Href).SetProperty(w => w.DeliveredAt, delivered).SetProperty(w => w.LastError, (string?)null)
                    .SetProperty(w => w.LeaseOwner, (string?)null).SetProperty(w => w.LeaseUntil, (Instant?)null), CancellationToken.None);
                LogDelivered(logger, id, put.Value.Outcome);
                return;
            }
            var reason = put.Failure.Reason.Length > 1024 ? put.Failure.Reason[..1024] : put.Failure.Reason;
            var retryAt = now + Duration.FromTimeSpan(options.Value.RetryDelay(attempts, Random.Shared.NextDouble()));
            await mine.ExecuteUpdateAsync(s => s.SetProperty(w => w.Attempts, attempts).SetProperty(w => w.LastError, reason)
                .SetProperty(w => w.NextAttemptAt, retryAt)
                .SetProperty(w => w.LeaseOwner, (string?)null).SetProperty(w => w.LeaseUntil, (Instant?)null), CancellationToken.None);
            LogRetrying(logger, id, attempts, reason);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
            await Leases.ReleaseAsync(db.CalDavWriteBacks.Where(w => w.Id == id), Owner, CancellationToken.None);
        }
        catch (Exception e)
        {
            LogCrashed(logger, e, id); // kept leased: the lease running out paces the retry
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Write-back {Id} delivered ({Outcome})")]
    private static partial void LogDelivered(ILogger logger, string id, CalDavPutOutcome outcome);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Write-back {Id} failed (attempt {Attempts}): {Reason}; it is retried")]
    private static partial void LogRetrying(ILogger logger, string id, int attempts, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Write-back {Id} failed unexpectedly")]
    private static partial void LogCrashed(ILogger logger, Exception e, string id);

    [LoggerMessage(Level = LogLevel.Error, Message = "The write-back worker's loop failed; it tries again after the poll interval")]
    private static partial void LogLoopFailed(ILogger logger, Exception e);
}
