using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace RtsApp.Store.Migrations;

/// <summary>When each connection was last read in full (calendar_connections.ExpandedAt, nullable: existing connections
/// are read in full at their next sync, which then stamps them).</summary>
[DbContext(typeof(RtsDbContext))]
[Migration("20261123700000_ConnectionExpandedAt")]
public sealed class ConnectionExpandedAt : Migration
{
    protected override void Up(MigrationBuilder m) => m.AddColumn<long>("ExpandedAt", "calendar_connections", nullable: true);
}
