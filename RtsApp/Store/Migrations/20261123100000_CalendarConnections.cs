using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace RtsApp.Store.Migrations;

/// <summary>Calendar connections (SPEC §13): the connections, the calendars they bring (read-only for ICS feeds), and
/// which events a sync brought in. Existing calendars stay this service's own and writable; existing events stay
/// ordinary events.</summary>
[DbContext(typeof(RtsDbContext))]
[Migration("20261123100000_CalendarConnections")]
public sealed class CalendarConnections : Migration
{
    protected override void Up(MigrationBuilder m)
    {
        m.CreateTable("calendar_connections", t => new
        {
            Id = t.Column<string>(maxLength: 256),
            ApplicationId = t.Column<string>(maxLength: 256),
            AccountId = t.Column<string>(maxLength: 256),
            Provider = t.Column<string>(maxLength: 256),
            Url = t.Column<string>(maxLength: 2048),
            Status = t.Column<string>(maxLength: 256),
            Error = t.Column<string>(maxLength: 1024, nullable: true),
            LastSyncedAt = t.Column<long>(nullable: true),
            SkippedObjects = t.Column<int>(),
            Failures = t.Column<int>(),
            ETag = t.Column<string>(maxLength: 1024, nullable: true),
            LastModified = t.Column<string>(maxLength: 256, nullable: true),
            NextSyncAt = t.Column<long>(),
            LeaseUntil = t.Column<long>(nullable: true),
            LeaseOwner = t.Column<string>(maxLength: 256, nullable: true),
            CreatedAt = t.Column<long>(),
        }, constraints: t =>
        {
            t.PrimaryKey("PK_calendar_connections", x => x.Id);
            t.ForeignKey("FK_calendar_connections_accounts_AccountId", x => x.AccountId, "accounts", "Id", onDelete: ReferentialAction.Cascade);
        });
        m.CreateIndex("IX_calendar_connections_AccountId", "calendar_connections", "AccountId");
        m.CreateIndex("IX_calendar_connections_ApplicationId_AccountId", "calendar_connections", ["ApplicationId", "AccountId"]);
        m.CreateIndex("IX_calendar_connections_NextSyncAt", "calendar_connections", "NextSyncAt");

        m.AddColumn<string>("ConnectionId", "calendars", maxLength: 256, nullable: true);
        m.AddColumn<bool>("ReadOnly", "calendars", nullable: false, defaultValue: false);
        m.CreateIndex("IX_calendars_ConnectionId", "calendars", "ConnectionId");
        m.AddColumn<string>("SourceUid", "events", maxLength: 1024, nullable: true);
    }
}
