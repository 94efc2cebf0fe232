using System.Text.Json;
using System.Text.Json.Nodes;
using NodaTime;
using RtsApp.Features.Links;
using RtsApp.Infrastructure;
using RtsApp.Tests.Infrastructure;

namespace RtsApp.Tests.Features.Links;

/// <summary>SPEC §6 over HTTP: creating both kinds of link, the 422s, status by id and token, disable, expiry.</summary>
public sealed class LinksApiTests(RtsAppFactory factory) : IClassFixture<RtsAppFactory>
{
    private Task<LinkWorld> World() => LinkWorld.CreateAsync(factory);

    private static async Task<JsonObject> ErrorsAsync(HttpResponseMessage response, int status = 422) =>
        (await ApiClient.ErrorAsync(response, status))["errors"]!.AsObject();

    private static string Key(JsonObject errors, string path) =>
        (errors[path] ?? throw new ShouldAssertException($"no error at {path}: {errors.ToJsonString()}"))[0]!["key"]!.GetValue<string>();

    [Fact]
    public async Task CreateScheduling_RepliesWithUrlIdEventAndOpen()
    {
        var w = await World();
        var reply = await w.Api.PostOkAsync("/v1/real_time_scheduling", w.Scheduling().ToJsonString());

        var url = reply["url"]!.GetValue<string>();
        var link = reply["real_time_scheduling"]!.AsObject();
        link["url"]!.GetValue<string>().ShouldBe(url);
        url.ShouldStartWith("http://localhost/rts/");
        var token = url["http://localhost/rts/".Length..];
        token.ShouldMatch("^[A-Za-z0-9_-]+$");
        (token.Length * 6).ShouldBeGreaterThanOrEqualTo(128);
        link["real_time_scheduling_id"]!.GetValue<string>().ShouldMatch("^sch_[0-9a-f]{24}$");
        link["status"]!.GetValue<string>().ShouldBe("open");
        var ev = link["event"]!.AsObject();
        ev["event_id"]!.GetValue<string>().ShouldBe("interview-42");
        ev["summary"]!.GetValue<string>().ShouldBe("Product Manager Interview");
        ev["tzid"]!.GetValue<string>().ShouldBe("Europe/London");
        ev.ContainsKey("start").ShouldBeFalse(ev.ToJsonString());
        ev.ContainsKey("end").ShouldBeFalse(ev.ToJsonString());
        link.ContainsKey("sequence").ShouldBeFalse(link.ToJsonString());
    }

    [Fact]
    public async Task CreateScheduling_TokensDiffer()
    {
        var w = await World();
        var one = await w.CreateAsync(w.Scheduling());
        var two = await w.CreateAsync(w.Scheduling());
        one.Token.ShouldNotBe(two.Token);
        one.Id.ShouldNotBe(two.Id);
    }

    [Fact]
    public async Task CreateScheduling_PublicBaseUrl_IsUsed()
    {
        using var app = RtsAppFactory.With(new Dictionary<string, string?> { [ConfigKeys.PublicBaseUrl] = "https://meet.example.org/" });
        var w = await LinkWorld.CreateAsync(app);
        var link = await w.CreateAsync(w.Scheduling());
        link.Url.ShouldBe("https://meet.example.org/rts/" + link.Token);
        (await w.StatusAsync(link.Id))["real_time_scheduling"]!["url"]!.GetValue<string>().ShouldBe(link.Url);
    }

    [Fact]
    public async Task CreateSequencing_RepliesInTheSameShape()
    {
        var w = await World();
        var link = await w.CreateAsync(w.Sequencing(), "/v1/real_time_sequencing");
        link.Id.ShouldStartWith("sch_");
        link.Reply["real_time_scheduling"]!["url"]!.GetValue<string>().ShouldBe(link.Url);
        link.Reply["real_time_scheduling"]!["status"]!.GetValue<string>().ShouldBe("open");
        link.Reply["real_time_scheduling"]!["event"]!["event_id"]!.GetValue<string>().ShouldBe("loop-1");
        (await w.StatusOfAsync(link.Id)).ShouldBe("open");
    }

