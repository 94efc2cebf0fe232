using System.Text.Json.Nodes;
using RtsApp.Tests.Infrastructure;

namespace RtsApp.Tests.Features.Calendars;

public sealed class EventsApiTests : IClassFixture<RtsAppFactory>
{
    private readonly RtsAppFactory factory;
    public EventsApiTests(RtsAppFactory factory) => this.factory = factory;

    private async Task<(ApiClient Api, string Calendar)> Setup()
    {
        var api = await factory.CreateApiClientAsync();
        var (sub, _) = await api.CreateAccountAsync();
        return (api, await api.CreateCalendarAsync(sub));
    }

    private static JsonArray Events(JsonNode reply) => reply["events"]!.AsArray();

    [Fact]
    public async Task UpsertEvent_Is202WithEmptyBody_AndReadsBackEveryField()
    {
        var (api, cal) = await Setup();
        var response = await api.PostAsync($"/v1/calendars/{cal}/events", new
        {
            event_id = "interview-1",
            summary = "Interview",
            description = "Round one",
            start = "2026-03-27T09:00:00Z",
            end = "2026-03-27T10:00:00Z",
            tzid = "Europe/London",
            location = new { description = "Room 4" },
        });
        ((int)response.StatusCode).ShouldBe(202);
        (await response.Content.ReadAsStringAsync()).ShouldBeEmpty();

        var ev = Events(await api.GetOkAsync("/v1/events?from=2026-03-27&to=2026-03-28&tzid=Europe/London")).Single()!;
        ev["calendar_id"]!.GetValue<string>().ShouldBe(cal);
        ev["event_id"]!.GetValue<string>().ShouldBe("interview-1");
        ev["event_uid"]!.GetValue<string>().ShouldNotBeNullOrEmpty();
        ev["summary"]!.GetValue<string>().ShouldBe("Interview");
        ev["description"]!.GetValue<string>().ShouldBe("Round one");
        ev["start"]!.GetValue<string>().ShouldBe("2026-03-27T09:00:00Z");
        ev["end"]!.GetValue<string>().ShouldBe("2026-03-27T10:00:00Z");
        ev["location"]!["description"]!.GetValue<string>().ShouldBe("Room 4");
        ev["transparency"]!.GetValue<string>().ShouldBe("opaque");
        ev["deleted"]!.GetValue<bool>().ShouldBeFalse();
        ev["created"]!.GetValue<string>().ShouldBe("2026-03-20T12:00:00Z");
    }

    [Fact]
    public async Task UpsertEvent_SameEventId_Updates()
    {
        var (api, cal) = await Setup();
        await api.PutEventAsync(cal, new { event_id = "e", summary = "First", start = "2026-03-27T09:00:00Z", end = "2026-03-27T10:00:00Z", tzid = "Etc/UTC" });
        await api.PutEventAsync(cal, new { event_id = "e", summary = "Second", start = "2026-03-27T11:00:00Z", end = "2026-03-27T12:00:00Z", tzid = "Etc/UTC" });
        var ev = Events(await api.GetOkAsync("/v1/events?from=2026-03-27&to=2026-03-28")).Single()!;
        ev["summary"]!.GetValue<string>().ShouldBe("Second");
        ev["start"]!.GetValue<string>().ShouldBe("2026-03-27T11:00:00Z");
    }

    [Theory]
    [InlineData("\"2026-03-27 09:00:00Z\"", "\"2026-03-27 10:00:00Z\"", "2026-03-27T09:00:00Z")]
    [InlineData("\"2026-03-27T10:00:00+01:00\"", "\"2026-03-27T11:30:00.500+01:00\"", "2026-03-27T09:00:00Z")]
    [InlineData("{\"time\": \"2026-03-27T09:00:00Z\", \"tzid\": \"Europe/London\"}", "{\"time\": \"2026-03-27T10:00:00Z\", \"tzid\": \"Europe/London\"}", "2026-03-27T09:00:00Z")]
    [InlineData("{\"time\": \"2026-03-30T10:00:00\", \"tzid\": \"Europe/London\"}", "{\"time\": \"2026-03-30T11:00:00\", \"tzid\": \"Europe/London\"}", "2026-03-30T09:00:00Z")]
    public async Task UpsertEvent_AcceptsEveryTimeForm(string start, string end, string expectedStart)
    {
        var (api, cal) = await Setup();
        var tzid = start.Contains("tzid") ? "" : ", \"tzid\": \"Europe/London\"";
        await api.PutEventAsync(cal, $$"""{"event_id": "t", "summary": "T", "start": {{start}}, "end": {{end}}{{tzid}}}""");
        var ev = Events(await api.GetOkAsync("/v1/events?from=2026-03-01&to=2026-04-30")).Single()!;
        ev["start"]!.GetValue<string>().ShouldBe(expectedStart);
    }

