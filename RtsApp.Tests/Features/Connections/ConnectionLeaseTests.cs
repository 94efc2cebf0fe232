using RtsApp.Tests.Infrastructure;
using static RtsApp.Tests.Features.Connections.ConnectionCalls;

namespace RtsApp.Tests.Features.Connections;

/// <summary>Two app instances on one database, as two processes behind a load balancer: both workers are woken by
/// every "sync now" (they share this test process), yet each connection is synced once per request.</summary>
public sealed class ConnectionLeaseTests
{
    [Fact]
    public async Task TwoInstances_SyncEachConnectionOncePerInterval()
    {
        await using var feeds = await FeedServer.StartAsync();
        await using var first = RtsAppFactory.With(ConnectionsFixture.Settings);
        var api = await first.CreateApiClientAsync();
        var (sub, _) = await api.CreateAccountAsync();
        var connections = new List<(string Id, FeedServer.Feed Feed)>();
        for (var i = 0; i < 3; i++)
        {
            var (feed, url) = feeds.Add(Feeds.Calendar(Feeds.Event("e" + i, "20260323T090000Z", "20260323T100000Z")));
            connections.Add((Id(await ConnectAsync(api, sub, url)), feed));
        }
        await using var second = RtsAppFactory.SharingDatabaseWith(first, ConnectionsFixture.Settings);
        second.CreateClient().Dispose(); // starts its worker

        for (var round = 1; round <= 3; round++)
        {
            foreach (var (id, _) in connections) await SyncNowAsync(api, id);
            foreach (var (id, feed) in connections)
            {
                await Eventually.HoldsAsync(() => feed.Requests, n => n >= 1 + round, $"round {round} synced");
                await Eventually.HoldsAsync(() => Settled(first, id), settled => settled, $"round {round}'s lease given back");
            }
        }
        await Task.Delay(ConnectionSyncWorkerPoll * 3); // both workers look again: nothing is due within the interval
        connections.Select(c => c.Feed.Requests).ShouldBe([4, 4, 4]); // the check at creation, then one per "sync now"
    }

    private static bool Settled(RtsAppFactory factory, string id)
    {
        using var db = factory.Db();
        return db.CalendarConnections.Single(c => c.Id == id) is { LeaseOwner: null } c && c.NextSyncAt > RtsAppFactory.DefaultNow;
    }

    private static readonly TimeSpan ConnectionSyncWorkerPoll = RtsApp.Features.Connections.ConnectionSyncWorker.PollInterval;
}
