using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace RtsApp.Store;

/// <summary>Where limits are counted, in fixed windows: each key has one window at a time, which starts with the first
/// attempt after the last one ended and lasts the <c>window</c> given. <see cref="DatabaseThrottles"/> counts in the
/// database, where every process on it sees the same counts and a restart resets nothing; <see cref="MemoryThrottles"/>
/// in this process.</summary>
public interface IThrottles
{
    /// <summary>Counts one attempt in <paramref name="key"/>'s window, starting a new window when the last one is over:
    /// the start of the window it was counted in, or null (nothing counted) when that window already holds
    /// <paramref name="limit"/> attempts.</summary>
    ValueTask<Instant?> TryTakeAsync(string key, int limit, Duration window, Instant now, CancellationToken ct);

    /// <summary>Takes back one attempt counted in the window that started at <paramref name="windowStart"/>; nothing when
    /// a later window has begun since.</summary>
    ValueTask GiveBackAsync(string key, Instant windowStart, CancellationToken ct);

    /// <summary>When <paramref name="key"/>'s current window started; null when it has none.</summary>
    ValueTask<Instant?> WindowStartAsync(string key, CancellationToken ct);
}

/// <summary>The windows in the database (<see cref="ThrottleWindow"/>). Each step is one statement, atomic on SQLite and
/// PostgreSQL alike, so concurrent attempts on any number of processes are counted one after the other. The processes'
/// clocks must agree (NTP): the windows are measured with each one's own.</summary>
public sealed class DatabaseThrottles(RtsDbContext db) : IThrottles
{
    public async ValueTask<Instant?> TryTakeAsync(string key, int limit, Duration window, Instant now, CancellationToken ct)
    {
        var (start, cutoff) = (now.ToUnixTimeTicks(), (now - window).ToUnixTimeTicks());
        // One upsert: a new key's row is its first window; an ended window starts again; otherwise one more attempt, if
        // the window has room (the WHERE). A full window updates no row and returns none.
        var taken = await db.Database.SqlQuery<long>($"""
            INSERT INTO "admin_sign_in_throttles" AS t ("Key", "WindowStart", "Attempts") VALUES ({key}, {start}, 1)
            ON CONFLICT ("Key") DO UPDATE SET
                "Attempts" = CASE WHEN t."WindowStart" <= {cutoff} THEN 1 ELSE t."Attempts" + 1 END,
                "WindowStart" = CASE WHEN t."WindowStart" <= {cutoff} THEN {start} ELSE t."WindowStart" END
            WHERE t."WindowStart" <= {cutoff} OR t."Attempts" < {limit}
            RETURNING "WindowStart" AS "Value"
            """).ToListAsync(ct);
        return taken.Count == 0 ? null : Instant.FromUnixTimeTicks(taken[0]);
    }

    public async ValueTask GiveBackAsync(string key, Instant windowStart, CancellationToken ct) =>
        await db.ThrottleWindows.Where(t => t.Key == key && t.WindowStart == windowStart && t.Attempts > 0)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.Attempts, t => t.Attempts - 1), ct);

    public async ValueTask<Instant?> WindowStartAsync(string key, CancellationToken ct) =>
        await db.ThrottleWindows.AsNoTracking().Where(t => t.Key == key).Select(t => (Instant?)t.WindowStart).FirstOrDefaultAsync(ct);
}

/// <summary>The windows in this process's memory: the same counting as <see cref="DatabaseThrottles"/>, for limits that
/// only one process enforces. Every call completes synchronously.</summary>
public sealed class MemoryThrottles : IThrottles
{
    private readonly ConcurrentDictionary<string, Window> windows = new(StringComparer.Ordinal);

    public ValueTask<Instant?> TryTakeAsync(string key, int limit, Duration window, Instant now, CancellationToken ct)
    {
        var w = windows.GetOrAdd(key, _ => new Window());
        lock (w)
        {
            if (w.Start is not { } start || start <= now - window) (w.Start, w.Attempts) = (now, 1);
            else if (w.Attempts < limit) w.Attempts++;
            else return ValueTask.FromResult<Instant?>(null);
            return ValueTask.FromResult(w.Start);
        }
    }

    public ValueTask GiveBackAsync(string key, Instant windowStart, CancellationToken ct)
    {
        if (windows.TryGetValue(key, out var w))
            lock (w)
                if (w.Start == windowStart && w.Attempts > 0) w.Attempts--;
        return ValueTask.CompletedTask;
    }

    public ValueTask<Instant?> WindowStartAsync(string key, CancellationToken ct)
    {
        if (!windows.TryGetValue(key, out var w)) return ValueTask.FromResult<Instant?>(null);
        lock (w) return ValueTask.FromResult(w.Start);
    }

    private sealed class Window
    {
        public Instant? Start;
        public int Attempts;
    }
}
