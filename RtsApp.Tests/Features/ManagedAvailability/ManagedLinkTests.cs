using System.Net;
using System.Text.Json.Nodes;
using AngleSharp.Html.Dom;
using Microsoft.AspNetCore.Mvc.Testing;
using RtsApp.Tests.Components.Scheduling;
using RtsApp.Tests.Infrastructure;

namespace RtsApp.Tests.Features.ManagedAvailability;

/// <summary>A link whose member is managed: the page and booking read the same loader, so both keep to its working hours.
/// The link's query periods are Monday 23 March 09:00–11:00Z and Tuesday 24 March 13:00–15:00Z (London on GMT).</summary>
public sealed class ManagedLinkTests(RtsAppFactory factory) : IClassFixture<RtsAppFactory>
{
    private readonly HttpClient http = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    private async Task<TestLink> ManagedLinkAsync()
    {
        var link = await SchedulingLinks.CreateAsync(await factory.CreateApiClientAsync(),
            (body, _) => body["availability"]!["participants"]![0]!["members"]![0]!["managed_availability"] = true);
        var rule = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(ManagedAvailabilityApiTests.Rule("hours", periods:
            [new { day = "monday", start_time = "10:00", end_time = "17:00" }, new { day = "tuesday", start_time = "09:00", end_time = "14:00" }])))!.AsObject();
        rule["sub"] = link.Sub;
        await link.Api.PostOkAsync("/v1/availability_rules", rule.ToJsonString());
        return link;
    }

    [Fact]
    public async Task Page_OffersOnlyWorkingHours()
    {
        var link = await ManagedLinkAsync();
        var doc = await Html.GetAsync(http, link.Path + "?tz=Europe/London");
        // Day first (SPEC §7): the days with times, then each day's times.
        doc.QuerySelectorAll("a[data-day]").Select(d => d.GetAttribute("data-day")).ShouldBe(["2026-03-23", "2026-03-24"]);
        var starts = new List<string>();
        foreach (var day in doc.QuerySelectorAll("a[data-day]").Select(d => d.GetAttribute("href")!).ToList())
            starts.AddRange(Html.SlotStarts(await Html.GetAsync(http, day)));
        starts.ShouldBe(["2026-03-23T10:00:00Z", "2026-03-23T10:30:00Z", "2026-03-24T13:00:00Z", "2026-03-24T13:30:00Z"]);
    }

    [Fact]
    public async Task Booking_OutsideWorkingHours_IsRefused_InsideBooks()
    {
        var link = await ManagedLinkAsync();
        (await Html.GetAsync(http, link.Path + "?start=2026-03-23T09:00:00Z")).QuerySelector("[data-action=confirm]").ShouldBeNull();

        // A confirmation form for an offered time, posted with a time outside the working hours instead.
        var confirm = await Html.GetAsync(http, link.Path + "?start=2026-03-23T10:00:00Z");
        var form = confirm.QuerySelector("form:has(button[data-action=confirm])")!;
        var fields = form.QuerySelectorAll("input[name]").Cast<IHtmlInputElement>()
            .ToDictionary(i => i.Name!, i => i.Name == "Confirm.Start" ? "2026-03-23T09:00:00Z" : i.Value);
        var refused = await http.PostAsync(form.GetAttribute("action"), new FormUrlEncodedContent(fields));
        refused.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await Html.ParseAsync(refused)).QuerySelector("[role=status]").ShouldNotBeNull();
        (await SchedulingLinks.StatusAsync(link)).ShouldBe("open");
        (await SchedulingLinks.EventsAsync(link)).ShouldBeEmpty();

        var booked = await Html.SubmitAsync(http, form);
        booked.StatusCode.ShouldBe(HttpStatusCode.SeeOther);
        (await SchedulingLinks.StatusAsync(link)).ShouldBe("completed");
        (await SchedulingLinks.EventsAsync(link)).Select(e => e!["start"]!.ToString()).ShouldBe(["2026-03-23T10:00:00Z"]);
    }

    /// <summary>A rule an open link names in availability_rule_ids is in use: deleting it would leave the link offering
    /// nothing. Refused until the link is no longer open; a rule no open link names is deleted as before.</summary>
    [Fact]
    public async Task DeleteRule_NamedByAnOpenLink_IsInUse_UntilTheLinkIsDisabled()
    {
        var link = await ManagedLinkAsync();
        var other = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(ManagedAvailabilityApiTests.Rule("other")))!.AsObject();
        other["sub"] = link.Sub;
        await link.Api.PostOkAsync("/v1/availability_rules", other.ToJsonString());
        var naming = await link.Api.PostOkAsync("/v1/real_time_scheduling", $$$"""
            {"event": {"event_id": "named", "summary": "Named", "tzid": "Europe/London"},
             "availability": {"participants": [{"members": [{"sub": "{{{link.Sub}}}", "managed_availability": true, "availability_rule_ids": ["hours"]}]}],
                              "required_duration": {"minutes": 30}, "query_periods": {{{SchedulingLinks.Periods.ToJsonString()}}}},
             "target_calendars": [{"sub": "{{{link.Sub}}}", "calendar_id": "{{{link.CalendarId}}}"}], "tzid": "Europe/London",
             "redirect_urls": {"completed_url": "https://app.example/done"}}
            """);
        var namingId = naming["real_time_scheduling"]!["real_time_scheduling_id"]!.GetValue<string>();

        var inUse = await ApiClient.ErrorAsync(await link.Api.SendAsync(HttpMethod.Delete, $"/v1/availability_rules/hours?sub={link.Sub}"), 422);
        inUse["errors"]!["availability_rule_id"]![0]!["key"]!.GetValue<string>().ShouldBe("errors.in_use");
        inUse["errors"]!["availability_rule_id"]![0]!["description"]!.GetValue<string>().ShouldContain(namingId);
        // The first link reads all the account's rules without naming any: it does not hold "other".
        ((int)(await link.Api.SendAsync(HttpMethod.Delete, $"/v1/availability_rules/other?sub={link.Sub}")).StatusCode).ShouldBe(202);

        await link.Api.PostOkAsync($"/v1/real_time_scheduling/{namingId}/disable", new { display_message = "Closed" });
        ((int)(await link.Api.SendAsync(HttpMethod.Delete, $"/v1/availability_rules/hours?sub={link.Sub}")).StatusCode).ShouldBe(202);
    }

    /// <summary>A link naming a rule and the rule's deletion, sent at once: one of the two sees the other (both take the
    /// account's lock), so never both succeed — an open link naming a rule that is gone.</summary>
    [Fact]
    public async Task DeleteRule_AndALinkNamingIt_AtOnce_NeverBothSucceed()
    {
        var link = await ManagedLinkAsync();
        for (var i = 0; i < 40; i++)
        {
            var rule = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(ManagedAvailabilityApiTests.Rule($"race{i}")))!.AsObject();
            rule["sub"] = link.Sub;
            await link.Api.PostOkAsync("/v1/availability_rules", rule.ToJsonString());
            var create = link.Api.PostAsync("/v1/real_time_scheduling", $$$"""
                {"event": {"event_id": "race{{{i}}}", "summary": "Race", "tzid": "Europe/London"},
                 "availability": {"participants": [{"members": [{"sub": "{{{link.Sub}}}", "managed_availability": true, "availability_rule_ids": ["race{{{i}}}"]}]}],
                                  "required_duration": {"minutes": 30}, "query_periods": {{{SchedulingLinks.Periods.ToJsonString()}}}},
                 "target_calendars": [{"sub": "{{{link.Sub}}}", "calendar_id": "{{{link.CalendarId}}}"}], "tzid": "Europe/London",
                 "redirect_urls": {"completed_url": "https://app.example/done"}}
                """);
            var delete = link.Api.SendAsync(HttpMethod.Delete, $"/v1/availability_rules/race{i}?sub={link.Sub}");
            var (created, deleted) = ((int)(await create).StatusCode, (int)(await delete).StatusCode);
            (created == 200 && deleted == 202).ShouldBeFalse($"try {i}: the link was created and its rule deleted");
            (created == 200 ? deleted == 422 : created == 422 && deleted == 202).ShouldBeTrue($"try {i}: {created} / {deleted}");
            if (created != 200) continue;
            // The link won: closed, and its rule deleted, so that the account stays under its 20 rules.
            var id = (await ApiClient.OkAsync(await create))["real_time_scheduling"]!["real_time_scheduling_id"]!.GetValue<string>();
            await link.Api.PostOkAsync($"/v1/real_time_scheduling/{id}/disable", new { display_message = "Closed" });
            ((int)(await link.Api.SendAsync(HttpMethod.Delete, $"/v1/availability_rules/race{i}?sub={link.Sub}")).StatusCode).ShouldBe(202);
        }
    }

    [Fact]
    public async Task LinkCreation_WithUnknownRuleId_Is422()
    {
        var api = await factory.CreateApiClientAsync();
        var response = await Record.ExceptionAsync(() => SchedulingLinks.CreateAsync(api, (body, _) =>
        {
            var member = body["availability"]!["participants"]![0]!["members"]![0]!;
            member["managed_availability"] = true;
            member["availability_rule_ids"] = new JsonArray("nope");
        }));
        response.ShouldNotBeNull().Message.ShouldContain("participants[0].members[0].availability_rule_ids");
    }
}
