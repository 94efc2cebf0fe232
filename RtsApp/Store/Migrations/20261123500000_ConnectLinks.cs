using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace RtsApp.Store.Migrations;

/// <summary>Connect links (SPEC §13 "Connect page"): one account's page for connecting a calendar, found by its token's
/// hash. A new table only: existing rows are untouched.</summary>
[DbContext(typeof(RtsDbContext))]
[Migration("20261123500000_ConnectLinks")]
public sealed class ConnectLinks : Migration
{
    protected override void Up(MigrationBuilder m)
    {
        m.CreateTable("connect_links", t => new
        {
            Id = t.Column<string>(maxLength: 256),
            ApplicationId = t.Column<string>(maxLength: 256),
            AccountId = t.Column<string>(maxLength: 256),
            TokenHash = t.Column<string>(maxLength: 256),
            RedirectUri = t.Column<string>(maxLength: 2048, nullable: true),
            ExpiresAt = t.Column<long>(),
            CreatedAt = t.Column<long>(),
        }, constraints: t =>
        {
            t.PrimaryKey("PK_connect_links", x => x.Id);
            t.ForeignKey("FK_connect_links_accounts_AccountId", x => x.AccountId, "accounts", "Id", onDelete: ReferentialAction.Cascade);
        });
        m.CreateIndex("IX_connect_links_AccountId", "connect_links", "AccountId");
        m.CreateIndex("IX_connect_links_TokenHash", "connect_links", "TokenHash", unique: true);
    }
}