    [Fact]
    public async Task UpsertEvent_AllDayDates_AreBusyFromLocalMidnight()
    {
        var (api, cal) = await Setup();
        await api.PutEventAsync(cal, new { event_id = "hol", summary = "Holiday", start = "2026-03-30", end = "2026-03-31", tzid = "Europe/London" });
        var ev = Events(await api.GetOkAsync("/v1/events?from=2026-03-30&to=2026-03-31&tzid=Europe/London")).Single()!;
        ev["start"]!.GetValue<string>().ShouldBe("2026-03-30");
        ev["end"]!.GetValue<string>().ShouldBe("2026-03-31");
        // London is on BST on 30 March: local midnight is 23:00Z the day before.
        var before = await api.GetOkAsync("/v1/free_busy?from=2026-03-29T22:00:00Z&to=2026-03-29T23:00:00Z");
        before["free_busy"]!.AsArray().ShouldBeEmpty();
        var at = await api.GetOkAsync("/v1/free_busy?from=2026-03-29T23:00:00Z&to=2026-03-29T23:30:00Z");
        at["free_busy"]!.AsArray().Count.ShouldBe(1);
    }

    [Fact]
    public async Task FreeBusy_ListsOpaqueEventsOnly()
    {
        var (api, cal) = await Setup();
        await api.PutEventAsync(cal, new { event_id = "busy", summary = "Busy", start = "2026-03-27T09:00:00Z", end = "2026-03-27T10:00:00Z", tzid = "Etc/UTC" });
        await api.PutEventAsync(cal, new { event_id = "free", summary = "Free", start = "2026-03-27T11:00:00Z", end = "2026-03-27T12:00:00Z", tzid = "Etc/UTC", transparency = "transparent" });
        var fb = (await api.GetOkAsync("/v1/free_busy?from=2026-03-27&to=2026-03-28"))["free_busy"]!.AsArray().Single()!;
        fb["calendar_id"]!.GetValue<string>().ShouldBe(cal);
        fb["start"]!.GetValue<string>().ShouldBe("2026-03-27T09:00:00Z");
        fb["end"]!.GetValue<string>().ShouldBe("2026-03-27T10:00:00Z");
        fb["free_busy_status"]!.GetValue<string>().ShouldBe("busy");
        Events(await api.GetOkAsync("/v1/events?from=2026-03-27&to=2026-03-28")).Count.ShouldBe(2);
    }

    [Fact]
    public async Task ReadEvents_FromInclusiveToExclusive()
    {
        var (api, cal) = await Setup();
        await api.PutEventAsync(cal, new { event_id = "a", summary = "A", start = "2026-03-27T09:00:00Z", end = "2026-03-27T10:00:00Z", tzid = "Etc/UTC" });
        Events(await api.GetOkAsync("/v1/events?from=2026-03-27T10:00:00Z&to=2026-03-28")).ShouldBeEmpty();
        Events(await api.GetOkAsync("/v1/events?from=2026-03-27T09:59:00Z&to=2026-03-28")).Count.ShouldBe(1);
        Events(await api.GetOkAsync("/v1/events?from=2026-03-26&to=2026-03-27T09:00:00Z")).ShouldBeEmpty();
    }

