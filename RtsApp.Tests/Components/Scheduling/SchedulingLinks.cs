using System.Net;
using System.Text.Json.Nodes;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;
using Microsoft.EntityFrameworkCore;
using RtsApp.Tests.Infrastructure;

namespace RtsApp.Tests.Components.Scheduling;

/// <summary>A link made through the API, with the one participant whose calendar it books into.</summary>
public sealed record TestLink(ApiClient Api, string Sub, string CalendarId, string Id, string Token)
{
    public string Path => "/rts/" + Token;
}

/// <summary>Creates scheduling and sequencing links over HTTP, as an API client would. Query periods lie after the fake
/// clock's 2026-03-20T12:00Z: Monday 23 March 09:00–11:00Z and Tuesday 24 March 13:00–15:00Z (London is on GMT then).</summary>
public static class SchedulingLinks
{
    public const string Summary = "Product Manager Interview";
    public static readonly JsonArray Periods = [
        new JsonObject { ["start"] = "2026-03-23T09:00:00Z", ["end"] = "2026-03-23T11:00:00Z" },
        new JsonObject { ["start"] = "2026-03-24T13:00:00Z", ["end"] = "2026-03-24T15:00:00Z" }];

    public static JsonObject Participants(string sub) => new() { ["members"] = new JsonArray(new JsonObject { ["sub"] = sub }), ["required"] = "all" };

    public static JsonObject Availability(string sub) => new()
    {
        ["participants"] = new JsonArray(Participants(sub)),
        ["required_duration"] = new JsonObject { ["minutes"] = 30 },
        ["start_interval"] = new JsonObject { ["minutes"] = 30 },
        ["query_periods"] = Periods.DeepClone(),
    };

    public static JsonObject Sequence(string sub) => new()
    {
        ["sequence"] = new JsonArray(
            new JsonObject
            {
                ["sequence_id"] = "tech",
                ["ordinal"] = 1,
                ["participants"] = new JsonArray(Participants(sub)),
                ["required_duration"] = new JsonObject { ["minutes"] = 60 },
                ["start_interval"] = new JsonObject { ["minutes"] = 60 },
                ["event"] = new JsonObject { ["event_id"] = "tech-round", ["summary"] = "Technical interview" }
            },
            new JsonObject
            {
                ["sequence_id"] = "culture",
                ["ordinal"] = 2,
                ["participants"] = new JsonArray(Participants(sub)),
                ["required_duration"] = new JsonObject { ["minutes"] = 30 },
                ["start_interval"] = new JsonObject { ["minutes"] = 30 },
                ["event"] = new JsonObject { ["event_id"] = "culture-round", ["summary"] = "Culture chat" }
            }),
        ["query_periods"] = Periods.DeepClone(),
    };

    /// <summary>A customization: one query period from <paramref name="start"/> to <paramref name="end"/>, so the link
    /// offers a time every 30 minutes round the clock (its member has no events).</summary>
    public static Action<JsonObject, string> RoundTheClock(string start, string end) => (body, _) =>
        body["availability"]!["query_periods"] = new JsonArray(new JsonObject { ["start"] = start, ["end"] = end });

    /// <summary>Creates a link; <paramref name="customize"/> edits the request body before it is sent.</summary>
    public static async Task<TestLink> CreateAsync(ApiClient api, Action<JsonObject, string>? customize = null, bool sequencing = false)
    {
        var (sub, _) = await api.CreateAccountAsync("Ann");
        var calendarId = await api.CreateCalendarAsync(sub);
        var body = new JsonObject
        {
            ["event"] = new JsonObject
            {
                ["event_id"] = "interview-42",
                ["summary"] = Summary,
                ["tzid"] = "Europe/London",
                ["description"] = "A first conversation about the role.\nBring questions.",
                ["location"] = new JsonObject { ["description"] = "Video call" },
            },
            ["availability"] = sequencing ? Sequence(sub) : Availability(sub),
            ["target_calendars"] = new JsonArray(new JsonObject { ["sub"] = sub, ["calendar_id"] = calendarId }),
            ["tzid"] = "Europe/London",
            ["redirect_urls"] = new JsonObject { ["completed_url"] = "https://app.example/done" },
        };
        customize?.Invoke(body, sub);
        var reply = await api.PostOkAsync(sequencing ? "/v1/real_time_sequencing" : "/v1/real_time_scheduling", body.ToJsonString());
        var url = reply["url"]!.GetValue<string>();
        return new TestLink(api, sub, calendarId, reply["real_time_scheduling"]!["real_time_scheduling_id"]!.GetValue<string>(), url[(url.LastIndexOf('/') + 1)..]);
    }

