using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using NodaTime;
using RtsApp.Store;

namespace RtsApp.Features.Connections;

/// <summary>Keeps every connection current (SPEC §13): a connection is due at its <see cref="CalendarConnection.NextSyncAt"/>
/// and synced only by the worker holding its lease, taken as callbacks are (<see cref="Leases"/>), so any number of
/// processes on one database sync each connection once per interval. "Due" is judged by the injected <see cref="IClock"/>;
/// the polling sleep is real time.</summary>
public sealed partial class ConnectionSyncWorker(
    IDbContextFactory<RtsDbContext> dbFactory, ConnectionSync sync, IOptions<ConnectionOptions> options, IClock clock,
    StoreStartup startup, ILogger<ConnectionSyncWorker> logger) : BackgroundService
{
    /// <summary>Connections claimed per pass, all synced at once (each one's lease starts when it is claimed).</summary>
    private const int ConcurrentSyncs = 4;

    /// <summary>How often (real time) the worker looks for due connections; "sync now" in this process wakes it at once.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    /// <summary>Wakes the connection workers of this process.</summary>
    internal static readonly WorkSignal Signal = new();

    public string Owner { get; } = Leases.NewOwner();

    protected override Task ExecuteAsync(CancellationToken stop) =>
        LeasedWorkLoop.RunAsync(startup, RunOnceAsync, () => Signal.Next, ConcurrentSyncs, PollInterval, LogLoopFailed, stop);

    /// <summary>Claims the due connections (at most one batch) and syncs each; the number claimed.</summary>
    internal async Task<int> RunOnceAsync(CancellationToken stop)
    {
        var claimed = new List<string>();
        await using (var db = await dbFactory.CreateDbContextAsync(stop))
        {
            var now = clock.GetCurrentInstant();
            var lease = Duration.FromTimeSpan(options.Value.LeaseDuration);
            var due = await Claimable(db.CalendarConnections, now).OrderBy(c => c.NextSyncAt).Select(c => c.Id).Take(ConcurrentSyncs).ToListAsync(stop);
            foreach (var id in due)
                if (await Leases.TryClaimAsync(Claimable(db.CalendarConnections.Where(c => c.Id == id), now), Owner, now, lease, stop))
                    claimed.Add(id);
        }
        await Task.WhenAll(claimed.Select(id => SyncAsync(id, stop)));
        return claimed.Count;
    }

    private static IQueryable<CalendarConnection> Claimable(IQueryable<CalendarConnection> connections, Instant now) =>
        connections.Where(c => c.NextSyncAt <= now).Unleased(now);

    private async Task SyncAsync(string id, CancellationToken stop)
    {
        try
        {
            await sync.SyncAsync(id, Owner, stop);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            await ReleaseAsync(id);
        }
        catch (Exception e)
        {
            LogSyncCrashed(e, id); // kept leased: released, it would be due again at once; the lease running out paces the retry
        }
    }

    private async Task ReleaseAsync(string id)
    {
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync();
            await Leases.ReleaseAsync(db.CalendarConnections.Where(c => c.Id == id), Owner);
        }
        catch (Exception e)
        {
            LogReleaseFailed(e, id);
        }
    }

    [LoggerMessage(LogLevel.Error, "Connection {ConnectionId}: the sync failed unexpectedly")]
    private partial void LogSyncCrashed(Exception e, string connectionId);

    [LoggerMessage(LogLevel.Error, "The connection worker's loop failed; it tries again after the poll interval")]
    private partial void LogLoopFailed(Exception e);

    [LoggerMessage(LogLevel.Warning, "Connection {ConnectionId}: could not release the lease; it expires by itself")]
    private partial void LogReleaseFailed(Exception e, string connectionId);
}
