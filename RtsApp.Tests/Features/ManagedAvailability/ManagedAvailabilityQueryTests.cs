using System.Text.Json.Nodes;
using RtsApp.Tests.Infrastructure;

namespace RtsApp.Tests.Features.ManagedAvailability;

/// <summary>Managed members (SPEC §12) in <c>POST /v1/availability</c> and <c>/v1/sequenced_availability</c>, over HTTP.
/// The fake clock is Friday 2026-03-20T12:00Z; London moves to BST on Sunday 29 March.</summary>
public sealed class ManagedAvailabilityQueryTests(RtsAppFactory factory) : IClassFixture<RtsAppFactory>
{
    private static readonly object[] WorkingWeek = new[] { "monday", "tuesday", "wednesday", "thursday", "friday" }
        .Select(day => (object)new { day, start_time = "09:00", end_time = "17:00" }).ToArray();

    private static JsonObject Member(string sub, string[]? ruleIds = null, string[]? calendarIds = null)
    {
        var member = new JsonObject { ["sub"] = sub, ["managed_availability"] = true };
        if (ruleIds is not null) member["availability_rule_ids"] = new JsonArray(ruleIds.Select(id => (JsonNode?)id).ToArray());
        if (calendarIds is not null) member["calendar_ids"] = new JsonArray(calendarIds.Select(id => (JsonNode?)id).ToArray());
        return member;
    }

    private static string Query(JsonObject member, string start, string end, int minutes = 60) => new JsonObject
    {
        ["participants"] = new JsonArray(new JsonObject { ["members"] = new JsonArray(member), ["required"] = "all" }),
        ["required_duration"] = new JsonObject { ["minutes"] = minutes },
        ["query_periods"] = new JsonArray(new JsonObject { ["start"] = start, ["end"] = end }),
    }.ToJsonString();

    private static string[] Periods(JsonNode reply) =>
        reply["available_periods"]!.AsArray().Select(p => $"{p!["start"]}/{p["end"]}").ToArray();

    private async Task<(ApiClient Api, string Sub, string Token)> AccountAsync()
    {
        var api = await factory.CreateApiClientAsync();
        var (sub, token) = await api.CreateAccountAsync();
        return (api, sub, token);
    }

    [Fact]
    public async Task WorkingWeekInLondon_TwoWeeks_NoWeekendsNoNights_AndFollowsTheClockChange()
    {
        var (api, sub, token) = await AccountAsync();
        await api.CreateCalendarAsync(sub);
        await api.PostOkAsync("/v1/availability_rules", ManagedAvailabilityApiTests.Rule("work", periods: WorkingWeek), token);

        var reply = await api.PostOkAsync("/v1/availability", Query(Member(sub), "2026-03-23T00:00:00Z", "2026-04-06T00:00:00Z"));

        // GMT until Sunday 29 March, then BST: 09:00–17:00 London is 09:00–17:00Z, then 08:00–16:00Z.
        Periods(reply).ShouldBe([
            "2026-03-23T09:00:00Z/2026-03-23T17:00:00Z", "2026-03-24T09:00:00Z/2026-03-24T17:00:00Z",
            "2026-03-25T09:00:00Z/2026-03-25T17:00:00Z", "2026-03-26T09:00:00Z/2026-03-26T17:00:00Z",
            "2026-03-27T09:00:00Z/2026-03-27T17:00:00Z",
            "2026-03-30T08:00:00Z/2026-03-30T16:00:00Z", "2026-03-31T08:00:00Z/2026-03-31T16:00:00Z",
            "2026-04-01T08:00:00Z/2026-04-01T16:00:00Z", "2026-04-02T08:00:00Z/2026-04-02T16:00:00Z",
            "2026-04-03T08:00:00Z/2026-04-03T16:00:00Z"]);
    }

    [Fact]
    public async Task RuleSpanningTheSkippedHour_HoldsOnlyRealInstants()
    {
        var (api, sub, token) = await AccountAsync();
        await api.PostOkAsync("/v1/availability_rules",
            ManagedAvailabilityApiTests.Rule("night", periods: [new { day = "sunday", start_time = "00:30", end_time = "03:00" }]), token);
        var reply = await api.PostOkAsync("/v1/availability", Query(Member(sub), "2026-03-29T00:00:00Z", "2026-03-29T06:00:00Z", minutes: 30));
        // 00:30–01:00 GMT, then the clock jumps to 02:00 BST (01:00Z); 02:00–03:00 BST is 01:00–02:00Z: one stretch.
        Periods(reply).ShouldBe(["2026-03-29T00:30:00Z/2026-03-29T02:00:00Z"]);
    }

