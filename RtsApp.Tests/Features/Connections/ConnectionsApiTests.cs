using System.Text.Json.Nodes;
using RtsApp.Tests.Infrastructure;
using static RtsApp.Tests.Features.Connections.ConnectionCalls;

namespace RtsApp.Tests.Features.Connections;

public sealed class ConnectionsApiTests(ConnectionsFixture fixture) : IClassFixture<ConnectionsFixture>
{
    private readonly RtsAppFactory factory = fixture.Factory;
    private readonly FeedServer feeds = fixture.Feeds;

    private static readonly string TwoEventsAndABrokenOne = Feeds.Calendar(
        Feeds.Event("standup", "20260323T090000Z", "20260323T093000Z", "Standup"),
        Feeds.Event("lunch", "20260324T120000Z", "20260324T130000Z", "Lunch"),
        Feeds.Malformed("broken"));

    [Fact]
    public async Task Create_ChecksTheFeed_RepliesWithTheConnection_AndItsCalendarAndEvents()
    {
        var api = await factory.CreateApiClientAsync();
        var (sub, _) = await api.CreateAccountAsync("Feed Owner");
        var (_, url) = feeds.Add(TwoEventsAndABrokenOne, "team");

        var c = await ConnectAsync(api, sub, url);

        Id(c).ShouldMatch("^con_[0-9a-f]{24}$");
        c["sub"]!.GetValue<string>().ShouldBe(sub);
        c["provider"]!.GetValue<string>().ShouldBe("ics");
        c["url"]!.GetValue<string>().ShouldBe(url);
        c["status"]!.GetValue<string>().ShouldBe("active");
        c.AsObject().ContainsKey("error").ShouldBeFalse();
        c["last_synced_at"]!.GetValue<string>().ShouldBe("2026-03-20T12:00:00Z");
        c["skipped_objects"]!.GetValue<int>().ShouldBe(1);
        var calendar = c["calendars"]!.AsArray().ShouldHaveSingleItem()!;
        calendar["calendar_name"]!.GetValue<string>().ShouldStartWith("team");
        calendar["calendar_readonly"]!.GetValue<bool>().ShouldBeTrue();

        var listed = (await api.GetOkAsync("/v1/calendars"))["calendars"]!.AsArray().Single(k => k!["sub"]!.GetValue<string>() == sub)!;
        listed["calendar_id"]!.GetValue<string>().ShouldBe(CalendarId(c));
        listed["provider_name"]!.GetValue<string>().ShouldBe("ics");
        listed["profile_id"]!.GetValue<string>().ShouldBe(Id(c));
        listed["profile_name"]!.GetValue<string>().ShouldBe("127.0.0.1");
        listed["calendar_readonly"]!.GetValue<bool>().ShouldBeTrue();

        (await EventsAsync(api, CalendarId(c))).ShouldBe(["Standup 2026-03-23T09:00:00Z", "Lunch 2026-03-24T12:00:00Z"]);
        (await ConnectionCalls.GetAsync(api, Id(c))).ToJsonString().ShouldBe(c.ToJsonString());
    }

    [Fact]
    public async Task Create_FeedThatCannotBeUsed_Is422ConnectionFailedNamingTheReason()
    {
        var api = await factory.CreateApiClientAsync();
        var (sub, _) = await api.CreateAccountAsync();
        var (missing, missingUrl) = feeds.Add("");
        missing.Status = 404;
        var (html, htmlUrl) = feeds.Add("<!doctype html><html><body>Sign in</body></html>");
        html.ContentType = "text/html";
        var (slow, slowUrl) = feeds.Add(TwoEventsAndABrokenOne);
        slow.Delay = TimeSpan.FromSeconds(30);
        var (huge, hugeUrl) = feeds.Add("");
        huge.StreamBytes = 11L * 1024 * 1024;

        async Task<string> Reason(string url)
        {
            var error = await ApiClient.ErrorAsync(await api.PostAsync("/v1/calendar_connections", new { sub, provider = "ics", url }), 422);
            var detail = error["errors"]!["url"]![0]!;
            detail["key"]!.GetValue<string>().ShouldBe("errors.connection_failed");
            return detail["description"]!.GetValue<string>();
        }

        (await Reason(missingUrl)).ShouldBe("the server answered 404");
        (await Reason(htmlUrl)).ShouldBe("not an iCalendar feed");
        (await Reason(slowUrl)).ShouldBe("timed out after 2 s");
        (await Reason(hugeUrl)).ShouldBe("the feed is larger than 10 MiB");
        (await Reason("http://127.0.0.1:1/closed.ics")).ShouldStartWith("unreachable: ");
        (await api.GetOkAsync("/v1/calendar_connections?sub=" + sub))["calendar_connections"]!.AsArray().ShouldBeEmpty();
    }

