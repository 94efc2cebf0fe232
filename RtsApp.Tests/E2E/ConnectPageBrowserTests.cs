using System.Text.RegularExpressions;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using RtsApp.Tests.E2E.Infrastructure;
using RtsApp.Tests.E2E.Pages;
using RtsApp.Tests.Features.Connections;
using static Microsoft.Playwright.Assertions;

namespace RtsApp.Tests.E2E;

/// <summary>The connect page in a real browser at phone and desktop widths, with and without JavaScript: a feed connected,
/// its calendar listed, "Done" back to the client's redirect_uri with ?sub=; every state free of axe violations, and
/// nothing wider than the screen. Screenshots go to /tmp/connect-*.png for a person to look at.</summary>
[Collection(LiveAppCollection.Name)]
public sealed class ConnectPageBrowserTests(LiveApp app) : IAsyncLifetime
{
    private FeedServer feeds = null!;

    public async Task InitializeAsync() => feeds = await FeedServer.StartAsync();

    public async Task DisposeAsync() => await feeds.DisposeAsync();

    private async Task<TestConnectLink> LinkAsync()
    {
        var api = await app.Factory.CreateApiClientAsync("Acme Recruiting");
        var (sub, _) = await api.CreateAccountAsync();
        return await ConnectPages.CreateAsync(api, sub, app.BaseUrl + "/?from=connect");
    }

    private string FeedUrl() =>
        feeds.Add(Feeds.Calendar(Feeds.Event("standup", "20260323T090000Z", "20260323T093000Z", "Standup")), "team").Url;

    private static async Task AssertAccessibleAsync(IPage page)
    {
        var result = await page.RunAxe();
        result.Violations.Select(v => $"{v.Id} ({v.Impact}): {v.Help} — {string.Join(", ", v.Nodes.Select(n => n.Html))}").ShouldBeEmpty();
    }

    private static async Task AssertFitsAsync(IPage page, int width) =>
        (await page.EvaluateAsync<int>("document.documentElement.scrollWidth")).ShouldBeLessThanOrEqualTo(width);

    private static async Task ScreenshotAsync(IPage page, string name) =>
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = $"/tmp/connect-{name}.png", FullPage = true });

    [Theory]
    [InlineData(375)]
    [InlineData(1280)]
    public async Task ConnectFeed_ListsItsCalendar_AndDoneReturnsWithSub(int width)
    {
        var link = await LinkAsync();
        var page = await app.NewPageAsync(width);
        var connect = new ConnectPageObject(page);

        await connect.OpenAsync(link.Path);
        await Expect(connect.Heading).ToHaveTextAsync("Connect your calendar");
        await AssertAccessibleAsync(page);
        await AssertFitsAsync(page, width);
        await ScreenshotAsync(page, $"choose-{width}");

        await connect.ConnectFeedAsync("https://");
        await Expect(connect.FeedErrorMessage).ToBeVisibleAsync();
        await AssertAccessibleAsync(page);
        await AssertFitsAsync(page, width);
        await ScreenshotAsync(page, $"error-{width}");

        await connect.ConnectFeedAsync(FeedUrl());
        await Expect(connect.Connected).ToBeVisibleAsync();
        await Expect(connect.Calendars).ToHaveCountAsync(1);
        await Expect(connect.Calendars.First).ToContainTextAsync("read-only");
        await AssertAccessibleAsync(page);
        await AssertFitsAsync(page, width);
        await ScreenshotAsync(page, $"connected-{width}");

        await connect.Done.ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex(Regex.Escape("from=connect&sub=" + link.Sub)));
    }

    [Fact]
    public async Task WithoutJavaScript_TheWholeFlowWorks()
    {
        var link = await LinkAsync();
        var page = await app.NewPageAsync(375, javaScript: false);
        var connect = new ConnectPageObject(page);

        await connect.OpenAsync(link.Path);
        await connect.ConnectFeedAsync(FeedUrl());
        await Expect(connect.Connected).ToBeVisibleAsync();
        await Expect(connect.Calendars).ToHaveCountAsync(1);
        // No axe here: it runs as a script in the page (the same markup is checked with JavaScript on above).
        await connect.Done.ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex(Regex.Escape("sub=" + link.Sub)));
    }

    [Fact]
    public async Task UnknownLink_ShowsTheNotFoundPage_Accessibly()
    {
        var page = await app.NewPageAsync(375);

        var response = await page.GotoAsync("/connect/no-such-token");

        response!.Status.ShouldBe(404);
        await Expect(page.Locator("h1")).ToHaveTextAsync("This link does not exist");
        await AssertAccessibleAsync(page);
        await ScreenshotAsync(page, "not-found-375");
    }
}