    [Fact]
    public async Task ReadEvents_FiltersByCalendarIds()
    {
        var api = await factory.CreateApiClientAsync();
        var (sub, _) = await api.CreateAccountAsync();
        var one = await api.CreateCalendarAsync(sub, "One");
        var two = await api.CreateCalendarAsync(sub, "Two");
        await api.PutEventAsync(one, new { event_id = "a", summary = "A", start = "2026-03-27T09:00:00Z", end = "2026-03-27T10:00:00Z", tzid = "Etc/UTC" });
        await api.PutEventAsync(two, new { event_id = "b", summary = "B", start = "2026-03-27T09:00:00Z", end = "2026-03-27T10:00:00Z", tzid = "Etc/UTC" });
        var reply = await api.GetOkAsync($"/v1/events?from=2026-03-27&to=2026-03-28&calendar_ids[]={two}");
        Events(reply).Select(e => e!["event_id"]!.GetValue<string>()).ShouldBe(["b"]);
    }

    [Fact]
    public async Task ReadEvents_PagesFollowNextPage()
    {
        var (api, cal) = await Setup();
        for (var i = 0; i < 105; i++)
        {
            var start = new DateTime(2026, 3, 27, 0, 0, 0, DateTimeKind.Utc).AddMinutes(i * 10);
            await api.PutEventAsync(cal, new { event_id = $"e{i:000}", summary = "E", start = start.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture), end = start.AddMinutes(5).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture), tzid = "Etc/UTC" });
        }
        var first = await api.GetOkAsync("/v1/events?from=2026-03-27&to=2026-03-29&tzid=Etc/UTC");
        first["pages"]!["current"]!.GetValue<int>().ShouldBe(1);
        first["pages"]!["total"]!.GetValue<int>().ShouldBe(2);
        Events(first).Count.ShouldBe(100);
        var next = new Uri(first["pages"]!["next_page"]!.GetValue<string>());
        next.IsAbsoluteUri.ShouldBeTrue();
        var second = await api.GetOkAsync(next.PathAndQuery);
        second["pages"]!["current"]!.GetValue<int>().ShouldBe(2);
        second["pages"]!.AsObject().ContainsKey("next_page").ShouldBeFalse();
        Events(second).Select(e => e!["event_id"]!.GetValue<string>()).ShouldBe(["e100", "e101", "e102", "e103", "e104"]);
    }

    [Fact]
    public async Task DeleteEvent_ByBodyOrQuery_AndMissingIsNotAnError()
    {
        var (api, cal) = await Setup();
        await api.PutEventAsync(cal, new { event_id = "a", summary = "A", start = "2026-03-27T09:00:00Z", end = "2026-03-27T10:00:00Z", tzid = "Etc/UTC" });
        await api.PutEventAsync(cal, new { event_id = "b", summary = "B", start = "2026-03-27T11:00:00Z", end = "2026-03-27T12:00:00Z", tzid = "Etc/UTC" });
        var byBody = await api.SendAsync(HttpMethod.Delete, $"/v1/calendars/{cal}/events", new { event_id = "a" });
        ((int)byBody.StatusCode).ShouldBe(202);
        (await byBody.Content.ReadAsStringAsync()).ShouldBeEmpty();
        ((int)(await api.SendAsync(HttpMethod.Delete, $"/v1/calendars/{cal}/events?event_id=b")).StatusCode).ShouldBe(202);
        ((int)(await api.SendAsync(HttpMethod.Delete, $"/v1/calendars/{cal}/events?event_id=never-existed")).StatusCode).ShouldBe(202);
        Events(await api.GetOkAsync("/v1/events?from=2026-03-27&to=2026-03-28")).ShouldBeEmpty();
        await ApiClient.ErrorAsync(await api.SendAsync(HttpMethod.Delete, $"/v1/calendars/{cal}/events"), 422);
    }

    [Theory]
    [InlineData("""{"summary": "S", "start": "2026-03-27T09:00:00Z", "end": "2026-03-27T10:00:00Z", "tzid": "Etc/UTC"}""", "event_id", "errors.required")]
    [InlineData("""{"event_id": "e", "start": "2026-03-27T09:00:00Z", "end": "2026-03-27T10:00:00Z", "tzid": "Etc/UTC"}""", "summary", "errors.required")]
    [InlineData("""{"event_id": "e", "summary": "S", "end": "2026-03-27T10:00:00Z", "tzid": "Etc/UTC"}""", "start", "errors.required")]
    [InlineData("""{"event_id": "e", "summary": "S", "start": "2026-03-27T09:00:00Z", "end": "2026-03-27T10:00:00Z"}""", "tzid", "errors.required")]
    [InlineData("""{"event_id": "e", "summary": "S", "start": "2026-03-27T09:00:00Z", "end": "2026-03-27T10:00:00Z", "tzid": "Nowhere/City"}""", "tzid", "errors.unknown_time_zone")]
    [InlineData("""{"event_id": "e", "summary": "S", "start": "2026-03-27T10:00:00Z", "end": "2026-03-27T10:00:00Z", "tzid": "Etc/UTC"}""", "end", "errors.end_before_start")]
    [InlineData("""{"event_id": "e", "summary": "S", "start": "yesterday", "end": "2026-03-27T10:00:00Z", "tzid": "Etc/UTC"}""", "start", "errors.invalid")]
    [InlineData("""{"event_id": "e", "summary": "S", "start": {"time": "2026-03-27T09:00:00Z", "tzid": "Bad/Zone"}, "end": "2026-03-27T10:00:00Z", "tzid": "Etc/UTC"}""", "start", "errors.invalid")]
    [InlineData("""{"event_id": "e", "summary": "S", "start": "2026-03-27T09:00:00Z", "end": "2026-03-27T10:00:00Z", "tzid": "Etc/UTC", "transparency": "see-through"}""", "transparency", "errors.invalid")]
    [InlineData("""{"event_id": "e", "summary": ["S"], "start": "2026-03-27T09:00:00Z", "end": "2026-03-27T10:00:00Z", "tzid": "Etc/UTC"}""", "summary", "errors.invalid")]
    [InlineData("""{"event_id": "e", "summary": "S", "start": "2026-03-27", "end": "2026-03-27T10:00:00Z", "tzid": "Etc/UTC"}""", "end", "errors.invalid")]
    public async Task UpsertEvent_InvalidInput_Is422NamingTheField(string body, string field, string key)
    {
        var (api, cal) = await Setup();
        var error = await ApiClient.ErrorAsync(await api.PostAsync($"/v1/calendars/{cal}/events", body), 422);
        error["errors"]![field].ShouldNotBeNull(error.ToJsonString());
        error["errors"]![field]!.AsArray()[0]!["key"]!.GetValue<string>().ShouldBe(key);
    }

    [Theory]
    [InlineData("event_id", 257)]
    [InlineData("summary", 1025)]
    [InlineData("description", 4097)]
    public async Task UpsertEvent_TooLong_Is422(string field, int length)
    {
        var (api, cal) = await Setup();
        var ev = new JsonObject
        {
            ["event_id"] = "e",
            ["summary"] = "S",
            ["start"] = "2026-03-27T09:00:00Z",
            ["end"] = "2026-03-27T10:00:00Z",
            ["tzid"] = "Etc/UTC",
            [field] = new string('x', length),
        };
        var error = await ApiClient.ErrorAsync(await api.PostAsync($"/v1/calendars/{cal}/events", ev.ToJsonString()), 422);
        error["errors"]![field].ShouldNotBeNull();
        ev[field] = new string('x', length - 1);
        ((int)(await api.PostAsync($"/v1/calendars/{cal}/events", ev.ToJsonString())).StatusCode).ShouldBe(202);
    }

    [Fact]
    public async Task ReadEvents_BadQuery_Is422()
    {
        var (api, _) = await Setup();
        (await ApiClient.ErrorAsync(await api.GetAsync("/v1/events?from=tomorrow"), 422))["errors"]!["from"].ShouldNotBeNull();
        (await ApiClient.ErrorAsync(await api.GetAsync("/v1/events?tzid=Nope/Nope"), 422))["errors"]!["tzid"].ShouldNotBeNull();
        (await ApiClient.ErrorAsync(await api.GetAsync("/v1/free_busy?from=2026-03-28&to=2026-03-27"), 422))["errors"]!["to"].ShouldNotBeNull();
        (await ApiClient.ErrorAsync(await api.GetAsync("/v1/events?page=0"), 422))["errors"]!["page"].ShouldNotBeNull();
    }
}
