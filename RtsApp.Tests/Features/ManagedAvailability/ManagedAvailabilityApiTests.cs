using System.Text.Json.Nodes;
using RtsApp.Tests.Infrastructure;

namespace RtsApp.Tests.Features.ManagedAvailability;

/// <summary>SPEC §12's calls over HTTP: with an account token, with the client secret plus <c>sub</c>, and every refusal.</summary>
public sealed class ManagedAvailabilityApiTests(RtsAppFactory factory) : IClassFixture<RtsAppFactory>
{
    public static object Rule(string id = "working_hours", string tzid = "Europe/London", string[]? calendarIds = null, object[]? periods = null) => new
    {
        availability_rule_id = id,
        tzid,
        calendar_ids = calendarIds,
        weekly_periods = periods ?? [new { day = "monday", start_time = "09:00", end_time = "17:00" }, new { day = "friday", start_time = "09:00", end_time = "12:30" }],
    };

    private async Task<(ApiClient Api, string Sub, string Token)> AccountAsync()
    {
        var api = await factory.CreateApiClientAsync();
        var (sub, token) = await api.CreateAccountAsync();
        return (api, sub, token);
    }

    [Fact]
    public async Task UpsertRule_WithAccountToken_RepliesAsStored_AndReadsBack()
    {
        var (api, sub, token) = await AccountAsync();
        var cal = await api.CreateCalendarAsync(sub);

        var reply = await api.PostOkAsync("/v1/availability_rules", Rule(calendarIds: [cal]), token);

        var expected = $$$"""
            {"availability_rule":{"availability_rule_id":"working_hours","tzid":"Europe/London","calendar_ids":["{{{cal}}}"],"weekly_periods":[{"day":"monday","start_time":"09:00","end_time":"17:00"},{"day":"friday","start_time":"09:00","end_time":"12:30"}]}}
            """;
        reply.ToJsonString().ShouldBe(expected);
        (await api.GetOkAsync("/v1/availability_rules/working_hours", token)).ToJsonString().ShouldBe(expected);
        var list = await api.GetOkAsync("/v1/availability_rules", token);
        list["availability_rules"]!.AsArray().Select(r => r!["availability_rule_id"]!.GetValue<string>()).ShouldBe(["working_hours"]);
    }

    [Fact]
    public async Task Rules_WithSecretAndSub_InBodyAndQuery()
    {
        var (api, sub, _) = await AccountAsync();
        var body = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(Rule()))!.AsObject();
        body["sub"] = sub;
        (await api.PostOkAsync("/v1/availability_rules", body.ToJsonString()))["availability_rule"]!["calendar_ids"]!.AsArray().ShouldBeEmpty();

