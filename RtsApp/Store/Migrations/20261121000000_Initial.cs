using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace RtsApp.Store.Migrations;

/// <summary>Hand-written (the EF design-time tools are not available here). Column types are left to the provider
/// so that the same migration applies to SQLite and PostgreSQL; <c>SchemaTests</c> proves it matches the model.</summary>
[DbContext(typeof(RtsDbContext))]
[Migration("20261121000000_Initial")]
public sealed class Initial : Migration
{
    protected override void Up(MigrationBuilder m)
    {
        m.CreateTable("applications", t => new
        {
            Id = t.Column<string>(maxLength: 256),
            Name = t.Column<string>(maxLength: 256),
            ClientId = t.Column<string>(maxLength: 256),
            SecretHash = t.Column<string>(maxLength: 256),
            SecretProtected = t.Column<string>(maxLength: 1024),
            PreviousSecretHash = t.Column<string>(maxLength: 256, nullable: true),
            PreviousSecretProtected = t.Column<string>(maxLength: 1024, nullable: true),
            PreviousSecretExpiresAt = t.Column<long>(nullable: true),
            CreatedAt = t.Column<long>(),
        }, constraints: t => t.PrimaryKey("PK_applications", x => x.Id));
        m.CreateIndex("IX_applications_ClientId", "applications", "ClientId", unique: true);
        m.CreateIndex("IX_applications_SecretHash", "applications", "SecretHash", unique: true);
        m.CreateIndex("IX_applications_PreviousSecretHash", "applications", "PreviousSecretHash");

        m.CreateTable("accounts", t => new
        {
            Id = t.Column<string>(maxLength: 256),
            ApplicationId = t.Column<string>(maxLength: 256),
            Name = t.Column<string>(maxLength: 256),
            Email = t.Column<string>(maxLength: 256, nullable: true),
            Tzid = t.Column<string>(maxLength: 256),
            AccessTokenHash = t.Column<string>(maxLength: 256),
            CreatedAt = t.Column<long>(),
        }, constraints: t =>
        {
            t.PrimaryKey("PK_accounts", x => x.Id);
            t.ForeignKey("FK_accounts_applications_ApplicationId", x => x.ApplicationId, "applications", "Id", onDelete: ReferentialAction.Cascade);
        });
        m.CreateIndex("IX_accounts_AccessTokenHash", "accounts", "AccessTokenHash", unique: true);
        m.CreateIndex("IX_accounts_ApplicationId_CreatedAt", "accounts", ["ApplicationId", "CreatedAt"]);

        m.CreateTable("calendars", t => new
        {
            Id = t.Column<string>(maxLength: 256),
            ApplicationId = t.Column<string>(maxLength: 256),
            AccountId = t.Column<string>(maxLength: 256),
            Name = t.Column<string>(maxLength: 256),
            IsPrimary = t.Column<bool>(),
            CreatedAt = t.Column<long>(),
        }, constraints: t =>
        {
            t.PrimaryKey("PK_calendars", x => x.Id);
            t.ForeignKey("FK_calendars_accounts_AccountId", x => x.AccountId, "accounts", "Id", onDelete: ReferentialAction.Cascade);
        });
        m.CreateIndex("IX_calendars_AccountId", "calendars", "AccountId");
        m.CreateIndex("IX_calendars_ApplicationId_AccountId", "calendars", ["ApplicationId", "AccountId"]);

        m.CreateTable("events", t => new
        {
            Id = t.Column<string>(maxLength: 256),
            ApplicationId = t.Column<string>(maxLength: 256),
            CalendarId = t.Column<string>(maxLength: 256),
            EventId = t.Column<string>(maxLength: 256),
            Summary = t.Column<string>(maxLength: 1024),
            Description = t.Column<string>(maxLength: 4096, nullable: true),
            Start = t.Column<long>(),
            End = t.Column<long>(),
            Tzid = t.Column<string>(maxLength: 256),
            StartDate = t.Column<string>(maxLength: 10, nullable: true),
            EndDate = t.Column<string>(maxLength: 10, nullable: true),
            LocationDescription = t.Column<string>(maxLength: 1024, nullable: true),
            Transparent = t.Column<bool>(),
            CreatedAt = t.Column<long>(),
            UpdatedAt = t.Column<long>(),
        }, constraints: t =>
        {
            t.PrimaryKey("PK_events", x => x.Id);
            t.ForeignKey("FK_events_calendars_CalendarId", x => x.CalendarId, "calendars", "Id", onDelete: ReferentialAction.Cascade);
        });
        m.CreateIndex("IX_events_CalendarId_EventId", "events", ["CalendarId", "EventId"], unique: true);
        m.CreateIndex("IX_events_CalendarId_Start_End", "events", ["CalendarId", "Start", "End"]);

        m.CreateTable("data_protection_keys", t => new
        {
            Id = t.Column<int>()
                .Annotation("Sqlite:Autoincrement", true)
                .Annotation("Npgsql:ValueGenerationStrategy", Npgsql.EntityFrameworkCore.PostgreSQL.Metadata.NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
            FriendlyName = t.Column<string>(maxLength: 256, nullable: true),
            Xml = t.Column<string>(maxLength: 16384),
        }, constraints: t => t.PrimaryKey("PK_data_protection_keys", x => x.Id));
    }
}
