using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace RtsApp.Store.Migrations;

/// <summary>Links keep their validated spec and claim the event ids they book; events know the link that booked them.
/// Existing links get their spec and claims from their stored request at the next start (<c>LinkSpecUpgrade</c>), so a
/// link created before this version still opens and books.</summary>
[DbContext(typeof(RtsDbContext))]
[Migration("20261122100000_LinkSpecs")]
public sealed class LinkSpecs : Migration
{
    protected override void Up(MigrationBuilder m)
    {
        m.AddColumn<string>("SpecJson", "links", maxLength: 1024 * 1024, nullable: false, defaultValue: "");
        m.AddColumn<string>("LinkId", "events", maxLength: 256, nullable: true);
        m.CreateTable("link_event_claims", t => new
        {
            LinkId = t.Column<string>(maxLength: 256),
            ApplicationId = t.Column<string>(maxLength: 256),
            CalendarId = t.Column<string>(maxLength: 256),
            EventId = t.Column<string>(maxLength: 256),
        }, constraints: t =>
        {
            t.PrimaryKey("PK_link_event_claims", x => new { x.LinkId, x.CalendarId, x.EventId });
            t.ForeignKey("FK_link_event_claims_links_LinkId", x => x.LinkId, "links", "Id", onDelete: ReferentialAction.Cascade);
        });
        m.CreateIndex("IX_link_event_claims_ApplicationId_CalendarId_EventId", "link_event_claims", ["ApplicationId", "CalendarId", "EventId"]);
    }
}
