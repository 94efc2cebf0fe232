using Microsoft.EntityFrameworkCore;

namespace RtsApp.Store;

/// <summary>The triggers on <c>events</c> (migration BusyVersions) update the calendar row of every event written, and on
/// PostgreSQL that row stays locked until the transaction ends. A transaction that writes events into several calendars
/// therefore takes those rows' locks first, in id order, so that two such transactions never wait for each other in
/// opposite orders (a deadlock PostgreSQL would end by aborting one). SQLite has one write lock for the whole database:
/// nothing to do there.</summary>
public static class CalendarLocks
{
    public static async Task LockAsync(RtsDbContext db, IEnumerable<string> calendarIds, CancellationToken ct)
    {
        if (db.Database.IsSqlite()) return;
        var ids = calendarIds.Distinct(StringComparer.Ordinal).ToArray();
        // One row cannot be taken in two orders; bookings take their accounts' rows before any calendar's.
        if (ids.Length < 2) return;
        await db.Database.ExecuteSqlInterpolatedAsync(
            $"SELECT \"Id\" FROM calendars WHERE \"Id\" = ANY({ids}) ORDER BY \"Id\" FOR UPDATE", ct);
    }

    /// <summary>All calendars of one connection, in one statement (nothing is read on SQLite). Every writer of a
    /// connection's calendars (its sync, the booking re-check's store, its deletion) takes them this way, before it
    /// touches the connection's own row.</summary>
    public static async Task LockConnectionAsync(RtsDbContext db, string connectionId, CancellationToken ct)
    {
        if (db.Database.IsSqlite()) return;
        await db.Database.ExecuteSqlInterpolatedAsync(
            $"SELECT \"Id\" FROM calendars WHERE \"ConnectionId\" = {connectionId} ORDER BY \"Id\" FOR UPDATE", ct);
    }
}
