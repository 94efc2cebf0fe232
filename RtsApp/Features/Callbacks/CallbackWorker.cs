using Microsoft.EntityFrameworkCore;
using NodaTime;
using RtsApp.Features.Applications;
using RtsApp.Infrastructure;
using RtsApp.Infrastructure.Telemetry;
using RtsApp.Store;

namespace RtsApp.Features.Callbacks;

/// <summary>Sends the outbox. Everything it knows is in the database, so it survives restarts, and any number of
/// processes on one database share the work: a delivery is sent only by the worker holding its lease, taken with one
/// conditional UPDATE (<see cref="TryClaimAsync"/>, the shared <see cref="Leases"/>) and expiring after the configured <see cref="CallbackOptions.LeaseDuration"/> if
/// that worker dies. "Due" is judged by the injected <see cref="IClock"/>; the polling sleep is real time.</summary>
public sealed partial class CallbackWorker(
    IDbContextFactory<RtsDbContext> dbFactory, CallbackSender sender, ApplicationsHandler applications,
    CallbackOptions options, IClock clock, StoreStartup startup, ILogger<CallbackWorker> logger) : BackgroundService
{
    /// <summary>Deliveries claimed per pass, all sent at once: a claimed delivery's attempt starts as soon as it is
    /// claimed, so a lease longer than the timeout (checked by <see cref="CallbackOptions"/>) always outlasts it. Claiming
    /// more than are sent at once would let a lease run out while its delivery waits, and another process send it too.</summary>
    private const int ConcurrentSends = 8;

    /// <summary>This worker's lease owner name: unique per process and start.</summary>
    public string Owner { get; } = Leases.NewOwner();

    protected override Task ExecuteAsync(CancellationToken stop) =>
        LeasedWorkLoop.RunAsync(startup, RunOnceAsync, () => CallbackSignal.Next, ConcurrentSends, options.PollInterval, LogLoopFailed, stop);

    /// <summary>Claims the due deliveries (at most one batch) and attempts each; the number claimed.</summary>
    internal async Task<int> RunOnceAsync(CancellationToken stop)
    {
        var claimed = new List<string>();
        await using (var db = await dbFactory.CreateDbContextAsync(stop))
        {
            var now = clock.GetCurrentInstant();
            var due = await Claimable(db.CallbackDeliveries, now).OrderBy(d => d.NextAttemptAt).Select(d => d.Id).Take(ConcurrentSends).ToListAsync(stop);
            foreach (var id in due)
                if (await TryClaimAsync(db, id, Owner, now, options.LeaseDuration, stop)) claimed.Add(id);
            if (RtsTelemetry.CallbackQueueDepthObserved) // counted only while something reads the gauge
                RtsTelemetry.ReportCallbackQueueDepth(await db.CallbackDeliveries.CountAsync(d => d.Status == CallbackStatuses.Pending, stop));
        }
        await Task.WhenAll(claimed.Select(id => AttemptAsync(id, stop)));
        return claimed.Count;
    }

    /// <summary>Pending, due, and not leased by a live worker.</summary>
    private static IQueryable<CallbackDelivery> Claimable(IQueryable<CallbackDelivery> deliveries, Instant now) =>
        deliveries.Where(d => d.Status == CallbackStatuses.Pending && d.NextAttemptAt <= now).Unleased(now);

    /// <summary>Takes the lease on one claimable delivery (<see cref="Leases.TryClaimAsync{T}"/>).</summary>
    internal static Task<bool> TryClaimAsync(RtsDbContext db, string id, string owner, Instant now, Duration lease, CancellationToken ct) =>
        Leases.TryClaimAsync(Claimable(db.CallbackDeliveries.Where(d => d.Id == id), now), owner, now, lease, ct);

    private async Task AttemptAsync(string id, CancellationToken stop)
    {
        await using var db = await dbFactory.CreateDbContextAsync(stop);
        var delivery = await db.CallbackDeliveries.AsNoTracking().FirstAsync(d => d.Id == id, stop);
        using var measured = RtsTelemetry.StartCallbackDelivery(delivery.Kind, delivery.Id);
        CallbackAttempt result;
        try
        {
            var app = await db.Applications.AsNoTracking().FirstOrDefaultAsync(a => a.Id == delivery.ApplicationId, stop);
            result = app is null
                ? new CallbackAttempt(false, null, "the application no longer exists")
                : await sender.SendAsync(delivery, applications.SigningSecrets(app), stop);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            await ReleaseAsync(db, id);
            throw;
        }
        catch (Exception e)
        {
            LogAttemptCrashed(e, delivery.Id, delivery.LinkId);
            result = new CallbackAttempt(false, null, $"internal error ({e.GetType().Name})");
        }
        measured.Outcome = result.Delivered ? RtsTelemetry.Outcomes.Delivered : RtsTelemetry.Outcomes.Failed;
        await RecordAsync(db, delivery, result);
    }

    private async Task RecordAsync(RtsDbContext db, CallbackDelivery delivery, CallbackAttempt result)
    {
        var now = clock.GetCurrentInstant();
        var attempt = delivery.Attempts + 1;
        var next = result.Delivered ? null : options.NextAttempt(delivery.CreatedAt, attempt, now, Random.Shared.NextDouble());
        var status = result.Delivered ? CallbackStatuses.Delivered : next is null ? CallbackStatuses.Failed : CallbackStatuses.Pending;
        Instant? deliveredAt = result.Delivered ? now : null;
        Instant? lastAttemptAt = now;
        var nextAttemptAt = next ?? delivery.NextAttemptAt;
        var error = result.Error is { Length: > 1024 } e ? e[..1024] : result.Error;
        var updated = await db.CallbackDeliveries.Where(d => d.Id == delivery.Id).HeldBy(Owner).ExecuteUpdateAsync(s => s
            .SetProperty(d => d.Status, status)
            .SetProperty(d => d.Attempts, attempt)
            .SetProperty(d => d.LastAttemptAt, lastAttemptAt)
            .SetProperty(d => d.LastStatusCode, result.StatusCode)
            .SetProperty(d => d.LastError, error)
            .SetProperty(d => d.NextAttemptAt, nextAttemptAt)
            .SetProperty(d => d.DeliveredAt, deliveredAt)
            .SetProperty(d => d.LeaseOwner, (string?)null)
            .SetProperty(d => d.LeaseUntil, (Instant?)null), CancellationToken.None);

        var host = Uri.TryCreate(delivery.Url, UriKind.Absolute, out var uri) ? uri.Authority : "?";
        if (updated == 0) LogLeaseLost(delivery.Id, delivery.LinkId, attempt);
        else if (result.Delivered) LogDelivered(delivery.Id, delivery.LinkId, delivery.Kind, host, attempt, result.StatusCode);
        else if (next is { } retryAt) LogRetrying(delivery.Id, delivery.LinkId, delivery.Kind, host, attempt, result.StatusCode, result.Error, ApiJson.Format(retryAt));
        else LogFailed(delivery.Id, delivery.LinkId, delivery.Kind, host, attempt, result.StatusCode, result.Error);
    }

    /// <summary>On shutdown mid-attempt: give the delivery back at once rather than after the lease runs out.</summary>
    private async Task ReleaseAsync(RtsDbContext db, string id)
    {
        try
        {
            await Leases.ReleaseAsync(db.CallbackDeliveries.Where(d => d.Id == id), Owner);
        }
        catch (Exception e)
        {
            LogReleaseFailed(e, id);
        }
    }

    [LoggerMessage(LogLevel.Information, "Callback {DeliveryId} for link {LinkId} ({Kind}) delivered to {Host} on attempt {Attempt}: {StatusCode}")]
    private partial void LogDelivered(string deliveryId, string? linkId, string kind, string host, int attempt, int? statusCode);

    [LoggerMessage(LogLevel.Warning, "Callback {DeliveryId} for link {LinkId} ({Kind}) to {Host} failed on attempt {Attempt}: {StatusCode} {Error}; next attempt at {NextAttemptAt}")]
    private partial void LogRetrying(string deliveryId, string? linkId, string kind, string host, int attempt, int? statusCode, string? error, string nextAttemptAt);

    [LoggerMessage(LogLevel.Error, "Callback {DeliveryId} for link {LinkId} ({Kind}) to {Host} failed for good after {Attempt} attempts: {StatusCode} {Error}")]
    private partial void LogFailed(string deliveryId, string? linkId, string kind, string host, int attempt, int? statusCode, string? error);

    [LoggerMessage(LogLevel.Warning, "Callback {DeliveryId} for link {LinkId}: the lease ran out during attempt {Attempt}; another worker owns it now and this result was dropped")]
    private partial void LogLeaseLost(string deliveryId, string? linkId, int attempt);

    [LoggerMessage(LogLevel.Error, "Callback {DeliveryId} for link {LinkId}: the attempt failed unexpectedly")]
    private partial void LogAttemptCrashed(Exception e, string deliveryId, string? linkId);

    [LoggerMessage(LogLevel.Error, "The callback worker's loop failed; it tries again after the poll interval")]
    private partial void LogLoopFailed(Exception e);

    [LoggerMessage(LogLevel.Warning, "Callback {DeliveryId}: could not release the lease on shutdown; it expires by itself")]
    private partial void LogReleaseFailed(Exception e, string deliveryId);
}