    [Fact]
    public async Task CreateSequencing_AvailablityAlias_IsAccepted()
    {
        var w = await World();
        var link = await w.CreateAsync(w.Sequencing("availablity"), "/v1/real_time_sequencing");
        var page = await w.Booking.GetPageAsync(link.Token, default);
        page!.Times.ShouldNotBeEmpty();
        page.Times[0].Steps.Select(s => s.SequenceId).ShouldBe(["first", "2"]);
    }

    [Fact]
    public async Task CreateSequencing_WithoutAvailability_Is422()
    {
        var w = await World();
        var body = w.Sequencing();
        body.Remove("availability");
        Key(await ErrorsAsync(await w.Api.PostAsync("/v1/real_time_sequencing", body.ToJsonString())), "availability").ShouldBe("errors.required");
    }

    [Fact]
    public async Task CreateScheduling_AvailablityAlias_IsNotAnAlias()
    {
        var w = await World();
        var body = w.Scheduling();
        body["availablity"] = body["availability"]!.DeepClone();
        body.Remove("availability");
        Key(await ErrorsAsync(await w.Api.PostAsync("/v1/real_time_scheduling", body.ToJsonString())), "availability").ShouldBe("errors.required");
    }

    public static TheoryData<string, string, string> InvalidBodies => new()
    {
        // mutation (applied by Mutate), expected path, expected key
        { "remove event", "event", "errors.required" },
        { "remove event.summary", "event.summary", "errors.required" },
        { "remove event.tzid", "event.tzid", "errors.required" },
        { "set event.tzid Mars/Olympus", "event.tzid", "errors.unknown_time_zone" },
        { "set event.start 2026-03-27T09:00:00Z", "event.start", "errors.invalid" },
        { "set event.end 2026-03-27T09:00:00Z", "event.end", "errors.invalid" },
        { "remove availability", "availability", "errors.required" },
        { "set availability not-an-object", "availability", "errors.required" },
        { "remove availability.required_duration", "availability.required_duration", "errors.required" },
        { "remove availability.query_periods", "availability.query_periods", "errors.required" },
        { "set availability.start_interval.minutes 7", "availability.start_interval", "errors.invalid" },
        { "set availability.participants[0].required 3", "availability.participants[0].required", "errors.invalid" },
        { "set availability.participants[0].members[0].sub acc_000000000000000000000000", "availability.participants[0].members[0].sub", "errors.not_found" },
        { "empty target_calendars", "target_calendars", "errors.required" },
        { "remove target_calendars", "target_calendars", "errors.required" },
        { "set target_calendars[0].sub B", "target_calendars[0].calendar_id", "errors.not_found" },
        { "set target_calendars[0].calendar_id cal_000000000000000000000000", "target_calendars[0].calendar_id", "errors.not_found" },
        { "set oauth.redirect_uri https://app.example/a\r\nSet-Cookie: x=1", "oauth.redirect_uri", "errors.invalid" },
        { "set oauth.redirect_uri ftp://app.example/x", "oauth.redirect_uri", "errors.invalid" },
        { "set oauth.redirect_uri not a url", "oauth.redirect_uri", "errors.invalid" },
        { "set redirect_urls.completed_url /relative", "redirect_urls.completed_url", "errors.invalid" },
        // Bounded, so the redirect after booking (its Location header) stays within what browsers and proxies take.
        { "set redirect_urls.completed_url https://app.example/" + new string('d', 2030), "redirect_urls.completed_url", "errors.invalid" },
        { "set oauth.redirect_uri https://app.example/" + new string('r', 2030), "oauth.redirect_uri", "errors.invalid" },
        { "set oauth.state " + new string('s', 1025), "oauth.state", "errors.invalid" },
        { "set oauth.state " + new string('é', 200), "oauth.state", "errors.invalid" }, // 1,200 characters encoded
        { "set redirect_urls.completed_url https://app.example/" + new string('ü', 400), "redirect_urls.completed_url", "errors.invalid" },
        { "set callback_url javascript:alert(1)", "callback_url", "errors.invalid" },
        { "set callback_url http://127.0.0.1/cb", "callback_url", "errors.invalid" },
        { "set callback_urls.completed_url http://10.1.2.3/cb", "callback_urls.completed_url", "errors.invalid" },
        { "set callback_urls.no_times_suitable_url http://localhost/cb", "callback_urls.no_times_suitable_url", "errors.invalid" },
        { "set callback_urls.no_times_displayed_url http://192.168.0.1/cb", "callback_urls.no_times_displayed_url", "errors.invalid" },
        { "set tzid Nowhere/Else", "tzid", "errors.unknown_time_zone" },
        { "set event_creation many", "event_creation", "errors.invalid" },
        { "set formatting.hour_format x", "formatting.hour_format", "errors.invalid" },
    };

