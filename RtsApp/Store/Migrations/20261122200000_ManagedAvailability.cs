using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace RtsApp.Store.Migrations;

/// <summary>Managed availability (SPEC §12): accounts' availability rules and available periods, each keyed by the
/// account and the client's own id. New tables only, so existing rows are untouched.</summary>
[DbContext(typeof(RtsDbContext))]
[Migration("20261122200000_ManagedAvailability")]
public sealed class ManagedAvailability : Migration
{
    protected override void Up(MigrationBuilder m)
    {
        m.CreateTable("availability_rules", t => new
        {
            AccountId = t.Column<string>(maxLength: 256),
            RuleId = t.Column<string>(maxLength: 64),
            Tzid = t.Column<string>(maxLength: 256),
            CalendarIdsJson = t.Column<string>(maxLength: 16384),
            WeeklyPeriodsJson = t.Column<string>(maxLength: 16384),
            CreatedAt = t.Column<long>(),
            UpdatedAt = t.Column<long>(),
        }, constraints: t =>
        {
            t.PrimaryKey("PK_availability_rules", x => new { x.AccountId, x.RuleId });
            t.ForeignKey("FK_availability_rules_accounts_AccountId", x => x.AccountId, "accounts", "Id", onDelete: ReferentialAction.Cascade);
        });

        m.CreateTable("available_periods", t => new
        {
            AccountId = t.Column<string>(maxLength: 256),
            PeriodId = t.Column<string>(maxLength: 64),
            Start = t.Column<long>(),
            End = t.Column<long>(),
            CreatedAt = t.Column<long>(),
        }, constraints: t =>
        {
            t.PrimaryKey("PK_available_periods", x => new { x.AccountId, x.PeriodId });
            t.ForeignKey("FK_available_periods_accounts_AccountId", x => x.AccountId, "accounts", "Id", onDelete: ReferentialAction.Cascade);
        });
        m.CreateIndex("IX_available_periods_AccountId_Start_End", "available_periods", ["AccountId", "Start", "End"]);
    }
}
