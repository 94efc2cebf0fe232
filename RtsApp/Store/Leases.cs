using Microsoft.EntityFrameworkCore;
using NodaTime;
using RtsApp.Infrastructure;

namespace RtsApp.Store;

/// <summary>A row that background work claims (DESIGN: "rows claimed with an expiring lease by one conditional
/// UPDATE"): callback deliveries, calendar connections. The lease belongs to <see cref="LeaseOwner"/> until
/// <see cref="LeaseUntil"/>; after that any process may take the row, so a dead process's work is picked up.</summary>
public interface ILeased
{
    Instant? LeaseUntil { get; set; }
    string? LeaseOwner { get; set; }
}

/// <summary>The one lease mechanism every background worker uses.</summary>
public static class Leases
{
    /// <summary>A lease owner name: unique per process and start.</summary>
    public static string NewOwner() => $"{Environment.MachineName}/{Environment.ProcessId}/{Ids.Secret(6)}";

    /// <summary>The rows no live worker holds at <paramref name="now"/>.</summary>
    public static IQueryable<T> Unleased<T>(this IQueryable<T> rows, Instant now) where T : class, ILeased =>
        rows.Where(r => r.LeaseUntil == null || r.LeaseUntil < now);

    /// <summary>The rows <paramref name="owner"/> holds (whether or not its lease has run out yet).</summary>
    public static IQueryable<T> HeldBy<T>(this IQueryable<T> rows, string owner) where T : class, ILeased =>
        rows.Where(r => r.LeaseOwner == owner);

    /// <summary>Takes the lease on the one row <paramref name="claimable"/> selects (it must already say "due" and
    /// <see cref="Unleased{T}"/>) with a single conditional UPDATE, atomic on SQLite and PostgreSQL alike: of several
    /// workers racing for it, exactly one sees one row updated.</summary>
    public static async Task<bool> TryClaimAsync<T>(IQueryable<T> claimable, string owner, Instant now, Duration lease, CancellationToken ct)
        where T : class, ILeased
    {
        Instant? leaseUntil = now + lease;
        var updated = await claimable.ExecuteUpdateAsync(s => s.SetProperty(r => r.LeaseOwner, owner).SetProperty(r => r.LeaseUntil, leaseUntil), ct);
        return updated == 1;
    }

    /// <summary>Gives the rows <paramref name="owner"/> holds back at once (on shutdown) rather than when the lease runs out.</summary>
    public static Task<int> ReleaseAsync<T>(IQueryable<T> rows, string owner, CancellationToken ct = default) where T : class, ILeased =>
        rows.HeldBy(owner).ExecuteUpdateAsync(s => s.SetProperty(r => r.LeaseOwner, (string?)null).SetProperty(r => r.LeaseUntil, (Instant?)null), ct);
}

/// <summary>Wakes every worker of one kind in this process: a broadcast that cannot be missed, because a worker takes
/// <see cref="Next"/> before it looks for work and then waits on that task.</summary>
public sealed class WorkSignal
{
    private TaskCompletionSource next = New();

    public Task Next => Volatile.Read(ref next).Task;

    public void Notify() => Interlocked.Exchange(ref next, New()).TrySetResult();

    private static TaskCompletionSource New() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>The loop of a worker over leased rows (callback deliveries, calendar syncs): a round claims and works at most
/// a batch; after a round that found less than a full batch it waits for the <see cref="WorkSignal"/> or the poll
/// interval, whichever comes first (<paramref name="nextWake"/>: the signal's next wake-up, see <see cref="WorkSignal.Next"/>). A failed round is reported and the loop goes on; only stopping ends it. The first round waits for the store (<see cref="StoreStartup.Migrated"/>); if its migration fails the loop ends at once and the host's start fails with that error.</summary>
public static class LeasedWorkLoop
{
    public static async Task RunAsync(StoreStartup startup, Func<CancellationToken, Task<int>> round, Func<Task> nextWake, int batch,
        TimeSpan pollInterval, Action<Exception> failed, CancellationToken stop)
    {
        // The first round reads tables the migration may still be making. Stopped meanwhile, or the migration failed (the
        // host's start reports that, StoreStartup.StartedAsync): no round.
        await startup.Migrated.WaitAsync(stop).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (!startup.Migrated.IsCompletedSuccessfully) return;
        while (!stop.IsCancellationRequested)
        {
            var wake = nextWake(); // taken before looking, so work queued during the look is not missed
            var claimed = 0;
            try
            {
                claimed = await round(stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                failed(e);
            }
            if (claimed < batch) await Task.WhenAny(wake, Task.Delay(pollInterval, stop));
        }
    }
}
