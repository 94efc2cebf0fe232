using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace RtsApp.Store.Migrations;

/// <summary>The admin dashboard's password hash and its lockout state.</summary>
[DbContext(typeof(RtsDbContext))]
[Migration("20261122000000_AdminCredentials")]
public sealed class AdminCredentials : Migration
{
    protected override void Up(MigrationBuilder m)
    {
        m.CreateTable("admin_credentials", t => new
        {
            Id = t.Column<string>(maxLength: 256),
            PasswordHash = t.Column<string>(maxLength: 1024),
            FailedAttempts = t.Column<int>(),
            LockedUntil = t.Column<long>(nullable: true),
            UpdatedAt = t.Column<long>(),
        }, constraints: t => t.PrimaryKey("PK_admin_credentials", x => x.Id));
    }
}
