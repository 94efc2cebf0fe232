using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using NodaTime;
using RtsApp.Store;
using RtsApp.Tests.Infrastructure;

namespace RtsApp.Tests.Store;

/// <summary>Runs on the provider of the test run (SQLite, or PostgreSQL in the Postgres pass of scripts/test.sh).</summary>
public sealed class SchemaTests : IDisposable
{
    private readonly List<TestDatabase> databases = [];

    private RtsDbContext Context()
    {
        var database = TestDatabase.Create();
        databases.Add(database);
        return database.Context();
    }

    /// <summary>Every table, column (type, length, nullability, key) and index, as the database describes it.</summary>
    private static List<string> Describe(RtsDbContext db)
    {
        var connection = db.Database.GetDbConnection();
        connection.Open();
        List<string> Rows(string sql, Func<DbDataReader, string> row)
        {
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            using var r = command.ExecuteReader();
            var rows = new List<string>();
            while (r.Read()) rows.Add(row(r));
            return rows;
        }

        if (db.Database.IsNpgsql())
        {
            // Tables whose names start with __EF are EF's own bookkeeping, present only in the migrated database.
            return
            [
                .. Rows("""
                    SELECT table_name, column_name, data_type, character_maximum_length, is_nullable, is_identity
                    FROM information_schema.columns
                    WHERE table_schema = 'public' AND table_name NOT LIKE '\_\_EF%' ORDER BY table_name, column_name
                    """, r => $"{r[0]}.{r[1]} {r[2]}({r[3]}) nullable={r[4]} identity={r[5]}"),
                .. Rows("""
                    SELECT tablename, indexdef FROM pg_indexes
                    WHERE schemaname = 'public' AND tablename NOT LIKE '\_\_EF%' ORDER BY tablename, indexname
                    """, r => $"{r[0]} {r[1]}"),
                .. Rows("""
                    SELECT t.relname, c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
                    WHERE c.connamespace = 'public'::regnamespace AND t.relname NOT LIKE '\_\_EF%' ORDER BY 1, 2
                    """, r => $"{r[0]} constraint {r[1]} {r[2]}"),
            ];
        }

        var rows = new List<string>();
        foreach (var table in Rows("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '__EF%' ORDER BY name", r => r.GetString(0)))
        {
            rows.AddRange(Rows($"SELECT name, type, \"notnull\", pk FROM pragma_table_info('{table}') ORDER BY name",
                r => $"{table}.{r.GetString(0)} {r.GetString(1)} notnull={r.GetInt64(2)} pk={r.GetInt64(3)}"));
            rows.AddRange(Rows($"SELECT il.name, il.\"unique\", group_concat(ii.name) FROM pragma_index_list('{table}') il JOIN pragma_index_info(il.name) ii GROUP BY il.name ORDER BY il.name",
                r => $"{table} index {r.GetString(0)} unique={r.GetInt64(1)} ({r.GetString(2)})"));
            rows.AddRange(Rows($"SELECT \"table\", \"from\", \"to\", on_delete FROM pragma_foreign_key_list('{table}') ORDER BY \"from\"",
                r => $"{table} fk {r.GetString(1)} -> {r.GetString(0)}.{r.GetString(2)} {r.GetString(3)}"));
        }
        return rows;
    }

    [Fact]
    public void Migrations_MatchTheModel()
    {
        using var migrated = Context();
        migrated.Database.Migrate();
        using var created = Context();
        created.Database.EnsureCreated();
        var fromMigrations = Describe(migrated);
        fromMigrations.ShouldNotBeEmpty();
        fromMigrations.ShouldBe(Describe(created));
    }

