using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace RtsApp.Store.Migrations;

/// <summary>Scheduling links, the callback outbox, and the per-account booking version used to serialize bookings.</summary>
[DbContext(typeof(RtsDbContext))]
[Migration("20261121010000_LinksAndCallbacks")]
public sealed class LinksAndCallbacks : Migration
{
    protected override void Up(MigrationBuilder m)
    {
        m.AddColumn<long>("BookingVersion", "accounts", nullable: false, defaultValue: 0L);

        m.CreateTable("links", t => new
        {
            Id = t.Column<string>(maxLength: 256),
            ApplicationId = t.Column<string>(maxLength: 256),
            Kind = t.Column<string>(maxLength: 256),
            TokenHash = t.Column<string>(maxLength: 256),
            TokenProtected = t.Column<string>(maxLength: 1024),
            Status = t.Column<string>(maxLength: 256),
            EventId = t.Column<string>(maxLength: 256),
            Summary = t.Column<string>(maxLength: 1024),
            DisplayTzid = t.Column<string>(maxLength: 256),
            RequestJson = t.Column<string>(maxLength: 1024 * 1024),
            ExpiresAt = t.Column<long>(),
            DisplayMessage = t.Column<string>(maxLength: 500, nullable: true),
            ChosenJson = t.Column<string>(maxLength: 65536, nullable: true),
            ChosenStart = t.Column<long>(nullable: true),
            ChosenEnd = t.Column<long>(nullable: true),
            CompletedAt = t.Column<long>(nullable: true),
            DisabledAt = t.Column<long>(nullable: true),
            NoTimesDisplayedAt = t.Column<long>(nullable: true),
            CreatedAt = t.Column<long>(),
        }, constraints: t =>
        {
            t.PrimaryKey("PK_links", x => x.Id);
            t.ForeignKey("FK_links_applications_ApplicationId", x => x.ApplicationId, "applications", "Id", onDelete: ReferentialAction.Cascade);
        });
        m.CreateIndex("IX_links_TokenHash", "links", "TokenHash", unique: true);
        m.CreateIndex("IX_links_ApplicationId_CreatedAt", "links", ["ApplicationId", "CreatedAt"]);
        m.CreateIndex("IX_links_Status_CreatedAt", "links", ["Status", "CreatedAt"]);

        m.CreateTable("callback_deliveries", t => new
        {
            Id = t.Column<string>(maxLength: 256),
            ApplicationId = t.Column<string>(maxLength: 256),
            LinkId = t.Column<string>(maxLength: 256, nullable: true),
            Kind = t.Column<string>(maxLength: 256),
            Url = t.Column<string>(maxLength: 2048),
            Payload = t.Column<string>(maxLength: 1024 * 1024),
            Status = t.Column<string>(maxLength: 256),
            Attempts = t.Column<int>(),
            NextAttemptAt = t.Column<long>(),
            LastAttemptAt = t.Column<long>(nullable: true),
            LastStatusCode = t.Column<int>(nullable: true),
            LastError = t.Column<string>(maxLength: 1024, nullable: true),
            LeaseUntil = t.Column<long>(nullable: true),
            LeaseOwner = t.Column<string>(maxLength: 256, nullable: true),
            CreatedAt = t.Column<long>(),
            DeliveredAt = t.Column<long>(nullable: true),
        }, constraints: t =>
        {
            t.PrimaryKey("PK_callback_deliveries", x => x.Id);
            t.ForeignKey("FK_callback_deliveries_applications_ApplicationId", x => x.ApplicationId, "applications", "Id", onDelete: ReferentialAction.Cascade);
        });
        m.CreateIndex("IX_callback_deliveries_Status_NextAttemptAt", "callback_deliveries", ["Status", "NextAttemptAt"]);
        m.CreateIndex("IX_callback_deliveries_LinkId", "callback_deliveries", "LinkId");
        m.CreateIndex("IX_callback_deliveries_ApplicationId_CreatedAt", "callback_deliveries", ["ApplicationId", "CreatedAt"]);
    }
}
