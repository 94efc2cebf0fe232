using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using RtsApp.Store;

namespace RtsApp.Infrastructure;

/// <summary>/healthz is healthy when the database answers a query.</summary>
public sealed class DatabaseHealthCheck(IDbContextFactory<RtsDbContext> dbFactory) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            return await db.Database.CanConnectAsync(ct) && await db.Applications.AnyAsync(ct) is var _
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy("the database does not answer");
        }
        catch (Exception e)
        {
            return HealthCheckResult.Unhealthy("the database does not answer", e);
        }
    }
}
