using System.Text.Json.Nodes;
using NodaTime;
using RtsApp.Tests.Infrastructure;

namespace RtsApp.Tests.Features.Availability;

public sealed class AvailabilityApiTests : IClassFixture<RtsAppFactory>
{
    private readonly RtsAppFactory factory;
    public AvailabilityApiTests(RtsAppFactory factory) => this.factory = factory;

    /// <summary>SPEC §4's example: A free 09:00–10:00 and B free 09:30–11:00 inside a 09:00–11:00 query period.</summary>
    private async Task<(ApiClient Api, string A, string B)> SpecExample()
    {
        var api = await factory.CreateApiClientAsync();
        var (a, _) = await api.CreateAccountAsync("A");
        var (b, _) = await api.CreateAccountAsync("B");
        await api.PutEventAsync(await api.CreateCalendarAsync(a), new { event_id = "a-busy", summary = "Busy", start = "2026-03-27T10:00:00Z", end = "2026-03-27T11:00:00Z", tzid = "Etc/UTC" });
        await api.PutEventAsync(await api.CreateCalendarAsync(b), new { event_id = "b-busy", summary = "Busy", start = "2026-03-27T09:00:00Z", end = "2026-03-27T09:30:00Z", tzid = "Etc/UTC" });
        return (api, a, b);
    }

    private static object Query(string a, string b, string? format = null) => new
    {
        participants = new[] { new { members = new[] { new { sub = a }, new { sub = b } }, required = (object)1 } },
        required_duration = new { minutes = 60 },
        query_periods = new[] { new { start = "2026-03-27T09:00:00Z", end = "2026-03-27T11:00:00Z" } },
        start_interval = new { minutes = 30 },
        response_format = format,
    };

    private static string[] Rows(JsonNode reply, string key) => reply[key]!.AsArray().Select(p =>
        $"{p!["start"]}-{p["end"]} {string.Join(",", p["participants"]!.AsArray().Select(s => s!["sub"]!.GetValue<string>()))}").ToArray();

    [Fact]
    public async Task Availability_SpecExample_Periods()
    {
        var (api, a, b) = await SpecExample();
        var reply = await api.PostOkAsync("/v1/availability", Query(a, b));
        Rows(reply, "available_periods").ShouldBe([$"2026-03-27T09:00:00Z-2026-03-27T10:00:00Z {a}", $"2026-03-27T09:30:00Z-2026-03-27T11:00:00Z {b}"]);
    }

    [Fact]
    public async Task Availability_SpecExample_OverlappingSlots()
    {
        var (api, a, b) = await SpecExample();
        var reply = await api.PostOkAsync("/v1/availability", Query(a, b, "overlapping_slots"));
        Rows(reply, "available_slots").ShouldBe([
            $"2026-03-27T09:00:00Z-2026-03-27T10:00:00Z {a}",
            $"2026-03-27T09:30:00Z-2026-03-27T10:30:00Z {b}",
            $"2026-03-27T10:00:00Z-2026-03-27T11:00:00Z {b}"]);
    }

    [Fact]
    public async Task Availability_SpecExample_Slots()
    {
        var (api, a, b) = await SpecExample();
        var reply = await api.PostOkAsync("/v1/availability", Query(a, b, "slots"));
        Rows(reply, "available_slots").ShouldBe([
            $"2026-03-27T09:00:00Z-2026-03-27T10:00:00Z {a}",
            $"2026-03-27T10:00:00Z-2026-03-27T11:00:00Z {b}"]);
    }

    [Fact]
    public async Task Availability_ClientQuirks_EmptyAndNullMeanAbsent()
    {
        var (api, a, b) = await SpecExample();
        var body = $$"""
            {"participants": [{"members": [{"sub": "{{a}}", "available_periods": []}, {"sub": "{{b}}", "calendar_ids": []}], "required": 1}],
             "required_duration": {"minutes": 60}, "available_periods": [{"start": "2026-03-27 09:00:00Z", "end": "2026-03-27 11:00:00Z"}],
             "start_interval": null, "buffer": {}, "minimum_notice": null, "max_results": null, "response_format": "overlapping_slots"}
            """;
        var reply = await api.PostOkAsync("/v1/availability", body);
        reply["available_slots"]!.AsArray().Count.ShouldBe(3);
    }

