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
    /// <paramref name="to"/>), as one list per calendar in the order of the ids (empty when it has none).</summary>
    public static async Task<List<Interval>[]> ReadAsync(
        RtsDbContext db, IReadOnlyList<string> calendarIds, Instant from, Instant to, CancellationToken ct)
    {
        var busy = new List<Interval>[calendarIds.Count];
        for (var i = 0; i < busy.Length; i++) busy[i] = [];
        if (busy.Length == 0) return busy;
        var sqlite = db.Database.IsSqlite();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            for (var first = 0; first < busy.Length; first += CalendarsPerCommand)
            {
                await using var command = Command(db, calendarIds, first, Math.Min(busy.Length, first + CalendarsPerCommand), from, to);
                // Microsoft.Data.Sqlite's async path is synchronous underneath and costs extra per row (StoreSetup.ToListFastAsync).
                await using var reader = sqlite ? command.ExecuteReader() : await command.ExecuteReaderAsync(ct);
                while (sqlite ? reader.Read() : await reader.ReadAsync(ct))
                {
                    busy[first + reader.GetInt32(0)].Add(new Interval(
                        Instant.FromUnixTimeTicks(reader.GetInt64(1)), Instant.FromUnixTimeTicks(reader.GetInt64(2))));
                }
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
        return busy;
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