    [Fact]
    public void Upgrade_FromEachPreviousMigration_KeepsRows()
    {
        using var db = Context();
        var migrations = db.GetService<IMigrationsAssembly>().Migrations.Keys.OrderBy(k => k).ToList();
        var migrator = db.GetService<IMigrator>();
        migrator.Migrate(migrations[0]);
        // Quoted names and TRUE/FALSE: the same statements on SQLite and PostgreSQL.
        db.Database.ExecuteSqlRaw("""
            INSERT INTO "applications" ("Id", "Name", "ClientId", "SecretHash", "SecretProtected", "CreatedAt") VALUES ('app_1', 'Kept', 'ci_1', 'h1', 'p1', 0);
            INSERT INTO "accounts" ("Id", "ApplicationId", "Name", "Tzid", "AccessTokenHash", "CreatedAt") VALUES ('acc_1', 'app_1', 'Ann', 'Europe/London', 'th1', 0);
            INSERT INTO "calendars" ("Id", "ApplicationId", "AccountId", "Name", "IsPrimary", "CreatedAt") VALUES ('cal_1', 'app_1', 'acc_1', 'Work', TRUE, 0);
            INSERT INTO "events" ("Id", "ApplicationId", "CalendarId", "EventId", "Summary", "Start", "End", "Tzid", "Transparent", "CreatedAt", "UpdatedAt")
              VALUES ('evt_1', 'app_1', 'cal_1', 'e1', 'Kept event', 17745840000000000, 17745876000000000, 'Etc/UTC', FALSE, 0, 0);
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

    [Fact]
    public void Upgrade_ToSignInThrottles_KeepsTheAdminPassword()
    {
        using var db = Context();
        var migrator = db.GetService<IMigrator>();
        migrator.Migrate("20261122000000_AdminCredentials");
        db.Database.ExecuteSqlRaw("""
            INSERT INTO "admin_credentials" ("Id", "PasswordHash", "FailedAttempts", "LockedUntil", "UpdatedAt") VALUES ('admin', 'kept-hash', 3, NULL, 0);
            """);
        migrator.Migrate();
        db.AdminCredentials.Single().PasswordHash.ShouldBe("kept-hash");
        db.ThrottleWindows.ShouldBeEmpty();
    }

    [Fact]
    public void Upgrade_ToNoTimesSuitableAt_MarksTheLinksWhoseCallbackWasQueued()
    {
        using var db = Context();
        var migrator = db.GetService<IMigrator>();
        migrator.Migrate("20261124000000_AdminSignedOut");
        db.Database.ExecuteSqlRaw("""
            INSERT INTO "applications" ("Id", "Name", "ClientId", "SecretHash", "SecretProtected", "CreatedAt") VALUES ('app_1', 'Kept', 'ci_1', 'h1', 'p1', 0);
            INSERT INTO "links" ("Id", "ApplicationId", "Kind", "TokenHash", "TokenProtected", "Status", "EventId", "Summary", "DisplayTzid", "RequestJson", "ExpiresAt", "CreatedAt")
              VALUES ('sch_1', 'app_1', 'scheduling', 't1', 'p1', 'open', 'e1', 'S', 'Etc/UTC', 'x', 0, 0),
                     ('sch_2', 'app_1', 'scheduling', 't2', 'p2', 'open', 'e2', 'S', 'Etc/UTC', 'x', 0, 0);
            INSERT INTO "callback_deliveries" ("Id", "ApplicationId", "LinkId", "Kind", "Url", "Payload", "Status", "Attempts", "NextAttemptAt", "CreatedAt")
              VALUES ('cb_1', 'app_1', 'sch_1', 'no_times_suitable', 'https://a.example/', 'x', 'delivered', 1, 0, 70),
                     ('cb_2', 'app_1', 'sch_1', 'no_times_suitable', 'https://a.example/', 'x', 'delivered', 1, 0, 50),
                     ('cb_3', 'app_1', 'sch_2', 'no_times_displayed', 'https://a.example/', 'x', 'delivered', 1, 0, 60);
            """);
        migrator.Migrate();
        db.Links.OrderBy(l => l.Id).Select(l => l.NoTimesSuitableAt).ToList().ShouldBe([Instant.FromUnixTimeTicks(50), null]);
    }

    public void Dispose()
    {
        foreach (var database in databases) database.Dispose();
    }
}
