using System.Text;
using System.Text.Json.Nodes;
using RtsApp.Features.Booking;
using RtsApp.Tests.Features.Callbacks;
using RtsApp.Tests.Features.Links;
using RtsApp.Tests.Infrastructure;

namespace RtsApp.Tests.Features.Booking;

public sealed class BookingCallbackFixture : IDisposable
{
    public RtsAppFactory App { get; } = RtsAppFactory.With(CallbackTestApp.Settings());
    public void Dispose() => App.Dispose();
}

/// <summary>SPEC §9 end to end: a booking's completed callback, as a real HTTP receiver gets it.</summary>
public sealed class BookingCallbackTests(BookingCallbackFixture fixture) : IClassFixture<BookingCallbackFixture>
{
    private static async Task<(JsonObject Json, ReceivedCallback Request)> ReceivedAsync(CallbackReceiver receiver, LinkWorld w)
    {
        var request = (await receiver.ReceivedAsync(1)).ShouldHaveSingleItem();
        request.Method.ShouldBe("POST");
        request.Header("Content-Type").ShouldBe("application/json; charset=utf-8");
        request.Header("Cronofy-HMAC-SHA256").ShouldBe(CallbackTestApp.Hmac(request.Body, w.Api.Secret));
        request.Header("Rts-Delivery-Id").ShouldStartWith("cbd_");
        return (JsonNode.Parse(Encoding.UTF8.GetString(request.Body))!.AsObject(), request);
    }

    [Fact]
    public async Task Book_Scheduling_SendsTheCompletedCallback()
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        var w = await LinkWorld.CreateAsync(fixture.App);
        var body = w.Scheduling(participants: $$"""[{"members": [{"sub": "{{w.B}}"}, {"sub": "{{w.A}}"}], "required": 1}]""");
        body["callback_urls"] = new JsonObject { ["completed_url"] = receiver.Url };
        var link = await w.CreateAsync(body);

        (await w.Booking.BookAsync(link.Token, LinkWorld.Nine, "America/New_York", default)).ShouldBeOfType<PageResult.Booked>();

        var (json, _) = await ReceivedAsync(receiver, w);
        json.Select(p => p.Key).Order().ShouldBe(["event", "participants", "real_time_scheduling", "user"]);
        var ev = json["event"]!.AsObject();
        ev["event_id"]!.GetValue<string>().ShouldBe("interview-42");
        ev["summary"]!.GetValue<string>().ShouldBe("Product Manager Interview");
        ev["start"]!.ToJsonString().ShouldBe("""{"time":"2026-03-27T09:00:00Z","tzid":"Europe/London"}""");
        ev["end"]!.ToJsonString().ShouldBe("""{"time":"2026-03-27T10:00:00Z","tzid":"Europe/London"}""");
        json["participants"]!.ToJsonString().ShouldBe($$"""[{"sub":"{{w.B}}"}]""");
        json["user"]!.ToJsonString().ShouldBe("""{"tzid":"America/New_York"}""");
        json["real_time_scheduling"]!.ToJsonString().ShouldBe($$"""{"real_time_scheduling_id":"{{link.Id}}","status":"completed"}""");
    }

    [Fact]
    public async Task Book_WithoutUserZone_ReportsTheDisplayZone()
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        var w = await LinkWorld.CreateAsync(fixture.App);
        var body = w.Scheduling();
        body["tzid"] = "Europe/Berlin";
        body["callback_url"] = receiver.Url;
        var link = await w.CreateAsync(body);
        (await w.Booking.BookAsync(link.Token, LinkWorld.Nine, "Not/AZone", default)).ShouldBeOfType<PageResult.Booked>();
        var (json, _) = await ReceivedAsync(receiver, w);
        json["user"]!["tzid"]!.GetValue<string>().ShouldBe("Europe/Berlin");
    }

    [Fact]
    public async Task Book_Sequencing_SendsTheSequenceWithPlainTimes()
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        var w = await LinkWorld.CreateAsync(fixture.App);
        var body = w.Sequencing();
        body["callback_urls"] = new JsonObject { ["completed_url"] = receiver.Url };
        var link = await w.CreateAsync(body, "/v1/real_time_sequencing");

        (await w.Booking.BookAsync(link.Token, LinkWorld.Nine, "Europe/London", default)).ShouldBeOfType<PageResult.Booked>();

        var (json, _) = await ReceivedAsync(receiver, w);
        json.Select(p => p.Key).Order().ShouldBe(["event", "participants", "real_time_scheduling", "sequence", "user"]);
        json["event"]!["event_id"]!.GetValue<string>().ShouldBe("loop-1");
        json["event"]!["summary"]!.GetValue<string>().ShouldBe("Interview loop");
        json["event"]!["start"]!.ToJsonString().ShouldBe("""{"time":"2026-03-27T09:00:00Z","tzid":"Europe/London"}""");
        json["event"]!["end"]!.ToJsonString().ShouldBe("""{"time":"2026-03-27T10:30:00Z","tzid":"Europe/London"}""");
        json["participants"]!.ToJsonString().ShouldBe($$"""[{"sub":"{{w.A}}"},{"sub":"{{w.B}}"}]""");
        json["real_time_scheduling"]!.ToJsonString().ShouldBe($$"""{"real_time_scheduling_id":"{{link.Id}}","status":"completed"}""");
        json["sequence"]!.ToJsonString().ShouldBe(
            $$"""[{"sequence_id":"first","event":{"event_id":"loop-1-a","summary":"Technical","start":"2026-03-27T09:00:00Z","end":"2026-03-27T10:00:00Z"},"participants":[{"sub":"{{w.A}}"}]},"""
            + $$"""{"sequence_id":"2","event":{"event_id":"loop-1-b","summary":"Culture","start":"2026-03-27T10:00:00Z","end":"2026-03-27T10:30:00Z"},"participants":[{"sub":"{{w.B}}"}]}]""");
    }

    [Fact]
    public async Task NoTimesSuitable_IsDelivered()
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        var w = await LinkWorld.CreateAsync(fixture.App);
        var body = w.Scheduling();
        body["callback_urls"] = new JsonObject { ["no_times_suitable_url"] = receiver.Url };
        var link = await w.CreateAsync(body);
        await w.Booking.NoTimesSuitableAsync(link.Token, default);
        var (json, _) = await ReceivedAsync(receiver, w);
        json.ToJsonString().ShouldBe(
            $$$"""{"notification":{"type":"no_times_suitable"},"real_time_scheduling":{"real_time_scheduling_id":"{{{link.Id}}}","status":"open"}}""");
    }
}
