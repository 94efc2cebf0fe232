using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Xml.Linq;

namespace RtsApp.Tests.Features.Connections.CalDav;

/// <summary>Another CalDAV client, as a calendar app would be: creates calendars and writes, deletes and reads objects
/// with plain HTTP, never through RtsApp's client.</summary>
internal sealed class OtherClient : IDisposable
{
    private static readonly XNamespace Dav = "DAV:";
    private readonly HttpClient http;
    private readonly CalDavServer server;

    public OtherClient(CalDavServer server)
    {
        this.server = server;
        // No pooled connections: Radicale's HTTP/1.0 server closes each one, and reusing it races that close.
        http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.Zero }) { Timeout = TimeSpan.FromSeconds(20) };
        if (server.User is not null)
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
                Convert.ToBase64String(Encoding.UTF8.GetBytes($"{server.User}:{server.Password}")));
    }

    /// <summary>Where this server keeps the test user's calendars.</summary>
    public Uri CalendarHome => server.Name == CalDavServers.Radicale ? new Uri(server.Url, $"{server.User}/") : new Uri(server.Url, "user/calendars/");

    /// <summary>MKCALENDAR of a new VEVENT calendar with a unique name (or at <c>at</c>, to make one again where another was).</summary>
    public async Task<Uri> NewCalendarAsync(string displayName, Uri? at = null)
    {
        var url = at ?? new Uri(CalendarHome, $"test-{Guid.NewGuid():N}/");
        const string C = "urn:ietf:params:xml:ns:caldav";
        var body = $"""
            <?xml version="1.0" encoding="utf-8"?>
            <c:mkcalendar xmlns:d="DAV:" xmlns:c="{C}"><d:set><d:prop><d:displayname>{displayName}</d:displayname>
            <c:supported-calendar-component-set><c:comp name="VEVENT"/></c:supported-calendar-component-set></d:prop></d:set></c:mkcalendar>
            """;
        using var request = new HttpRequestMessage(new HttpMethod("MKCALENDAR"), url) { Content = new StringContent(body, Encoding.UTF8, "application/xml") };
        using var response = await http.SendAsync(request);
        response.StatusCode.ShouldBe(HttpStatusCode.Created, $"MKCALENDAR {url}");
        return url;
    }

    public async Task<Uri> PutAsync(Uri calendar, string name, string ics)
    {
        var url = new Uri(calendar, name);
        using var content = new StringContent(ics, new UTF8Encoding(false), "text/calendar");
        using var response = await http.PutAsync(url, content);
        ((int)response.StatusCode).ShouldBeOneOf([201, 204], $"PUT {url}: {await response.Content.ReadAsStringAsync()}");
        return url;
    }

    public async Task DeleteAsync(Uri url)
    {
        using var response = await http.DeleteAsync(url);
        ((int)response.StatusCode).ShouldBeOneOf([200, 204], $"DELETE {url}");
    }

    public async Task<string?> GetAsync(Uri url)
    {
        using var response = await http.GetAsync(url);
        return response.StatusCode == HttpStatusCode.NotFound ? null : await response.EnsureSuccessStatusCode().Content.ReadAsStringAsync();
    }

    /// <summary>How many objects in <paramref name="calendar"/> carry <paramref name="uid"/>: every member listed by
    /// PROPFIND, fetched with GET.</summary>
    public async Task<int> CountObjectsWithUidAsync(Uri calendar, string uid)
    {
        using var request = new HttpRequestMessage(new HttpMethod("PROPFIND"), calendar)
        {
            Content = new StringContent("""<?xml version="1.0"?><d:propfind xmlns:d="DAV:"><d:prop><d:getetag/></d:prop></d:propfind>""", Encoding.UTF8, "application/xml"),
        };
        request.Headers.Add("Depth", "1");
        using var response = await http.SendAsync(request);
        var doc = XDocument.Parse(await response.Content.ReadAsStringAsync());
        var count = 0;
        foreach (var href in doc.Descendants(Dav + "href").Select(h => h.Value.Trim()))
        {
            var url = new Uri(calendar, href);
            if (url.AbsolutePath.TrimEnd('/') == calendar.AbsolutePath.TrimEnd('/')) continue;
            if (await GetAsync(url) is { } text && text.Contains($"UID:{uid}", StringComparison.Ordinal)) count++;
        }
        return count;
    }

    public void Dispose() => http.Dispose();
}
