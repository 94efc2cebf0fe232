using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace RtsApp.Store.Migrations;

/// <summary>admin_signed_out: admin sessions ended by signing out, refused until their cookie could have expired
/// (see <see cref="AdminSignedOutSession"/>).</summary>
[DbContext(typeof(RtsDbContext))]
[Migration("20261124000000_AdminSignedOut")]
public sealed class AdminSignedOut : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable("admin_signed_out", t => new
        {
            SessionId = t.Column<string>(maxLength: 64),
            Until = t.Column<long>(),
        }, constraints: t => t.PrimaryKey("PK_admin_signed_out", x => x.SessionId));
    }
}
