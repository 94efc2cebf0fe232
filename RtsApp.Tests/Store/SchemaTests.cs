using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using NodaTime;
using RtsApp.Store;

namespace RtsApp.Tests.Store;

public sealed class SchemaTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("rts-schema-").FullName;

    private RtsDbContext Context(string file) => new(new DbContextOptionsBuilder<RtsDbContext>()
        .UseSqlite($"Data Source={Path.Combine(folder, file)}")
        .ConfigureWarnings(w => w.Ignore(Microsoft.EntityFrameworkCore.Diagnostics.RelationalEventId.PendingModelChangesWarning))
        .Options);

    /// <summary>Every table, column (type, nullability, key) and index, as SQLite describes it.</summary>
    private static List<string> Describe(RtsDbContext db)
    {
        var connection = db.Database.GetDbConnection();
        connection.Open();
        var rows = new List<string>();
        using var tables = connection.CreateCommand();
        tables.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '__EF%' ORDER BY name";
        var names = new List<string>();
        using (var r = tables.ExecuteReader()) while (r.Read()) names.Add(r.GetString(0));
        foreach (var table in names)
        {
            using var columns = connection.CreateCommand();
            columns.CommandText = $"SELECT name, type, \"notnull\", pk FROM pragma_table_info('{table}') ORDER BY name";
            using (var r = columns.ExecuteReader()) while (r.Read()) rows.Add($"{table}.{r.GetString(0)} {r.GetString(1)} notnull={r.GetInt64(2)} pk={r.GetInt64(3)}");
            using var indexes = connection.CreateCommand();
            indexes.CommandText = $"SELECT il.name, il.\"unique\", group_concat(ii.name) FROM pragma_index_list('{table}') il JOIN pragma_index_info(il.name) ii GROUP BY il.name ORDER BY il.name";
            using (var r = indexes.ExecuteReader()) while (r.Read()) rows.Add($"{table} index {r.GetString(0)} unique={r.GetInt64(1)} ({r.GetString(2)})");
            using var fks = connection.CreateCommand();
            fks.CommandText = $"SELECT \"table\", \"from\", \"to\", on_delete FROM pragma_foreign_key_list('{table}') ORDER BY \"from\"";
            using (var r = fks.ExecuteReader()) while (r.Read()) rows.Add($"{table} fk {r.GetString(1)} -> {r.GetString(0)}.{r.GetString(2)} {r.GetString(3)}");
        }
        return rows;
    }

    [Fact]
    public void Migrations_MatchTheModel()
    {
        using var migrated = Context("migrated.db");
        migrated.Database.Migrate();
        using var created = Context("created.db");
        created.Database.EnsureCreated();
        var fromMigrations = Describe(migrated);
        fromMigrations.ShouldNotBeEmpty();
        fromMigrations.ShouldBe(Describe(created));
    }

    [Fact]
    public void Upgrade_FromEachPreviousMigration_KeepsRows()
    {
        using var db = Context("upgrade.db");
        var migrations = db.GetService<IMigrationsAssembly>().Migrations.Keys.OrderBy(k => k).ToList();
        var migrator = db.GetService<IMigrator>();
        migrator.Migrate(migrations[0]);
        db.Database.ExecuteSqlRaw("""
            INSERT INTO applications (Id, Name, ClientId, SecretHash, SecretProtected, CreatedAt) VALUES ('app_1', 'Kept', 'ci_1', 'h1', 'p1', 0);
            INSERT INTO accounts (Id, ApplicationId, Name, Tzid, AccessTokenHash, CreatedAt) VALUES ('acc_1', 'app_1', 'Ann', 'Europe/London', 'th1', 0);
            INSERT INTO calendars (Id, ApplicationId, AccountId, Name, IsPrimary, CreatedAt) VALUES ('cal_1', 'app_1', 'acc_1', 'Work', 1, 0);
            INSERT INTO events (Id, ApplicationId, CalendarId, EventId, Summary, Start, "End", Tzid, Transparent, CreatedAt, UpdatedAt)
              VALUES ('evt_1', 'app_1', 'cal_1', 'e1', 'Kept event', 17745840000000000, 17745876000000000, 'Etc/UTC', 0, 0, 0);
            """);
        migrator.Migrate();
        db.Database.GetAppliedMigrations().ShouldBe(migrations);
        db.Applications.Single().Name.ShouldBe("Kept");
        db.Accounts.Single().Tzid.ShouldBe("Europe/London");
        db.Accounts.Single().BookingVersion.ShouldBe(0);
        var ev = db.Events.Single();
        ev.Summary.ShouldBe("Kept event");
        ev.Start.ShouldBe(Instant.FromUnixTimeTicks(17745840000000000));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
    }
}
