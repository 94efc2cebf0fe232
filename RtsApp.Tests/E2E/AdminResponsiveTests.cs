using Deque.AxeCore.Playwright;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using RtsApp.Store;
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

    /// <summary>The account page with a connected calendar and a write-back the calendar server has not accepted yet: the
    /// pending write-backs table, its error and its "Retry now" button fit a phone and pass axe.</summary>
    [Theory]
    [InlineData(375)]
    [InlineData(1280)]
    public async Task AccountPage_WithAPendingWriteBack_FitsTheScreen(int width)
    {
        var link = await SchedulingLinks.CreateAsync(await app.Factory.CreateApiClientAsync("Write-back App"));
        var now = app.Factory.Clock.Now;
        await using (var db = app.Factory.Db())
        {
            var account = await db.Accounts.SingleAsync(a => a.Id == link.Sub);
            var connection = new CalendarConnection
            {
                Id = "con_" + Guid.NewGuid().ToString("N"),
                ApplicationId = account.ApplicationId,
                AccountId = account.Id,
                Provider = ConnectionProviders.CalDav,
                Url = "https://caldav.example.com/dav/calendars/ann/",
                Username = "ann",
                Status = ConnectionStatuses.Active,
                LastSyncedAt = now,
                NextSyncAt = now + NodaTime.Duration.FromDays(1),
                CreatedAt = now,
            };
            var calendar = new RtsApp.Store.Calendar
            {
                Id = "cal_" + Guid.NewGuid().ToString("N"),
                ApplicationId = account.ApplicationId,
                AccountId = account.Id,
                Name = "Work (iCloud)",
                ConnectionId = connection.Id,
                RemoteUrl = "https://caldav.example.com/dav/calendars/ann/work/",
                CreatedAt = now,
            };
            db.CalendarConnections.Add(connection);
            db.Calendars.Add(calendar);
            db.CalDavWriteBacks.Add(new CalDavWriteBack
            {
                Id = "cwb_" + Guid.NewGuid().ToString("N"),
                ApplicationId = account.ApplicationId,
                LinkId = link.Id,
                CalendarId = calendar.Id,
                EventId = "interview-with-a-rather-long-event-id-2026",
                Uid = link.Id + "-interview@rtsapp",
                IcsText = "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n",
                Status = CallbackStatuses.Pending,
                Attempts = 3,
                LastError = "unreachable: Connection refused (caldav.example.com:443) while sending PUT /dav/calendars/ann/work/interview.ics",
                NextAttemptAt = now + NodaTime.Duration.FromMinutes(4),
                CreatedAt = now - NodaTime.Duration.FromMinutes(10),
            });
            await db.SaveChangesAsync();
        }
        var page = await app.NewPageAsync(width);
        await page.GotoAsync(AdminSignInPage.Path);
        await new AdminSignInPage(page).SignInAsync();

        await page.GotoAsync("/admin/accounts/" + link.Sub);
        await Expect(page.Locator("[data-action='retry-write-back']")).ToBeVisibleAsync();
        await Expect(page.GetByText("Connection refused", new() { Exact = false })).ToBeVisibleAsync();
        await AssertNoSidewaysScrollAsync(page);
        await AssertAccessibleAsync(page);
        await LiveApp.ScreenshotAsync(page, $"admin-account-write-back-{width}");
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
