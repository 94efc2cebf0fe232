using System.Buffers;
using System.Data.Common;
using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using NodaTime;
using RtsApp.Store;

namespace RtsApp.Features.Availability;

/// <summary>Reads the busy time of calendars straight from the events index: the hot read of every availability question,
/// so it skips what EF Core adds per row (a materialized projection, value converters, a shaper) and what a calendar id
/// column would cost (a string per row). Everything else about events stays with EF Core.</summary>
internal static class BusyTimeReader
{
    /// <summary>SQLite allows 500 terms in a compound SELECT; one command answers this many calendars.</summary>
    private const int CalendarsPerCommand = 100;

    /// <summary>The opaque events of <paramref name="calendarIds"/> overlapping [<paramref name="from"/>,
    /// <paramref name="to"/>), as one array per calendar in the order of the ids (empty when it has none).</summary>
    public static async Task<Interval[][]> ReadAsync(
        RtsDbContext db, IReadOnlyList<string> calendarIds, Instant from, Instant to, CancellationToken ct)
    {
        // Rows go to a pooled buffer first, so that each calendar's array is allocated once at its exact size.
        var counts = new int[calendarIds.Count];
        var rows = ArrayPool<(int Calendar, Interval Busy)>.Shared.Rent(1024);
        var n = 0;
        try
        {
            if (counts.Length > 0)
            {
                var sqlite = db.Database.IsSqlite();
                await db.Database.OpenConnectionAsync(ct);
                try
                {
                    for (var first = 0; first < counts.Length; first += CalendarsPerCommand)
                    {
                        await using var command = Command(db, calendarIds, first, Math.Min(counts.Length, first + CalendarsPerCommand), from, to);
                        // Microsoft.Data.Sqlite's async path is synchronous underneath and costs extra per row (StoreSetup.ToListFastAsync).
                        await using var reader = sqlite ? command.ExecuteReader() : await command.ExecuteReaderAsync(ct);
                        while (sqlite ? reader.Read() : await reader.ReadAsync(ct))
                        {
                            if (n == rows.Length)
                            {
                                var larger = ArrayPool<(int, Interval)>.Shared.Rent(rows.Length * 2);
                                rows.AsSpan().CopyTo(larger);
                                ArrayPool<(int, Interval)>.Shared.Return(rows);
                                rows = larger;
                            }
                            var calendar = first + reader.GetInt32(0);
                            counts[calendar]++;
                            rows[n++] = (calendar, new Interval(
                                Instant.FromUnixTimeTicks(reader.GetInt64(1)), Instant.FromUnixTimeTicks(reader.GetInt64(2))));
                        }
                    }
                }
                finally
                {
                    await db.Database.CloseConnectionAsync();
                }
            }
            var busy = new Interval[counts.Length][];
            for (var i = 0; i < busy.Length; i++) busy[i] = counts[i] == 0 ? [] : new Interval[counts[i]];
            Array.Clear(counts);
            foreach (var (calendar, interval) in rows.AsSpan(0, n)) busy[calendar][counts[calendar]++] = interval;
            return busy;
        }
        finally
        {
            ArrayPool<(int, Interval)>.Shared.Return(rows);
        }
    }

    /// <summary>One branch per calendar, tagged with its position, each an index range scan of
    /// IX_events_CalendarId_Start_End_Transparent that never reads the table. The columns and the ticks are those of
    /// <see cref="RtsDbContext"/> and <see cref="NodaTimeConverters"/>.</summary>
    private static DbCommand Command(RtsDbContext db, IReadOnlyList<string> calendarIds, int first, int end, Instant from, Instant to)
    {
        var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        var sql = new StringBuilder();
        for (var i = first; i < end; i++)
        {
            if (i > first) sql.Append(" UNION ALL ");
            sql.Append(CultureInfo.InvariantCulture,
                $"SELECT {i - first}, \"Start\", \"End\" FROM events WHERE \"CalendarId\" = @c{i - first} AND \"Start\" < @to AND \"End\" > @from AND \"Transparent\" = @transparent");
            Add(command, $"@c{i - first}", calendarIds[i]);
        }
        command.CommandText = sql.ToString();
        Add(command, "@from", from.ToUnixTimeTicks());
        Add(command, "@to", to.ToUnixTimeTicks());
        Add(command, "@transparent", false);
        return command;
    }

    private static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
