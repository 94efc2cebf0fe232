using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using RtsApp.Features.Applications;
using RtsApp.Tests.Infrastructure;

namespace RtsApp.Tests.Store;

/// <summary>Several processes on one database (SPEC §11) read each other's encrypted secrets, because the Data
/// Protection keys live in the database too.</summary>
public sealed class DataProtectionKeysTests
{
    [Fact]
    public async Task SecondInstance_OnTheSameDatabase_AuthenticatesAndReadsTheSecretsOfTheFirst()
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
}
