using System.Text.Json.Nodes;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using RtsApp.Tests.Components.Scheduling;
using RtsApp.Tests.E2E.Infrastructure;
using RtsApp.Tests.E2E.Pages;
using static Microsoft.Playwright.Assertions;

namespace RtsApp.Tests.E2E;

/// <summary>The day-first scheduling page in a real browser: long links are never cut off, a day in week two books, the
/// person's details are checked, the thank-you and booked states, the zone search; each new state checked with axe and
/// photographed at phone and desktop widths.</summary>
[Collection(LiveAppCollection.Name)]
public sealed class SchedulingDayFirstBrowserTests(LiveApp app)
{
    private static readonly Action<JsonObject, string> TwoWeeks = SchedulingLinks.RoundTheClock("2026-03-21T00:00:00Z", "2026-04-04T00:00:00Z");

    private async Task<TestLink> LinkAsync(Action<JsonObject, string>? customize = null) =>
        await SchedulingLinks.CreateAsync(await app.Factory.CreateApiClientAsync(), customize);

    private static async Task AssertAccessibleAsync(IPage page)
    {
        var result = await page.RunAxe();
        var serious = result.Violations.Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{v.Id} ({v.Impact}): {v.Help} — {string.Join(", ", v.Nodes.Select(n => n.Html))}").ToList();
        serious.ShouldBeEmpty();
    }

    [Theory]
    [InlineData(375)]
    [InlineData(1280)]
    public async Task TwoWeekLink_ShowsADayInWeekTwo_AndBooksIt(int width)
    {
        var link = await LinkAsync(TwoWeeks);
        await SchedulingLinks.StripRedirectsAsync(app.Factory, link);
        var page = new SchedulingPageObject(await app.NewPageAsync(width));

        await page.OpenAsync(link.Path);
        await Expect(page.SelectedDay).ToHaveAttributeAsync("data-day", "2026-03-21");
        await Expect(page.Page.Locator("[data-window]")).ToHaveTextAsync("Times from Saturday 21 March to Saturday 4 April 2026");
        await AssertAccessibleAsync(page.Page);
        await LiveApp.ScreenshotAsync(page.Page, $"dayfirst-open-{width}");

        await page.PickDayAsync("2026-04-01");
        await Expect(page.MonthLabel).ToHaveTextAsync("April 2026");
        await Expect(page.Times).ToHaveCountAsync(48);
        await AssertAccessibleAsync(page.Page);
        await LiveApp.ScreenshotAsync(page.Page, $"dayfirst-april-{width}");

        await page.OpenAsync(link.Path);
        await page.PickDayAsync("2026-03-30");
        // London is on summer time: 11:00 there is 10:00Z.
        await Expect(page.Time("2026-03-30T10:00:00Z")).ToContainTextAsync("11:00");
        await page.PickTimeAsync("2026-03-30T10:00:00Z");
        await Expect(page.ChosenTime).ToContainTextAsync("Monday 30 March 2026");
        await page.FillDetailsAsync("Grace Hopper", "grace@example.com", "Looking forward to it.");
        await AssertAccessibleAsync(page.Page);
        await LiveApp.ScreenshotAsync(page.Page, $"dayfirst-confirm-{width}");

        await page.ConfirmAsync();
        await Expect(page.BookedHeading).ToBeVisibleAsync();
        await Expect(page.ChosenTime).ToContainTextAsync("11:00 – 11:30");
        await Expect(page.CalendarLink("google")).ToHaveAttributeAsync("href", new System.Text.RegularExpressions.Regex("dates=20260330T100000Z%2F20260330T103000Z"));
        await Expect(page.CalendarLink("outlook")).ToBeVisibleAsync();
        await Expect(page.Page.Locator("[data-booked-for]")).ToContainTextAsync("Grace Hopper");
        await AssertAccessibleAsync(page.Page);
        await LiveApp.ScreenshotAsync(page.Page, $"dayfirst-booked-{width}");

        (await SchedulingLinks.StatusAsync(link)).ShouldBe("completed");
    }