    /// <summary>Redirects are followed (five at most, relative ones too) only to http and https, never from https down to
    /// http, and each one through the address guard; anything else is the feed's failure, named, not a 500.</summary>
    [Fact]
    public async Task Create_Redirects_FollowedOnlyToHttpOrHttps_AndAtMostFive()
    {
        var api = await factory.CreateApiClientAsync();
        var (sub, _) = await api.CreateAccountAsync();
        (FeedServer.Feed Feed, string Url) Redirecting(string location)
        {
            var (feed, url) = feeds.Add("");
            feed.Status = 302;
            feed.Location = location;
            return (feed, url);
        }
        async Task<string> Reason(string url)
        {
            var error = await ApiClient.ErrorAsync(await api.PostAsync("/v1/calendar_connections", new { sub, provider = "ics", url }), 422);
            return error["errors"]!["url"]![0]!["description"]!.GetValue<string>();
        }

        var (_, target) = feeds.Add(TwoEventsAndABrokenOne);
        var relative = Redirecting(new Uri(target).AbsolutePath).Url;
        var chain = Redirecting(Redirecting(Redirecting(Redirecting(relative).Url).Url).Url).Url; // 5 redirects in all
        var connected = await ConnectAsync(api, sub, chain);
        (await EventsAsync(api, CalendarId(connected))).ShouldBe(["Standup 2026-03-23T09:00:00Z", "Lunch 2026-03-24T12:00:00Z"]);

        (await Reason(Redirecting(chain).Url)).ShouldBe("more than 5 redirects");
        foreach (var elsewhere in new[] { "file:///etc/passwd", "data:text/calendar,BEGIN", "ftp://127.0.0.1/cal.ics", "gopher://127.0.0.1:70/x" })
            (await Reason(Redirecting(elsewhere).Url)).ShouldBe("refused: the feed redirects to a URL that is not http or https (or from https to http)", elsewhere);
        (await Reason(Redirecting("http://[::1/x").Url)).ShouldStartWith("the server answered 302"); // no usable Location at all
    }

    /// <summary>A charset .NET knows but refuses (UTF-7) is read as UTF-8, as an unknown one is.</summary>
    [Fact]
    public async Task Create_FeedInARefusedCharset_IsReadAsUtf8()
    {
        var api = await factory.CreateApiClientAsync();
        var (sub, _) = await api.CreateAccountAsync();
        var (feed, url) = feeds.Add(TwoEventsAndABrokenOne);
        feed.ContentType = "text/calendar; charset=utf-7";

        var connected = await ConnectAsync(api, sub, url);

        (await EventsAsync(api, CalendarId(connected))).ShouldBe(["Standup 2026-03-23T09:00:00Z", "Lunch 2026-03-24T12:00:00Z"]);
    }

    [Fact]
    public async Task Create_InvalidRequest_Is422AtTheField_UnknownSubIs404()
    {
        var api = await factory.CreateApiClientAsync();
        var (sub, _) = await api.CreateAccountAsync();
        async Task<string> Key(object body, string field, int status = 422) =>
            (await ApiClient.ErrorAsync(await api.PostAsync("/v1/calendar_connections", body), status))["errors"]![field]![0]!["key"]!.GetValue<string>();

        (await Key(new { sub, provider = "google", url = "https://example.com/cal" }, "provider")).ShouldBe("errors.invalid");
        (await Key(new { sub, provider = "ics", url = "https://example.com/cal.ics", username = "ann" }, "username")).ShouldBe("errors.invalid");
        (await Key(new { sub, url = "https://example.com/cal.ics" }, "provider")).ShouldBe("errors.required");
        (await Key(new { sub, provider = "ics" }, "url")).ShouldBe("errors.required");
        (await Key(new { sub, provider = "ics", url = "ftp://example.com/cal.ics" }, "url")).ShouldBe("errors.invalid");
        (await Key(new { provider = "ics", url = "https://example.com/cal.ics" }, "sub")).ShouldBe("errors.required");
        (await Key(new { sub = "acc_missing", provider = "ics", url = "https://example.com/cal.ics" }, "sub", 404)).ShouldBe("errors.not_found");
    }

