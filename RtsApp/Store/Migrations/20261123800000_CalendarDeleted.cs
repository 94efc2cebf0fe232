using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace RtsApp.Store.Migrations;

/// <summary>calendars.Deleted: a CalDAV calendar deleted on its server (see <see cref="Calendar.Deleted"/>).</summary>
[DbContext(typeof(RtsDbContext))]
[Migration("20261123800000_CalendarDeleted")]
public sealed class CalendarDeleted : Migration
{
    protected override void Up(MigrationBuilder m) => m.AddColumn<bool>("Deleted", "calendars", nullable: false, defaultValue: false);
}