    [Fact]
    public async Task ThirtyDayRoundTheClockLink_ExposesEveryTime()
    {
        var link = await LinkAsync(SchedulingLinks.RoundTheClock("2026-03-21T00:00:00Z", "2026-04-20T00:00:00Z"));
        var expected = new List<string>();
        for (var from = new DateTime(2026, 3, 21, 0, 0, 0, DateTimeKind.Utc); from < new DateTime(2026, 4, 20, 0, 0, 0, DateTimeKind.Utc); from = from.AddDays(7))
        {
            var to = from.AddDays(7) < new DateTime(2026, 4, 20, 0, 0, 0, DateTimeKind.Utc) ? from.AddDays(7) : new DateTime(2026, 4, 20, 0, 0, 0, DateTimeKind.Utc);
            var query = SchedulingLinks.Availability(link.Sub);
            query["query_periods"] = new JsonArray(new JsonObject { ["start"] = from.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture), ["end"] = to.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture) });
            query["response_format"] = "overlapping_slots";
            query["max_results"] = 512;
            var api = await link.Api.PostOkAsync("/v1/availability", query.ToJsonString());
            expected.AddRange(api["available_slots"]!.AsArray().Select(s => s!["start"]!.GetValue<string>()));
        }
        var page = new SchedulingPageObject(await app.NewPageAsync(1280));
        await page.OpenAsync(link.Path);

        var seen = new List<string>();
        while (true)
        {
            foreach (var date in await page.DayDatesAsync())
            {
                await page.ShowDayAsync(date);
                seen.AddRange(await page.TimeStartsAsync());
            }
            if (await page.NextMonth.CountAsync() == 0) break;
            await page.ShowNextMonthAsync();
        }

        expected.Count.ShouldBe(30 * 48);
        seen.ShouldBe(expected);
    }

    [Theory]
    [InlineData(375)]
    [InlineData(1280)]
    public async Task RequiredDetails_AreExplainedAtTheField_ThenBook(int width)
    {
        var link = await LinkAsync((body, _) =>
        {
            body["invitee"] = new JsonObject { ["require_name"] = true, ["require_email"] = true };
            body["redirect_urls"] = new JsonObject { ["completed_url"] = app.BaseUrl + "/" };
        });
        var page = new SchedulingPageObject(await app.NewPageAsync(width));
        await page.OpenAsync(link.Path);
        await page.PickTimeAsync("2026-03-23T09:00:00Z");
        await page.FillDetailsAsync("Ada", "not an email");
        await page.ConfirmAsync();

        await Expect(page.Page.Locator("[data-error-for=email]")).ToContainTextAsync("name@example.com");
        await Expect(page.Page.Locator(SchedulingPageObject.EmailField)).ToHaveAttributeAsync("aria-invalid", "true");
        await AssertAccessibleAsync(page.Page);
        await LiveApp.ScreenshotAsync(page.Page, $"dayfirst-invalid-{width}");

        await page.FillDetailsAsync(null, "ada@example.com");
        await page.ConfirmAsync();
        await Expect(page.Page).ToHaveURLAsync(app.BaseUrl + "/?token=" + link.Token);
        (await SchedulingLinks.StatusAsync(link)).ShouldBe("completed");
    }

    [Theory]
    [InlineData(375)]
    [InlineData(1280)]
    public async Task NoneOfTheseWork_EndsOnAThankYou(int width)
    {
        var link = await LinkAsync((body, _) => body["callback_urls"] = new JsonObject { ["no_times_suitable_url"] = app.BaseUrl + "/none" });
        var page = new SchedulingPageObject(await app.NewPageAsync(width));
        await page.OpenAsync(link.Path);
        await page.NoTimesAsync();

        await Expect(page.ThanksHeading).ToBeVisibleAsync();
        await Expect(page.Times).ToHaveCountAsync(0);
        await Expect(page.Days).ToHaveCountAsync(0);
        await AssertAccessibleAsync(page.Page);
        await LiveApp.ScreenshotAsync(page.Page, $"dayfirst-thanks-{width}");
    }

    [Fact]
    public async Task ZoneSearch_FindsAPlace_AndAppliesAtOnce()
    {
        var link = await LinkAsync();
        var page = new SchedulingPageObject(await app.NewPageAsync(375));
        await page.OpenAsync(link.Path);
        await Expect(page.Page.Locator(SchedulingPageObject.ShowTimes)).ToBeHiddenAsync();

        await page.ZoneSearch.FillAsync("tokyo");
        await page.ZoneSearch.PressAsync("Enter");

        await Microsoft.Playwright.Assertions.Expect(page.Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("tz=Asia%2FTokyo"));
        await Expect(page.Time("2026-03-23T09:00:00Z")).ToContainTextAsync("18:00");
        await AssertAccessibleAsync(page.Page);
        await LiveApp.ScreenshotAsync(page.Page, "dayfirst-tokyo-375");
    }

    [Fact]
    public async Task DayPicker_MovesWithArrowKeys()
    {
        var link = await LinkAsync(TwoWeeks);
        var page = new SchedulingPageObject(await app.NewPageAsync(1280));
        await page.OpenAsync(link.Path);
        await page.DayLink("2026-03-21").FocusAsync();
        await page.Page.Keyboard.PressAsync("ArrowRight");
        await Expect(page.DayLink("2026-03-22")).ToBeFocusedAsync();
        await page.Page.Keyboard.PressAsync("ArrowDown");
        await Expect(page.DayLink("2026-03-29")).ToBeFocusedAsync();
        await page.Page.Keyboard.PressAsync("Enter");
        await Expect(page.SelectedDay).ToHaveAttributeAsync("data-day", "2026-03-29");
    }

    [Fact]
    public async Task JavaScriptOff_ADayInWeekTwoStillBooks()
    {
        var link = await LinkAsync((body, sub) =>
        {
            TwoWeeks(body, sub);
            body["redirect_urls"] = new JsonObject { ["completed_url"] = app.BaseUrl + "/" };
        });
        var page = new SchedulingPageObject(await app.NewPageAsync(375, javaScript: false));
        await page.OpenAsync(link.Path);
        await page.PickDayAsync("2026-04-02");
        await page.PickTimeAsync("2026-04-02T08:00:00Z");
        await page.FillDetailsAsync("No Script", "noscript@example.com");
        await page.ConfirmAsync();

        await Expect(page.Page).ToHaveURLAsync(app.BaseUrl + "/?token=" + link.Token);
        (await SchedulingLinks.StatusAsync(link)).ShouldBe("completed");
    }

    [Fact]
    public async Task German_PageState()
    {
        var link = await LinkAsync();
        var context = await app.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = app.BaseUrl,
            TimezoneId = "Europe/Berlin",
            Locale = "de-DE",
            ViewportSize = new ViewportSize { Width = 375, Height = 900 },
        });
        var page = new SchedulingPageObject(await context.NewPageAsync());
        await page.OpenAsync(link.Path);
        await Microsoft.Playwright.Assertions.Expect(page.Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("tz=Europe%2FBerlin"));
        await Expect(page.Page.Locator("#times-heading")).ToHaveTextAsync("Wählen Sie einen Termin");
        await AssertAccessibleAsync(page.Page);
        await LiveApp.ScreenshotAsync(page.Page, "dayfirst-german-375");
    }
}