    [Fact]
    public async Task Availability_AllGroupWithBuffersAndTransparentEvents()
    {
        var api = await factory.CreateApiClientAsync();
        var (a, _) = await api.CreateAccountAsync("A");
        var cal = await api.CreateCalendarAsync(a);
        await api.PutEventAsync(cal, new { event_id = "busy", summary = "Busy", start = "2026-03-27T10:00:00Z", end = "2026-03-27T11:00:00Z", tzid = "Etc/UTC" });
        await api.PutEventAsync(cal, new { event_id = "free", summary = "Free", start = "2026-03-27T13:00:00Z", end = "2026-03-27T14:00:00Z", tzid = "Etc/UTC", transparency = "transparent" });
        var reply = await api.PostOkAsync("/v1/availability", new
        {
            participants = new[] { new { members = new[] { new { sub = a } }, required = "all" } },
            required_duration = new { minutes = 30 },
            query_periods = new[] { new { start = "2026-03-27T09:00:00Z", end = "2026-03-27T15:00:00Z" } },
            buffer = new { before = new { minutes = 15 }, after = new { minimum = new { minutes = 15 } } },
        });
        // The event [10:00, 11:00) removes (10:00 − 30 − 15, 11:00 + 15) = (09:15, 11:15) from the starts.
        Rows(reply, "available_periods").ShouldBe([$"2026-03-27T09:00:00Z-2026-03-27T09:45:00Z {a}", $"2026-03-27T11:15:00Z-2026-03-27T15:00:00Z {a}"]);
    }

    [Fact]
    public async Task Availability_CalendarIdsLimitTheBusyTime()
    {
        var api = await factory.CreateApiClientAsync();
        var (a, _) = await api.CreateAccountAsync("A");
        var work = await api.CreateCalendarAsync(a, "Work");
        var home = await api.CreateCalendarAsync(a, "Home");
        await api.PutEventAsync(home, new { event_id = "h", summary = "Home", start = "2026-03-27T09:00:00Z", end = "2026-03-27T10:00:00Z", tzid = "Etc/UTC" });
        object Body(string[]? ids) => new
        {
            participants = new[] { new { members = new[] { new { sub = a, calendar_ids = ids } }, required = "all" } },
            required_duration = new { minutes = 60 },
            query_periods = new[] { new { start = "2026-03-27T09:00:00Z", end = "2026-03-27T10:00:00Z" } },
        };
        (await api.PostOkAsync("/v1/availability", Body([work])))["available_periods"]!.AsArray().Count.ShouldBe(1);
        (await api.PostOkAsync("/v1/availability", Body(null)))["available_periods"]!.AsArray().ShouldBeEmpty();
    }

    [Fact]
    public async Task Availability_MinimumNoticeUsesTheClock()
    {
        var api = await factory.CreateApiClientAsync();
        var (a, _) = await api.CreateAccountAsync("A");
        var now = factory.Clock.Now;
        var reply = await api.PostOkAsync("/v1/availability", new
        {
            participants = new[] { new { members = new[] { new { sub = a } } } },
            required_duration = new { minutes = 30 },
            query_periods = new[] { new { start = Text(now - Duration.FromHours(2)), end = Text(now + Duration.FromHours(6)) } },
            minimum_notice = new { hours = 4 },
            response_format = "overlapping_slots",
        });
        reply["available_slots"]!.AsArray()[0]!["start"]!.GetValue<string>().ShouldBe(Text(now + Duration.FromHours(4)));
    }

    [Fact]
    public async Task Availability_AccountToken_SeesOnlyItself()
    {
        var api = await factory.CreateApiClientAsync();
        var (a, token) = await api.CreateAccountAsync("A");
        var (b, _) = await api.CreateAccountAsync("B");
        object Body(string sub) => new
        {
            participants = new[] { new { members = new[] { new { sub } } } },
            required_duration = new { minutes = 30 },
            query_periods = new[] { new { start = "2026-03-27T09:00:00Z", end = "2026-03-27T10:00:00Z" } },
        };
        await api.PostOkAsync("/v1/availability", Body(a), bearer: token);
        var error = await ApiClient.ErrorAsync(await api.PostAsync("/v1/availability", Body(b), bearer: token), 422);
        error["errors"]!["participants[0].members[0].sub"].ShouldNotBeNull();
    }

