using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace RtsApp.Store.Migrations;

/// <summary>CalDAV connections (SPEC §13): a connection's user name and protected password, a calendar's collection URL
/// and sync state, and the object (href) each synced event came from. New nullable columns only: existing rows are
/// untouched.</summary>
[DbContext(typeof(RtsDbContext))]
[Migration("20261123300000_CalDavConnections")]
public sealed class CalDavConnections : Migration
{
    protected override void Up(MigrationBuilder m)
    {
        m.AddColumn<string>("Username", "calendar_connections", maxLength: 256, nullable: true);
        m.AddColumn<string>("PasswordProtected", "calendar_connections", maxLength: 4096, nullable: true);
        m.AddColumn<string>("RemoteUrl", "calendars", maxLength: 2048, nullable: true);
        m.AddColumn<string>("SyncState", "calendars", maxLength: StoreLimits.SyncStateMaxLength, nullable: true);
        m.AddColumn<string>("SourceHref", "events", maxLength: 1024, nullable: true);
        m.CreateIndex("IX_events_CalendarId_SourceHref", "events", ["CalendarId", "SourceHref"]);
    }
}
