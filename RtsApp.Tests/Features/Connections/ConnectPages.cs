using AngleSharp.Html.Dom;
using RtsApp.Tests.Components.Scheduling;
using RtsApp.Tests.Infrastructure;

namespace RtsApp.Tests.Features.Connections;

/// <summary>A connect link made through the API: its absolute URL and the page's path.</summary>
public sealed record TestConnectLink(string Url, string Sub)
{
    public string Path => new Uri(Url).AbsolutePath;
    public string Token => Url[(Url.LastIndexOf('/') + 1)..];
}

/// <summary>Makes connect links over HTTP and fills the connect page's forms as a browser without JavaScript would.</summary>
public static class ConnectPages
{
    public const string IcsForm = "form[data-form=ics]";
    public const string CalDavForm = "form[data-form=caldav]";
    public const string DoneForm = "form[data-form=done]";

    public static async Task<TestConnectLink> CreateAsync(ApiClient api, string sub, string? redirectUri = null)
    {
        object body = redirectUri is null ? new { sub } : new { sub, redirect_uri = redirectUri };
        var url = (await api.PostOkAsync("/v1/calendar_connections/connect_link", body))["url"]!.GetValue<string>();
        return new TestConnectLink(url, sub);
    }

    public static async Task<HttpResponseMessage> SubmitIcsAsync(HttpClient http, string path, string feedUrl)
    {
        var doc = await Html.GetAsync(http, path);
        return await Html.SubmitWithAsync(http, doc.QuerySelector(IcsForm)!, new Dictionary<string, string> { ["Ics.Url"] = feedUrl });
    }

    public static async Task<HttpResponseMessage> SubmitCalDavAsync(HttpClient http, string path, string url, string? username, string? password)
    {
        var doc = await Html.GetAsync(http, path);
        return await Html.SubmitWithAsync(http, doc.QuerySelector(CalDavForm)!, new Dictionary<string, string>
        {
            ["CalDav.Url"] = url,
            ["CalDav.Username"] = username ?? "",
            ["CalDav.Password"] = password ?? "",
        });
    }

    /// <summary>The calendars the page lists as found: name and whether it is marked read-only.</summary>
    public static string[] Calendars(IHtmlDocument doc) =>
        doc.QuerySelectorAll("#connected-heading ~ ul [data-calendar]")
            .Select(li => li.QuerySelector(".calendar-name")!.TextContent + (li.GetAttribute("data-readonly") == "true" ? " (read-only)" : "")).ToArray();
}