    public static IEnumerable<object[]> InvalidQueries()
    {
        const string members = """[{"sub": "SUB"}]""";
        const string periods = """[{"start": "2026-03-27T09:00:00Z", "end": "2026-03-27T10:00:00Z"}]""";
        string Q(string participants = $$"""[{"members": {{members}}}]""", string duration = """{"minutes": 30}""", string qp = periods, string extra = "") =>
            $$"""{"participants": {{participants}}, "required_duration": {{duration}}, "query_periods": {{qp}}{{extra}}}""";
        yield return [Q(participants: "[]"), "participants"];
        yield return [Q(participants: "[" + string.Join(",", Enumerable.Repeat($$"""{"members": {{members}}}""", 11)) + "]"), "participants"];
        yield return [Q(participants: """[{"members": []}]"""), "participants[0].members"];
        yield return [Q(participants: "[{\"members\": [" + string.Join(",", Enumerable.Repeat("{\"sub\": \"SUB\"}", 51)) + "]}]"), "participants[0].members"];
        yield return [Q(participants: $$"""[{"members": {{members}}, "required": 2}]"""), "participants[0].required"];
        yield return [Q(participants: $$"""[{"members": {{members}}, "required": 0}]"""), "participants[0].required"];
        yield return [Q(participants: $$"""[{"members": {{members}}, "required": "most"}]"""), "participants[0].required"];
        yield return [Q(participants: """[{"members": [{"sub": "acc_000000000000000000000000"}]}]"""), "participants[0].members[0].sub"];
        yield return [Q(participants: """[{"members": [{"sub": "SUB", "calendar_ids": ["cal_000000000000000000000000"]}]}]"""), "participants[0].members[0].calendar_ids"];
        yield return [Q(participants: """[{"members": [{"sub": "SUB", "available_periods": [{"start": "2026-03-27T10:00:00Z", "end": "2026-03-27T09:00:00Z"}]}]}]"""), "participants[0].members[0].available_periods[0].end"];
        yield return [Q(duration: "null"), "required_duration"];
        yield return [Q(duration: """{"minutes": 0}"""), "required_duration"];
        yield return [Q(duration: """{"hours": 25}"""), "required_duration"];
        yield return [Q(duration: """{"minutes": -5}"""), "required_duration"];
        yield return [Q(qp: "[]"), "query_periods"];
        yield return [Q(qp: """[{"start": "2026-03-27T10:00:00Z", "end": "2026-03-27T09:00:00Z"}]"""), "query_periods[0].end"];
        yield return [Q(qp: """[{"start": "2026-03-27T09:00:00Z"}]"""), "query_periods[0].end"];
        yield return [Q(qp: """[{"start": "2026-03-01T09:00:00Z", "end": "2026-03-02T09:00:00Z"}, {"start": "2026-04-10T09:00:00Z", "end": "2026-04-11T09:00:00Z"}]"""), "query_periods"];
        yield return [Q(qp: "[" + string.Join(",", Enumerable.Repeat("""{"start": "2026-03-27T09:00:00Z", "end": "2026-03-27T10:00:00Z"}""", 51)) + "]"), "query_periods"];
        yield return [Q(qp: """[{"start": "not a time", "end": "2026-03-27T10:00:00Z"}]"""), "query_periods[0].start"];
        yield return [Q(extra: """, "start_interval": {"minutes": 7}"""), "start_interval"];
        yield return [Q(extra: """, "max_results": 513"""), "max_results"];
        yield return [Q(extra: """, "max_results": 0"""), "max_results"];
        yield return [Q(extra: ", \"response_format\": \"calendar\""), "response_format"];
        yield return [Q(extra: ", \"tzid\": \"Moon/Base\""), "tzid"];
        yield return [Q(extra: """, "buffer": {"before": {"minutes": "ten"}}"""), "buffer.before"];
        yield return [Q(duration: """{"minutes": "30.5"}"""), "required_duration"];
        yield return [Q(duration: """{"minutes": "-30"}"""), "required_duration"];
        yield return [Q(duration: """{"minutes": " 30"}"""), "required_duration"];
    }

    [Theory]
    [MemberData(nameof(InvalidQueries))]
    public async Task Availability_InvalidQuery_Is422NamingTheField(string body, string field)
    {
        var api = await factory.CreateApiClientAsync();
        var (sub, _) = await api.CreateAccountAsync("S");
        var error = await ApiClient.ErrorAsync(await api.PostAsync("/v1/availability", body.Replace("SUB", sub)), 422);
        error["errors"]!.AsObject().Select(e => e.Key).ShouldContain(field, error.ToJsonString());
    }