    [Fact]
    public async Task ListAndGet_AccountTokenSeesOnlyItsOwn_OtherApplicationsSeeNothing()
    {
        var api = await factory.CreateApiClientAsync();
        var (ann, annToken) = await api.CreateAccountAsync("Ann");
        var (bob, _) = await api.CreateAccountAsync("Bob");
        var annConnection = await ConnectAsync(api, ann, feeds.Add(TwoEventsAndABrokenOne).Url);
        var bobConnection = await ConnectAsync(api, bob, feeds.Add(TwoEventsAndABrokenOne).Url);

        static string[] Ids(JsonNode reply) => reply["calendar_connections"]!.AsArray().Select(c => Id(c!)).ToArray();
        Ids(await api.GetOkAsync("/v1/calendar_connections")).ShouldBe([Id(annConnection), Id(bobConnection)], ignoreOrder: true);
        Ids(await api.GetOkAsync("/v1/calendar_connections?sub=" + bob)).ShouldBe([Id(bobConnection)]);
        Ids(await api.GetOkAsync("/v1/calendar_connections", annToken)).ShouldBe([Id(annConnection)]);
        await ApiClient.ErrorAsync(await api.GetAsync("/v1/calendar_connections/" + Id(bobConnection), annToken), 404);
        await ApiClient.ErrorAsync(await api.PostAsync($"/v1/calendar_connections/{Id(bobConnection)}/sync", new { }, annToken), 404);

        // With an account token the sub is implied.
        var own = (await api.PostOkAsync("/v1/calendar_connections", new { provider = "ics", url = feeds.Add(TwoEventsAndABrokenOne).Url }, annToken))["calendar_connection"]!;
        own["sub"]!.GetValue<string>().ShouldBe(ann);

        var other = await factory.CreateApiClientAsync("Other");
        Ids(await other.GetOkAsync("/v1/calendar_connections")).ShouldBeEmpty();
        await ApiClient.ErrorAsync(await other.GetAsync("/v1/calendar_connections/" + Id(annConnection)), 404);
        await ApiClient.ErrorAsync(await other.SendAsync(HttpMethod.Delete, "/v1/calendar_connections/" + Id(annConnection)), 404);
    }

    [Fact]
    public async Task FeedCalendar_IsReadOnly_ForEventWritesAndLinkTargets()
    {
        var api = await factory.CreateApiClientAsync();
        var (sub, _) = await api.CreateAccountAsync();
        var calendarId = CalendarId(await ConnectAsync(api, sub, feeds.Add(TwoEventsAndABrokenOne).Url));

        var upsert = await ApiClient.ErrorAsync(await api.PostAsync($"/v1/calendars/{calendarId}/events",
            new { event_id = "mine", summary = "Mine", start = "2026-03-25T09:00:00Z", end = "2026-03-25T10:00:00Z", tzid = "Etc/UTC" }), 422);
        upsert["errors"]!["calendar_id"]![0]!["key"]!.GetValue<string>().ShouldBe("errors.calendar_readonly");
        var delete = await ApiClient.ErrorAsync(await api.SendAsync(HttpMethod.Delete, $"/v1/calendars/{calendarId}/events?event_id=standup"), 422);
        delete["errors"]!["calendar_id"]![0]!["key"]!.GetValue<string>().ShouldBe("errors.calendar_readonly");
        (await EventsAsync(api, calendarId)).Length.ShouldBe(2);

        var link = LinkBody(sub, target: calendarId, memberCalendars: null);
        var refused = await ApiClient.ErrorAsync(await api.PostAsync("/v1/real_time_scheduling", link.ToJsonString()), 422);
        refused["errors"]!["target_calendars[0].calendar_id"]![0]!["key"]!.GetValue<string>().ShouldBe("errors.calendar_readonly");
    }

