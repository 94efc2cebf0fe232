using System.Net;
using System.Text.Json.Nodes;
using AngleSharp.Html.Dom;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using RtsApp.Tests.Infrastructure;
using static RtsApp.Tests.Components.Scheduling.SchedulingLinks;

namespace RtsApp.Tests.Components.Scheduling;

/// <summary>The scheduling page's day-first navigation (SPEC §7: data-day, ?day=, ?month=, nothing cut off by a result
/// limit), its header, its thank-you and confirmation states, over HTTP without scripts.</summary>
public sealed class SchedulingDayPickerTests(RtsAppFactory factory) : IClassFixture<RtsAppFactory>
{
    private readonly HttpClient http = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    /// <summary>Two weeks round the clock, 30-minute times: 672 of them, far more than the API's default max_results.</summary>
    private static readonly Action<JsonObject, string> TwoWeeks = RoundTheClock("2026-03-21T00:00:00Z", "2026-04-04T00:00:00Z");

    private async Task<TestLink> LinkAsync(Action<JsonObject, string>? customize = null, bool sequencing = false) =>
        await CreateAsync(await factory.CreateApiClientAsync(), customize, sequencing);

    [Fact]
    public async Task TwoWeekLink_EveryTimeIsReachable_DayByDay_AcrossMonths()
    {
        var link = await LinkAsync(TwoWeeks);
        var expected = new List<string>();
        foreach (var (from, to) in new[] { ("2026-03-21T00:00:00Z", "2026-03-28T00:00:00Z"), ("2026-03-28T00:00:00Z", "2026-04-04T00:00:00Z") })
        {
            var query = Availability(link.Sub);
            query["query_periods"] = new JsonArray(new JsonObject { ["start"] = from, ["end"] = to });
            query["response_format"] = "overlapping_slots";
            query["max_results"] = 512;
            var api = await link.Api.PostOkAsync("/v1/availability", query.ToJsonString());
            expected.AddRange(api["available_slots"]!.AsArray().Select(s => s!["start"]!.GetValue<string>()));
        }

        var all = await Html.AllStartsAsync(http, link.Path + "?tz=Europe/London");

        expected.Count.ShouldBe(14 * 48);
        all.ShouldBe(expected);
    }

    [Fact]
    public async Task Day_ShowsThatDaysTimes_MarksIt_AndMonthsNavigate()
    {
        var link = await LinkAsync(TwoWeeks);
        var first = await Html.GetAsync(http, link.Path + "?tz=Europe/London");
        first.QuerySelector("a[data-day][aria-current=date]")!.GetAttribute("data-day").ShouldBe("2026-03-21");
        first.QuerySelector("#month-label")!.TextContent.ShouldBe("March 2026");
        first.QuerySelector("a[data-month-nav=previous]").ShouldBeNull();
        first.QuerySelectorAll("a[data-day]").Length.ShouldBe(11); // 21–31 March
        first.QuerySelector("[data-window]")!.TextContent.ShouldBe("Times from Saturday 21 March to Saturday 4 April 2026");
        first.QuerySelector("table.calendar-grid thead th")!.TextContent.ShouldContain("Monday");

        var day = await Html.GetAsync(http, first.QuerySelector("a[data-day='2026-03-25']")!.GetAttribute("href")!);
        day.QuerySelector("a[data-day][aria-current=date]")!.GetAttribute("data-day").ShouldBe("2026-03-25");
        day.QuerySelector("a[data-day='2026-03-25']")!.GetAttribute("aria-label").ShouldBe("Wednesday 25 March, 48 times");
        Html.SlotStarts(day).ShouldAllBe(s => s.StartsWith("2026-03-25", StringComparison.Ordinal));
        Html.SlotStarts(day).Length.ShouldBe(48);

        var april = await Html.GetAsync(http, first.QuerySelector("a[data-month-nav=next]")!.GetAttribute("href")!);
        april.QuerySelector("#month-label")!.TextContent.ShouldBe("April 2026");
        april.QuerySelector("a[data-day][aria-current=date]")!.GetAttribute("data-day").ShouldBe("2026-04-01");
        april.QuerySelector("a[data-month-nav=next]").ShouldBeNull();
        april.QuerySelector("a[data-month-nav=previous]").ShouldNotBeNull();
        // London is on summer time from 29 March: 1 April's first time is 23:00Z on 31 March.
        Html.SlotStarts(april)[0].ShouldBe("2026-03-31T23:00:00Z");
    }

