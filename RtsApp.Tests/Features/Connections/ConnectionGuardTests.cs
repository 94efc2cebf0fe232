using RtsApp.Tests.Infrastructure;

namespace RtsApp.Tests.Features.Connections;

/// <summary>SPEC §13: the callbacks' address rule applies to calendar servers; <c>Rts:Connections:AllowPrivateNetworks</c>
/// is off outside Development, so loopback and private-network feeds are refused before anything is sent.</summary>
public sealed class ConnectionGuardTests
{
    [Fact]
    public async Task Create_LoopbackFeed_IsRefusedByTheAddressGuard()
    {
        await using var feeds = await FeedServer.StartAsync();
        var (feed, url) = feeds.Add(Feeds.Calendar(Feeds.Event("a", "20260323T090000Z", "20260323T100000Z")));
        await using var factory = new RtsAppFactory();
        var api = await factory.CreateApiClientAsync();
        var (sub, _) = await api.CreateAccountAsync();

        async Task<string> Reason(string feedUrl)
        {
            var error = await ApiClient.ErrorAsync(await api.PostAsync("/v1/calendar_connections", new { sub, provider = "ics", url = feedUrl }), 422);
            error["errors"]!["url"]![0]!["key"]!.GetValue<string>().ShouldBe("errors.connection_failed");
            return error["errors"]!["url"]![0]!["description"]!.GetValue<string>();
        }

        (await Reason(url)).ShouldBe("refused: the URL must not point at a loopback, private-network or other non-public address");
        (await Reason(url.Replace("127.0.0.1", "localhost", StringComparison.Ordinal))).ShouldBe("refused: the URL must not point at localhost");
        (await Reason("http://10.1.2.3/feed.ics")).ShouldStartWith("refused: ");
        feed.Requests.ShouldBe(0);
    }
}
