using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace RtsApp.Store.Migrations;

/// <summary>calendars.BusyVersion, kept by triggers on events: every insert, update or delete of an event, through any
/// path (EF, bulk deletes, cascades, another process, an operator's SQL), adds one to its calendar's version in the same
/// transaction. Availability caches a calendar's busy time under that version and re-reads it when the version moved
/// (BusyTimeCache). SQLite has only row triggers; PostgreSQL gets statement triggers over transition tables, so a sync
/// that writes thousands of events updates each calendar row once per statement.</summary>
[DbContext(typeof(RtsDbContext))]
[Migration("20261123600000_BusyVersions")]
public sealed class BusyVersions : Migration
{
    protected override void Up(MigrationBuilder m)
    {
        m.AddColumn<long>("BusyVersion", "calendars", nullable: false, defaultValue: 0L);
        if (m.IsSqlite())
        {
            foreach (var (name, when, ids) in new[]
                     {
                         ("insert", "INSERT", "NEW.\"CalendarId\""),
                         ("delete", "DELETE", "OLD.\"CalendarId\""),
                         ("update", "UPDATE", "OLD.\"CalendarId\", NEW.\"CalendarId\""),
                     })
                m.Sql($"CREATE TRIGGER events_busy_{name} AFTER {when} ON events BEGIN " +
                      $"UPDATE calendars SET \"BusyVersion\" = \"BusyVersion\" + 1 WHERE \"Id\" IN ({ids}); END;");
            return;
        }
        foreach (var (name, when, tables, ids) in new[]
                 {
                     ("insert", "INSERT", "NEW TABLE AS changed", "SELECT \"CalendarId\" FROM changed"),
                     ("delete", "DELETE", "OLD TABLE AS changed", "SELECT \"CalendarId\" FROM changed"),
                     ("update", "UPDATE", "OLD TABLE AS before NEW TABLE AS changed",
                      "SELECT \"CalendarId\" FROM before UNION SELECT \"CalendarId\" FROM changed"),
                 })
        {
            m.Sql($"""
                CREATE FUNCTION events_busy_{name}() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    UPDATE calendars SET "BusyVersion" = "BusyVersion" + 1 WHERE "Id" IN ({ids});
                    RETURN NULL;
                END $$;
                CREATE TRIGGER events_busy_{name} AFTER {when} ON events REFERENCING {tables}
                    FOR EACH STATEMENT EXECUTE FUNCTION events_busy_{name}();
                """);
        }
    }
}
