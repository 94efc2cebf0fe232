using System.Text.Json.Nodes;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using RtsApp.Tests.Components.Scheduling;
using RtsApp.Tests.E2E.Infrastructure;
using RtsApp.Tests.E2E.Pages;
using static Microsoft.Playwright.Assertions;

namespace RtsApp.Tests.E2E;

[Collection(LiveAppCollection.Name)]
public sealed class SchedulingPageBrowserTests(LiveApp app)
{
    private const string First = "2026-03-23T09:00:00Z";

    private async Task<TestLink> LinkAsync(Action<JsonObject, string>? customize = null, bool sequencing = false) =>
        await SchedulingLinks.CreateAsync(await app.Factory.CreateApiClientAsync(), customize, sequencing);

    private static async Task AssertAccessibleAsync(IPage page)
    {
        var result = await page.RunAxe();
        var serious = result.Violations.Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{v.Id} ({v.Impact}): {v.Help} — {string.Join(", ", v.Nodes.Select(n => n.Html))}").ToList();
        serious.ShouldBeEmpty();
    }

    /// <summary>Under the Content-Security-Policy (script-src 'self', no inline script or style) the page's own script
    /// still runs — it moves a first visit to the browser's zone — and the browser reports no violation, neither as a
    /// securitypolicyviolation event nor on the console, through choosing and booking a time.</summary>
    [Fact]
    public async Task Page_WithJavaScript_ReportsNoContentSecurityPolicyViolation()
    {
        var link = await LinkAsync();
        await SchedulingLinks.StripRedirectsAsync(app.Factory, link);
        var page = await app.NewPageAsync(timeZone: "America/New_York");
        var console = new List<string>();
        page.Console += (_, message) => { if (message.Type is "error" or "warning") console.Add(message.Text); };
        await page.AddInitScriptAsync("""
            window.__cspViolations = [];
            document.addEventListener('securitypolicyviolation', e => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));
            """);

        await page.GotoAsync(link.Path);
        await Microsoft.Playwright.Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("tz=America%2FNew_York"));
        await Expect(page.Locator("h1")).ToHaveTextAsync(SchedulingLinks.Summary);
        await page.Locator(SchedulingPageObject.Slot).First.ClickAsync();
        await page.Locator(SchedulingPageObject.ConfirmButton).ClickAsync();
        await Expect(page.Locator(SchedulingPageObject.BookedHeadingSelector)).ToBeVisibleAsync();

