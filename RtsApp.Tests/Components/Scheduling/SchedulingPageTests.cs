using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc.Testing;
using NodaTime;
using RtsApp.Tests.Infrastructure;
using static RtsApp.Tests.Components.Scheduling.SchedulingLinks;

namespace RtsApp.Tests.Components.Scheduling;

/// <summary>The scheduling page over HTTP (SPEC §7): the markup a browser without JavaScript gets, and the forms' effects.</summary>
public sealed class SchedulingPageTests(RtsAppFactory factory) : IClassFixture<RtsAppFactory>
{
    private readonly HttpClient http = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    private async Task<TestLink> LinkAsync(Action<JsonObject, string>? customize = null) => await CreateAsync(await factory.CreateApiClientAsync(), customize);

    [Fact]
    public async Task OpenPage_OffersTheAvailabilityApisOverlappingSlots_GroupedByDay()
    {
        var link = await LinkAsync();
        await BusyAsync(link, "2026-03-23T09:30:00Z", "2026-03-23T10:15:00Z");
        var query = Availability(link.Sub);
        query["response_format"] = "overlapping_slots";
        var api = await link.Api.PostOkAsync("/v1/availability", query.ToJsonString());
        var expected = api["available_slots"]!.AsArray().Select(s => s!["start"]!.GetValue<string>()).ToArray();

        var doc = await Html.GetAsync(http, link.Path + "?tz=Europe/London");

        expected.Length.ShouldBeGreaterThan(2);
        // Day first (SPEC §7): the first day with times is shown; every day's times are reachable through the day picker.
        Html.SlotStarts(doc).ShouldBe(expected.Where(s => s.StartsWith("2026-03-23", StringComparison.Ordinal)).ToArray());
        (await Html.AllStartsAsync(http, link.Path + "?tz=Europe/London")).ShouldBe(expected);
        doc.QuerySelector("h1")!.TextContent.ShouldBe(Summary);
        doc.Title.ShouldNotBeNull().ShouldContain(Summary);
        doc.QuerySelector("#day-times-heading")!.TextContent.ShouldBe("Times on Monday 23 March 2026");
        doc.QuerySelectorAll("a[data-day]").Select(a => a.GetAttribute("aria-label")).ShouldBe(["Monday 23 March, 2 times", "Tuesday 24 March, 4 times"]);
        doc.QuerySelector("main")!.TextContent.ShouldContain("30 minutes");
        doc.QuerySelector("main")!.TextContent.ShouldContain("Video call");
        doc.QuerySelector("a[href='/admin']").ShouldBeNull();
        doc.QuerySelector("script[src*='blazor']").ShouldBeNull();
    }

    [Fact]
    public async Task ZoneSwitch_ChangesShownTimes_NotSlotStarts()
    {
        var link = await LinkAsync();
        var london = await Html.GetAsync(http, link.Path + "?tz=Europe/London");
        var newYork = await Html.GetAsync(http, link.Path + "?tz=America/New_York");

        Html.SlotStarts(newYork).ShouldBe(Html.SlotStarts(london));
        var first = $"button[data-slot-start='2026-03-23T09:00:00Z']";
        london.QuerySelector(first)!.TextContent.ShouldContain("09:00");
        newYork.QuerySelector(first)!.TextContent.ShouldContain("05:00");
        newYork.QuerySelector("select[name=tz] option[selected]")!.GetAttribute("value").ShouldBe("America/New_York");
        london.QuerySelector("form[data-zone-switch] button[type=submit]")!.TextContent.ShouldBe("Show times");
    }

    [Fact]
    public async Task UnknownZone_FallsBackToTheDisplayZone()
    {
        var link = await LinkAsync();
        var doc = await Html.GetAsync(http, link.Path + "?tz=Mars/Olympus");
        doc.QuerySelector("select[name=tz] option[selected]")!.GetAttribute("value").ShouldBe("Europe/London");
    }

    [Theory]
    [InlineData("h", "1:00 PM")]
    [InlineData("H", "13:00")]
    public async Task HourFormat_FollowsTheLink(string hourFormat, string shown)
    {
        var link = await LinkAsync((body, _) => body["formatting"] = new JsonObject { ["hour_format"] = hourFormat });
        var doc = await Html.GetAsync(http, link.Path + "?tz=Europe/London&day=2026-03-24");
        doc.QuerySelector("button[data-slot-start='2026-03-24T13:00:00Z']")!.TextContent.ShouldContain(shown);
    }