    [Theory]
    [MemberData(nameof(InvalidBodies))]
    public async Task CreateScheduling_Invalid_Is422AtThePath(string mutation, string path, string key)
    {
        var w = await World();
        var body = Mutate(w, w.Scheduling(), mutation);
        var errors = await ErrorsAsync(await w.Api.PostAsync("/v1/real_time_scheduling", body.ToJsonString()));
        Key(errors, path).ShouldBe(key);
    }

    [Fact]
    public async Task CreateScheduling_EmptyCallbackUrls_AreNone_NotAUrlToCall()
    {
        var w = await World();
        var body = w.Scheduling();
        body["callback_url"] = "https://app.example/legacy";
        body["callback_urls"] = JsonNode.Parse("""{"completed_url": "", "no_times_suitable_url": "", "no_times_displayed_url": ""}""");
        ((int)(await w.Api.PostAsync("/v1/real_time_scheduling", body.ToJsonString())).StatusCode).ShouldBe(200);

        var request = JsonSerializer.Deserialize<LinkRequest>(body.ToJsonString(), ApiJson.Options)!;
        request.Parse(sequencing: false, allowPrivateCallbacks: false).TryGet(out var spec, out _).ShouldBeTrue();
        spec.Callbacks.ShouldBe(new LinkCallbackUrls("https://app.example/legacy", null, null));
    }

    [Fact]
    public void StoredLink_WithEmptyCallbackUrls_ReadsThemAsNone()
    {
        // Links stored before empty URLs were read as none kept "" (and their page and booking failed).
        var stored = JsonSerializer.Serialize(new LinkCallbackUrls("https://a.example/", "https://b.example/", "https://c.example/"), ApiJson.Options)
            .Replace("https://a.example/", "", StringComparison.Ordinal).Replace("https://b.example/", "", StringComparison.Ordinal);

        JsonSerializer.Deserialize<LinkCallbackUrls>(stored, ApiJson.Options).ShouldBe(new LinkCallbackUrls(null, null, "https://c.example/"));
    }