    [Fact]
    public async Task AvailabilityRuleIds_PickASubset_AndUnknownIdsAre422()
    {
        var (api, sub, token) = await AccountAsync();
        await api.PostOkAsync("/v1/availability_rules", ManagedAvailabilityApiTests.Rule("mornings", "Etc/UTC", periods: [new { day = "monday", start_time = "09:00", end_time = "12:00" }]), token);
        await api.PostOkAsync("/v1/availability_rules", ManagedAvailabilityApiTests.Rule("afternoons", "Etc/UTC", periods: [new { day = "monday", start_time = "13:00", end_time = "17:00" }]), token);

        Periods(await api.PostOkAsync("/v1/availability", Query(Member(sub), "2026-03-23T00:00:00Z", "2026-03-24T00:00:00Z")))
            .ShouldBe(["2026-03-23T09:00:00Z/2026-03-23T12:00:00Z", "2026-03-23T13:00:00Z/2026-03-23T17:00:00Z"]);
        Periods(await api.PostOkAsync("/v1/availability", Query(Member(sub, ["afternoons"]), "2026-03-23T00:00:00Z", "2026-03-24T00:00:00Z")))
            .ShouldBe(["2026-03-23T13:00:00Z/2026-03-23T17:00:00Z"]);

        var error = await ApiClient.ErrorAsync(await api.PostAsync("/v1/availability", Query(Member(sub, ["evenings"]), "2026-03-23T00:00:00Z", "2026-03-24T00:00:00Z")), 422);
        error["errors"]!["participants[0].members[0].availability_rule_ids"]![0]!["description"]!.GetValue<string>().ShouldContain("evenings");
    }

    [Fact]
    public async Task RuleIdsWithoutManagedAvailability_Is422()
    {
        var (api, sub, _) = await AccountAsync();
        var member = new JsonObject { ["sub"] = sub, ["availability_rule_ids"] = new JsonArray("work") };
        var error = await ApiClient.ErrorAsync(await api.PostAsync("/v1/availability", Query(member, "2026-03-23T00:00:00Z", "2026-03-24T00:00:00Z")), 422);
        error["errors"]!["participants[0].members[0].availability_rule_ids"].ShouldNotBeNull();
    }

    [Fact]
    public async Task BusyTime_FromCalendarIds_ElseTheRulesCalendars_ElseAll()
    {
        var (api, sub, token) = await AccountAsync();
        var work = await api.CreateCalendarAsync(sub, "Work");
        var home = await api.CreateCalendarAsync(sub, "Home");
        await api.PutEventAsync(home, new { event_id = "dentist", summary = "Dentist", start = "2026-03-23T10:00:00Z", end = "2026-03-23T11:00:00Z", tzid = "Etc/UTC" });
        await api.PutEventAsync(work, new { event_id = "review", summary = "Review", start = "2026-03-23T14:00:00Z", end = "2026-03-23T15:00:00Z", tzid = "Etc/UTC" });
        var monday = new[] { new { day = "monday", start_time = "09:00", end_time = "17:00" } };
        await api.PostOkAsync("/v1/availability_rules", ManagedAvailabilityApiTests.Rule("work", "Etc/UTC", [work], monday), token);

        // The rule names Work: Home's dentist does not count.
        Periods(await api.PostOkAsync("/v1/availability", Query(Member(sub), "2026-03-23T00:00:00Z", "2026-03-24T00:00:00Z")))
            .ShouldBe(["2026-03-23T09:00:00Z/2026-03-23T14:00:00Z", "2026-03-23T15:00:00Z/2026-03-23T17:00:00Z"]);
        // The member's own calendar_ids win.
        Periods(await api.PostOkAsync("/v1/availability", Query(Member(sub, calendarIds: [home]), "2026-03-23T00:00:00Z", "2026-03-24T00:00:00Z")))
            .ShouldBe(["2026-03-23T09:00:00Z/2026-03-23T10:00:00Z", "2026-03-23T11:00:00Z/2026-03-23T17:00:00Z"]);
        // A rule naming no calendars: all of them.
        await api.PostOkAsync("/v1/availability_rules", ManagedAvailabilityApiTests.Rule("work", "Etc/UTC", null, monday), token);
        Periods(await api.PostOkAsync("/v1/availability", Query(Member(sub), "2026-03-23T00:00:00Z", "2026-03-24T00:00:00Z")))
            .ShouldBe(["2026-03-23T09:00:00Z/2026-03-23T10:00:00Z", "2026-03-23T11:00:00Z/2026-03-23T14:00:00Z", "2026-03-23T15:00:00Z/2026-03-23T17:00:00Z"]);
    }