    [Fact]
    public async Task DayWithoutTimes_SaysSo_AndTheZoneChangesTheDays()
    {
        var link = await LinkAsync();
        var empty = await Html.GetAsync(http, link.Path + "?tz=Europe/London&day=2026-03-26");
        Html.SlotStarts(empty).ShouldBeEmpty();
        empty.QuerySelector(".day-times")!.TextContent.ShouldContain("no times on this day");
        empty.QuerySelectorAll("a[data-day]").Select(a => a.GetAttribute("data-day")).ShouldBe(["2026-03-23", "2026-03-24"]);

        // 23 March 09:00Z is 20:00 in Sydney, 24 March 13:00Z is 00:00 on the 25th there.
        var sydney = await Html.GetAsync(http, link.Path + "?tz=Australia/Sydney");
        sydney.QuerySelectorAll("a[data-day]").Select(a => a.GetAttribute("data-day")).ShouldBe(["2026-03-23", "2026-03-25"]);
        // The zone switch keeps the day.
        var zoneForm = (await Html.GetAsync(http, link.Path + "?tz=Europe/London&day=2026-03-24")).QuerySelector("form[data-zone-switch]")!;
        zoneForm.QuerySelector("input[name=day]")!.GetAttribute("value").ShouldBe("2026-03-24");
    }

    /// <summary>Sydney's clocks go back at 03:00 on 5 April 2026: 02:00–03:00 happens twice. The two 02:00s are told apart
    /// by their offsets; times around them show no offset.</summary>
    [Fact]
    public async Task TimesInTheHourTheClocksGoBack_ShowTheirOffset()
    {
        var link = await LinkAsync(RoundTheClock("2026-04-04T14:00:00Z", "2026-04-04T18:00:00Z"));
        var doc = await Html.GetAsync(http, link.Path + "?tz=Australia/Sydney&day=2026-04-05");

        var buttons = doc.QuerySelectorAll("button[data-slot-start]").ToDictionary(b => b.GetAttribute("data-slot-start")!,
            b => string.Join(" ", b.TextContent.Split(default(char[]), StringSplitOptions.RemoveEmptyEntries)));
        buttons["2026-04-04T14:30:00Z"].ShouldEndWith("01:30"); // before: UTC+11, not ambiguous
        buttons["2026-04-04T15:00:00Z"].ShouldEndWith("02:00 UTC+11:00");
        buttons["2026-04-04T16:00:00Z"].ShouldEndWith("02:00 UTC+10:00");
        buttons["2026-04-04T16:30:00Z"].ShouldEndWith("02:30 UTC+10:00");
        buttons["2026-04-04T17:00:00Z"].ShouldEndWith("03:00");
        buttons.Values.Distinct().Count().ShouldBe(buttons.Count); // no two buttons read alike
        doc.QuerySelector("button[data-slot-start='2026-04-04T16:00:00Z'] .time-offset")!.TextContent.ShouldBe("UTC+10:00");
        // The confirm step names the offset too.
        var confirm = await Html.GetAsync(http, link.Path + "?tz=Australia/Sydney&start=2026-04-04T16:00:00Z");
        confirm.QuerySelector(".chosen-time")!.TextContent.ShouldContain("02:00 (UTC+10:00) – 02:30 (UTC+10:00)");
    }

    [Fact]
    public async Task SequencingOptions_ArePerDayOfTheirFirstStep()
    {
        var link = await LinkAsync(sequencing: true);
        var all = await Html.AllStartsAsync(http, link.Path + "?tz=Europe/London", "data-option-start");
        all.ShouldNotBeEmpty();
        all.ShouldContain("2026-03-24T13:00:00Z");
        var doc = await Html.GetAsync(http, link.Path + "?tz=Europe/London");
        doc.QuerySelector("a[data-day='2026-03-23']")!.GetAttribute("aria-label")!.ShouldEndWith("options");
    }

