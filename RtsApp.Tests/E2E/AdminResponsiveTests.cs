using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using RtsApp.Tests.Components.Scheduling;
using RtsApp.Tests.E2E.Infrastructure;
using RtsApp.Tests.E2E.Pages;
using static Microsoft.Playwright.Assertions;

namespace RtsApp.Tests.E2E;

/// <summary>The dashboard's list pages at phone and desktop widths: nothing overflows sideways, rows stack on phones,
/// people are named, the copy-link button works; axe finds nothing serious.</summary>
[Collection(LiveAppCollection.Name)]
public sealed class AdminResponsiveTests(LiveApp app)
{
    private static async Task AssertAccessibleAsync(IPage page)
    {
        var result = await page.RunAxe();
        result.Violations.Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{v.Id}: {v.Help} ({string.Join(", ", v.Nodes.Select(n => n.Html))})").ShouldBeEmpty();
    }

    private static async Task AssertNoSidewaysScrollAsync(IPage page) =>
        (await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth")).ShouldBeTrue();

    [Theory]
    [InlineData(375)]
    [InlineData(1280)]
    public async Task ListPages_FitTheScreen_AndNamePeople(int width)
    {
        var link = await SchedulingLinks.CreateAsync(await app.Factory.CreateApiClientAsync("Responsive App"),
            (body, _) => body["event"]!["summary"] = "Responsive check " + width);
        var page = await app.NewPageAsync(width);
        await page.GotoAsync(AdminSignInPage.Path);
        await new AdminSignInPage(page).SignInAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync("Overview");
        await AssertNoSidewaysScrollAsync(page);
        await AssertAccessibleAsync(page);
        await LiveApp.ScreenshotAsync(page, $"admin-overview-{width}");

        foreach (var (path, name) in new[] { ("/admin/links", "links"), ("/admin/accounts", "accounts"), ("/admin/applications", "applications"), ("/admin/links/" + link.Id, "link-detail") })
        {
            await page.GotoAsync(path);
            await AssertNoSidewaysScrollAsync(page);
            await AssertAccessibleAsync(page);
            await LiveApp.ScreenshotAsync(page, $"admin-{name}-{width}");
        }

        await page.GotoAsync(AdminLinksPage.Path + "?q=Responsive+check+" + width);
        var row = page.Locator(AdminLinksPage.LinkRow(link.Id));
        await Expect(row.Locator(AdminLinksPage.ParticipantLink)).ToHaveTextAsync("Ann");
        await Expect(row.Locator(AdminLinksPage.CopyButton)).ToBeVisibleAsync();
        if (width == 375)
            (await row.Locator("td").First.EvaluateAsync<string>("td => getComputedStyle(td).display")).ShouldBe("block");
    }

    [Fact]
    public async Task CopyLink_PutsThePagesUrlOnTheClipboard()
    {
        var link = await SchedulingLinks.CreateAsync(await app.Factory.CreateApiClientAsync("Copy App"), (body, _) => body["event"]!["summary"] = "Copy me please");
        var page = await app.NewPageAsync();
        await page.Context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"]);
        await page.GotoAsync(AdminSignInPage.Path);
        await new AdminSignInPage(page).SignInAsync();
        await page.GotoAsync(AdminLinksPage.Path + "?q=Copy+me+please");
        var button = page.Locator(AdminLinksPage.LinkRow(link.Id)).Locator(AdminLinksPage.CopyButton);
        await button.ClickAsync();
        await Expect(button).ToContainTextAsync("Copied");
        (await page.EvaluateAsync<string>("() => navigator.clipboard.readText()")).ShouldEndWith(link.Path);
    }
}
