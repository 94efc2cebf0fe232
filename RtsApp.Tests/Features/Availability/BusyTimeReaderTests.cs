using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using NodaTime;
using RtsApp.Features.Availability;
using RtsApp.Store;
using RtsApp.Tests.Infrastructure;

namespace RtsApp.Tests.Features.Availability;

/// <summary>The busy-time read that availability does when its cache misses: its hand-written SQL (and, on SQLite, its
/// own statement loop) against EF Core's query of the same events, on random calendars, events and windows.</summary>
public sealed class BusyTimeReaderTests : IDisposable
{
    private readonly TestDatabase database = TestDatabase.Create();
    private static readonly Instant Origin = Instant.FromUtc(2027, 3, 1, 0, 0);

    private async Task<string[]> SeedAsync(int calendars, int eventsPerCalendar, int seed)
    {
        var rng = new Random(seed);
        await using var db = database.Context();
        await db.Database.MigrateAsync();
        db.Applications.Add(new ApiApplication { Id = "app", Name = "test", ClientId = "c", SecretHash = "h", SecretProtected = "p" });
        db.Accounts.Add(new Account { Id = "acc", ApplicationId = "app", Name = "Member", Tzid = "Etc/UTC", AccessTokenHash = "t" });
        var ids = Enumerable.Range(0, calendars).Select(c => $"cal_{c:D3}").ToArray();
        foreach (var id in ids)
        {
            db.Calendars.Add(new RtsApp.Store.Calendar { Id = id, ApplicationId = "app", AccountId = "acc", Name = id });
            for (var e = 0; e < eventsPerCalendar; e++)
            {
                // On a 15-minute grid over ten days, so that events often start or end exactly on a window's edge.
                var start = Origin + Duration.FromMinutes(15 * rng.Next(0, 10 * 96));
                db.Events.Add(new CalendarEvent
                {
                    Id = $"{id}_{e}",
                    ApplicationId = "app",
                    CalendarId = id,
                    EventId = $"e{e}",
                    Summary = "Busy",
                    Start = start,
                    End = start + Duration.FromMinutes(15 * rng.Next(0, 9)), // zero-length ones too
                    Tzid = "Etc/UTC",
                    Transparent = rng.Next(5) == 0,
                });
            }
        }
        await db.SaveChangesAsync();
        return ids;
    }

    private static async Task<List<Interval>[]> ExpectedAsync(RtsDbContext db, IReadOnlyList<string> ids, Instant from, Instant to)
    {
        var events = await db.Events.AsNoTracking()
            .Where(e => ids.Contains(e.CalendarId) && e.Start < to && e.End > from && !e.Transparent)
            .Select(e => new { e.CalendarId, e.Start, e.End }).ToListAsync();
        return ids.Select(id => events.Where(e => e.CalendarId == id).Select(e => new Interval(e.Start, e.End)).ToList()).ToArray();
    }

    private static void ShouldMatch(Interval[][] read, List<Interval>[] expected, string what)
    {
        read.Length.ShouldBe(expected.Length, what);
        for (var i = 0; i < read.Length; i++)
            read[i].OrderBy(b => b.Start).ThenBy(b => b.End).ShouldBe(expected[i].OrderBy(b => b.Start).ThenBy(b => b.End), $"{what}, calendar {i}");
    }

    [Fact]
    public async Task ReadsExactlyTheOpaqueEventsOverlappingTheWindow_PerCalendarInTheOrderAsked()
    {
        // 130 calendars: more than one command's worth (100), so the second command's positions are checked too.
        var ids = await SeedAsync(calendars: 130, eventsPerCalendar: 12, seed: 1);
        var rng = new Random(2);
        await using var db = database.Context();
        for (var round = 0; round < 40; round++)
        {
            var asked = ids.OrderBy(_ => rng.Next()).Take(rng.Next(1, ids.Length + 1)).Append("cal_unknown").ToArray();
            var from = Origin + Duration.FromMinutes(15 * rng.Next(-96, 10 * 96));
            var to = from + Duration.FromMinutes(15 * rng.Next(1, 4 * 96));
            var read = await BusyTimeReader.ReadAsync(db, asked, from, to, CancellationToken.None);
            ShouldMatch(read, await ExpectedAsync(db, asked, from, to), $"round {round}: {asked.Length} calendars, {from}–{to}");
            read[^1].ShouldBeEmpty("a calendar without events");
        }
        (await BusyTimeReader.ReadAsync(db, [], Origin, Origin + Duration.FromDays(1), CancellationToken.None)).ShouldBeEmpty();
    }