    [Fact]
    public async Task Delete_WhileAnOpenLinkUsesItsCalendar_IsInUse_ThenDeletesCalendarAndEvents()
    {
        var api = await factory.CreateApiClientAsync();
        var (sub, _) = await api.CreateAccountAsync();
        var local = await api.CreateCalendarAsync(sub, "Local");
        var connection = await ConnectAsync(api, sub, feeds.Add(TwoEventsAndABrokenOne).Url);
        var feedCalendar = CalendarId(connection);
        var reply = await api.PostOkAsync("/v1/real_time_scheduling", LinkBody(sub, target: local, memberCalendars: [feedCalendar]).ToJsonString());
        var linkId = reply["real_time_scheduling"]!["real_time_scheduling_id"]!.GetValue<string>();

        var inUse = await ApiClient.ErrorAsync(await api.SendAsync(HttpMethod.Delete, "/v1/calendar_connections/" + Id(connection)), 422);
        inUse["errors"]!["connection_id"]![0]!["key"]!.GetValue<string>().ShouldBe("errors.in_use");

        await api.PostOkAsync($"/v1/real_time_scheduling/{linkId}/disable", new { display_message = "Closed" });
        var deleted = await api.SendAsync(HttpMethod.Delete, "/v1/calendar_connections/" + Id(connection));
        ((int)deleted.StatusCode).ShouldBe(202, await deleted.Content.ReadAsStringAsync());
        await ApiClient.ErrorAsync(await api.GetAsync("/v1/calendar_connections/" + Id(connection)), 404);
        (await api.GetOkAsync("/v1/calendars"))["calendars"]!.AsArray().Select(c => c!["calendar_id"]!.GetValue<string>()).ShouldBe([local]);
        await using var db = factory.Db();
        db.Events.Count(e => e.CalendarId == feedCalendar).ShouldBe(0);
    }

    /// <summary>SPEC §12: a rule's calendar_ids say where a managed member's busy time comes from. Deleting a connection
    /// takes its calendars out of the account's rules, so the rule reads back as one that can be stored again, and the
    /// busy time comes from the calendars left (here, none named: all of them) instead of from a calendar that is gone.</summary>
    [Fact]
    public async Task Delete_TakesItsCalendarsOutOfTheAccountsAvailabilityRules()
    {
        var api = await factory.CreateApiClientAsync();
        var (sub, _) = await api.CreateAccountAsync();
        var local = await api.CreateCalendarAsync(sub, "Local");
        await api.PutEventAsync(local, new { event_id = "review", summary = "Review", start = "2026-03-23T10:00:00Z", end = "2026-03-23T11:00:00Z", tzid = "Etc/UTC" });
        var connection = await ConnectAsync(api, sub, feeds.Add(TwoEventsAndABrokenOne).Url);
        var feedCalendar = CalendarId(connection);
        var rule = new JsonObject
        {
            ["sub"] = sub,
            ["availability_rule_id"] = "hours",
            ["tzid"] = "Etc/UTC",
            ["calendar_ids"] = new JsonArray(feedCalendar, local),
            ["weekly_periods"] = JsonNode.Parse("""[{"day": "monday", "start_time": "09:00", "end_time": "12:00"}]"""),
        };
        await api.PostOkAsync("/v1/availability_rules", rule.ToJsonString());
        var onlyFeed = (JsonObject)rule.DeepClone();
        onlyFeed["availability_rule_id"] = "feed_only";
        onlyFeed["calendar_ids"] = new JsonArray(feedCalendar);
        await api.PostOkAsync("/v1/availability_rules", onlyFeed.ToJsonString());
        async Task<string[]> FreeAsync(string ruleId) =>
            [.. (await api.PostOkAsync("/v1/availability", $$"""
                {"participants": [{"members": [{"sub": "{{sub}}", "managed_availability": true, "availability_rule_ids": ["{{ruleId}}"]}]}],
                 "required_duration": {"minutes": 30}, "query_periods": [{"start": "2026-03-23T08:00:00Z", "end": "2026-03-23T13:00:00Z"}]}
                """))["available_periods"]!.AsArray().Select(p => $"{p!["start"]}–{p["end"]}")];
        (await FreeAsync("feed_only")).ShouldBe(["2026-03-23T09:30:00Z–2026-03-23T12:00:00Z"]); // the feed's standup only

        ((int)(await api.SendAsync(HttpMethod.Delete, "/v1/calendar_connections/" + Id(connection))).StatusCode).ShouldBe(202);

        var hours = (await api.GetOkAsync($"/v1/availability_rules/hours?sub={sub}"))["availability_rule"]!;
        hours["calendar_ids"]!.AsArray().Select(c => c!.GetValue<string>()).ShouldBe([local]);
        var feedOnly = (await api.GetOkAsync($"/v1/availability_rules/feed_only?sub={sub}"))["availability_rule"]!.AsObject();
        feedOnly["calendar_ids"]!.AsArray().ShouldBeEmpty();
        feedOnly["sub"] = sub;
        await api.PostOkAsync("/v1/availability_rules", feedOnly.ToJsonString()); // what it reads back can be stored again
        (await FreeAsync("feed_only")).ShouldBe(["2026-03-23T09:00:00Z–2026-03-23T10:00:00Z", "2026-03-23T11:00:00Z–2026-03-23T12:00:00Z"]);
        (await FreeAsync("hours")).ShouldBe(["2026-03-23T09:00:00Z–2026-03-23T10:00:00Z", "2026-03-23T11:00:00Z–2026-03-23T12:00:00Z"]);
    }

