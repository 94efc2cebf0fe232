using Microsoft.Playwright;
using RtsApp.Tests.E2E.Infrastructure;

namespace RtsApp.Tests.E2E.Pages;

/// <summary>How the page objects wait for the redirect after a form post: a web-first assertion on the address, which
/// Playwright polls. <c>WaitForURLAsync</c> is not used anywhere in the browser tests: when the address already matches it waits for the load event
/// whatever <c>WaitUntil</c> says (microsoft/playwright-dotnet#3365), and a load event can lag far behind on a busy
/// machine. What the page shows is asserted by the caller, and waited for there.</summary>
internal static class Redirects
{
    public static Task ReachedAsync(IPage page, string pattern) =>
        Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex(pattern));
}

/// <summary>The dashboard's sign-in page (<c>/admin/sign-in</c>).</summary>
public sealed class AdminSignInPage(IPage page)
{
    public const string Path = "/admin/sign-in";
    public const string Password = "#password";
    public const string Submit = "button[type=submit]";

    /// <summary>Opens <c>/admin</c>, is sent to the sign-in page, signs in and lands on the overview.</summary>
    public async Task SignInAsync(string password = LiveApp.AdminPassword)
    {
        await page.GotoAsync("/admin");
        page.Url.ShouldContain(Path);
        await page.FillAsync(Password, password);
        await page.ClickAsync(Submit);
        await Redirects.ReachedAsync(page, @"^[a-z]+://[^/]+/admin(\?.*)?$");
    }
}

/// <summary>The links list (<c>/admin/links</c>): search, filter, rows.</summary>
public sealed class AdminLinksPage(IPage page)
{
    public const string NavLink = "nav[aria-label=Dashboard] >> text=Links";
    public const string Search = "#q";
    public const string Filter = "button:has-text('Filter')";
    public const string Row = "tr[data-link-id]";
    public const string Path = "/admin/links";
    public const string CopyButton = "button[data-copy]";
    public const string ParticipantLink = "[data-test=participants] a";

    public static string LinkRow(string id) => $"tr[data-link-id='{id}']";

    public ILocator Rows => page.Locator(Row);

    /// <summary>Goes to the list through the dashboard's navigation.</summary>
    public Task OpenFromNavigationAsync() => page.ClickAsync(NavLink);

    /// <summary>Searches by summary or id and waits for <paramref name="expectedLinkId"/>'s row.</summary>
    public async Task SearchAsync(string text, string expectedLinkId)
    {
        await page.FillAsync(Search, text);
        await page.ClickAsync(Filter);
        await page.Locator(LinkRow(expectedLinkId)).WaitForAsync();
    }

    /// <summary>Opens the link's detail page from its row.</summary>
    public async Task<AdminLinkDetailPage> OpenLinkAsync(string id)
    {
        await page.ClickAsync($"{LinkRow(id)} a");
        await Redirects.ReachedAsync(page, "/admin/links/" + System.Text.RegularExpressions.Regex.Escape(id) + "$");
        return new AdminLinkDetailPage(page);
    }
}

/// <summary>A link's detail page (<c>/admin/links/{id}</c>): status, disable, callback deliveries and re-send.</summary>
public sealed class AdminLinkDetailPage(IPage page)
{
    public const string LinkStatus = "[data-test=link-status] [data-status]";
    public const string DisplayMessage = "#display-message";
    public const string Disable = "button:has-text('Disable')";
    public const string Resend = "[data-action=resend]";

    public static string Path(string id) => $"/admin/links/{id}";
    public static string DeliveryRow(string status) => $"tr[data-delivery-id][data-status='{status}']";

    public static async Task<AdminLinkDetailPage> OpenAsync(IPage page, string id)
    {
        await page.GotoAsync(Path(id));
        return new AdminLinkDetailPage(page);
    }

    public Task<string?> StatusAsync() => page.GetAttributeAsync(LinkStatus, "data-status");

    public ILocator Deliveries(string status) => page.Locator(DeliveryRow(status));

    /// <summary>Disables the link with <paramref name="message"/> and waits for the page to confirm it.</summary>
    public async Task DisableAsync(string message)
    {
        await page.FillAsync(DisplayMessage, message);
        await page.ClickAsync(Disable);
        await Redirects.ReachedAsync(page, @"[?&]done=disabled$");
    }

    /// <summary>Re-sends the delivery shown in <paramref name="row"/> and waits for the page to confirm it.</summary>
    public async Task ResendAsync(ILocator row)
    {
        await row.Locator(Resend).ClickAsync();
        await Redirects.ReachedAsync(page, @"[?&]done=resent$");
    }
}

/// <summary>The applications page (<c>/admin/applications</c>).</summary>
public sealed class AdminApplicationsPage(IPage page)
{
    public const string Path = "/admin/applications";
    public const string AppName = "#app-name";
    public const string Create = "button:has-text('Create')";
    public const string ClientSecret = "[data-test=client-secret]";

    public Task OpenAsync() => page.GotoAsync(Path);

    /// <summary>Creates an application and returns the secret the page shows (once).</summary>
    public async Task<string> CreateAsync(string name)
    {
        await page.FillAsync(AppName, name);
        await page.ClickAsync(Create);
        return await page.Locator(ClientSecret).InnerTextAsync();
    }
}

/// <summary>The accounts list (<c>/admin/accounts</c>) and an account's agenda.</summary>
public sealed class AdminAccountsPage(IPage page)
{
    public const string Path = "/admin/accounts";

    public static string AccountLink(string name) => $"a:has-text('{name}')";
    public static string Event(string eventId) => $"[data-event-id={eventId}]";

    public Task OpenAsync() => page.GotoAsync(Path);

    /// <summary>Opens an account's agenda and waits for <paramref name="eventId"/> to show. The live app is shared by
    /// every browser test, so the account may be on a later page of the list: "Next" is followed until it shows.</summary>
    public async Task OpenAccountAsync(string name, string eventId)
    {
        var next = page.Locator("a[rel=next][href]");
        while (await page.Locator(AccountLink(name)).CountAsync() == 0 && await next.CountAsync() > 0)
            await page.GotoAsync(await next.GetAttributeAsync("href") ?? Path);
        await page.ClickAsync(AccountLink(name));
        await page.Locator(Event(eventId)).WaitForAsync();
    }
}