    [Fact]
    public async Task InsideATransaction_SeesItsOwnUncommittedEvents()
    {
        var ids = await SeedAsync(calendars: 2, eventsPerCalendar: 3, seed: 3);
        await using var db = database.Context();
        await using var tx = await db.Database.BeginTransactionAsync();
        db.Events.Add(new CalendarEvent
        {
            Id = "new",
            ApplicationId = "app",
            CalendarId = ids[1],
            EventId = "new",
            Summary = "Busy",
            Tzid = "Etc/UTC",
            Start = Origin + Duration.FromDays(20),
            End = Origin + Duration.FromDays(20) + Duration.FromHours(1),
        });
        await db.SaveChangesAsync();

        var read = await BusyTimeReader.ReadAsync(db, ids, Origin + Duration.FromDays(19), Origin + Duration.FromDays(21), CancellationToken.None);

        read[0].ShouldBeEmpty();
        read[1].ShouldBe([new Interval(Origin + Duration.FromDays(20), Origin + Duration.FromDays(20) + Duration.FromHours(1))]);
    }

    [SqliteFact] // the wait is SQLite's statement loop; PostgreSQL readers are never blocked by a writer
    public async Task OnSqlite_WaitsForALockNeededToReadTheSchema_ThenReads()
    {
        var ids = await SeedAsync(calendars: 3, eventsPerCalendar: 20, seed: 4);
        SqliteConnection.ClearAllPools(); // no other connection may have the file open while the holder takes it

        // Under WAL, a connection in exclusive locking mode keeps every other one out until it closes; a fresh reader
        // meets it when preparing, which reads the schema.
        using var holder = Unpooled();
        Execute(holder, "PRAGMA locking_mode=EXCLUSIVE; BEGIN EXCLUSIVE; SELECT count(*) FROM events; COMMIT;");
        await using var db = database.Context();

        await ShouldWaitForAsync(holder, db, ids);
    }

    [SqliteFact]
    public async Task OnSqlite_WaitsForAWriterHoldingReadersOut_ThenReads()
    {
        var ids = await SeedAsync(calendars: 3, eventsPerCalendar: 20, seed: 5);
        SqliteConnection.ClearAllPools();
        using (var connection = Unpooled()) Execute(connection, "PRAGMA journal_mode=DELETE;");
        // Outside WAL a writer's exclusive lock keeps readers out. The reader's connection has read the schema already,
        // so it meets the lock at its first step.
        await using var db = database.Context();
        await db.Database.OpenConnectionAsync();
        await BusyTimeReader.ReadAsync(db, ids, Origin, Origin + Duration.FromDays(1), CancellationToken.None);
        using var holder = Unpooled();
        Execute(holder, "BEGIN EXCLUSIVE;");

        await ShouldWaitForAsync(holder, db, ids);
    }

    [SqliteFact]
    public async Task TheRowLoopCalls_TheLibraryThatPreparedTheStatement()
    {
        await using var db = database.Context();
        await db.Database.OpenConnectionAsync(); // SQLitePCL.raw's provider is set up by the first connection

        // BusyTimeReader.Native passes statements that SQLitePCL.raw prepared to "e_sqlite3" directly: another provider
        // (another SQLitePCLRaw bundle) would hand it statements of another library.
        SQLitePCL.raw.GetNativeLibraryName().ShouldBe("e_sqlite3");
    }

    private SqliteConnection Unpooled()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder(database.ConnectionString) { Pooling = false }.ConnectionString);
        connection.Open();
        return connection;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteScalar();
    }

    /// <summary>Reads while <paramref name="holder"/> keeps the database locked, then closes it: the read waits, then
    /// answers as if nothing had happened.</summary>
    private static async Task ShouldWaitForAsync(SqliteConnection holder, RtsDbContext db, string[] ids)
    {
        var reading = Task.Run(() => BusyTimeReader.ReadAsync(db, ids, Origin, Origin + Duration.FromDays(10), CancellationToken.None));
        await Task.WhenAny(reading, Task.Delay(300));
        reading.IsCompleted.ShouldBeFalse("the read waits while the other connection holds the database");
        holder.Dispose();

        var read = await reading.WaitAsync(TimeSpan.FromSeconds(15));
        ShouldMatch(read, await ExpectedAsync(db, ids, Origin, Origin + Duration.FromDays(10)), "after the lock was released");
    }

    public void Dispose() => database.Dispose();
}
