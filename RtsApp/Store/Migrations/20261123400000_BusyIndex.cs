using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace RtsApp.Store.Migrations;

/// <summary>Events' time index also carries Transparent, so that reading busy time (calendar, start, end of opaque events
/// in a window) is answered from the index alone, without visiting each event's row. It keeps the old index's column
/// order, so the queries by calendar and time that used it still do.</summary>
[DbContext(typeof(RtsDbContext))]
[Migration("20261123400000_BusyIndex")]
public sealed class BusyIndex : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateIndex("IX_events_CalendarId_Start_End_Transparent", "events", ["CalendarId", "Start", "End", "Transparent"]);
        migrationBuilder.DropIndex("IX_events_CalendarId_Start_End", "events");
    }
}