    [Fact]
    public async Task ZoneSwitch_ListsEveryTzdbPlace_WithOffsetAndLocalTime()
    {
        var link = await LinkAsync();
        var doc = await Html.GetAsync(http, link.Path + "?tz=Europe/London");
        var options = doc.QuerySelectorAll("select[name=tz] option").Cast<IHtmlOptionElement>().ToList();
        options.Count.ShouldBeGreaterThan(300);
        // The fake clock: 2026-03-20T12:00Z, 13:00 in Berlin.
        var berlin = options.Single(o => o.Value == "Europe/Berlin").Text;
        berlin.ShouldStartWith("Europe/Berlin — ");
        berlin.ShouldEndWith("UTC+01:00 — 13:00");
        options.Select(o => o.Value).ShouldContain("America/Argentina/Buenos_Aires");
        options.Select(o => o.Value).ShouldContain("Etc/UTC");
    }

    [Fact]
    public async Task Header_ShowsTheOrganiser_ElseTheApplicationsName()
    {
        var named = await LinkAsync((body, _) => body["event"]!["organizer"] = "Ada at Example Corp");
        (await Html.GetAsync(http, named.Path)).QuerySelector(".organizer")!.TextContent.ShouldContain("Ada at Example Corp");

        var plain = await LinkAsync();
        (await Html.GetAsync(http, plain.Path)).QuerySelector(".organizer")!.TextContent.ShouldNotBeNullOrWhiteSpace();
    }

    [Fact]
    public async Task NoTimesSuitable_EndsOnAThankYouState_WithoutTimes()
    {
        var link = await LinkAsync((body, _) => body["callback_urls"] = new JsonObject { ["no_times_suitable_url"] = "https://app.example/none" });
        var doc = await Html.GetAsync(http, link.Path);
        var response = await Html.SubmitAsync(http, doc.QuerySelector("form:has(button[data-action=no-times])")!);

        var thanks = await Html.GetAsync(http, response.Headers.Location!.ToString());
        thanks.QuerySelector("#thanks-heading")!.TextContent.ShouldBe("Thank you");
        Html.SlotStarts(thanks).ShouldBeEmpty();
        thanks.QuerySelector("[data-day]").ShouldBeNull();
        thanks.QuerySelector("[data-action]").ShouldBeNull();
    }

    [Fact]
    public async Task Completed_WithoutRedirect_OffersIcsGoogleAndOutlook_InUtc()
    {
        var link = await LinkAsync();
        await StripRedirectsAsync(factory, link);
        var doc = await Html.GetAsync(http, link.Path + "?start=2026-03-24T13:30:00Z&tz=America/New_York");
        (await Html.SubmitAsync(http, doc.QuerySelector("form:has(button[data-action=confirm])")!)).StatusCode.ShouldBe(HttpStatusCode.SeeOther);

        var booked = await Html.GetAsync(http, link.Path);
        booked.QuerySelector("#booked-heading").ShouldNotBeNull();
        var google = booked.QuerySelector("a[data-calendar=google]")!.GetAttribute("href")!;
        google.ShouldStartWith("https://calendar.google.com/calendar/render?action=TEMPLATE");
        google.ShouldContain("dates=20260324T133000Z%2F20260324T140000Z");
        google.ShouldContain("text=Product%20Manager%20Interview");
        var outlook = booked.QuerySelector("a[data-calendar=outlook]")!.GetAttribute("href")!;
        outlook.ShouldStartWith("https://outlook.live.com/calendar/0/deeplink/compose?");
        outlook.ShouldContain("startdt=2026-03-24T13%3A30%3A00Z");
        outlook.ShouldContain("enddt=2026-03-24T14%3A00%3A00Z");
        booked.QuerySelector("a[href$='/event.ics']").ShouldNotBeNull();
    }
}