    [Fact]
    public async Task PickingATime_ShowsConfirmationWithAntiforgeryForm()
    {
        var link = await LinkAsync();
        var doc = await Html.GetAsync(http, link.Path + "?start=2026-03-23T10:00:00Z&tz=America/New_York");

        var form = doc.QuerySelector("form[method=post]:has(button[data-action=confirm])").ShouldNotBeNull();
        form.QuerySelector("input[name=__RequestVerificationToken]").ShouldNotBeNull();
        form.QuerySelector("input[name='Confirm.Start']")!.GetAttribute("value").ShouldBe("2026-03-23T10:00:00Z");
        doc.QuerySelector(".chosen-time")!.TextContent.ShouldContain("06:00 – 06:30");
        doc.QuerySelector("a[href*='tz=America']")!.TextContent.ShouldBe("Choose another time");
        Html.SlotStarts(doc).ShouldBeEmpty();
    }

    /// <summary>A confirm form without a valid antiforgery token (missing, or the page outlived its cookie) books nothing
    /// and leads back to the same confirm step, saying so, rather than to a bare 400.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Confirm_WithoutAValidAntiforgeryToken_BooksNothing_AndShowsTheSameStepAgain(bool staleCookie)
    {
        var link = await LinkAsync();
        var doc = await Html.GetAsync(http, link.Path + "?start=2026-03-23T10:00:00Z&tz=America/New_York");
        var form = doc.QuerySelector("form:has(button[data-action=confirm])")!;
        form.GetAttribute("action").ShouldBe(link.Path + "?tz=America%2FNew_York&start=2026-03-23T10%3A00%3A00Z");

        // Stale: the form's token, sent by a browser that has lost the antiforgery cookie it was issued with.
        var sender = staleCookie ? factory.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = false }) : http;
        var response = await Html.SubmitAsync(sender, form, staleCookie ? [] : ["__RequestVerificationToken"]);

        response.StatusCode.ShouldBe(HttpStatusCode.SeeOther);
        var again = response.Headers.Location!.ToString();
        again.ShouldBe(link.Path + "?tz=America%2FNew_York&start=2026-03-23T10%3A00%3A00Z&notice=expired");
        (await StatusAsync(link)).ShouldBe("open");
        (await EventsAsync(link)).ShouldBeEmpty();
        var page = await Html.GetAsync(http, again);
        page.QuerySelector("[role=alert], .alert")!.TextContent.ShouldContain("nothing was sent");
        page.QuerySelector(".chosen-time")!.TextContent.ShouldContain("06:00 – 06:30");
        var retried = await Html.SubmitAsync(http, page.QuerySelector("form:has(button[data-action=confirm])")!);
        retried.StatusCode.ShouldBe(HttpStatusCode.SeeOther);
        (await StatusAsync(link)).ShouldBe("completed");
    }

    [Fact]
    public async Task Confirm_Books_AndRedirects303ToCompletedUrlWithToken()
    {
        var link = await LinkAsync();
        var doc = await Html.GetAsync(http, link.Path + "?start=2026-03-23T10:00:00Z&tz=Europe/London");

        var response = await Html.SubmitAsync(http, doc.QuerySelector("form:has(button[data-action=confirm])")!);

        response.StatusCode.ShouldBe(HttpStatusCode.SeeOther);
        response.Headers.Location!.ToString().ShouldBe("https://app.example/done?token=" + link.Token);
        (await StatusAsync(link)).ShouldBe("completed");
        (await EventsAsync(link)).Select(e => e!["start"]!.ToString()).ShouldBe(["2026-03-23T10:00:00Z"]);
    }

    [Fact]
    public async Task Confirm_WithoutRedirect_ShowsTheBookedTimeAndIcsDownload()
    {
        var link = await LinkAsync();
        await StripRedirectsAsync(factory, link);
        var doc = await Html.GetAsync(http, link.Path + "?start=2026-03-23T10:00:00Z&tz=America/New_York");

        var response = await Html.SubmitAsync(http, doc.QuerySelector("form:has(button[data-action=confirm])")!);

        response.StatusCode.ShouldBe(HttpStatusCode.SeeOther);
        response.Headers.Location!.ToString().ShouldBe(link.Path);
        var booked = await Html.GetAsync(http, link.Path);
        booked.QuerySelector("#booked-heading").ShouldNotBeNull();
        // Shown in the zone the person booked in.
        booked.QuerySelector(".chosen-time")!.TextContent.ShouldContain("06:00 – 06:30");
        booked.QuerySelector("a[href$='/event.ics']")!.TextContent.ShouldBe("Add to calendar (.ics)");
        Html.SlotStarts(booked).ShouldBeEmpty();
        booked.QuerySelector("[data-action]").ShouldBeNull();
    }

    [Fact]
    public async Task Confirm_TakenMeanwhile_SaysSo_ShowsCurrentTimes_BooksNothing()
    {
        var link = await LinkAsync();
        var doc = await Html.GetAsync(http, link.Path + "?start=2026-03-23T10:00:00Z");
        await BusyAsync(link, "2026-03-23T10:00:00Z", "2026-03-23T10:30:00Z");

        var response = await Html.SubmitAsync(http, doc.QuerySelector("form:has(button[data-action=confirm])")!);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var taken = await Html.ParseAsync(response);
        taken.QuerySelector("[role=status]")!.TextContent.ShouldContain("just taken");
        Html.SlotStarts(taken).ShouldNotContain("2026-03-23T10:00:00Z");
        Html.SlotStarts(taken).ShouldContain("2026-03-23T09:00:00Z");
        (await StatusAsync(link)).ShouldBe("open");
        (await EventsAsync(link)).Select(e => e!["event_id"]!.ToString()).ShouldBe(["busy"]);
    }

    /// <summary>A sequencing option is booked as shown or not at all: when its later step can no longer be where the page
    /// showed it (the engine would now place it later), the person is told the time was taken; nothing moves silently.</summary>
    [Fact]
    public async Task Confirm_SequencingOptionWhoseLaterStepWouldMove_IsTaken_BooksNothing()
    {
        var link = await CreateAsync(await factory.CreateApiClientAsync(), sequencing: true);
        var doc = await Html.GetAsync(http, link.Path + "?start=2026-03-23T09:00:00Z&tz=Etc/UTC");
        var form = doc.QuerySelector("form:has(button[data-action=confirm])")!;
        form.QuerySelector("input[name='Confirm.Steps']")!.GetAttribute("value").ShouldBe("2026-03-23T09:00:00Z 2026-03-23T10:00:00Z");
        await BusyAsync(link, "2026-03-23T10:00:00Z", "2026-03-23T10:30:00Z"); // the culture chat would now be at 10:30

        var response = await Html.SubmitAsync(http, form);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await Html.ParseAsync(response)).QuerySelector("[role=status]")!.TextContent.ShouldContain("just taken");
        (await StatusAsync(link)).ShouldBe("open");
        (await EventsAsync(link)).Select(e => e!["event_id"]!.ToString()).ShouldBe(["busy"]);

        // A confirm form without its steps (from before they were sent, or tampered with) books nothing either.
        var fresh = await Html.GetAsync(http, link.Path + "?start=2026-03-23T09:00:00Z&tz=Etc/UTC");
        var stepless = await Html.SubmitAsync(http, fresh.QuerySelector("form:has(button[data-action=confirm])")!, "Confirm.Steps");
        (await Html.ParseAsync(stepless)).QuerySelector("[role=status]")!.TextContent.ShouldContain("just taken");
        (await StatusAsync(link)).ShouldBe("open");

        // The option as it is now (09:00 and 10:30), confirmed from a fresh page, books those times.
        var again = await Html.GetAsync(http, link.Path + "?start=2026-03-23T09:00:00Z&tz=Etc/UTC");
        (await Html.SubmitAsync(http, again.QuerySelector("form:has(button[data-action=confirm])")!)).StatusCode.ShouldBe(HttpStatusCode.SeeOther);
        (await EventsAsync(link)).Select(e => $"{e!["event_id"]} {e["start"]}").ShouldBe(
            ["tech-round 2026-03-23T09:00:00Z", "busy 2026-03-23T10:00:00Z", "culture-round 2026-03-23T10:30:00Z"], ignoreOrder: true);
    }

    /// <summary>HEAD (link checkers, chat previews) answers as GET would but is no person seeing the page: it does not
    /// send no_times_displayed; the first GET does.</summary>
    [Fact]
    public async Task Head_OfALinkWithNoTimes_SendsNoCallback_GetDoes()
    {
        var link = await LinkAsync((body, _) => body["callback_urls"] = new JsonObject { ["no_times_displayed_url"] = "https://app.example/none" });
        await BusyAsync(link, "2026-03-23T00:00:00Z", "2026-03-25T00:00:00Z");
        async Task<int> DeliveriesAsync()
        {
            await using var db = factory.Db();
            return db.CallbackDeliveries.Count(d => d.LinkId == link.Id);
        }

        (await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, link.Path))).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await DeliveriesAsync()).ShouldBe(0);

        (await http.GetAsync(link.Path)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await DeliveriesAsync()).ShouldBe(1);
    }

    /// <summary>A confirm form with a valid token posted to a link that does not exist: the not-found page (404), re-run
    /// as a GET, not the error a POST into that page would raise.</summary>
    [Fact]
    public async Task Confirm_PostedToAnUnknownLink_IsTheNotFoundPage()
    {
        var link = await LinkAsync();
        var doc = await Html.GetAsync(http, link.Path + "?start=2026-03-23T10:00:00Z");
        var form = doc.QuerySelector("form:has(button[data-action=confirm])")!;
        form.SetAttribute("action", "/rts/no-such-token");

        var response = await Html.SubmitAsync(http, form);

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await response.Content.ReadAsStringAsync()).ShouldContain("This link does not exist");
        (await StatusAsync(link)).ShouldBe("open");
    }

    [Fact]
    public async Task PickingATimeNoLongerOffered_SaysSo_AndShowsTheTimes()
    {
        var link = await LinkAsync();
        var doc = await Html.GetAsync(http, link.Path + "?start=2026-03-23T11:00:00Z");
        doc.QuerySelector("[role=status]")!.TextContent.ShouldContain("no longer available");
        doc.QuerySelector("[data-action=confirm]").ShouldBeNull();
        Html.SlotStarts(doc).ShouldNotBeEmpty();
    }

    [Fact]
    public async Task NoTimesSuitable_OnlyWhenConfigured_ThanksThePerson()
    {
        var plain = await LinkAsync();
        (await Html.GetAsync(http, plain.Path)).QuerySelector("[data-action=no-times]").ShouldBeNull();

        var link = await LinkAsync((body, _) => body["callback_urls"] = new JsonObject { ["no_times_suitable_url"] = "https://app.example/none" });
        var doc = await Html.GetAsync(http, link.Path);
        var response = await Html.SubmitAsync(http, doc.QuerySelector("form:has(button[data-action=no-times])")!);

        response.StatusCode.ShouldBe(HttpStatusCode.SeeOther);
        var thanks = await Html.GetAsync(http, response.Headers.Location!.ToString());
        thanks.QuerySelector("[role=status]")!.TextContent.ShouldContain("Thank you");
        thanks.QuerySelector("[data-action=no-times]").ShouldBeNull();
        (await StatusAsync(link)).ShouldBe("open");
    }

    [Fact]
    public async Task UnknownToken_Is404Page()
    {
        var doc = await Html.GetAsync(http, "/rts/no-such-token", HttpStatusCode.NotFound);
        doc.QuerySelector("h1")!.TextContent.ShouldBe("This link does not exist");
        // In the person's language, also where the not-found page is re-executed for a path under a link.
        foreach (var path in new[] { "/rts/no-such-token", "/rts/no-such-token/extra" })
        {
            using var german = new HttpRequestMessage(HttpMethod.Get, path);
            german.Headers.AcceptLanguage.ParseAdd("de-DE");
            using var response = await http.SendAsync(german);
            response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
            var html = await response.Content.ReadAsStringAsync();
            html.ShouldContain("Diesen Link gibt es nicht", customMessage: path);
            html.ShouldContain("<html lang=\"de\">", customMessage: path);
        }
        doc.QuerySelector("a[href='/admin']").ShouldBeNull(); // the invitee layout, not the site's navigation
        var elsewhere = await Html.GetAsync(http, "/rts/no-such-token/extra", HttpStatusCode.NotFound);
        elsewhere.QuerySelector("a[href='/admin']").ShouldBeNull();
        var site = await Html.GetAsync(http, "/no-such-page", HttpStatusCode.NotFound);
        site.QuerySelector("a[href='/admin']").ShouldNotBeNull();
        (await http.GetAsync("/rts/no-such-token/event.ics")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task CompletedLink_ShowsTheBookedTime_AndServesIcs()
    {
        var link = await LinkAsync();
        var doc = await Html.GetAsync(http, link.Path + "?start=2026-03-24T13:30:00Z&tz=Europe/London");
        (await Html.SubmitAsync(http, doc.QuerySelector("form:has(button[data-action=confirm])")!)).StatusCode.ShouldBe(HttpStatusCode.SeeOther);

        var completed = await Html.GetAsync(http, link.Path);
        completed.QuerySelector(".chosen-time")!.TextContent.ShouldContain("Tuesday 24 March 2026");
        completed.QuerySelector(".chosen-time")!.TextContent.ShouldContain("13:30 – 14:00");
        // Picking a time on a completed link never leads to a confirmation.
        (await Html.GetAsync(http, link.Path + "?start=2026-03-23T09:00:00Z")).QuerySelector("[data-action=confirm]").ShouldBeNull();

        var ics = await http.GetAsync(link.Path + "/event.ics");
        ics.StatusCode.ShouldBe(HttpStatusCode.OK);
        ics.Content.Headers.ContentType!.MediaType.ShouldBe("text/calendar");
        var body = await ics.Content.ReadAsStringAsync();
        body.ShouldStartWith("BEGIN:VCALENDAR\r\n");
        body.ShouldContain("DTSTART:20260324T133000Z\r\n");
        body.ShouldContain("DTEND:20260324T140000Z\r\n");
        body.ShouldContain("SUMMARY:" + Summary + "\r\n");

        // HEAD answers as GET does, without the body: the page and the download.
        foreach (var path in new[] { link.Path, link.Path + "/event.ics" })
        {
            var get = await http.GetAsync(path);
            var head = await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, path));
            head.StatusCode.ShouldBe(HttpStatusCode.OK);
            head.Content.Headers.ContentType!.MediaType.ShouldBe(get.Content.Headers.ContentType!.MediaType);
            (await head.Content.ReadAsByteArrayAsync()).ShouldBeEmpty();
            (await get.Content.ReadAsByteArrayAsync()).ShouldNotBeEmpty();
        }
    }

    [Fact]
    public async Task OpenLink_HasNoIcs()
    {
        var link = await LinkAsync();
        (await http.GetAsync(link.Path + "/event.ics")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task DisabledLink_ShowsTheDisplayMessage_AndNeverBooks()
    {
        var link = await LinkAsync();
        var confirm = await Html.GetAsync(http, link.Path + "?start=2026-03-23T10:00:00Z");
        await link.Api.PostOkAsync($"/v1/real_time_scheduling/{link.Id}/disable", new { display_message = "The role has been filled." });

        var doc = await Html.GetAsync(http, link.Path);
        doc.QuerySelector("main")!.TextContent.ShouldContain("The role has been filled.");
        Html.SlotStarts(doc).ShouldBeEmpty();

        var response = await Html.SubmitAsync(http, confirm.QuerySelector("form:has(button[data-action=confirm])")!);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await Html.ParseAsync(response)).QuerySelector("main")!.TextContent.ShouldContain("The role has been filled.");
        (await StatusAsync(link)).ShouldBe("disabled");
        (await EventsAsync(link)).ShouldBeEmpty();
    }

    [Fact]
    public async Task ExpiredLink_SaysSo()
    {
        using var clock = factory.UseClock(RtsAppFactory.DefaultNow);
        var link = await CreateAsync(await factory.CreateApiClientAsync());
        clock.Now = Instant.FromUtc(2026, 3, 25, 0, 0);

        var doc = await Html.GetAsync(factory.CreateClient(), link.Path);

        doc.QuerySelector("#state-heading")!.TextContent.ShouldContain("expired");
        Html.SlotStarts(doc).ShouldBeEmpty();
        doc.QuerySelector("[data-action]").ShouldBeNull();
    }
}
