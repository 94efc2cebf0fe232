using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace RtsApp.Store.Migrations;

/// <summary>links.NoTimesSuitableAt: when the person first said none of the times work, the mark that queues that
/// callback once (see <see cref="SchedulingLink.NoTimesSuitableAt"/>). Links whose callback was already queued get the
/// time it was.</summary>
[DbContext(typeof(RtsDbContext))]
[Migration("20261124100000_NoTimesSuitableAt")]
public sealed class NoTimesSuitableAt : Migration
{
    protected override void Up(MigrationBuilder m)
    {
        m.AddColumn<long>("NoTimesSuitableAt", "links", nullable: true);
        m.Sql("""
            UPDATE links SET "NoTimesSuitableAt" = (SELECT MIN(d."CreatedAt") FROM callback_deliveries d
                WHERE d."LinkId" = links."Id" AND d."Kind" = 'no_times_suitable')
            WHERE EXISTS (SELECT 1 FROM callback_deliveries d WHERE d."LinkId" = links."Id" AND d."Kind" = 'no_times_suitable')
            """);
    }
}
