using RtsApp.Tests.Components.Scheduling;
using RtsApp.Tests.Infrastructure;
using static RtsApp.Tests.Features.Connections.ConnectionCalls;

namespace RtsApp.Tests.Features.Connections;

/// <summary>End to end: a feed's busy time reaches the scheduling page, and follows the feed after a sync.</summary>
public sealed class ConnectionPageTests(ConnectionsFixture fixture) : IClassFixture<ConnectionsFixture>
{
    private readonly RtsAppFactory factory = fixture.Factory;
    private readonly FeedServer feeds = fixture.Feeds;

    [Fact]
    public async Task ConnectedFeed_BlocksOfferedTimes_AndTheTimesFollowTheFeedAfterASync()
    {
        using var clock = factory.UseClock(RtsAppFactory.DefaultNow);
        var api = await factory.CreateApiClientAsync();
        var (sub, _) = await api.CreateAccountAsync();
        var local = await api.CreateCalendarAsync(sub, "Local");
        var http = factory.CreateClient();
        var link = await api.PostOkAsync("/v1/real_time_scheduling", ConnectionsApiTests.LinkBody(sub, target: local, memberCalendars: null).ToJsonString());
        var url = link["url"]!.GetValue<string>();
        var path = new Uri(url).AbsolutePath;
        string[] all = ["2026-03-23T09:00:00Z", "2026-03-23T09:30:00Z", "2026-03-23T10:00:00Z", "2026-03-23T10:30:00Z"];
        Html.SlotStarts(await Html.GetAsync(http, path)).ShouldBe(all);

        var (feed, feedUrl) = feeds.Add(Feeds.Calendar(Feeds.Event("dentist", "20260323T090000Z", "20260323T093000Z", "Dentist")));
        var connection = await ConnectAsync(api, sub, feedUrl);
        Html.SlotStarts(await Html.GetAsync(http, path)).ShouldBe(all.Except(["2026-03-23T09:00:00Z"]));

        feed.Body = Feeds.Calendar(Feeds.Event("dentist", "20260323T100000Z", "20260323T110000Z", "Dentist (moved)"));
        await SyncNowAsync(api, Id(connection));

        await Eventually.HoldsAsync(async () => Html.SlotStarts(await Html.GetAsync(http, path)),
            starts => starts.SequenceEqual(["2026-03-23T09:00:00Z", "2026-03-23T09:30:00Z"]), "the page follows the synced feed");
    }
}
