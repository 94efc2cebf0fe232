using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using NodaTime;
using RtsApp.Features.Booking;
using RtsApp.Features.Callbacks;
using RtsApp.Store;
using RtsApp.Tests.Features.Links;
using RtsApp.Tests.Infrastructure;

namespace RtsApp.Tests.Features.Booking;

/// <summary>SPEC §7–8 through <see cref="BookingCommand"/>: offering times, booking one, who is chosen, where events go,
/// redirects, and the no-times callbacks being queued.</summary>
public sealed class BookingHandlerTests(RtsAppFactory factory) : IClassFixture<RtsAppFactory>
{
    private static readonly Instant Nine = LinkWorld.Nine;
    private static readonly Instant Ten = Nine + Duration.FromHours(1);
    private static readonly Instant NineThirty = Nine + Duration.FromMinutes(30);

    private Task<LinkWorld> World() => LinkWorld.CreateAsync(factory);

    private static string Utc(Instant i) => LinkWorld.Iso(i);

    [Fact]
    public async Task GetPage_OffersAlignedSlotsFromTheLiveCalendars()
    {
        var w = await World();
        var link = await w.CreateAsync(w.Scheduling());
        var page = (await w.Booking.GetPageAsync(link.Token, default))!;
        page.Status.ShouldBe("open");
        page.LinkId.ShouldBe(link.Id);
        page.Duration.ShouldBe(Duration.FromHours(1));
        page.DisplayTzid.ShouldBe("Europe/London");
        page.Times.Select(t => $"{Utc(t.Start)}-{Utc(t.End)}").ShouldBe([
            "2026-03-27T09:00:00Z-2026-03-27T10:00:00Z", "2026-03-27T09:30:00Z-2026-03-27T10:30:00Z", "2026-03-27T10:00:00Z-2026-03-27T11:00:00Z"]);

        await w.PutBusyAsync(w.CalB, "b-busy", NineThirty, Ten);
        (await w.Booking.GetPageAsync(link.Token, default))!.Times.Select(t => Utc(t.Start)).ShouldBe(["2026-03-27T10:00:00Z"]);
    }

    [Fact]
    public async Task GetPage_AlignsInTheDisplayZone_UnlessAvailabilityHasATzid()
    {
        var w = await World();
        // Kathmandu is UTC+05:45: its wall-clock :00 and :30 are :15 and :45 in UTC.
        var body = w.Scheduling();
        body["tzid"] = "Asia/Kathmandu";
        var display = await w.CreateAsync(body);
        (await w.Booking.GetPageAsync(display.Token, default))!.Times.Select(t => Utc(t.Start))
            .ShouldBe(["2026-03-27T09:15:00Z", "2026-03-27T09:45:00Z"]);
        (await w.Booking.BookAsync(display.Token, Nine, null, default)).ShouldBeOfType<PageResult.Taken>();

        body["availability"]!["tzid"] = "Etc/UTC";
        var utc = await w.CreateAsync(body);
        (await w.Booking.GetPageAsync(utc.Token, default))!.Times.Select(t => Utc(t.Start))
            .ShouldBe(["2026-03-27T09:00:00Z", "2026-03-27T09:30:00Z", "2026-03-27T10:00:00Z"]);
    }

    [Fact]
    public async Task GetPageAndBook_ApplyTheTopLevelMinimumNotice()
    {
        var w = await World();
        var body = w.Scheduling();
        body["minimum_notice"] = new JsonObject { ["hours"] = 2 };
        var link = await w.CreateAsync(body);
        using (w.ClockAt(Nine - Duration.FromHours(1)))
        {
            (await w.Booking.GetPageAsync(link.Token, default))!.Times.Select(t => t.Start).ShouldBe([Ten]);
            (await w.Booking.BookAsync(link.Token, Nine, null, default)).ShouldBeOfType<PageResult.Taken>();
            (await w.Booking.BookAsync(link.Token, Ten, null, default)).ShouldBeOfType<PageResult.Booked>();
        }
    }

    [Fact]
    public async Task GetPage_UnknownToken_IsNull()
    {
        var w = await World();
        (await w.Booking.GetPageAsync("no-such-token", default)).ShouldBeNull();
        (await w.Booking.BookAsync("no-such-token", Nine, null, default)).ShouldBeOfType<PageResult.Unknown>();
    }

