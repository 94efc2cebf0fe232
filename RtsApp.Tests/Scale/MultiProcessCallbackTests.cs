using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using NodaTime;
using RtsApp.Features.Callbacks;
using RtsApp.Infrastructure;
using RtsApp.Store;
using RtsApp.Tests.Features.Callbacks;
using RtsApp.Tests.Infrastructure;

namespace RtsApp.Tests.Scale;

/// <summary>Several real RtsApp processes on one database (PostgreSQL in the script's second pass, SQLite otherwise)
/// share the callback outbox: each delivery is claimed by one process at a time, and a killed process's claimed
/// deliveries are taken over once their lease expires.</summary>
public sealed class MultiProcessCallbackTests : IDisposable
{
    private readonly TestDatabase database = TestDatabase.Create();

    private RtsDbContext Db() => new(new DbContextOptionsBuilder<RtsDbContext>()
        .UseRtsDatabase(database.Provider, database.ConnectionString).Options);

    private IEnumerable<KeyValuePair<string, string?>> Settings() => database.Settings.Concat(new Dictionary<string, string?>
    {
        [ConfigKeys.CallbackAllowPrivateNetworks] = "true",
        [ConfigKeys.CallbackTimeout] = "00:00:02",
        [ConfigKeys.CallbackLeaseDuration] = "00:00:03",
        [ConfigKeys.CallbackPollInterval] = "00:00:00.200",
        [ConfigKeys.CallbackRetryDelays] = "00:00:01,00:00:01,00:00:01,00:00:01,00:00:01",
    });

    [Fact]
    public async Task Callbacks_TwoProcessesOneKilledMidRun_EveryDeliveryArrivesAndEverySendIsAccountedFor()
    {
        const int count = 60;
        var created = JsonNode.Parse(await RtsProcess.RunCliAsync(Settings(), "apps", "create", "--name", "Scale"))!;
        await using var receiver = await CallbackReceiver.StartAsync(
            Enumerable.Repeat(new CallbackReceiver.Reply(200, TimeSpan.FromMilliseconds(250)), count * 2).ToArray());
        List<string> ids;
        await using (var db = Db())
        {
            var appId = db.Applications.Single(a => a.ClientId == created["client_id"]!.GetValue<string>()).Id;
            var now = SystemClock.Instance.GetCurrentInstant();
            ids = Enumerable.Range(0, count).Select(i => CallbackOutbox.Enqueue(db, appId, null, CallbackKinds.Completed, receiver.Url,
                new { n = i }, now).Id).ToList();
            await db.SaveChangesAsync();
        }

        await using var a = await RtsProcess.StartAsync(Settings());
        await using var b = await RtsProcess.StartAsync(Settings());
        await Eventually.HoldsAsync(() => receiver.Received.Count, n => n >= count / 4, "a quarter of the callbacks received");
        a.Kill();
        HashSet<string> inFlightAtKill;
        await using (var db = Db())
        {
            var now = SystemClock.Instance.GetCurrentInstant();
            inFlightAtKill = db.CallbackDeliveries.AsNoTracking().Where(d => d.Status == CallbackStatuses.Pending && d.LeaseUntil != null)
                .AsEnumerable().Where(d => d.LeaseUntil > now).Select(d => d.Id).ToHashSet();
        }

        async Task<int> Delivered()
        {
            await using var db = Db();
            return await db.CallbackDeliveries.CountAsync(d => d.Status == CallbackStatuses.Delivered);
        }
        await Eventually.HoldsAsync(Delivered, n => n == count, $"all {count} deliveries marked delivered by the surviving process");

        var receipts = receiver.Received.GroupBy(r => r.Header("Rts-Delivery-Id")).ToDictionary(g => g.Key, g => g.Count());
        receipts.Keys.ShouldBe(ids, ignoreOrder: true);
        Dictionary<string, int> attempts;
        await using (var db = Db())
            attempts = await db.CallbackDeliveries.AsNoTracking().ToDictionaryAsync(d => d.Id, d => d.Attempts);
        // At least once, and no send unaccounted for: every receipt is a recorded attempt (a retry after a timeout under
        // load is one), except at most one per delivery whose attempt the kill cut off before it was recorded. A delivery
        // sent by two live processes at once would show one receipt more than that.
        receipts.ShouldAllBe(r => r.Value <= attempts[r.Key] + (inFlightAtKill.Contains(r.Key) ? 1 : 0),
            $"receipts per delivery vs recorded attempts; in flight at the kill: {string.Join(",", inFlightAtKill)}");
    }

    public void Dispose() => database.Dispose();
}
