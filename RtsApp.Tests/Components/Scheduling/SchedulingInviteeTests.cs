using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using RtsApp.Tests.Infrastructure;
using static RtsApp.Tests.Components.Scheduling.SchedulingLinks;

namespace RtsApp.Tests.Components.Scheduling;

/// <summary>The confirm step's "your details" (RtsApp extension): optional unless the link requires them, checked on the
/// server with a message at the field (never a 500), kept with the booking, sent in the completed callback and written
/// into the event's description.</summary>
public sealed class SchedulingInviteeTests(RtsAppFactory factory) : IClassFixture<RtsAppFactory>
{
    private const string Start = "2026-03-23T10:00:00Z";
    private readonly HttpClient http = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    private async Task<TestLink> LinkAsync(Action<JsonObject, string>? customize = null) =>
        await CreateAsync(await factory.CreateApiClientAsync(), (body, sub) =>
        {
            body["callback_urls"] = new JsonObject { ["completed_url"] = "https://app.example/cb" };
            customize?.Invoke(body, sub);
        });

    private async Task<HttpResponseMessage> ConfirmAsync(TestLink link, Dictionary<string, string> values)
    {
        var doc = await Html.GetAsync(http, link.Path + "?start=" + Start + "&tz=Europe/London");
        return await Html.SubmitWithAsync(http, doc.QuerySelector("form:has(button[data-action=confirm])")!, values);
    }

    [Fact]
    public async Task ConfirmStep_AsksForNameEmailAndNotes_OptionalByDefault()
    {
        var link = await LinkAsync();
        var doc = await Html.GetAsync(http, link.Path + "?start=" + Start);
        doc.QuerySelector("input[name='Confirm.Name'][autocomplete=name]").ShouldNotBeNull();
        doc.QuerySelector("input[name='Confirm.Email'][type=email]").ShouldNotBeNull();
        doc.QuerySelector("textarea[name='Confirm.Notes']").ShouldNotBeNull();
        doc.QuerySelector("label[for=invitee-name]")!.TextContent.ShouldContain("optional");
        doc.QuerySelector("[aria-required]").ShouldBeNull();

        var response = await ConfirmAsync(link, []);
        response.StatusCode.ShouldBe(HttpStatusCode.SeeOther);
        (await StatusAsync(link)).ShouldBe("completed");
        await using var db = factory.Db();
        var payload = JsonNode.Parse((await db.CallbackDeliveries.SingleAsync(d => d.LinkId == link.Id)).Payload)!.AsObject();
        payload.ContainsKey("invitee").ShouldBeFalse();
    }

    [Fact]
    public async Task Details_AreKept_SentInTheCallback_AndWrittenIntoTheEvent()
    {
        var link = await LinkAsync();
        var response = await ConfirmAsync(link, new()
        {
            ["Confirm.Name"] = "  Grace Hopper ",
            ["Confirm.Email"] = "grace@example.com",
            ["Confirm.Notes"] = "Please call me on arrival.\r\nThanks!",
        });

        response.StatusCode.ShouldBe(HttpStatusCode.SeeOther);
        await using var db = factory.Db();
        var payload = JsonNode.Parse((await db.CallbackDeliveries.SingleAsync(d => d.LinkId == link.Id)).Payload)!;
        payload["invitee"]!.ToJsonString().ShouldBe("""{"name":"Grace Hopper","email":"grace@example.com","notes":"Please call me on arrival.\nThanks!"}""");
        var stored = await db.Links.SingleAsync(l => l.Id == link.Id);
        JsonNode.Parse(stored.ChosenJson!)!["invitee"]!["name"]!.GetValue<string>().ShouldBe("Grace Hopper");
        var ev = (await EventsAsync(link)).Single()!;
        ev["description"]!.GetValue<string>().ShouldContain("Booked by: Grace Hopper <grace@example.com>");
        ev["description"]!.GetValue<string>().ShouldContain("Notes: Please call me on arrival.");
        ev["description"]!.GetValue<string>().ShouldStartWith("A first conversation about the role.");
    }

