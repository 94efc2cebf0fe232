using System.Text.Json.Nodes;
using RtsApp.Infrastructure;
using RtsApp.Tests.Infrastructure;

namespace RtsApp.Tests.Features.Connections;

/// <summary>One app that may reach the loopback feed server, with a short download timeout (for the slow feed). Tests
/// share it through their own applications and feeds; none moves its default clock (what the sync worker reads):
/// "sync now" makes a connection due whatever the clock says.</summary>
public sealed class ConnectionsFixture : IAsyncLifetime
{
    public static readonly Dictionary<string, string?> Settings = new()
    {
        [ConfigKeys.ConnectionsAllowPrivateNetworks] = "true",
        [ConfigKeys.ConnectionsTimeout] = "00:00:02",
    };

    public RtsAppFactory Factory { get; } = RtsAppFactory.With(Settings);
    public FeedServer Feeds { get; private set; } = null!;

    public async Task InitializeAsync() => Feeds = await FeedServer.StartAsync();

    public async Task DisposeAsync()
    {
        await Feeds.DisposeAsync();
        await Factory.DisposeAsync();
    }
}

public static class ConnectionCalls
{
    public static async Task<JsonNode> ConnectAsync(ApiClient api, string sub, string url) =>
        (await api.PostOkAsync("/v1/calendar_connections", new { sub, provider = "ics", url }))["calendar_connection"]!;

    public static async Task<JsonNode> GetAsync(ApiClient api, string id) =>
        (await api.GetOkAsync("/v1/calendar_connections/" + id))["calendar_connection"]!;

    public static async Task SyncNowAsync(ApiClient api, string id)
    {
        var response = await api.PostAsync($"/v1/calendar_connections/{id}/sync", new { });
        ((int)response.StatusCode).ShouldBe(202, await response.Content.ReadAsStringAsync());
    }

    /// <summary>The summaries and starts of a calendar's events in March–April 2026, in start order.</summary>
    public static async Task<string[]> EventsAsync(ApiClient api, string calendarId) =>
        (await api.GetOkAsync($"/v1/events?from=2026-03-01&to=2026-05-01&tzid=Etc/UTC&calendar_ids[]={calendarId}"))["events"]!.AsArray()
            .Select(e => $"{e!["summary"]} {e["start"]}").ToArray();

    public static string CalendarId(JsonNode connection) => connection["calendars"]![0]!["calendar_id"]!.GetValue<string>();
    public static string Id(JsonNode connection) => connection["connection_id"]!.GetValue<string>();
}