        (await page.EvaluateAsync<string[]>("window.__cspViolations")).ShouldBeEmpty();
        console.Where(m => m.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase)).ShouldBeEmpty();
    }

    [Theory]
    [InlineData(375)]
    [InlineData(1280)]
    public async Task Book_EndToEnd_ShowsConfirmation_CompletesLink_WritesEvent(int width)
    {
        var link = await LinkAsync();
        await SchedulingLinks.StripRedirectsAsync(app.Factory, link);
        var page = new SchedulingPageObject(await app.NewPageAsync(width));

        await page.OpenAsync(link.Path);
        await Expect(page.Title).ToHaveTextAsync(SchedulingLinks.Summary);
        await Expect(page.Page).ToHaveTitleAsync(new System.Text.RegularExpressions.Regex("choose a time"));
        await AssertAccessibleAsync(page.Page);
        await LiveApp.ScreenshotAsync(page.Page, $"scheduling-open-{width}");

        await page.PickTimeAsync("2026-03-23T10:00:00Z");
        await Expect(page.ChosenTime).ToContainTextAsync("10:00 – 10:30");
        await AssertAccessibleAsync(page.Page);
        await LiveApp.ScreenshotAsync(page.Page, $"scheduling-confirm-{width}");

        await page.ConfirmAsync();
        await Expect(page.BookedHeading).ToBeVisibleAsync();
        await Expect(page.ChosenTime).ToContainTextAsync("Monday 23 March 2026");
        await Expect(page.IcsLink).ToBeVisibleAsync();
        await AssertAccessibleAsync(page.Page);
        await LiveApp.ScreenshotAsync(page.Page, $"scheduling-completed-{width}");

        (await SchedulingLinks.StatusAsync(link)).ShouldBe("completed");
        var events = await SchedulingLinks.EventsAsync(link);
        events.Select(e => (e!["event_id"]!.ToString(), e["start"]!.ToString())).ShouldBe([("interview-42", "2026-03-23T10:00:00Z")]);
    }

    [Fact]
    public async Task Book_RedirectsToCompletedUrlWithToken()
    {
        var link = await LinkAsync((body, _) => body["redirect_urls"] = new JsonObject { ["completed_url"] = app.BaseUrl + "/" });
        var page = new SchedulingPageObject(await app.NewPageAsync());
        await page.OpenAsync(link.Path);

        await page.PickTimeAsync(First);
        await page.ConfirmAsync();

        // Committed is enough: the title assertion below waits for the page itself (a load event can lag under load).
        await Expect(page.Page).ToHaveURLAsync(app.BaseUrl + "/?token=" + link.Token);
        await Expect(page.Title).ToHaveTextAsync("RtsApp");
        (await SchedulingLinks.StatusAsync(link)).ShouldBe("completed");
    }

    [Fact]
    public async Task TakenMeanwhile_SaysSo_AndBooksNothing()
    {
        var link = await LinkAsync();
        var page = new SchedulingPageObject(await app.NewPageAsync());
        await page.OpenAsync(link.Path);
        await page.PickTimeAsync(First);
        await Expect(page.Confirmation).ToBeVisibleAsync();

        await SchedulingLinks.BusyAsync(link, First, "2026-03-23T09:30:00Z");
        await page.ConfirmAsync();

        await Expect(page.StatusMessage).ToContainTextAsync("just taken");
        await Expect(page.Time("2026-03-23T09:30:00Z")).ToBeVisibleAsync();
        await Expect(page.Time(First)).ToHaveCountAsync(0);
        (await SchedulingLinks.StatusAsync(link)).ShouldBe("open");
        (await SchedulingLinks.EventsAsync(link)).Select(e => e!["event_id"]!.ToString()).ShouldBe(["busy"]);
    }

    [Fact]
    public async Task ZoneSwitch_ShowsTimesInTheChosenZone()
    {
        var link = await LinkAsync();
        var page = new SchedulingPageObject(await app.NewPageAsync());
        await page.OpenAsync(link.Path);
        var first = page.Time(First);
        await Expect(first).ToContainTextAsync("09:00");
        var starts = await page.TimeStartsAsync();

        await page.SwitchZoneAsync("America/New_York");

        await Microsoft.Playwright.Assertions.Expect(page.Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("tz=America%2FNew_York"));
        await Expect(first).ToContainTextAsync("05:00");
        (await page.TimeStartsAsync()).ShouldBe(starts);
        await LiveApp.ScreenshotAsync(page.Page, "scheduling-zone-1280");
    }

    [Fact]
    public async Task FirstVisit_ShowsTimesInTheBrowsersZone()
    {
        var link = await LinkAsync();
        var page = new SchedulingPageObject(await app.NewPageAsync(timeZone: "America/New_York"));
        await page.OpenAsync(link.Path);

        await Microsoft.Playwright.Assertions.Expect(page.Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("tz=America%2FNew_York"));
        await Expect(page.Time(First)).ToContainTextAsync("05:00");
        await Expect(page.ZoneSelect).ToHaveValueAsync("America/New_York");
    }

    [Fact]
    public async Task SequencingOption_BookedEndToEnd()
    {
        var link = await LinkAsync(sequencing: true);
        await SchedulingLinks.StripRedirectsAsync(app.Factory, link);
        var page = new SchedulingPageObject(await app.NewPageAsync(375));
        await page.OpenAsync(link.Path);

        var option = page.OptionStartingAt(First);
        await Expect(option).ToContainTextAsync("Technical interview");
        await Expect(option).ToContainTextAsync("Culture chat");
        await Expect(page.Times).ToHaveCountAsync(0);
        await LiveApp.ScreenshotAsync(page.Page, "scheduling-sequence-375");
        await page.PickOptionAsync(First);
        await Expect(page.ChosenTime).ToContainTextAsync("10:00 – 10:30");
        await page.ConfirmAsync();

        await Expect(page.BookedHeading).ToBeVisibleAsync();
        await Expect(page.ChosenTime).ToContainTextAsync("Culture chat");
        (await SchedulingLinks.StatusAsync(link)).ShouldBe("completed");
        (await SchedulingLinks.EventsAsync(link)).Select(e => (e!["event_id"]!.ToString(), e["start"]!.ToString())).OrderBy(e => e.Item2)
            .ShouldBe([("tech-round", First), ("culture-round", "2026-03-23T10:00:00Z")]);
    }

    [Fact]
    public async Task WholeFlow_WorksWithJavaScriptOff()
    {
        var link = await LinkAsync((body, _) => body["redirect_urls"] = new JsonObject { ["completed_url"] = app.BaseUrl + "/" });
        var page = new SchedulingPageObject(await app.NewPageAsync(375, javaScript: false, timeZone: "America/New_York"));
        await page.OpenAsync(link.Path);
        // No script ran: the display zone stays until the person switches.
        await Expect(page.ZoneSelect).ToHaveValueAsync("Europe/London");
        await page.SwitchZoneAsync("Asia/Tokyo");
        await Expect(page.Time(First)).ToContainTextAsync("18:00");

        await page.PickTimeAsync(First);
        await Expect(page.ChosenTime).ToContainTextAsync("18:00 – 18:30");
        await page.ConfirmAsync();

        await Expect(page.Page).ToHaveURLAsync(app.BaseUrl + "/?token=" + link.Token);
        (await SchedulingLinks.StatusAsync(link)).ShouldBe("completed");
        (await SchedulingLinks.EventsAsync(link)).Select(e => e!["start"]!.ToString()).ShouldBe([First]);
    }
}