    [Fact]
    public async Task OnlyAName_IsSentWithNullEmailAndNotes()
    {
        var link = await LinkAsync();
        (await ConfirmAsync(link, new() { ["Confirm.Name"] = "Ada" })).StatusCode.ShouldBe(HttpStatusCode.SeeOther);
        await using var db = factory.Db();
        var payload = JsonNode.Parse((await db.CallbackDeliveries.SingleAsync(d => d.LinkId == link.Id)).Payload)!;
        payload["invitee"]!.ToJsonString().ShouldBe("""{"name":"Ada","email":null,"notes":null}""");
    }

    [Theory]
    [InlineData("", "", "name", "Please enter your name.")]
    [InlineData("Ada", "", "email", "Please enter your email address.")]
    [InlineData("Ada", "not-an-email", "email", "Please enter an email address like name@example.com.")]
    [InlineData("Ada\u0007Lovelace", "ada@example.com", "name", "Please remove the special characters")]
    public async Task RequiredOrInvalidDetails_ShowAMessageAtTheField_AndBookNothing(string name, string email, string field, string message)
    {
        var link = await LinkAsync((body, _) => body["invitee"] = new JsonObject { ["require_name"] = true, ["require_email"] = true });
        var confirm = await Html.GetAsync(http, link.Path + "?start=" + Start);
        confirm.QuerySelectorAll("[aria-required=true]").Length.ShouldBe(2);

        var response = await ConfirmAsync(link, new() { ["Confirm.Name"] = name, ["Confirm.Email"] = email, ["Confirm.Notes"] = "kept" });

        response.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        var doc = await Html.ParseAsync(response);
        doc.QuerySelector("[role=status]")!.TextContent.ShouldContain("Please check the fields");
        doc.QuerySelector($"[data-error-for={field}]")!.TextContent.ShouldContain(message);
        doc.QuerySelector($"#invitee-{field}")!.GetAttribute("aria-invalid").ShouldBe("true");
        doc.QuerySelector($"#invitee-{field}")!.GetAttribute("aria-describedby").ShouldBe($"invitee-{field}-error");
        // What was typed is kept, and the same time can still be confirmed.
        doc.QuerySelector("textarea[name='Confirm.Notes']")!.TextContent.ShouldBe("kept");
        doc.QuerySelector("input[name='Confirm.Start']")!.GetAttribute("value").ShouldBe(Start);
        doc.QuerySelector("[data-action=confirm]").ShouldNotBeNull();
        (await StatusAsync(link)).ShouldBe("open");
        (await EventsAsync(link)).ShouldBeEmpty();
    }

    [Fact]
    public async Task TooLongNotes_AreRefusedWithAMessage()
    {
        var link = await LinkAsync();
        var response = await ConfirmAsync(link, new() { ["Confirm.Notes"] = new string('x', 2001) });
        response.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        (await Html.ParseAsync(response)).QuerySelector("[data-error-for=notes]")!.TextContent.ShouldContain("at most 2000 characters");
        (await StatusAsync(link)).ShouldBe("open");
    }

    [Fact]
    public async Task LinkRequest_RefusesABadOrganizerOrLocale()
    {
        var api = await factory.CreateApiClientAsync();
        foreach (var (field, edit) in new (string, Action<JsonObject>)[]
                 {
                     ("event.organizer", b => b["event"]!["organizer"] = new string('a', 201)),
                     ("formatting.locale", b => b["formatting"] = new JsonObject { ["locale"] = "xx-Nowhere" }),
                     ("formatting.locale", b => b["formatting"] = new JsonObject { ["locale"] = "ja" }),
                 })
        {
            var (sub, _) = await api.CreateAccountAsync("Bo");
            var calendar = await api.CreateCalendarAsync(sub);
            var body = new JsonObject
            {
                ["event"] = new JsonObject { ["event_id"] = "e-" + Guid.NewGuid().ToString("N"), ["summary"] = "S", ["tzid"] = "Europe/London" },
                ["availability"] = Availability(sub),
                ["target_calendars"] = new JsonArray(new JsonObject { ["sub"] = sub, ["calendar_id"] = calendar }),
            };
            edit(body);
            var response = await api.PostAsync("/v1/real_time_scheduling", body.ToJsonString());
            response.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
            (await response.Content.ReadAsStringAsync()).ShouldContain(field);
        }
    }
}
