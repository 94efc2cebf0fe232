using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace RtsApp.Store;

/// <summary>Limits counted in the database (<see cref="ThrottleWindow"/>), so that every process on it enforces the
/// same limit and a restart resets nothing. Each key has one fixed window at a time: it starts with the first attempt
/// after the last one ended and lasts its <c>window</c>. Each step is one statement, atomic on SQLite and PostgreSQL
/// alike, so concurrent attempts on any number of processes are counted one after the other.</summary>
public static class Throttles
{
    /// <summary>Counts one attempt in <paramref name="key"/>'s window, starting a new window when the last one is over;
    /// false (nothing counted) when the window already holds <paramref name="limit"/> attempts.</summary>
    public static async Task<bool> TryTakeAsync(this RtsDbContext db, string key, int limit, Duration window, Instant now, CancellationToken ct)
    {
        var cutoff = now - window;
        for (var tries = 0; ; tries++)
        {
            var taken = await db.ThrottleWindows.Where(t => t.Key == key && (t.WindowStart <= cutoff || t.Attempts < limit))
                .ExecuteUpdateAsync(s => s
                    .SetProperty(t => t.Attempts, t => t.WindowStart <= cutoff ? 1 : t.Attempts + 1)
                    .SetProperty(t => t.WindowStart, t => t.WindowStart <= cutoff ? now : t.WindowStart), ct);
            if (taken > 0 || tries > 0) return taken > 0;
            // First attempt for this key: create its row (window long over), unless a concurrent attempt just did, and
            // count again. Same statement on SQLite and PostgreSQL.
            await db.Database.ExecuteSqlAsync(
                $"""INSERT INTO "admin_sign_in_throttles" ("Key", "WindowStart", "Attempts") VALUES ({key}, {0L}, {0}) ON CONFLICT ("Key") DO NOTHING""", ct);
        }
    }

    /// <summary>Takes back one attempt <see cref="TryTakeAsync"/> counted (none below zero).</summary>
    public static Task<int> GiveBackAsync(this RtsDbContext db, string key, CancellationToken ct) =>
        db.ThrottleWindows.Where(t => t.Key == key && t.Attempts > 0).ExecuteUpdateAsync(s => s.SetProperty(t => t.Attempts, t => t.Attempts - 1), ct);

    /// <summary>When <paramref name="key"/>'s current window ends; null when it has none.</summary>
    public static async Task<Instant?> WindowEndAsync(this RtsDbContext db, string key, Duration window, CancellationToken ct) =>
        await db.ThrottleWindows.AsNoTracking().Where(t => t.Key == key).Select(t => (Instant?)t.WindowStart).FirstOrDefaultAsync(ct) + window;
}
