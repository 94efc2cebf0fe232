using Microsoft.Playwright;

namespace RtsApp.Tests.E2E.Pages;

/// <summary>The connect page (<c>/connect/{token}</c>) as a person uses it: the selectors in this one place.</summary>
public sealed class ConnectPageObject(IPage page)
{
    public const string CalDavUrlField = "#caldav-url";
    public const string CalDavUserField = "#caldav-username";
    public const string CalDavPasswordField = "#caldav-password";
    public const string CalDavSubmit = "[data-action=connect-caldav]";
    public const string FeedUrlField = "#ics-url";
    public const string FeedSubmit = "[data-action=connect-ics]";
    public const string DoneButton = "[data-action=done]";
    public const string ConnectedHeading = "#connected-heading";
    public const string FoundCalendar = "#connected-heading ~ ul [data-calendar]";
    public const string FeedError = "[data-error=ics-url]";

    public IPage Page { get; } = page;

    public Task<IResponse?> OpenAsync(string path) => Page.GotoAsync(path);

    public ILocator Heading => Page.Locator("h1");
    public ILocator Connected => Page.Locator(ConnectedHeading);
    public ILocator Calendars => Page.Locator(FoundCalendar);
    public ILocator Done => Page.Locator(DoneButton);
    public ILocator FeedErrorMessage => Page.Locator(FeedError);

    /// <summary>Types a feed URL into the ICS form and submits it.</summary>
    public async Task ConnectFeedAsync(string url)
    {
        await Page.Locator(FeedUrlField).FillAsync(url);
        await Page.Locator(FeedSubmit).ClickAsync();
    }
}
