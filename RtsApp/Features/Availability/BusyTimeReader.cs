using System.Buffers;
using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using NodaTime;
using RtsApp.Infrastructure.Telemetry;
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

    // The command's parameters: one calendar id per branch (@c0, @c1, …), the window's ticks and the opacity.
    private const string CalendarParameter = "@c";
    private const string FromParameter = "@from";
    private const string ToParameter = "@to";
    private const string TransparentParameter = "@transparent";

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
                await db.Database.OpenConnectionAsync(ct);
                try
                {
                    var sqlite = db.Database.GetDbConnection() as SqliteConnection;
                    var lockWait = sqlite is null ? null : new LockWait(sqlite);
                    for (var first = 0; first < calendarIds.Count; first += CalendarsPerCommand)
                    {
                        var end = Math.Min(calendarIds.Count, first + CalendarsPerCommand);
                        if (sqlite is not null) ReadSqlite(sqlite, lockWait!, calendarIds, first, end, from, to, rows, ct);
                        else await ReadAdoNetAsync(db, calendarIds, first, end, from, to, rows, ct);
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
    private static async Task ReadAdoNetAsync(RtsDbContext db, IReadOnlyList<string> calendarIds, int first, int end,
        Instant from, Instant to, Rows rows, CancellationToken ct)
    {
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        command.CommandText = Sql(first, end);
        using var span = DbCommandTracing.StartCommand(command.CommandText, postgres: true, command.Connection?.Database);
        var before = rows.Count;
        for (var i = first; i < end; i++) Add(command, CalendarParameter + (i - first).ToString(CultureInfo.InvariantCulture), calendarIds[i]);
        Add(command, FromParameter, from.ToUnixTimeTicks());
        Add(command, ToParameter, to.ToUnixTimeTicks());
        Add(command, TransparentParameter, false);
        try
        {
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) rows.Add(first + reader.GetInt32(0), reader.GetInt64(1), reader.GetInt64(2));
        }
        catch (Exception e) when (DbCommandTracing.Failed(span, e))
        {
            throw; // not reached: the filter only marks the span
        }
        span?.SetTag("db.response.returned_rows", rows.Count - before);
    }

    /// <summary>Through SQLite's own statement API on the context's connection (so inside its transaction, if any).
    /// Microsoft.Data.Sqlite has no asynchronous I/O, and its reader makes more calls into SQLite per value than the value
    /// itself: the same 30,000 rows took 11.0 ms through it, 5.5 ms through SQLitePCL.raw, and 3.6 ms with the row loop's
    /// two functions called directly (<see cref="Native"/>, benchmarks/README.md).</summary>
    private static void ReadSqlite(SqliteConnection connection, LockWait lockWait, IReadOnlyList<string> calendarIds,
        int first, int end, Instant from, Instant to, Rows rows, CancellationToken ct)
    {
        var sql = Sql(first, end);
        using var span = DbCommandTracing.StartCommand(sql, postgres: false, connection.Database);
        var before = rows.Count;
        try
        {
            StepSqlite(connection.Handle!, sql, lockWait, calendarIds, first, end, from, to, rows, ct);
        }
        catch (Exception e) when (DbCommandTracing.Failed(span, e))
        {
            throw; // not reached: the filter only marks the span
        }
        span?.SetTag("db.response.returned_rows", rows.Count - before);
    }

    private static void StepSqlite(sqlite3 handle, string sql, LockWait lockWait, IReadOnlyList<string> calendarIds,
        int first, int end, Instant from, Instant to, Rows rows, CancellationToken ct)
    {
        // Another connection may hold a lock that the statement needs before its first row, to read the schema (here) or
        // to start reading (at the first step; under WAL only a connection in exclusive locking mode does that).
        int rc;
        sqlite3_stmt statement;
        while (lockWait.Again(rc = raw.sqlite3_prepare_v2(handle, sql, out statement), ct)) statement.Dispose();
        using (statement)
        {
            Check(rc, handle);
            for (var i = first; i < end; i++)
                Bind(statement, CalendarParameter + (i - first).ToString(CultureInfo.InvariantCulture), calendarIds[i], handle);
            Bind(statement, FromParameter, from.ToUnixTimeTicks(), handle);
            Bind(statement, ToParameter, to.ToUnixTimeTicks(), handle);
            Bind(statement, TransparentParameter, 0, handle);
            var started = false;
            var added = false;
            statement.DangerousAddRef(ref added);
            try
            {
                var pointer = statement.DangerousGetHandle();
                while (true)
                {
                    rc = Native.sqlite3_step(pointer);
                    if (rc == raw.SQLITE_ROW)
                    {
                        started = true;
                        rows.Add(first + (int)Native.sqlite3_column_int64(pointer, 0), Native.sqlite3_column_int64(pointer, 1), Native.sqlite3_column_int64(pointer, 2));
                    }
                    else if (rc == raw.SQLITE_DONE)
                        return;
                    else if (!started && lockWait.Again(rc, ct))
                        raw.sqlite3_reset(statement);
                    else
                        Check(rc, handle);
                }
            }
            finally
            {
                if (added) statement.DangerousRelease();
            }
        }
    }

    /// <summary>The row loop's two functions of the SQLite library that SQLitePCL.raw itself calls ("e_sqlite3", found
    /// the same way), taking the statement's pointer: SQLitePCL.raw passes its handle object, whose reference count is
    /// raised and lowered around every call, four times per row. The handle is held once around the loop instead.</summary>
    private static class Native
    {
        [DllImport("e_sqlite3", CallingConvention = CallingConvention.Cdecl)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int sqlite3_step(IntPtr statement);

        [DllImport("e_sqlite3", CallingConvention = CallingConvention.Cdecl)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern long sqlite3_column_int64(IntPtr statement, int column);
    }

    private static void Bind(sqlite3_stmt statement, string name, string value, sqlite3 handle) =>
        Check(raw.sqlite3_bind_text(statement, raw.sqlite3_bind_parameter_index(statement, name), value), handle);

    private static void Bind(sqlite3_stmt statement, string name, long value, sqlite3 handle) =>
        Check(raw.sqlite3_bind_int64(statement, raw.sqlite3_bind_parameter_index(statement, name), value), handle);

    /// <summary>Waits for a lock another connection holds as a Microsoft.Data.Sqlite command does: until the connection's
    /// timeout (<see cref="SqliteConnection.DefaultTimeout"/>, which EF Core's command timeout sets; 0 waits for ever), one
    /// deadline for the whole read, trying again after a pause that grows from 1 to 150 ms.</summary>
    private sealed class LockWait(SqliteConnection connection)
    {
        private readonly long deadline = connection.DefaultTimeout <= 0
            ? long.MaxValue
            : Stopwatch.GetTimestamp() + (connection.DefaultTimeout * Stopwatch.Frequency);
        private int pauseMs = 1;

        /// <summary>Whether <paramref name="rc"/> says a lock was busy and, after a pause, it is worth trying again.</summary>
        public bool Again(int rc, CancellationToken ct)
        {
            if ((rc & 0xff) is not (raw.SQLITE_BUSY or raw.SQLITE_LOCKED) || Stopwatch.GetTimestamp() >= deadline) return false;
            ct.ThrowIfCancellationRequested();
            Thread.Sleep(pauseMs);
            pauseMs = Math.Min(pauseMs * 2, 150);
            return true;
        }
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
                $"SELECT {i - first}, \"Start\", \"End\" FROM events WHERE \"CalendarId\" = {CalendarParameter}{i - first} AND \"Start\" < {ToParameter} AND \"End\" > {FromParameter} AND \"Transparent\" = {TransparentParameter}");
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

        public int Count => n;

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