    /// <summary>A link reading a connection's calendar and the connection's deletion, sent at once: one of the two sees
    /// the other (both take the account's lock), so never both succeed — an open link reading a calendar that is gone.</summary>
    [Fact]
    public async Task Delete_AndALinkReadingItsCalendar_AtOnce_NeverBothSucceed()
    {
        var api = await factory.CreateApiClientAsync();
        var (sub, _) = await api.CreateAccountAsync();
        var local = await api.CreateCalendarAsync(sub, "Local");
        for (var i = 0; i < 30; i++)
        {
            var connection = await ConnectAsync(api, sub, feeds.Add(TwoEventsAndABrokenOne).Url);
            var body = LinkBody(sub, target: local, memberCalendars: [CalendarId(connection)]);
            body["event"]!["event_id"] = $"race{i}";
            var create = api.PostAsync("/v1/real_time_scheduling", body.ToJsonString());
            var delete = api.SendAsync(HttpMethod.Delete, "/v1/calendar_connections/" + Id(connection));
            var (created, deleted) = ((int)(await create).StatusCode, (int)(await delete).StatusCode);
            (created == 200 ? deleted == 422 : created == 422 && deleted == 202).ShouldBeTrue($"try {i}: link {created}, deletion {deleted}");
        }
    }

    /// <summary>A link for <paramref name="sub"/> on Monday 23 March 09:00–11:00Z, booking into <paramref name="target"/>.</summary>
    internal static JsonObject LinkBody(string sub, string target, string[]? memberCalendars)
    {
        var member = new JsonObject { ["sub"] = sub };
        if (memberCalendars is not null) member["calendar_ids"] = new JsonArray([.. memberCalendars.Select(c => JsonValue.Create(c))]);
        return new JsonObject
        {
            ["oauth"] = new JsonObject { ["redirect_uri"] = "https://app.example/after" },
            ["event"] = new JsonObject { ["event_id"] = "interview-" + Guid.NewGuid().ToString("N")[..8], ["summary"] = "Interview", ["tzid"] = "Europe/London" },
            ["availability"] = new JsonObject
            {
                ["participants"] = new JsonArray(new JsonObject { ["members"] = new JsonArray(member), ["required"] = "all" }),
                ["required_duration"] = new JsonObject { ["minutes"] = 30 },
                ["start_interval"] = new JsonObject { ["minutes"] = 30 },
                ["query_periods"] = new JsonArray(new JsonObject { ["start"] = "2026-03-23T09:00:00Z", ["end"] = "2026-03-23T11:00:00Z" }),
            },
            ["target_calendars"] = new JsonArray(new JsonObject { ["sub"] = sub, ["calendar_id"] = target }),
        };
    }
}