        (await api.GetOkAsync($"/v1/availability_rules?sub={sub}"))["availability_rules"]!.AsArray().Count.ShouldBe(1);
        (await api.GetOkAsync($"/v1/availability_rules/working_hours?sub={sub}"))["availability_rule"]!["tzid"]!.GetValue<string>().ShouldBe("Europe/London");
        var deleted = await api.SendAsync(HttpMethod.Delete, $"/v1/availability_rules/working_hours?sub={sub}");
        ((int)deleted.StatusCode).ShouldBe(202);
    }

    [Fact]
    public async Task Application_WithoutSub_Is422()
    {
        var (api, _, _) = await AccountAsync();
        var error = await ApiClient.ErrorAsync(await api.PostAsync("/v1/availability_rules", Rule()), 422);
        error["errors"]!["sub"]![0]!["key"]!.GetValue<string>().ShouldBe("errors.required");
        (await ApiClient.ErrorAsync(await api.GetAsync("/v1/availability_rules"), 422))["errors"]!["sub"].ShouldNotBeNull();
        (await ApiClient.ErrorAsync(await api.GetAsync("/v1/available_periods"), 422))["errors"]!["sub"].ShouldNotBeNull();
        (await ApiClient.ErrorAsync(await api.PostAsync("/v1/available_periods",
            new { available_period_id = "p1", start = "2026-03-23T09:00:00Z", end = "2026-03-23T10:00:00Z" }), 422))["errors"]!["sub"].ShouldNotBeNull();
    }

    [Fact]
    public async Task SubOfAnotherApplication_Is404()
    {
        var (_, otherSub, otherToken) = await AccountAsync();
        var (api, _, token) = await AccountAsync();
        var body = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(Rule()))!.AsObject();
        body["sub"] = otherSub;
        await ApiClient.ErrorAsync(await api.PostAsync("/v1/availability_rules", body.ToJsonString()), 404);
        await ApiClient.ErrorAsync(await api.GetAsync($"/v1/availability_rules?sub={otherSub}"), 404);
        await ApiClient.ErrorAsync(await api.GetAsync($"/v1/available_periods?sub={otherSub}"), 404);
        // An account token acts for its own account only.
        await ApiClient.ErrorAsync(await api.GetAsync($"/v1/availability_rules?sub={otherSub}", token), 404);
        // And another application's rule is not found with its id either.
        await api.PostOkAsync("/v1/availability_rules", Rule("mine"), otherToken);
        await ApiClient.ErrorAsync(await api.GetAsync("/v1/availability_rules/mine", token), 404);
    }

    public static TheoryData<string, string> InvalidRules() => new()
    {
        { """{"tzid": "Europe/London", "weekly_periods": [{"day": "monday", "start_time": "09:00", "end_time": "17:00"}]}""", "availability_rule_id" },
        { """{"availability_rule_id": "has space", "tzid": "Europe/London", "weekly_periods": [{"day": "monday", "start_time": "09:00", "end_time": "17:00"}]}""", "availability_rule_id" },
        { """{"availability_rule_id": "é", "tzid": "Europe/London", "weekly_periods": [{"day": "monday", "start_time": "09:00", "end_time": "17:00"}]}""", "availability_rule_id" },
        { $$"""{"availability_rule_id": "{{new string('a', 65)}}", "tzid": "Europe/London", "weekly_periods": [{"day": "monday", "start_time": "09:00", "end_time": "17:00"}]}""", "availability_rule_id" },
        { """{"availability_rule_id": "r", "tzid": "Mars/Olympus", "weekly_periods": [{"day": "monday", "start_time": "09:00", "end_time": "17:00"}]}""", "tzid" },
        { """{"availability_rule_id": "r", "weekly_periods": [{"day": "monday", "start_time": "09:00", "end_time": "17:00"}]}""", "tzid" },
        { """{"availability_rule_id": "r", "tzid": "Europe/London", "weekly_periods": []}""", "weekly_periods" },
        { """{"availability_rule_id": "r", "tzid": "Europe/London", "weekly_periods": [{"day": "Funday", "start_time": "09:00", "end_time": "17:00"}]}""", "weekly_periods[0].day" },
        { """{"availability_rule_id": "r", "tzid": "Europe/London", "weekly_periods": [{"day": "monday", "start_time": "09:00", "end_time": "25:00"}]}""", "weekly_periods[0].end_time" },
        { """{"availability_rule_id": "r", "tzid": "Europe/London", "weekly_periods": [{"day": "monday", "start_time": "9:00", "end_time": "17:00"}]}""", "weekly_periods[0].start_time" },
        { """{"availability_rule_id": "r", "tzid": "Europe/London", "weekly_periods": [{"day": "monday", "start_time": "24:00", "end_time": "24:00"}]}""", "weekly_periods[0].start_time" },
        { """{"availability_rule_id": "r", "tzid": "Europe/London", "weekly_periods": [{"day": "monday", "start_time": "09:00", "end_time": "17:00"}, {"day": "tuesday", "start_time": "17:00", "end_time": "09:00"}]}""", "weekly_periods[1].end_time" },
        { """{"availability_rule_id": "r", "tzid": "Europe/London", "weekly_periods": [{"day": "monday", "start_time": "09:00", "end_time": "09:00"}]}""", "weekly_periods[0].end_time" },
        { """{"availability_rule_id": "r", "tzid": "Europe/London", "calendar_ids": ["cal_nope"], "weekly_periods": [{"day": "monday", "start_time": "09:00", "end_time": "17:00"}]}""", "calendar_ids" },
        { """{"availability_rule_id": 5, "tzid": "Europe/London", "weekly_periods": [{"day": "monday", "start_time": "09:00", "end_time": "17:00"}]}""", "availability_rule_id" },
    };

    [Theory]
    [MemberData(nameof(InvalidRules))]
    public async Task UpsertRule_Invalid_Is422NamingTheField(string body, string field)
    {
        var (api, _, token) = await AccountAsync();
        var error = await ApiClient.ErrorAsync(await api.PostAsync("/v1/availability_rules", body, token), 422);
        error["errors"]!.AsObject().Select(e => e.Key).ShouldContain(field);
    }

    [Fact]
    public async Task UpsertRule_MoreThan50Periods_Is422()
    {
        var (api, _, token) = await AccountAsync();
        var periods = Enumerable.Range(0, 51).Select(i => (object)new { day = "monday", start_time = $"{i / 4 + 1:00}:{i % 4 * 15:00}", end_time = "23:59" }).ToArray();
        var error = await ApiClient.ErrorAsync(await api.PostAsync("/v1/availability_rules", Rule(periods: periods), token), 422);
        error["errors"]!["weekly_periods"].ShouldNotBeNull();
        (await api.PostAsync("/v1/availability_rules", Rule(periods: periods[..50]), token)).IsSuccessStatusCode.ShouldBeTrue();
    }

    [Fact]
    public async Task UpsertRule_AllowsMidnightEnd()
    {
        var (api, _, token) = await AccountAsync();
        var reply = await api.PostOkAsync("/v1/availability_rules", Rule(periods: [new { day = "sunday", start_time = "00:00", end_time = "24:00" }]), token);
        reply["availability_rule"]!["weekly_periods"]![0]!["end_time"]!.GetValue<string>().ShouldBe("24:00");
    }

    [Fact]
    public async Task UpsertRule_ForeignCalendar_Is422()
    {
        var (api, sub, token) = await AccountAsync();
        var (other, _) = await api.CreateAccountAsync("Bob");
        var theirs = await api.CreateCalendarAsync(other);
        await api.CreateCalendarAsync(sub);
        var error = await ApiClient.ErrorAsync(await api.PostAsync("/v1/availability_rules", Rule(calendarIds: [theirs]), token), 422);
        error["errors"]!["calendar_ids"]![0]!["description"]!.GetValue<string>().ShouldContain(theirs);
    }

    [Fact]
    public async Task UpsertRule_IsIdempotentById()
    {
        var (api, _, token) = await AccountAsync();
        await api.PostOkAsync("/v1/availability_rules", Rule(), token);
        await api.PostOkAsync("/v1/availability_rules", Rule(tzid: "America/New_York", periods: [new { day = "tuesday", start_time = "10:00", end_time = "11:00" }]), token);
        var rules = (await api.GetOkAsync("/v1/availability_rules", token))["availability_rules"]!.AsArray();
        rules.Count.ShouldBe(1);
        rules[0]!["tzid"]!.GetValue<string>().ShouldBe("America/New_York");
        rules[0]!["weekly_periods"]!.AsArray().Count.ShouldBe(1);
    }

    [Fact]
    public async Task AnAccountHasAtMost20Rules()
    {
        var (api, _, token) = await AccountAsync();
        for (var i = 1; i <= 20; i++) await api.PostOkAsync("/v1/availability_rules", Rule($"rule-{i}"), token);
        var error = await ApiClient.ErrorAsync(await api.PostAsync("/v1/availability_rules", Rule("rule-21"), token), 422);
        error["errors"]!["availability_rule_id"]![0]!["key"]!.GetValue<string>().ShouldBe("errors.too_many_rules");
        // Updating one of the twenty is still fine.
        await api.PostOkAsync("/v1/availability_rules", Rule("rule-20", tzid: "Etc/UTC"), token);
    }

    [Fact]
    public async Task DeleteRule_202_ThenReadIs404()
    {
        var (api, _, token) = await AccountAsync();
        await api.PostOkAsync("/v1/availability_rules", Rule(), token);
        var deleted = await api.SendAsync(HttpMethod.Delete, "/v1/availability_rules/working_hours", null, token);
        ((int)deleted.StatusCode).ShouldBe(202);
        (await deleted.Content.ReadAsStringAsync()).ShouldBeEmpty();
        await ApiClient.ErrorAsync(await api.GetAsync("/v1/availability_rules/working_hours", token), 404);
        await ApiClient.ErrorAsync(await api.SendAsync(HttpMethod.Delete, "/v1/availability_rules/working_hours", null, token), 404);
    }

    [Fact]
    public async Task DeleteRule_WithTheBodyTheNodeClientSends()
    {
        var (api, _, token) = await AccountAsync();
        await api.PostOkAsync("/v1/availability_rules", Rule(), token);
        var deleted = await api.SendAsync(HttpMethod.Delete, "/v1/availability_rules/working_hours", new { availability_rule_id = "working_hours" }, token);
        ((int)deleted.StatusCode).ShouldBe(202);
    }

    [Fact]
    public async Task AvailablePeriods_UpsertListDelete()
    {
        var (api, _, token) = await AccountAsync();
        async Task Put(string id, string start, string end) =>
            ((int)(await api.PostAsync("/v1/available_periods", new { available_period_id = id, start, end }, token)).StatusCode).ShouldBe(202);
        await Put("p1", "2026-03-23T09:00:00Z", "2026-03-23T12:00:00Z");
        await Put("p2", "2026-03-24 09:00:00Z", "2026-03-24T12:00:00+01:00");
        await Put("p1", "2026-03-23T08:00:00Z", "2026-03-23T12:00:00Z");
        await Put("later", "2026-05-01T09:00:00Z", "2026-05-01T10:00:00Z");

        var reply = await api.GetOkAsync("/v1/available_periods?from=2026-03-23&to=2026-03-25&tzid=Europe/London", token);
        reply["pages"]!["current"]!.GetValue<int>().ShouldBe(1);
        reply["available_periods"]!.ToJsonString().ShouldBe("""
            [{"available_period_id":"p1","start":"2026-03-23T08:00:00Z","end":"2026-03-23T12:00:00Z"},{"available_period_id":"p2","start":"2026-03-24T09:00:00Z","end":"2026-03-24T11:00:00Z"}]
            """);

        ((int)(await api.SendAsync(HttpMethod.Delete, "/v1/available_periods", new { available_period_id = "p1" }, token)).StatusCode).ShouldBe(202);
        var after = await api.GetOkAsync("/v1/available_periods?from=2026-03-23&to=2026-03-25&tzid=Europe/London", token);
        after["available_periods"]!.AsArray().Select(p => p!["available_period_id"]!.GetValue<string>()).ShouldBe(["p2"]);
    }

    public static TheoryData<string, string> InvalidPeriods() => new()
    {
        { """{"start": "2026-03-23T09:00:00Z", "end": "2026-03-23T10:00:00Z"}""", "available_period_id" },
        { """{"available_period_id": "a/b", "start": "2026-03-23T09:00:00Z", "end": "2026-03-23T10:00:00Z"}""", "available_period_id" },
        { """{"available_period_id": "p", "end": "2026-03-23T10:00:00Z"}""", "start" },
        { """{"available_period_id": "p", "start": "2026-03-23T10:00:00Z", "end": "2026-03-23T10:00:00Z"}""", "end" },
        { """{"available_period_id": "p", "start": "3000-01-01T00:00:00Z", "end": "3000-01-02T00:00:00Z"}""", "start" },
        { """{"available_period_id": "p", "start": "2026-03-23T09:00:00Z", "end": "2026-03-23T10:00:00+19:00"}""", "end" },
    };

    [Theory]
    [MemberData(nameof(InvalidPeriods))]
    public async Task UpsertPeriod_Invalid_Is422NamingTheField(string body, string field)
    {
        var (api, _, token) = await AccountAsync();
        var error = await ApiClient.ErrorAsync(await api.PostAsync("/v1/available_periods", body, token), 422);
        error["errors"]!.AsObject().Select(e => e.Key).ShouldContain(field);
    }

    [Fact]
    public async Task ListPeriods_BadRange_Is422()
    {
        var (api, _, token) = await AccountAsync();
        (await ApiClient.ErrorAsync(await api.GetAsync("/v1/available_periods?tzid=Mars/Olympus", token), 422))["errors"]!["tzid"].ShouldNotBeNull();
        (await ApiClient.ErrorAsync(await api.GetAsync("/v1/available_periods?from=2026-03-25&to=2026-03-23", token), 422))["errors"]!["to"].ShouldNotBeNull();
    }

    [Fact]
    public async Task DeletePeriod_WithoutId_Is422()
    {
        var (api, _, token) = await AccountAsync();
        (await ApiClient.ErrorAsync(await api.SendAsync(HttpMethod.Delete, "/v1/available_periods", null, token), 422))["errors"]!["available_period_id"].ShouldNotBeNull();
    }
}