    [Fact]
    public async Task Book_CompletesTheLink_WritesTheEvent_AndStatusShowsTheTime()
    {
        var w = await World();
        var link = await w.CreateAsync(w.Scheduling());

        var result = (await w.Booking.BookAsync(link.Token, NineThirty, "America/New_York", default)).ShouldBeOfType<PageResult.Booked>();
        result.Page.Status.ShouldBe("completed");
        result.Page.Times.ShouldBeEmpty();
        result.Page.Booked!.Start.ShouldBe(NineThirty);
        result.Page.Booked.End.ShouldBe(NineThirty + Duration.FromHours(1));
        result.Page.Booked.UserTzid.ShouldBe("America/New_York");
        result.Page.Booked.Participants.ShouldBe([w.A, w.B]);

        var status = (await w.StatusAsync(link.Id))["real_time_scheduling"]!;
        status["status"]!.GetValue<string>().ShouldBe("completed");
        status["event"]!["start"]!.ToJsonString().ShouldBe("""{"time":"2026-03-27T09:30:00Z","tzid":"Europe/London"}""");
        status["event"]!["end"]!.ToJsonString().ShouldBe("""{"time":"2026-03-27T10:30:00Z","tzid":"Europe/London"}""");
        status["event"]!["event_id"]!.GetValue<string>().ShouldBe("interview-42");

        (await w.EventsAsync(w.CalA)).ShouldBe(["interview-42 Product Manager Interview 2026-03-27T09:30:00Z-2026-03-27T10:30:00Z"]);
        // B is a participant but has no target calendar; the room is not involved at all.
        (await w.EventsAsync(w.CalB)).ShouldBeEmpty();
        (await w.EventsAsync(w.CalR)).ShouldBeEmpty();

        // Completed: never books again.
        (await w.Booking.BookAsync(link.Token, Ten, null, default)).ShouldBeOfType<PageResult.NotOpen>();
        (await w.EventsAsync(w.CalA)).Length.ShouldBe(1);
    }

