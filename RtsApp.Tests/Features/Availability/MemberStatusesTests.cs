using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using NodaTime;
using RtsApp.Tests.Features.Connections;
using RtsApp.Tests.Infrastructure;
using static RtsApp.Tests.Features.Connections.ConnectionCalls;

namespace RtsApp.Tests.Features.Availability;

/// <summary>SPEC §13 "Member statuses": <c>include_member_statuses</c> in <c>POST /v1/availability</c>.</summary>
public sealed class MemberStatusesTests(ConnectionsFixture fixture) : IClassFixture<ConnectionsFixture>
{
    private readonly RtsAppFactory factory = fixture.Factory;
    private readonly FeedServer feeds = fixture.Feeds;

    private static readonly string Monday = Feeds.Calendar(Feeds.Event("a", "20260323T090000Z", "20260323T100000Z", "Planning"));

    private static JsonObject Query(IEnumerable<string> subs, JsonNode? include, string? format = null)
    {
        var body = new JsonObject
        {
            ["participants"] = new JsonArray(new JsonObject
            {
                ["members"] = new JsonArray(subs.Select(s => (JsonNode)new JsonObject { ["sub"] = s }).ToArray()),
                ["required"] = 1,
            }),
            ["required_duration"] = new JsonObject { ["minutes"] = 30 },
            ["query_periods"] = new JsonArray(new JsonObject { ["start"] = "2026-03-23T08:00:00Z", ["end"] = "2026-03-23T12:00:00Z" }),
        };
        if (include is not null) body["include_member_statuses"] = include;
        if (format is not null) body["response_format"] = format;
        return body;
    }

    private static string[] Statuses(JsonNode reply) =>
        reply["member_statuses"]!.AsArray().Select(s => $"{s!["sub"]}:{s["sync_status"]}").ToArray();

    private async Task<string> ConnectedAsync(ApiClient api, string sub)
    {
        var (_, url) = feeds.Add(Monday);
        return Id(await ConnectAsync(api, sub, url));
    }

    [Fact]
    public async Task Availability_IncludeMemberStatuses_EachStateInRequestOrder()
    {
        var api = await factory.CreateApiClientAsync();
        var (local, _) = await api.CreateAccountAsync("Local");
        var (synced, _) = await api.CreateAccountAsync("Synced");
        var (failing, _) = await api.CreateAccountAsync("Failing");
        var (fresh, _) = await api.CreateAccountAsync("Fresh");
        await ConnectedAsync(api, synced);
        await ConnectedAsync(api, fresh);
        // A member with one connection in error and one fine is disconnected: some of its busy time may be stale.
        await ConnectedAsync(api, failing);
        var (broken, brokenUrl) = feeds.Add(Monday);
        var brokenId = Id(await ConnectAsync(api, failing, brokenUrl));
        broken.Status = 500;
        await SyncNowAsync(api, brokenId);
        await Eventually.HoldsAsync(() => GetAsync(api, brokenId), c => c["status"]!.GetValue<string>() == "error", "the failing feed's sync failed");
        // A connection that has not completed its first sync yet (created by a path that syncs later).
        await using (var db = factory.Db())
            await db.CalendarConnections.Where(c => c.AccountId == fresh).ExecuteUpdateAsync(s => s.SetProperty(c => c.LastSyncedAt, (Instant?)null));

        var reply = await api.PostOkAsync("/v1/availability", Query([fresh, local, failing, synced, fresh], true).ToJsonString());

        Statuses(reply).ShouldBe([$"{fresh}:pending", $"{local}:active", $"{failing}:disconnected", $"{synced}:active"]);
        reply["available_periods"].ShouldNotBeNull();
    }

    [Theory]
    [InlineData("slots")]
    [InlineData("overlapping_slots")]
    public async Task Availability_IncludeMemberStatuses_SlotFormats(string format)
    {
        var api = await factory.CreateApiClientAsync();
        var (sub, _) = await api.CreateAccountAsync();

        var reply = await api.PostOkAsync("/v1/availability", Query([sub], true, format).ToJsonString());

        Statuses(reply).ShouldBe([$"{sub}:active"]);
        reply["available_slots"]!.AsArray().Count.ShouldBeGreaterThan(0);
    }

    [Fact]
    public async Task Availability_FlagAbsentOrFalse_NoMemberStatuses()
    {
        var api = await factory.CreateApiClientAsync();
        var (sub, _) = await api.CreateAccountAsync();

        foreach (var include in new JsonNode?[] { null, false })
        {
            var reply = await api.PostOkAsync("/v1/availability", Query([sub], include?.DeepClone()).ToJsonString());
            reply.AsObject().ContainsKey("member_statuses").ShouldBeFalse();
            reply["available_periods"].ShouldNotBeNull();
        }
    }

    [Theory]
    [InlineData("\"yes\"")]
    [InlineData("1")]
    [InlineData("{}")]
    public async Task Availability_IncludeMemberStatusesNotABoolean_Is422NamingTheField(string value)
    {
        var api = await factory.CreateApiClientAsync();
        var (sub, _) = await api.CreateAccountAsync();

        var reply = await ApiClient.ErrorAsync(await api.PostAsync("/v1/availability", Query([sub], JsonNode.Parse(value)).ToJsonString()), 422);

        reply["errors"]!.AsObject().Select(e => e.Key).ShouldBe(["include_member_statuses"]);
    }
}