    [Fact]
    public async Task NoRulesNoPeriods_NoTime_AndAvailablePeriodsAddTime()
    {
        var (api, sub, token) = await AccountAsync();
        await api.CreateCalendarAsync(sub);
        var query = Query(Member(sub), "2026-03-23T00:00:00Z", "2026-03-29T00:00:00Z");
        Periods(await api.PostOkAsync("/v1/availability", query)).ShouldBeEmpty();

        var put = await api.PostAsync("/v1/available_periods", new { available_period_id = "saturday", start = "2026-03-28T10:00:00Z", end = "2026-03-28T12:00:00Z" }, token);
        ((int)put.StatusCode).ShouldBe(202);
        Periods(await api.PostOkAsync("/v1/availability", query)).ShouldBe(["2026-03-28T10:00:00Z/2026-03-28T12:00:00Z"]);

        // The same account, unmanaged, is free all week.
        var plain = Query(new JsonObject { ["sub"] = sub }, "2026-03-23T00:00:00Z", "2026-03-29T00:00:00Z");
        Periods(await api.PostOkAsync("/v1/availability", plain)).ShouldBe(["2026-03-23T00:00:00Z/2026-03-29T00:00:00Z"]);
    }

    [Fact]
    public async Task ManagedTime_IntersectsTheMembersOwnAvailablePeriods()
    {
        var (api, sub, token) = await AccountAsync();
        await api.PostOkAsync("/v1/availability_rules", ManagedAvailabilityApiTests.Rule("work", "Etc/UTC", periods: [new { day = "monday", start_time = "09:00", end_time = "17:00" }]), token);
        var member = Member(sub);
        member["available_periods"] = new JsonArray(new JsonObject { ["start"] = "2026-03-23T15:00:00Z", ["end"] = "2026-03-23T20:00:00Z" });
        Periods(await api.PostOkAsync("/v1/availability", Query(member, "2026-03-23T00:00:00Z", "2026-03-24T00:00:00Z")))
            .ShouldBe(["2026-03-23T15:00:00Z/2026-03-23T17:00:00Z"]);
    }

    [Fact]
    public async Task SequencedAvailability_StepsStayInsideWorkingHours()
    {
        var (api, sub, token) = await AccountAsync();
        await api.PostOkAsync("/v1/availability_rules", ManagedAvailabilityApiTests.Rule("work", "Etc/UTC", periods: [new { day = "monday", start_time = "09:00", end_time = "11:00" }]), token);
        JsonObject Step(string id, int ordinal) => new()
        {
            ["sequence_id"] = id,
            ["ordinal"] = ordinal,
            ["participants"] = new JsonArray(new JsonObject { ["members"] = new JsonArray(Member(sub)), ["required"] = "all" }),
            ["required_duration"] = new JsonObject { ["minutes"] = 60 },
            ["start_interval"] = new JsonObject { ["minutes"] = 60 },
        };
        var body = new JsonObject
        {
            ["sequence"] = new JsonArray(Step("first", 1), Step("second", 2)),
            ["query_periods"] = new JsonArray(new JsonObject { ["start"] = "2026-03-23T00:00:00Z", ["end"] = "2026-03-24T00:00:00Z" }),
        };

        var reply = await api.PostOkAsync("/v1/sequenced_availability", body.ToJsonString());

        reply["sequences"]!.AsArray().Select(o => string.Join(" ", o!["sequence"]!.AsArray().Select(s => $"{s!["sequence_id"]}@{s["start"]}")))
            .ShouldBe(["first@2026-03-23T09:00:00Z second@2026-03-23T10:00:00Z"]);
    }
}
