using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using RtsApp.Features.Applications;
using RtsApp.Tests.Infrastructure;

namespace RtsApp.Tests.Store;

/// <summary>Several processes on one database (SPEC §11), as behind a load balancer: each one here is a whole app
/// instance (its own service provider, pools and key ring) sharing only the database.</summary>
public sealed class MultipleInstancesTests
{
    /// <summary>The Data Protection keys live in the database, so a secret encrypted by one instance (to sign
    /// callbacks) is readable by every other.</summary>
    [Fact]
    public async Task SecondInstance_AuthenticatesAndReadsTheSecretsOfTheFirst()
    {
        await using var first = new RtsAppFactory();
        var created = await first.CreateApplicationAsync("Shared");
        await using var second = RtsAppFactory.SharingDatabaseWith(first);

        var api = new ApiClient(second.CreateClient(), created.ClientId, created.ClientSecret);
        (await api.GetOkAsync("/v1/accounts"))["accounts"].ShouldNotBeNull();

        await using var db = second.Db();
        (await db.DataProtectionKeys.CountAsync()).ShouldBe(1);
        var app = await db.Applications.SingleAsync(a => a.ClientId == created.ClientId);
        second.Services.GetRequiredService<ApplicationsHandler>().SigningSecrets(app).ShouldBe([created.ClientSecret]);
    }

    /// <summary>A deployment starts every instance at once on a fresh (or older) database: one applies the
    /// migrations, the others wait and find nothing left to do.</summary>
    [Fact]
    public async Task InstancesStartingTogether_MigrateOnce()
    {
        await using var first = new RtsAppFactory();
        var others = Enumerable.Range(0, 3).Select(_ => RtsAppFactory.SharingDatabaseWith(first)).ToList();
        try
        {
            // CreateClient starts the host, which migrates.
            await Task.WhenAll(others.Append(first).Select(f => Task.Run(() => f.CreateClient())));
            await using var db = first.Db();
            (await db.Database.GetPendingMigrationsAsync()).ShouldBeEmpty();
        }
        finally
        {
            foreach (var other in others) await other.DisposeAsync();
        }
    }
}
