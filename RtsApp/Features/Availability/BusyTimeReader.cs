using System.Buffers;
using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using NodaTime;
using RtsApp.Store;
using SQLitePCL;

namespace RtsApp.Features.Availability;

/// <summary>Reads the busy time of calendars straight from the events index: the hot read of every availability question
/// that misses the cache, so it skips what EF Core adds per row (a materialized projection, value converters, a shaper)
/// and what a calendar id column would cost (a string per row). Everything else about events stays with EF Core.</summary>
internal static class BusyTimeReader
{
    /// <summary>SQLite allows 500 terms in a compound SELECT; one command answers this many calendars.</summary>
    private const int CalendarsPerCommand = 100;

    /// <summary>How long a SQLite read waits for a lock it cannot take yet, as a Microsoft.Data.Sqlite command does.</summary>
    private static readonly TimeSpan SqliteBusyTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The opaque events of <paramref name="calendarIds"/> overlapping [<paramref name="from"/>,
    /// <paramref name="to"/>), as one array per calendar in the order of the ids (empty when it has none).</summary>
    public static async Task<Interval[][]> ReadAsync(
        RtsDbContext db, IReadOnlyList<string> calendarIds, Instant from, Instant to, CancellationToken ct)
    {
        var rows = new Rows(calendarIds.Count);
        try
        {
            if (calendarIds.Count > 0)
            {
                var sqlite = db.Database.IsSqlite();
                await db.Database.OpenConnectionAsync(ct);
                try
                {
                    for (var first = 0; first < calendarIds.Count; first += CalendarsPerCommand)
                    {
                        var end = Math.Min(calendarIds.Count, first + CalendarsPerCommand);
                        if (sqlite) ReadSqlite((SqliteConnection)db.Database.GetDbConnection(), calendarIds, first, end, from, to, rows, ct);
                        else await ReadAsync(db, calendarIds, first, end, from, to, rows, ct);
                    }
                }
                finally
                {
                    await db.Database.CloseConnectionAsync();
                }
            }
            return rows.PerCalendar();
        }
        finally
        {
            rows.Return();
        }
    }

    /// <summary>Through ADO.NET (PostgreSQL): the thread stays free while the server answers.</summary>
    private static async Task ReadAsync(RtsDbContext db, IReadOnlyList<string> calendarIds, int first, int end,
        Instant from, Instant to, Rows rows, CancellationToken ct)
    {
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        command.CommandText = Sql(first, end);
        for (var i = first; i < end; i++) Add(command, $"@c{i - first}", calendarIds[i]);
        Add(command, "@from", from.ToUnixTimeTicks());
        Add(command, "@to", to.ToUnixTimeTicks());
        Add(command, "@transparent", false);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) rows.Add(first + reader.GetInt32(0), reader.GetInt64(1), reader.GetInt64(2));
    }

    /// <summary>Through SQLite's own statement API on the context's connection (so inside its transaction, if any).
    /// Microsoft.Data.Sqlite has no asynchronous I/O, and its reader checks each value's type before reading it, one more
    /// call into SQLite per value: the same 30,000 rows took 11.0 ms through it, 5.5 ms this way (benchmarks/README.md).</summary>
    private static void ReadSqlite(SqliteConnection connection, IReadOnlyList<string> calendarIds, int first, int end,
        Instant from, Instant to, Rows rows, CancellationToken ct)
    {
        var handle = connection.Handle!;
        // Another connection may hold a lock that the statement needs before its first row, to read the schema or to
        // start reading (rare under WAL: a connection in exclusive locking mode). It is waited for as a Microsoft.Data.Sqlite
        // command waits: by trying again until the timeout.
        var waited = Stopwatch.StartNew();
        int rc;
        sqlite3_stmt statement;
        while (Busy(rc = raw.sqlite3_prepare_v2(handle, Sql(first, end), out statement), waited, ct)) statement.Dispose();
        using (statement)
        {
            Check(rc, handle);
            for (var i = first; i < end; i++)
                Check(raw.sqlite3_bind_text(statement, raw.sqlite3_bind_parameter_index(statement, $"@c{i - first}"), calendarIds[i]), handle);
            Check(raw.sqlite3_bind_int64(statement, raw.sqlite3_bind_parameter_index(statement, "@from"), from.ToUnixTimeTicks()), handle);
            Check(raw.sqlite3_bind_int64(statement, raw.sqlite3_bind_parameter_index(statement, "@to"), to.ToUnixTimeTicks()), handle);
            Check(raw.sqlite3_bind_int64(statement, raw.sqlite3_bind_parameter_index(statement, "@transparent"), 0), handle);
            var started = false;
            while (true)
            {
                rc = raw.sqlite3_step(statement);
                if (rc == raw.SQLITE_ROW)
                {
                    started = true;
                    rows.Add(first + raw.sqlite3_column_int(statement, 0), raw.sqlite3_column_int64(statement, 1), raw.sqlite3_column_int64(statement, 2));
                }
                else if (rc == raw.SQLITE_DONE)
                    return;
                else if (!started && Busy(rc, waited, ct))
                    raw.sqlite3_reset(statement);
                else
                    Check(rc, handle);
            }
        }
    }

