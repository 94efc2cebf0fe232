using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using RtsApp.Features.Booking;
using RtsApp.Tests.Features.Booking;
using RtsApp.Tests.Infrastructure;

namespace RtsApp.Tests.Features.Links;

/// <summary>One application with three accounts (A, B and a room R), each with one calendar, and link request bodies
/// over them as mutable JSON so that a test can change or remove one field. The query period is 2026-03-27 09:00–11:00Z
/// (London is on GMT that day), a week after the factory's clock.</summary>
public sealed record LinkWorld(RtsAppFactory Factory, ApiClient Api, string A, string CalA, string B, string CalB, string R, string CalR)
{
    public static readonly Instant Nine = Instant.FromUtc(2026, 3, 27, 9, 0);
    public static readonly Instant PeriodEnd = Instant.FromUtc(2026, 3, 27, 11, 0);

    public static async Task<LinkWorld> CreateAsync(RtsAppFactory factory)
    {
        var api = await factory.CreateApiClientAsync();
        var (a, _) = await api.CreateAccountAsync("A");
        var (b, _) = await api.CreateAccountAsync("B");
        var (r, _) = await api.CreateAccountAsync("Room");
        return new LinkWorld(factory, api, a, await api.CreateCalendarAsync(a), b, await api.CreateCalendarAsync(b), r, await api.CreateCalendarAsync(r));
    }

    public BookingDriver Booking => new(Factory.Services.GetRequiredService<LinkPages>(), Factory.Services.GetRequiredService<BookingCommand>());

    /// <summary>A real-time scheduling body: A and B, all required, 60 minutes, written into A's calendar.</summary>
    public JsonObject Scheduling(string? participants = null, string? targets = null) => Parse($$"""
        {"oauth": {"redirect_uri": "https://app.example/after", "scope": "create_event", "state": "xyz"},
         "event": {"event_id": "interview-42", "summary": "Product Manager Interview", "tzid": "Europe/London"},
         "availability": {"participants": {{participants ?? $$"""[{"members": [{"sub": "{{A}}"}, {"sub": "{{B}}"}], "required": "all"}]"""}},
                          "required_duration": {"minutes": 60},
                          "query_periods": [{"start": "2026-03-27T09:00:00Z", "end": "2026-03-27T11:00:00Z"}]},
         "target_calendars": {{targets ?? $$"""[{"sub": "{{A}}", "calendar_id": "{{CalA}}"}]"""}} }
        """);

    /// <summary>A real-time sequencing body: step "1" with A (60 min, own event), then step 2 (numeric id) with B
    /// (30 min), at most an hour apart; written into A's and B's calendars.</summary>
    public JsonObject Sequencing(string availabilityName = "availability") => Parse($$"""
        {"oauth": {"redirect_uri": "https://app.example/after"},
         "event": {"event_id": "loop-1", "summary": "Interview loop", "tzid": "Europe/London"},
         "{{availabilityName}}": {"sequence": [
             {"sequence_id": "first", "ordinal": 1, "participants": [{"members": [{"sub": "{{A}}"}], "required": "all"}],
              "required_duration": {"minutes": 60}, "event": {"event_id": "loop-1-a", "summary": "Technical"},
              "buffer": {"after": {"minimum": {"minutes": 0}, "maximum": {"minutes": 60} } } },
             {"sequence_id": 2, "ordinal": 2, "participants": [{"members": [{"sub": "{{B}}"}], "required": "all"}],
              "required_duration": {"minutes": 30}, "event": {"event_id": "loop-1-b", "summary": "Culture"} }],
           "query_periods": [{"start": "2026-03-27T09:00:00Z", "end": "2026-03-27T11:00:00Z"}]},
         "target_calendars": [{"sub": "{{A}}", "calendar_id": "{{CalA}}"}, {"sub": "{{B}}", "calendar_id": "{{CalB}}"}]}
        """);

    public static JsonObject Parse(string json) => JsonNode.Parse(json)!.AsObject();

    private int created;

    /// <summary>Creates a link. SPEC §8 gives each event_id in a calendar to one open or completed link, so every link
    /// after a world's first gets its event ids suffixed with its number (the first keeps them as written).</summary>
    public async Task<CreatedLink> CreateAsync(JsonObject body, string path = "/v1/real_time_scheduling")
    {
        var n = Interlocked.Increment(ref created);
        if (n > 1) Suffix(body, "-" + n);
        var reply = await Api.PostOkAsync(path, body.ToJsonString());
        var url = reply["url"]!.GetValue<string>();
        return new CreatedLink(reply["real_time_scheduling"]!["real_time_scheduling_id"]!.GetValue<string>(), url, url[(url.LastIndexOf('/') + 1)..], reply);
    }

    private static void Suffix(JsonNode? node, string suffix)
    {
        if (node is JsonObject o)
        {
            foreach (var (key, value) in o.ToList())
            {
                if (key == "event_id" && value is JsonValue v && v.TryGetValue<string>(out var id)) o[key] = id + suffix;
                else Suffix(value, suffix);
            }
        }
        else if (node is JsonArray a)
        {
            foreach (var item in a) Suffix(item, suffix);
        }
    }

    public Task<JsonNode> StatusAsync(string linkId) => Api.GetOkAsync($"/v1/real_time_scheduling/{linkId}");

    /// <summary>Just the <c>status</c> of the link's status object.</summary>
    public async Task<string> StatusOfAsync(string linkId) => (await StatusAsync(linkId))["real_time_scheduling"]!["status"]!.GetValue<string>();

    /// <summary>Gives the calling test its own clock at <paramref name="now"/> until disposed (<see cref="RtsAppFactory.UseClock"/>);
    /// the factory's default clock, which other tests see, does not move.</summary>
    public ClockScope ClockAt(Instant now) => Factory.UseClock(now);

    public Task PutBusyAsync(string calendarId, string eventId, Instant start, Instant end) =>
        Api.PutEventAsync(calendarId, new { event_id = eventId, summary = "Busy", start = Iso(start), end = Iso(end), tzid = "Etc/UTC" });

    /// <summary>The events of one calendar on 2026-03-27, as "event_id summary start-end" rows.</summary>
    public async Task<string[]> EventsAsync(string calendarId)
    {
        var reply = await Api.GetOkAsync($"/v1/events?from=2026-03-26&to=2026-03-29&tzid=Etc/UTC&calendar_ids[]={calendarId}");
        return reply["events"]!.AsArray().Select(e => $"{e!["event_id"]} {e["summary"]} {Time(e["start"]!)}-{Time(e["end"]!)}").ToArray();
    }

    private static string Time(JsonNode t) => t is JsonObject o ? o["time"]!.GetValue<string>() : t.GetValue<string>();

    public static string Iso(Instant i) => NodaTime.Text.InstantPattern.General.Format(i);
}

public sealed record CreatedLink(string Id, string Url, string Token, JsonNode Reply);