    /// <summary>Two steps one event_id (a 500 at creation) or one sequence_id (stored, then the page and the booking
    /// failed) are refused: each step books its own event and is told apart by its sequence_id.</summary>
    [Theory]
    [InlineData("same own event_id", "availability.sequence[1].event.event_id")]
    [InlineData("own event_id equal to the other's made one", "availability.sequence[1].event.event_id")]
    [InlineData("same sequence_id", "availability.sequence[1].sequence_id")]
    [InlineData("sequence_id 2 and \"2\"", "availability.sequence[1].sequence_id")]
    [InlineData("same own event_id, ordinals reordered", "availability.sequence[1].event.event_id")]
    public async Task CreateSequencing_StepsThatClash_Are422AtTheSecond(string clash, string path)
    {
        var w = await World();
        var body = w.Sequencing();
        var steps = body["availability"]!["sequence"]!.AsArray();
        switch (clash)
        {
            case "same own event_id":
                steps[1]!["event"]!["event_id"] = "loop-1-a";
                break;
            case "own event_id equal to the other's made one":
                steps[0]!.AsObject().Remove("event"); // its event_id is made: loop-1-first
                steps[1]!["event"]!["event_id"] = "loop-1-first";
                break;
            case "same own event_id, ordinals reordered": // the error names the clashing step's place in the request
                var third = steps[1]!.DeepClone();
                third["sequence_id"] = "third";
                third["event"]!["event_id"] = "loop-1-c";
                steps.Add(third);
                steps[1]!["event"]!["event_id"] = "loop-1-a";
                (steps[0]!["ordinal"], steps[1]!["ordinal"], steps[2]!["ordinal"]) = (2, 3, 1); // by ordinal: third, first, 2
                break;
            case "same sequence_id":
                steps[1]!["sequence_id"] = "first";
                break;
            default:
                steps[0]!["sequence_id"] = "2";
                break;
        }

        var errors = await ErrorsAsync(await w.Api.PostAsync("/v1/real_time_sequencing", body.ToJsonString()));

        Key(errors, path).ShouldBe("errors.invalid");
    }

    [Fact]
    public async Task SequencedAvailability_SameSequenceIdTwice_Is422()
    {
        var w = await World();
        var body = w.Sequencing()["availability"]!.AsObject();
        body["sequence"]![1]!["sequence_id"] = "first";

        var errors = await ErrorsAsync(await w.Api.PostAsync("/v1/sequenced_availability", body.ToJsonString()));

        Key(errors, "sequence[1].sequence_id").ShouldBe("errors.invalid");
    }