    /// <summary>Whether <paramref name="rc"/> says a lock was busy and there is time to wait for it (after a short pause).</summary>
    private static bool Busy(int rc, Stopwatch waited, CancellationToken ct)
    {
        if ((rc & 0xff) is not (raw.SQLITE_BUSY or raw.SQLITE_LOCKED) || waited.Elapsed >= SqliteBusyTimeout) return false;
        ct.ThrowIfCancellationRequested();
        Thread.Sleep(1);
        return true;
    }

    private static void Check(int rc, sqlite3 handle)
    {
        if (rc != raw.SQLITE_OK) SqliteException.ThrowExceptionForRC(rc, handle);
    }

    /// <summary>One branch per calendar, tagged with its position, each an index range scan of
    /// IX_events_CalendarId_Start_End_Transparent that never reads the table. The columns and the ticks are those of
    /// <see cref="RtsDbContext"/> and <see cref="NodaTimeConverters"/>.</summary>
    private static string Sql(int first, int end)
    {
        var sql = new StringBuilder();
        for (var i = first; i < end; i++)
        {
            if (i > first) sql.Append(" UNION ALL ");
            sql.Append(CultureInfo.InvariantCulture,
                $"SELECT {i - first}, \"Start\", \"End\" FROM events WHERE \"CalendarId\" = @c{i - first} AND \"Start\" < @to AND \"End\" > @from AND \"Transparent\" = @transparent");
        }
        return sql.ToString();
    }

    private static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    /// <summary>The rows read so far, in a pooled buffer, so that each calendar's array is allocated once at its exact size.</summary>
    private sealed class Rows(int calendars)
    {
        private readonly int[] counts = new int[calendars];
        private (int Calendar, Interval Busy)[] rows = ArrayPool<(int, Interval)>.Shared.Rent(1024);
        private int n;

        public void Add(int calendar, long startTicks, long endTicks)
        {
            if (n == rows.Length)
            {
                var larger = ArrayPool<(int, Interval)>.Shared.Rent(rows.Length * 2);
                rows.AsSpan().CopyTo(larger);
                ArrayPool<(int, Interval)>.Shared.Return(rows);
                rows = larger;
            }
            counts[calendar]++;
            rows[n++] = (calendar, new Interval(Instant.FromUnixTimeTicks(startTicks), Instant.FromUnixTimeTicks(endTicks)));
        }

        public Interval[][] PerCalendar()
        {
            var busy = new Interval[counts.Length][];
            for (var i = 0; i < busy.Length; i++) busy[i] = counts[i] == 0 ? [] : new Interval[counts[i]];
            Array.Clear(counts);
            foreach (var (calendar, interval) in rows.AsSpan(0, n)) busy[calendar][counts[calendar]++] = interval;
            return busy;
        }

        public void Return() => ArrayPool<(int, Interval)>.Shared.Return(rows);
    }
}