    /// <summary>SPEC §1: numbers may be strings, durations' too; a key given twice counts once, the last one.</summary>
    [Theory]
    [InlineData("""{"minutes": "60"}""", """{"minutes": "30"}""")]
    [InlineData("""{"hours": "1"}""", """{"minutes": 30}""")]
    [InlineData("""{"minutes": 30, "minutes": 60}""", """{"minutes": 15, "minutes": "30"}""")]
    [InlineData("""{"hours": 2, "minutes": 60, "hours": 0}""", """{"hours": "0", "minutes": "30"}""")]
    public async Task Availability_DurationsAsStrings_AndRepeatedKeys_LastOneCounts(string duration, string interval)
    {
        var api = await factory.CreateApiClientAsync();
        var (sub, _) = await api.CreateAccountAsync("D");
        var body = $$"""
            {"participants": [{"members": [{"sub": "{{sub}}"}]}], "required_duration": {{duration}}, "start_interval": {{interval}},
             "response_format": "overlapping_slots", "query_periods": [{"start": "2026-03-27T09:00:00Z", "end": "2026-03-27T11:00:00Z"}]}
            """;

        var slots = (await api.PostOkAsync("/v1/availability", body))["available_slots"]!.AsArray();

        // 60 minutes every 30: 09:00, 09:30 and 10:00 fit before 11:00.
        slots.Select(s => $"{s!["start"]}–{s["end"]}").ShouldBe(
            ["2026-03-27T09:00:00Z–2026-03-27T10:00:00Z", "2026-03-27T09:30:00Z–2026-03-27T10:30:00Z", "2026-03-27T10:00:00Z–2026-03-27T11:00:00Z"]);
    }

    [Fact]
    public async Task SequencedAvailability_OrdinalsGapsAndNumericIds()
    {
        var api = await factory.CreateApiClientAsync();
        var (a, _) = await api.CreateAccountAsync("A");
        var (b, _) = await api.CreateAccountAsync("B");
        await api.PutEventAsync(await api.CreateCalendarAsync(b), new { event_id = "b", summary = "Busy", start = "2026-03-27T10:00:00Z", end = "2026-03-27T11:00:00Z", tzid = "Etc/UTC" });
        var reply = await api.PostOkAsync("/v1/sequenced_availability", """
            {"sequence": [
               {"sequence_id": 456, "ordinal": 2, "participants": [{"members": [{"sub": "B_SUB"}]}], "required_duration": {"minutes": 60}},
               {"sequence_id": "123", "ordinal": 1, "participants": [{"members": [{"sub": "A_SUB"}]}], "required_duration": {"minutes": 60},
                "buffer": {"after": {"minimum": {"minutes": 0}, "maximum": {"minutes": 60}}}}],
             "query_periods": [{"start": "2026-03-27T09:00:00Z", "end": "2026-03-27T13:00:00Z"}], "tzid": "Europe/London", "max_results": 2}
            """.Replace("A_SUB", a).Replace("B_SUB", b));
        var options = reply["sequences"]!.AsArray();
        options.Count.ShouldBe(2);
        string Option(JsonNode o) => string.Join(" | ", o["sequence"]!.AsArray().Select(s =>
            $"{s!["sequence_id"]!.GetValue<string>()} {s["start"]}-{s["end"]} {s["participants"]![0]!["sub"]}"));
        // Round 1 at 09:00 ends 10:00; B is busy 10:00–11:00, so round 2 can start no earlier than 11:00 — a gap of 60 minutes, the maximum.
        Option(options[0]!).ShouldBe($"123 2026-03-27T09:00:00Z-2026-03-27T10:00:00Z {a} | 456 2026-03-27T11:00:00Z-2026-03-27T12:00:00Z {b}");
        Option(options[1]!).ShouldBe($"123 2026-03-27T09:30:00Z-2026-03-27T10:30:00Z {a} | 456 2026-03-27T11:00:00Z-2026-03-27T12:00:00Z {b}");
    }

    [Fact]
    public async Task SequencedAvailability_Invalid_Is422WithStepPaths()
    {
        var api = await factory.CreateApiClientAsync();
        var error = await ApiClient.ErrorAsync(await api.PostAsync("/v1/sequenced_availability", """
            {"sequence": [{"sequence_id": "1", "participants": [{"members": [{"sub": "acc_000000000000000000000000"}]}]}],
             "query_periods": [{"start": "2026-03-27T09:00:00Z", "end": "2026-03-27T13:00:00Z"}], "max_results": 129}
            """), 422);
        var keys = error["errors"]!.AsObject().Select(e => e.Key).ToList();
        keys.ShouldContain("sequence[0].required_duration");
        keys.ShouldContain("max_results");
        await ApiClient.ErrorAsync(await api.PostAsync("/v1/sequenced_availability", """{"sequence": [], "query_periods": []}"""), 422);
    }

    private static string Text(Instant i) => NodaTime.Text.InstantPattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd'T'HH':'mm':'ss'Z'").Format(i);
}