    /// <summary>Removes the stored link's redirects, as for a link with nowhere to send the person: booking it then shows
    /// the page's own confirmation. (The API requires a redirect, so only the store can make such a link.)</summary>
    public static async Task StripRedirectsAsync(RtsAppFactory factory, TestLink link)
    {
        await using var db = factory.Db();
        var stored = await db.Links.SingleAsync(l => l.Id == link.Id);
        var spec = JsonNode.Parse(stored.SpecJson)!.AsObject();
        spec["redirect"] = new JsonObject();
        stored.SpecJson = spec.ToJsonString();
        await db.SaveChangesAsync();
    }

    public static async Task<string> StatusAsync(TestLink link) =>
        (await link.Api.GetOkAsync("/v1/real_time_scheduling/" + link.Id))["real_time_scheduling"]!["status"]!.GetValue<string>();

    /// <summary>Events in the link's calendar over the query periods' days.</summary>
    public static async Task<JsonArray> EventsAsync(TestLink link) =>
        (await link.Api.GetOkAsync($"/v1/events?from=2026-03-23&to=2026-03-26&tzid=Etc/UTC&calendar_ids[]={link.CalendarId}"))["events"]!.AsArray();

    public static Task BusyAsync(TestLink link, string start, string end, string id = "busy") =>
        link.Api.PutEventAsync(link.CalendarId, new { event_id = id, summary = "Busy", start, end, tzid = "Etc/UTC" });
}

/// <summary>Reads the server-rendered page as a browser would, without running scripts.</summary>
public static class Html
{
    public static async Task<IHtmlDocument> ParseAsync(HttpResponseMessage response) =>
        new HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync());

    public static async Task<IHtmlDocument> GetAsync(HttpClient http, string path, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var response = await http.GetAsync(path);
        response.StatusCode.ShouldBe(expected, await response.Content.ReadAsStringAsync());
        return await ParseAsync(response);
    }

    /// <summary>Every offered time the day picker reaches (SPEC §7): each <c>data-day</c> of each month, following
    /// "next month" from the page at <paramref name="path"/>, in page order; <paramref name="attribute"/> names the start.</summary>
    public static async Task<List<string>> AllStartsAsync(HttpClient http, string path, string attribute = "data-slot-start")
    {
        var starts = new List<string>();
        var days = new HashSet<string>();
        var doc = await GetAsync(http, path);
        while (true)
        {
            foreach (var day in doc.QuerySelectorAll("a[data-day]"))
            {
                if (!days.Add(day.GetAttribute("data-day")!)) continue;
                var dayDoc = await GetAsync(http, day.GetAttribute("href")!);
                starts.AddRange(dayDoc.QuerySelectorAll($"button[{attribute}]").Select(b => b.GetAttribute(attribute)!));
            }
            if (doc.QuerySelector("a[data-month-nav=next]") is not { } next) return starts;
            doc = await GetAsync(http, next.GetAttribute("href")!);
        }
    }

    public static string[] SlotStarts(IDocument doc) => doc.QuerySelectorAll("button[data-slot-start]").Select(b => b.GetAttribute("data-slot-start")!).ToArray();

    /// <summary>Submits <paramref name="form"/> with its inputs' values, <paramref name="values"/> typed into its fields.</summary>
    public static Task<HttpResponseMessage> SubmitWithAsync(HttpClient http, IElement form, IReadOnlyDictionary<string, string> values)
    {
        var fields = form.QuerySelectorAll("input[name], textarea[name]")
            .Select(i => i.GetAttribute("name")!).Distinct()
            .Select(n => new KeyValuePair<string, string>(n, values.TryGetValue(n, out var v) ? v : form.QuerySelector($"[name='{n}']")!.GetAttribute("value") ?? ""));
        return http.PostAsync(form.GetAttribute("action"), new FormUrlEncodedContent(fields));
    }

    /// <summary>Submits <paramref name="form"/> with its inputs' values, optionally leaving some out.</summary>
    public static Task<HttpResponseMessage> SubmitAsync(HttpClient http, IElement form, params string[] leaveOut)
    {
        var fields = form.QuerySelectorAll("input[name]").Cast<IHtmlInputElement>()
            .Where(i => !leaveOut.Contains(i.Name)).Select(i => new KeyValuePair<string, string>(i.Name!, i.Value));
        return http.PostAsync(form.GetAttribute("action"), new FormUrlEncodedContent(fields));
    }
}