    /// <summary>Odd shapes a client might send: a 422 (or 200 where harmless), never a 500.</summary>
    [Theory]
    [InlineData("event", "null", 422)]
    [InlineData("event", "\"text\"", 422)]
    [InlineData("oauth", "null", 200)] // SPEC §6: redirects are optional (an RtsApp extension)
    [InlineData("oauth", "{}", 200)]
    [InlineData("target_calendars", "[null]", 422)]
    [InlineData("target_calendars", "[{}]", 422)]
    [InlineData("target_calendars", "{}", 422)]
    [InlineData("callback_urls", "null", 200)]
    [InlineData("callback_url", "\"\"", 200)]
    [InlineData("tzid", "\"\"", 422)] // an empty tzid is not absent: it was a 500
    [InlineData("redirect_urls", "{}", 200)]
    [InlineData("formatting", "{}", 200)]
    [InlineData("minimum_notice", "{\"hours\": -1}", 422)]
    [InlineData("availability", "{}", 422)]
    [InlineData("availability", "{\"participants\": [null]}", 422)]
    [InlineData("availability", "{\"participants\": [{\"members\": [null]}]}", 422)]
    [InlineData("availability", "{\"participants\": [{\"members\": [{}]}], \"query_periods\": [null]}", 422)]
    [InlineData("availability", "{\"participants\": [{\"members\": [{\"sub\": 5}], \"required\": \"all\"}]}", 422)]
    public async Task CreateScheduling_OddShapes_AreNever500(string field, string json, int status)
    {
        var w = await World();
        var body = w.Scheduling();
        body[field] = JsonNode.Parse(json);
        var response = await w.Api.PostAsync("/v1/real_time_scheduling", body.ToJsonString());
        ((int)response.StatusCode).ShouldBe(status, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task CreateSequencing_OddShapes_AreNever500()
    {
        var w = await World();
        foreach (var json in new[] { "{}", "{\"sequence\": null}", "{\"sequence\": [null]}", "{\"sequence\": [{}]}", "{\"sequence\": [{\"event\": null}]}" })
        {
            var body = w.Sequencing();
            body["availability"] = JsonNode.Parse(json);
            var response = await w.Api.PostAsync("/v1/real_time_sequencing", body.ToJsonString());
            ((int)response.StatusCode).ShouldBe(422, json + " " + await response.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task CreateScheduling_CalendarOfAnotherApplication_Is422()
    {
        var w = await World();
        var other = await LinkWorld.CreateAsync(factory);
        var body = w.Scheduling(targets: $$"""[{"sub": "{{other.A}}", "calendar_id": "{{other.CalA}}"}]""");
        Key(await ErrorsAsync(await w.Api.PostAsync("/v1/real_time_scheduling", body.ToJsonString())), "target_calendars[0].calendar_id")
            .ShouldBe("errors.not_found");
    }

    [Fact]
    public async Task CreateScheduling_SeveralErrors_AreListedTogether()
    {
        var w = await World();
        var body = w.Scheduling();
        body["event"]!.AsObject().Remove("summary");
        body["target_calendars"] = new JsonArray();
        body.Remove("oauth");
        var errors = await ErrorsAsync(await w.Api.PostAsync("/v1/real_time_scheduling", body.ToJsonString()));
        errors.Select(e => e.Key).Order().ShouldBe(["event.summary", "target_calendars"]);
    }

    [Fact]
    public async Task CreateScheduling_RedirectUrlsInsteadOfOauth_IsAccepted()
    {
        var w = await World();
        var body = w.Scheduling();
        body.Remove("oauth");
        body["redirect_urls"] = new JsonObject { ["completed_url"] = "https://app.example/done" };
        (await w.CreateAsync(body)).Id.ShouldStartWith("sch_");
    }

    [Fact]
    public async Task CreateScheduling_NotJson_Is400()
    {
        var w = await World();
        var errors = await ErrorsAsync(await w.Api.PostAsync("/v1/real_time_scheduling", "{not json"), 400);
        errors.ContainsKey("body").ShouldBeTrue(errors.ToJsonString());
    }

    [Fact]
    public async Task LinkCalls_WithAnAccountToken_Are403()
    {
        var w = await World();
        var link = await w.CreateAsync(w.Scheduling());
        var (_, token) = await w.Api.CreateAccountAsync("Tokened");
        ((int)(await w.Api.PostAsync("/v1/real_time_scheduling", w.Scheduling().ToJsonString(), token)).StatusCode).ShouldBe(403);
        ((int)(await w.Api.PostAsync("/v1/real_time_sequencing", w.Sequencing().ToJsonString(), token)).StatusCode).ShouldBe(403);
        ((int)(await w.Api.GetAsync($"/v1/real_time_scheduling/{link.Id}", token)).StatusCode).ShouldBe(403);
        ((int)(await w.Api.GetAsync($"/v1/real_time_scheduling?token={link.Token}", token)).StatusCode).ShouldBe(403);
        ((int)(await w.Api.PostAsync($"/v1/real_time_scheduling/{link.Id}/disable", new { display_message = "x" }, token)).StatusCode).ShouldBe(403);
        (await w.StatusOfAsync(link.Id)).ShouldBe("open");
    }

    [Fact]
    public async Task LinkCalls_WithoutCredentials_Are401()
    {
        var response = await factory.CreateClient().GetAsync("/v1/real_time_scheduling/sch_000000000000000000000000");
        ((int)response.StatusCode).ShouldBe(401);
    }

    [Fact]
    public async Task Status_ByIdAndByToken_AreTheSame()
    {
        var w = await World();
        var link = await w.CreateAsync(w.Scheduling());
        var byId = await w.StatusAsync(link.Id);
        var byToken = await w.Api.GetOkAsync($"/v1/real_time_scheduling?token={Uri.EscapeDataString(link.Token)}");
        byToken.ToJsonString().ShouldBe(byId.ToJsonString());
        byId["real_time_scheduling"]!.ToJsonString().ShouldBe(link.Reply["real_time_scheduling"]!.ToJsonString());
    }

    [Fact]
    public async Task Status_OtherApplicationsLinkOrUnknown_Is404()
    {
        var w = await World();
        var link = await w.CreateAsync(w.Scheduling());
        var other = await factory.CreateApiClientAsync("Other");
        await ApiClient.ErrorAsync(await other.GetAsync($"/v1/real_time_scheduling/{link.Id}"), 404);
        await ApiClient.ErrorAsync(await other.GetAsync($"/v1/real_time_scheduling?token={link.Token}"), 404);
        await ApiClient.ErrorAsync(await other.PostAsync($"/v1/real_time_scheduling/{link.Id}/disable", new { display_message = "x" }), 404);
        await ApiClient.ErrorAsync(await w.Api.GetAsync("/v1/real_time_scheduling/sch_000000000000000000000000"), 404);
        await ApiClient.ErrorAsync(await w.Api.GetAsync("/v1/real_time_scheduling?token=nope"), 404);
        await ApiClient.ErrorAsync(await w.Api.GetAsync($"/v1/real_time_scheduling?token={new string('x', 5000)}"), 404);
        (await w.StatusOfAsync(link.Id)).ShouldBe("open");
    }

    [Fact]
    public async Task Status_WithoutToken_Is422()
    {
        var w = await World();
        Key(await ErrorsAsync(await w.Api.GetAsync("/v1/real_time_scheduling")), "token").ShouldBe("errors.required");
    }

    [Fact]
    public async Task Disable_Open_IsDisabledWithTheMessage_AndTwiceIsANoOp()
    {
        var w = await World();
        var link = await w.CreateAsync(w.Scheduling());
        var reply = await w.Api.PostOkAsync($"/v1/real_time_scheduling/{link.Id}/disable", new { display_message = "The role has been filled." });
        reply["real_time_scheduling"]!["status"]!.GetValue<string>().ShouldBe("disabled");
        reply["real_time_scheduling"]!["real_time_scheduling_id"]!.GetValue<string>().ShouldBe(link.Id);
        reply["real_time_scheduling"]!["url"]!.GetValue<string>().ShouldBe(link.Url);
        reply["real_time_scheduling"]!["display_message"]!.GetValue<string>().ShouldBe("The role has been filled.");

        var again = await w.Api.PostOkAsync($"/v1/real_time_scheduling/{link.Id}/disable", new { display_message = "Another message" });
        again["real_time_scheduling"]!["status"]!.GetValue<string>().ShouldBe("disabled");
        again["real_time_scheduling"]!["display_message"]!.GetValue<string>().ShouldBe("The role has been filled.");
        (await w.StatusOfAsync(link.Id)).ShouldBe("disabled");
        (await w.Booking.GetPageAsync(link.Token, default))!.DisplayMessage.ShouldBe("The role has been filled.");
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"display_message": ""}""")]
    [InlineData("""{"display_message": "   "}""")]
    [InlineData("""{"display_message": null}""")]
    public async Task Disable_WithoutMessage_Is422(string body)
    {
        var w = await World();
        var link = await w.CreateAsync(w.Scheduling());
        Key(await ErrorsAsync(await w.Api.PostAsync($"/v1/real_time_scheduling/{link.Id}/disable", body)), "display_message").ShouldBe("errors.required");
        (await w.StatusOfAsync(link.Id)).ShouldBe("open");
    }

    [Fact]
    public async Task Disable_MessageOver500_Is422_500IsFine()
    {
        var w = await World();
        var link = await w.CreateAsync(w.Scheduling());
        Key(await ErrorsAsync(await w.Api.PostAsync($"/v1/real_time_scheduling/{link.Id}/disable", new { display_message = new string('m', 501) })),
            "display_message").ShouldBe("errors.invalid");
        (await w.StatusOfAsync(link.Id)).ShouldBe("open");
        await w.Api.PostOkAsync($"/v1/real_time_scheduling/{link.Id}/disable", new { display_message = new string('m', 500) });
    }

    [Theory]
    [InlineData("Closed.\u0007")]
    [InlineData("\u001b[31mred")]
    [InlineData("Back\bspace")]
    public async Task Disable_MessageWithAControlCharacter_Is422(string message)
    {
        var w = await World();
        var link = await w.CreateAsync(w.Scheduling());
        Key(await ErrorsAsync(await w.Api.PostAsync($"/v1/real_time_scheduling/{link.Id}/disable", new { display_message = message })),
            "display_message").ShouldBe("errors.invalid");
        (await w.StatusOfAsync(link.Id)).ShouldBe("open");
    }

    /// <summary>The message is plain text of several lines if need be (the dashboard's field is a textarea, whose line
    /// breaks a browser sends as CRLF): kept with LF line breaks.</summary>
    [Fact]
    public async Task Disable_MessageOfSeveralLines_IsKeptWithLfLineBreaks()
    {
        var w = await World();
        var link = await w.CreateAsync(w.Scheduling());
        var reply = await w.Api.PostOkAsync($"/v1/real_time_scheduling/{link.Id}/disable", new { display_message = "The role is filled.\r\n\tThank you!" });
        reply["real_time_scheduling"]!["display_message"]!.GetValue<string>().ShouldBe("The role is filled.\n\tThank you!");
    }

    [Fact]
    public async Task Disable_Completed_Is422LinkCompleted()
    {
        var w = await World();
        var link = await w.CreateAsync(w.Scheduling());
        (await w.Booking.BookAsync(link.Token, LinkWorld.Nine, null, default)).ShouldBeOfType<RtsApp.Tests.Features.Booking.PageResult.Booked>();
        var errors = await ErrorsAsync(await w.Api.PostAsync($"/v1/real_time_scheduling/{link.Id}/disable", new { display_message = "Too late" }));
        errors.Single().Value![0]!["key"]!.GetValue<string>().ShouldBe("errors.link_completed");
        (await w.StatusOfAsync(link.Id)).ShouldBe("completed");
    }

    [Fact]
    public async Task Status_AfterTheLastQueryPeriodEnds_IsExpired()
    {
        var w = await World();
        var link = await w.CreateAsync(w.Scheduling());
        using (w.ClockAt(LinkWorld.PeriodEnd - Duration.FromSeconds(1)))
            (await w.StatusOfAsync(link.Id)).ShouldBe("open");
        using (w.ClockAt(LinkWorld.PeriodEnd))
        {
            (await w.StatusOfAsync(link.Id)).ShouldBe("expired");
            (await w.Booking.BookAsync(link.Token, LinkWorld.Nine, null, default)).ShouldBeOfType<RtsApp.Tests.Features.Booking.PageResult.NotOpen>();
            // An expired link may still be disabled.
            var reply = await w.Api.PostOkAsync($"/v1/real_time_scheduling/{link.Id}/disable", new { display_message = "Closed" });
            reply["real_time_scheduling"]!["status"]!.GetValue<string>().ShouldBe("disabled");
        }
    }

    /// <summary>"remove a.b", "empty a.b", or "set a.b value" (value: a number, or a string; "B" means account B's sub).</summary>
    private static JsonObject Mutate(LinkWorld w, JsonObject body, string mutation)
    {
        var parts = mutation.Split(' ', 3);
        var path = parts[1].Split('.');
        JsonNode parent = body;
        foreach (var step in path[..^1])
        {
            var (name, index) = Step(step);
            var next = parent[name];
            if (next is null) parent[name] = next = new JsonObject();
            parent = index is { } i ? next[i]! : next;
        }
        var (last, lastIndex) = Step(path[^1]);
        JsonNode? value = parts[0] switch
        {
            "remove" => null,
            "empty" => new JsonArray(),
            _ => parts[2] == "B" ? w.B : int.TryParse(parts[2], out var n) ? n : parts[2] == "not-an-object" ? "nope" : parts[2],
        };
        if (lastIndex is { } li) parent = parent[last]!;
        if (parts[0] == "remove") parent.AsObject().Remove(last);
        else if (lastIndex is { } at) parent[at] = value;
        else parent[last] = value;
        return body;
    }

    private static (string Name, int? Index) Step(string step) =>
        step.IndexOf('[') is var b and > 0 ? (step[..b], int.Parse(step[(b + 1)..^1], System.Globalization.CultureInfo.InvariantCulture)) : (step, null);
}