    [Fact]
    public async Task Book_UnalignedOrOutsideStart_IsTaken()
    {
        var w = await World();
        var link = await w.CreateAsync(w.Scheduling());
        (await w.Booking.BookAsync(link.Token, Nine + Duration.FromMinutes(10), null, default)).ShouldBeOfType<PageResult.Taken>();
        (await w.Booking.BookAsync(link.Token, Nine + Duration.FromHours(2), null, default)).ShouldBeOfType<PageResult.Taken>();
        (await w.Booking.BookAsync(link.Token, Nine - Duration.FromHours(1), null, default)).ShouldBeOfType<PageResult.Taken>();
        (await w.StatusOfAsync(link.Id)).ShouldBe("open");
        (await w.EventsAsync(w.CalA)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Book_AfterAConflictingEventAppeared_IsTaken_AndChangesNothing()
    {
        var w = await World();
        var link = await w.CreateAsync(w.Scheduling());
        var page = (await w.Booking.GetPageAsync(link.Token, default))!;
        page.Times.Select(t => t.Start).ShouldContain(Nine);

        await w.PutBusyAsync(w.CalB, "b-busy", Nine + Duration.FromMinutes(45), Ten);

        var taken = (await w.Booking.BookAsync(link.Token, Nine, null, default)).ShouldBeOfType<PageResult.Taken>();
        taken.Page.Status.ShouldBe("open");
        taken.Page.Times.Select(t => t.Start).ShouldBe([Ten]);
        (await w.StatusOfAsync(link.Id)).ShouldBe("open");
        (await w.EventsAsync(w.CalA)).ShouldBeEmpty();
        await using (var db = factory.Db())
            (await db.CallbackDeliveries.CountAsync(d => d.LinkId == link.Id)).ShouldBe(0);

        // The time still free books.
        (await w.Booking.BookAsync(link.Token, Ten, null, default)).ShouldBeOfType<PageResult.Booked>();
    }

    [Fact]
    public async Task Book_NumericGroup_ChoosesTheFirstMembersInRequestOrderWhoAreFree()
    {
        var w = await World();
        // 1 of [B, A, R]: B busy at 09:00, so A (next in request order) is chosen; at 10:00 B is free and comes first.
        var link = await w.CreateAsync(w.Scheduling(
            participants: $$"""[{"members": [{"sub": "{{w.B}}"}, {"sub": "{{w.A}}"}, {"sub": "{{w.R}}"}], "required": 1}]""",
            targets: $$"""[{"sub": "{{w.A}}", "calendar_id": "{{w.CalA}}"}, {"sub": "{{w.B}}", "calendar_id": "{{w.CalB}}"}, {"sub": "{{w.R}}", "calendar_id": "{{w.CalR}}"}]"""));
        await w.PutBusyAsync(w.CalB, "b-busy", Nine, Ten);

        var booked = (await w.Booking.BookAsync(link.Token, Nine, null, default)).ShouldBeOfType<PageResult.Booked>();
        booked.Page.Booked!.Participants.ShouldBe([w.A]);
        (await w.EventsAsync(w.CalA)).Length.ShouldBe(1);
        (await w.EventsAsync(w.CalB)).ShouldBe(["b-busy Busy 2026-03-27T09:00:00Z-2026-03-27T10:00:00Z"]);
        (await w.EventsAsync(w.CalR)).ShouldBeEmpty();

        var second = await w.CreateAsync(w.Scheduling(
            participants: $$"""[{"members": [{"sub": "{{w.B}}"}, {"sub": "{{w.A}}"}, {"sub": "{{w.R}}"}], "required": 2}]""",
            targets: $$"""[{"sub": "{{w.A}}", "calendar_id": "{{w.CalA}}"}, {"sub": "{{w.B}}", "calendar_id": "{{w.CalB}}"}, {"sub": "{{w.R}}", "calendar_id": "{{w.CalR}}"}]"""));
        var two = (await w.Booking.BookAsync(second.Token, Ten, null, default)).ShouldBeOfType<PageResult.Booked>();
        two.Page.Booked!.Participants.ShouldBe([w.B, w.A]);
        (await w.EventsAsync(w.CalR)).ShouldBeEmpty();
        (await w.EventsAsync(w.CalB)).Length.ShouldBe(2);
    }

    [Fact]
    public async Task Book_TargetCalendars_ChosenParticipantsAndThoseInNoGroup()
    {
        var w = await World();
        // Group: 1 of [A, B]; the room R is in no group, so its calendar always gets the event; B is not chosen.
        var link = await w.CreateAsync(w.Scheduling(
            participants: $$"""[{"members": [{"sub": "{{w.A}}"}, {"sub": "{{w.B}}"}], "required": 1}]""",
            targets: $$"""[{"sub": "{{w.B}}", "calendar_id": "{{w.CalB}}"}, {"sub": "{{w.R}}", "calendar_id": "{{w.CalR}}"}, {"sub": "{{w.A}}", "calendar_id": "{{w.CalA}}"}]"""));
        (await w.Booking.BookAsync(link.Token, Nine, null, default)).ShouldBeOfType<PageResult.Booked>();
        (await w.EventsAsync(w.CalA)).ShouldBe(["interview-42 Product Manager Interview 2026-03-27T09:00:00Z-2026-03-27T10:00:00Z"]);
        (await w.EventsAsync(w.CalR)).ShouldBe(["interview-42 Product Manager Interview 2026-03-27T09:00:00Z-2026-03-27T10:00:00Z"]);
        (await w.EventsAsync(w.CalB)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Book_EventCreationSingle_WritesOneEventIntoTheFirstEligibleCalendar()
    {
        var w = await World();
        var body = w.Scheduling(
            participants: $$"""[{"members": [{"sub": "{{w.A}}"}, {"sub": "{{w.B}}"}], "required": 1}]""",
            targets: $$"""[{"sub": "{{w.B}}", "calendar_id": "{{w.CalB}}"}, {"sub": "{{w.R}}", "calendar_id": "{{w.CalR}}"}, {"sub": "{{w.A}}", "calendar_id": "{{w.CalA}}"}]""");
        body["event_creation"] = "single";
        var link = await w.CreateAsync(body);
        (await w.Booking.BookAsync(link.Token, Nine, null, default)).ShouldBeOfType<PageResult.Booked>();
        // B was not chosen, so the first eligible target is the room's.
        (await w.EventsAsync(w.CalR)).Length.ShouldBe(1);
        (await w.EventsAsync(w.CalA)).ShouldBeEmpty();
        (await w.EventsAsync(w.CalB)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Book_EventCarriesDescriptionAndLocation()
    {
        var w = await World();
        var body = w.Scheduling();
        body["event"]!["description"] = "Round one";
        body["event"]!["location"] = new JsonObject { ["description"] = "Room 4" };
        var link = await w.CreateAsync(body);
        (await w.Booking.BookAsync(link.Token, Nine, null, default)).ShouldBeOfType<PageResult.Booked>();
        var ev = (await w.Api.GetOkAsync($"/v1/events?from=2026-03-27&to=2026-03-28&calendar_ids[]={w.CalA}"))["events"]![0]!;
        ev["description"]!.GetValue<string>().ShouldBe("Round one");
        ev["location"]!["description"]!.GetValue<string>().ShouldBe("Room 4");
        ev["transparency"]!.GetValue<string>().ShouldBe("opaque");
    }

    [Fact]
    public async Task Book_Sequencing_EachStepsEventCarriesItsOwnDescription_ElseTheLinks()
    {
        var w = await World();
        var body = w.Sequencing();
        body["event"]!["description"] = "The whole loop";
        body["availability"]!["sequence"]![0]!["event"]!["description"] = "Whiteboard round";
        var link = await w.CreateAsync(body, "/v1/real_time_sequencing");

        (await w.Booking.BookAsync(link.Token, Nine, null, default)).ShouldBeOfType<PageResult.Booked>();

        async Task<string> DescriptionIn(string calendar) =>
            (await w.Api.GetOkAsync($"/v1/events?from=2026-03-27&to=2026-03-28&calendar_ids[]={calendar}"))["events"]![0]!["description"]!.GetValue<string>();
        (await DescriptionIn(w.CalA)).ShouldBe("Whiteboard round");
        (await DescriptionIn(w.CalB)).ShouldBe("The whole loop");
        var ics = (await w.Booking.IcsAsync(link.Token, default))!.Replace("\r\n ", "", StringComparison.Ordinal).Split("\r\n");
        ics.Where(line => line.StartsWith("DESCRIPTION:", StringComparison.Ordinal)).ShouldBe(["DESCRIPTION:Whiteboard round", "DESCRIPTION:The whole loop"]);
    }

    [Fact]
    public async Task Book_Sequencing_WritesEachStepsEvent_AndStatusCarriesTheSequence()
    {
        var w = await World();
        // B busy 10:00–10:30 pushes the 09:00 option's step 2 to 10:30 (a 30-minute gap, within the 60 allowed).
        await w.PutBusyAsync(w.CalB, "b-busy", Ten, Ten + Duration.FromMinutes(30));
        var link = await w.CreateAsync(w.Sequencing(), "/v1/real_time_sequencing");
        var page = (await w.Booking.GetPageAsync(link.Token, default))!;
        page.IsSequencing.ShouldBeTrue();
        var first = page.Times[0];
        first.Start.ShouldBe(Nine);
        first.Steps.Select(s => $"{s.SequenceId} {s.Summary} {Utc(s.Start)}-{Utc(s.End)}").ShouldBe([
            "first Technical 2026-03-27T09:00:00Z-2026-03-27T10:00:00Z", "2 Culture 2026-03-27T10:30:00Z-2026-03-27T11:00:00Z"]);

        var booked = (await w.Booking.BookAsync(link.Token, Nine, "Europe/Paris", default)).ShouldBeOfType<PageResult.Booked>();
        booked.Page.Booked!.Participants.ShouldBe([w.A, w.B]);

        (await w.EventsAsync(w.CalA)).ShouldBe(["loop-1-a Technical 2026-03-27T09:00:00Z-2026-03-27T10:00:00Z"]);
        (await w.EventsAsync(w.CalB)).Order().ShouldBe([
            "b-busy Busy 2026-03-27T10:00:00Z-2026-03-27T10:30:00Z", "loop-1-b Culture 2026-03-27T10:30:00Z-2026-03-27T11:00:00Z"]);

        var status = (await w.StatusAsync(link.Id))["real_time_scheduling"]!;
        status["status"]!.GetValue<string>().ShouldBe("completed");
        status["event"]!["start"]!.ToJsonString().ShouldBe("""{"time":"2026-03-27T09:00:00Z","tzid":"Europe/London"}""");
        status["event"]!["end"]!.ToJsonString().ShouldBe("""{"time":"2026-03-27T11:00:00Z","tzid":"Europe/London"}""");
        status["sequence"]!.ToJsonString().ShouldBe(
            $$"""[{"sequence_id":"first","event":{"event_id":"loop-1-a","summary":"Technical","start":"2026-03-27T09:00:00Z","end":"2026-03-27T10:00:00Z"},"participants":[{"sub":"{{w.A}}"}]},"""
            + $$"""{"sequence_id":"2","event":{"event_id":"loop-1-b","summary":"Culture","start":"2026-03-27T10:30:00Z","end":"2026-03-27T11:00:00Z"},"participants":[{"sub":"{{w.B}}"}]}]""");
    }

    [Fact]
    public async Task Book_Sequencing_StartWithoutAnOption_IsTaken()
    {
        var w = await World();
        var link = await w.CreateAsync(w.Sequencing(), "/v1/real_time_sequencing");
        // Step 1 at 10:00 ends at 11:00, leaving no room for step 2 inside the query period.
        (await w.Booking.BookAsync(link.Token, Ten, null, default)).ShouldBeOfType<PageResult.Taken>();
        (await w.EventsAsync(w.CalA)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Book_DisabledLink_IsNotOpen_AndWritesNothing()
    {
        var w = await World();
        var link = await w.CreateAsync(w.Scheduling());
        await w.Api.PostOkAsync($"/v1/real_time_scheduling/{link.Id}/disable", new { display_message = "Closed" });
        var result = (await w.Booking.BookAsync(link.Token, Nine, null, default)).ShouldBeOfType<PageResult.NotOpen>();
        result.Page.Status.ShouldBe("disabled");
        result.Page.DisplayMessage.ShouldBe("Closed");
        result.Page.Times.ShouldBeEmpty();
        (await w.EventsAsync(w.CalA)).ShouldBeEmpty();
        (await w.StatusOfAsync(link.Id)).ShouldBe("disabled");
    }

    [Fact]
    public async Task Book_ExpiredLink_IsNotOpen_AndWritesNothing()
    {
        var w = await World();
        var link = await w.CreateAsync(w.Scheduling());
        using (w.ClockAt(LinkWorld.PeriodEnd + Duration.FromMinutes(1)))
        {
            var result = (await w.Booking.BookAsync(link.Token, Nine, null, default)).ShouldBeOfType<PageResult.NotOpen>();
            result.Page.Status.ShouldBe("expired");
            (await w.Booking.GetPageAsync(link.Token, default))!.Times.ShouldBeEmpty();
        }
        (await w.EventsAsync(w.CalA)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Book_RedirectsToCompletedUrlWithToken_ElseOauthWithStateAndToken_ElseNone()
    {
        var w = await World();
        var withCompleted = w.Scheduling();
        withCompleted["redirect_urls"] = new JsonObject { ["completed_url"] = "https://app.example/done?x=1" };
        var one = await w.CreateAsync(withCompleted);
        (await w.Booking.BookAsync(one.Token, Nine, null, default)).ShouldBeOfType<PageResult.Booked>()
            .RedirectUrl.ShouldBe($"https://app.example/done?x=1&token={Uri.EscapeDataString(one.Token)}");

        var withOauth = w.Scheduling();
        withOauth["oauth"]!["state"] = "a b&c";
        var two = await w.CreateAsync(withOauth);
        (await w.Booking.BookAsync(two.Token, Ten, null, default)).ShouldBeOfType<PageResult.Booked>()
            .RedirectUrl.ShouldBe($"https://app.example/after?state=a%20b%26c&token={Uri.EscapeDataString(two.Token)}");

        var noState = w.Scheduling(participants: $$"""[{"members": [{"sub": "{{w.R}}"}], "required": "all"}]""",
            targets: $$"""[{"sub": "{{w.R}}", "calendar_id": "{{w.CalR}}"}]""");
        noState["oauth"]!.AsObject().Remove("state");
        var three = await w.CreateAsync(noState);
        (await w.Booking.BookAsync(three.Token, Nine, null, default)).ShouldBeOfType<PageResult.Booked>()
            .RedirectUrl.ShouldBe($"https://app.example/after?token={Uri.EscapeDataString(three.Token)}");
    }

    [Fact]
    public async Task GetPage_WithNoTimes_QueuesNoTimesDisplayedOnce()
    {
        var w = await World();
        var body = w.Scheduling();
        body["callback_urls"] = new JsonObject { ["no_times_displayed_url"] = "https://app.example/none" };
        var link = await w.CreateAsync(body);
        (await w.Booking.GetPageAsync(link.Token, default))!.Times.ShouldNotBeEmpty();
        (await DeliveriesAsync(link.Id)).ShouldBeEmpty();

        await w.PutBusyAsync(w.CalA, "all-day", Nine, LinkWorld.PeriodEnd);
        for (var i = 0; i < 3; i++) (await w.Booking.GetPageAsync(link.Token, default))!.Times.ShouldBeEmpty();
        await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => w.Booking.GetPageAsync(link.Token, default)));

        var delivery = (await DeliveriesAsync(link.Id)).ShouldHaveSingleItem();
        delivery.Kind.ShouldBe(CallbackKinds.NoTimesDisplayed);
        delivery.Url.ShouldBe("https://app.example/none");
        JsonNode.Parse(delivery.Payload)!.ToJsonString().ShouldBe(
            $$$"""{"notification":{"type":"no_times_displayed"},"real_time_scheduling":{"real_time_scheduling_id":"{{{link.Id}}}","status":"open"}}""");
    }

    [Fact]
    public async Task GetPage_WithNoTimes_WithoutTheUrl_QueuesNothing()
    {
        var w = await World();
        var link = await w.CreateAsync(w.Scheduling());
        await w.PutBusyAsync(w.CalA, "all-day", Nine, LinkWorld.PeriodEnd);
        (await w.Booking.GetPageAsync(link.Token, default))!.Times.ShouldBeEmpty();
        (await DeliveriesAsync(link.Id)).ShouldBeEmpty();
    }

    /// <summary>A scheduling link that offers "none of these times work", with its callback URL.</summary>
    private async Task<(LinkWorld World, CreatedLink Link)> NoTimesSuitableLinkAsync()
    {
        var w = await World();
        var body = w.Scheduling();
        body["callback_urls"] = new JsonObject { ["no_times_suitable_url"] = "https://app.example/unsuitable" };
        return (w, await w.CreateAsync(body));
    }

    [Fact]
    public async Task NoTimesSuitable_QueuesTheCallbackOnce()
    {
        var (w, link) = await NoTimesSuitableLinkAsync();
        (await w.Booking.GetPageAsync(link.Token, default))!.OffersNoTimesSuitable.ShouldBeTrue();

        (await w.Booking.NoTimesSuitableAsync(link.Token, default))!.Status.ShouldBe("open");
        await w.Booking.NoTimesSuitableAsync(link.Token, default);

        var delivery = (await DeliveriesAsync(link.Id)).ShouldHaveSingleItem();
        delivery.Kind.ShouldBe(CallbackKinds.NoTimesSuitable);
        delivery.Url.ShouldBe("https://app.example/unsuitable");
        JsonNode.Parse(delivery.Payload)!.ToJsonString().ShouldBe(
            $$$"""{"notification":{"type":"no_times_suitable"},"real_time_scheduling":{"real_time_scheduling_id":"{{{link.Id}}}","status":"open"}}""");
        (await w.Booking.NoTimesSuitableAsync("unknown", default)).ShouldBeNull();
    }

    /// <summary>A double click sends the form twice at once: both see no callback queued yet, and only the one that
    /// marks the link queues it.</summary>
    [Fact]
    public async Task NoTimesSuitable_SentManyTimesAtOnce_QueuesTheCallbackOnce()
    {
        var (w, link) = await NoTimesSuitableLinkAsync();

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => w.Booking.NoTimesSuitableAsync(link.Token, default))));

        (await DeliveriesAsync(link.Id)).ShouldHaveSingleItem().Kind.ShouldBe(CallbackKinds.NoTimesSuitable);
    }

    [Fact]
    public async Task NoTimesSuitable_WithoutTheUrl_QueuesNothing()
    {
        var w = await World();
        var link = await w.CreateAsync(w.Scheduling());
        (await w.Booking.GetPageAsync(link.Token, default))!.OffersNoTimesSuitable.ShouldBeFalse();
        await w.Booking.NoTimesSuitableAsync(link.Token, default);
        (await DeliveriesAsync(link.Id)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Book_QueuesTheCompletedCallback_CallbackUrlAlias()
    {
        var w = await World();
        var body = w.Scheduling();
        body["callback_url"] = "https://app.example/cb";
        var link = await w.CreateAsync(body);
        (await w.Booking.BookAsync(link.Token, Nine, null, default)).ShouldBeOfType<PageResult.Booked>();
        var delivery = (await DeliveriesAsync(link.Id)).ShouldHaveSingleItem();
        delivery.Kind.ShouldBe(CallbackKinds.Completed);
        delivery.Url.ShouldBe("https://app.example/cb");
    }

    [Fact]
    public async Task Ics_OfACompletedLink_IsAnRfc5545Calendar()
    {
        var w = await World();
        var body = w.Scheduling();
        body["event"]!["summary"] = "Interview; round 1, with\\notes\nline two";
        var link = await w.CreateAsync(body);
        (await w.Booking.IcsAsync(link.Token, default)).ShouldBeNull();
        (await w.Booking.BookAsync(link.Token, NineThirty, null, default)).ShouldBeOfType<PageResult.Booked>();

        var ics = (await w.Booking.IcsAsync(link.Token, default))!;
        ics.ShouldEndWith("\r\n");
        ics.Replace("\r\n", "").ShouldNotContain("\n");
        ics.Split("\r\n").ShouldAllBe(line => System.Text.Encoding.UTF8.GetByteCount(line) <= 75);
        var lines = ics.Replace("\r\n ", "").Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        lines[0].ShouldBe("BEGIN:VCALENDAR");
        lines[^1].ShouldBe("END:VCALENDAR");
        lines.ShouldContain("VERSION:2.0");
        lines.ShouldContain(l => l.StartsWith("PRODID:"));
        lines.Count(l => l == "BEGIN:VEVENT").ShouldBe(1);
        lines.ShouldContain($"UID:{link.Id}@rtsapp");
        lines.ShouldContain("DTSTAMP:20260320T120000Z");
        lines.ShouldContain("DTSTART:20260327T093000Z");
        lines.ShouldContain("DTEND:20260327T103000Z");
        lines.ShouldContain("SUMMARY:Interview\\; round 1\\, with\\\\notes\\nline two");
        lines.ShouldContain("END:VEVENT");
    }

    [Fact]
    public async Task Ics_OfASequence_HasOneEventPerStep()
    {
        var w = await World();
        var link = await w.CreateAsync(w.Sequencing(), "/v1/real_time_sequencing");
        (await w.Booking.BookAsync(link.Token, Nine, null, default)).ShouldBeOfType<PageResult.Booked>();
        var lines = (await w.Booking.IcsAsync(link.Token, default))!.Replace("\r\n ", "").Split("\r\n");
        lines.Count(l => l == "BEGIN:VEVENT").ShouldBe(2);
        lines.ShouldContain("SUMMARY:Technical");
        lines.ShouldContain("SUMMARY:Culture");
        lines.Where(l => l.StartsWith("UID:", StringComparison.Ordinal)).Distinct().Count().ShouldBe(2);
        lines.ShouldContain("DTSTART:20260327T090000Z");
        lines.ShouldContain("DTEND:20260327T100000Z");
        lines.ShouldContain("DTSTART:20260327T100000Z");
        lines.ShouldContain("DTEND:20260327T103000Z");
    }

    private async Task<List<CallbackDelivery>> DeliveriesAsync(string linkId)
    {
        await using var db = factory.Db();
        return await db.CallbackDeliveries.AsNoTracking().Where(d => d.LinkId == linkId).ToListAsync();
    }
}
