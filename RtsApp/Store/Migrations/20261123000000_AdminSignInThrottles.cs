using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace RtsApp.Store.Migrations;

/// <summary>Admin sign-in limits per client and overall, replacing the one global lockout. The old lockout columns of
/// admin_credentials stay (unused), so that the schema only grows.</summary>
[DbContext(typeof(RtsDbContext))]
[Migration("20261123000000_AdminSignInThrottles")]
public sealed class AdminSignInThrottles : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable("admin_sign_in_throttles", t => new
        {
            Key = t.Column<string>(maxLength: 256),
            WindowStart = t.Column<long>(),
            Attempts = t.Column<int>(),
        }, constraints: t => t.PrimaryKey("PK_admin_sign_in_throttles", x => x.Key));
    }
}
