using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using RtsApp.Features.Calendars;

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

        m.CreateTable("caldav_write_backs", t => new
        {
            Id = t.Column<string>(maxLength: 256),
            ApplicationId = t.Column<string>(maxLength: 256),
            LinkId = t.Column<string>(maxLength: 256),
            CalendarId = t.Column<string>(maxLength: 256),
            EventId = t.Column<string>(maxLength: EventFields.EventIdMaxLength),
            Uid = t.Column<string>(maxLength: 1024),
            IcsText = t.Column<string>(maxLength: StoreLimits.WriteBackIcsMaxLength),
            Status = t.Column<string>(maxLength: 256),
            Attempts = t.Column<int>(),
            LastError = t.Column<string>(maxLength: 1024, nullable: true),
            Href = t.Column<string>(maxLength: 1024, nullable: true),
            NextAttemptAt = t.Column<long>(),
            DeliveredAt = t.Column<long>(nullable: true),
            LeaseUntil = t.Column<long>(nullable: true),
            LeaseOwner = t.Column<string>(maxLength: 256, nullable: true),
            CreatedAt = t.Column<long>(),
        }, constraints: t => t.PrimaryKey("PK_caldav_write_backs", x => x.Id));
        m.CreateIndex("IX_caldav_write_backs_LinkId_CalendarId_EventId", "caldav_write_backs", ["LinkId", "CalendarId", "EventId"], unique: true);
        m.CreateIndex("IX_caldav_write_backs_Status_NextAttemptAt", "caldav_write_backs", ["Status", "NextAttemptAt"]);
    }
}
