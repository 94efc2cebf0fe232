using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using RtsApp.Infrastructure;
using RtsApp.Tests.Components.Scheduling;
using RtsApp.Tests.Infrastructure;

namespace RtsApp.Tests.Features.Connections;

/// <summary>The connect page (<c>/connect/{token}</c>, SPEC §13) over HTTP, as a browser without JavaScript uses it: plain
/// forms with antiforgery tokens, a connection made through the API's own check, the calendars found, "Done".</summary>
public sealed class ConnectPageHttpTests(ConnectionsFixture fixture) : IClassFixture<ConnectionsFixture>
{
    private readonly RtsAppFactory factory = fixture.Factory;
    private readonly FeedServer feeds = fixture.Feeds;
    private readonly HttpClient http = fixture.Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    private async Task<(ApiClient Api, TestConnectLink Link)> LinkAsync(string? redirectUri = "https://app.example/after?from=rts#done")
    {
        var api = await factory.CreateApiClientAsync("Acme Recruiting");
        var (sub, _) = await api.CreateAccountAsync();
        return (api, await ConnectPages.CreateAsync(api, sub, redirectUri));
    }

    private (FeedServer.Feed Feed, string Url) Feed(string name = "team") =>
        feeds.Add(Feeds.Calendar(Feeds.Event("standup", "20260323T090000Z", "20260323T093000Z", "Standup")), name);

    [Fact]
    public async Task Get_ShowsBothFormsWithAntiforgery_AndTheHints_UnderTheSecretPagesHeaders()
    {
        var (_, link) = await LinkAsync();

        var response = await http.GetAsync(link.Path);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Headers.GetValues("Referrer-Policy").Single().ShouldBe(SecurityHeaders.SchedulingPageReferrerPolicy);
        response.Headers.GetValues("Content-Security-Policy").Single().ShouldBe(SecurityHeaders.ContentSecurityPolicy);
        var doc = await Html.ParseAsync(response);
        doc.QuerySelector("h1")!.TextContent.ShouldBe("Connect your calendar");
        doc.QuerySelector(".organizer")!.TextContent.ShouldBe("Acme Recruiting");
        foreach (var form in new[] { ConnectPages.IcsForm, ConnectPages.CalDavForm })
        {
            var f = doc.QuerySelector(form).ShouldNotBeNull();
            f.GetAttribute("method").ShouldBe("post");
            f.QuerySelector("input[name=__RequestVerificationToken]").ShouldNotBeNull();
        }
        doc.QuerySelectorAll("label").Select(l => l.TextContent).ShouldBe(["Server URL", "User name", "App password", "Feed URL"]);
        doc.QuerySelector("input[name='CalDav.Password']")!.GetAttribute("type").ShouldBe("password");
        var hints = doc.QuerySelector(".hints")!.TextContent;
        hints.ShouldContain("https://caldav.icloud.com");
        hints.ShouldContain("appleid.apple.com");
        hints.ShouldContain("https://caldav.fastmail.com/dav/");
        hints.ShouldContain("/remote.php/dav");
        doc.QuerySelectorAll("script").ShouldBeEmpty();
        doc.QuerySelectorAll("[style]").ShouldBeEmpty();
    }

    [Fact]
    public async Task UnknownToken_IsA404Page()
    {
        var doc = await Html.GetAsync(http, "/connect/not-a-real-token", HttpStatusCode.NotFound);
        doc.QuerySelector("h1")!.TextContent.ShouldBe("This link does not exist");
        (await http.GetAsync("/connect/" + new string('x', 300))).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Ics_CreatesTheConnection_ListsItsCalendar_AndDoneRedirectsWithSub()
    {
        var (api, link) = await LinkAsync();
        var (_, feedUrl) = Feed();

        var posted = await ConnectPages.SubmitIcsAsync(http, link.Path, feedUrl);

        posted.StatusCode.ShouldBe(HttpStatusCode.SeeOther);
        var connections = (await api.GetOkAsync("/v1/calendar_connections?sub=" + link.Sub))["calendar_connections"]!.AsArray();
        var connection = connections.ShouldHaveSingleItem()!;
        connection["provider"]!.GetValue<string>().ShouldBe("ics");
        posted.Headers.Location!.ToString().ShouldBe(link.Path + "?connected=" + ConnectionCalls.Id(connection));

        var shown = await Html.GetAsync(http, posted.Headers.Location!.ToString());
        ConnectPages.Calendars(shown).ShouldHaveSingleItem().ShouldMatch(@"^team-\d+ \(read-only\)$"); // named after the feed's file
        shown.QuerySelector("[data-calendar]")!.GetAttribute("data-calendar").ShouldBe(ConnectionCalls.CalendarId(connection));
        var done = await Html.SubmitAsync(http, shown.QuerySelector(ConnectPages.DoneForm)!);
        done.StatusCode.ShouldBe(HttpStatusCode.SeeOther);
        done.Headers.Location!.ToString().ShouldBe($"https://app.example/after?from=rts&sub={link.Sub}#done");
    }

    [Fact]
    public async Task Ics_WithoutRedirect_EndsInAPlainSuccessState()
    {
        var (_, link) = await LinkAsync(redirectUri: null);
        var (_, feedUrl) = Feed();

        var posted = await ConnectPages.SubmitIcsAsync(http, link.Path, feedUrl);
        var shown = await Html.GetAsync(http, posted.Headers.Location!.ToString());

        shown.QuerySelector("#connected-heading")!.TextContent.ShouldContain("Calendar connected");
        shown.QuerySelector(ConnectPages.DoneForm).ShouldBeNull();
        shown.QuerySelector("[data-all-set]")!.TextContent.ShouldContain("You can close this page");
        // Back on the page, the connection is listed as already connected.
        (await Html.GetAsync(http, link.Path)).QuerySelectorAll("[data-existing] [data-connection-id]").Length.ShouldBe(1);
    }

    [Theory]
    [InlineData("not a url", "Please check this field: must be an absolute http, https or webcal URL")]
    [InlineData("", "Please fill in this field.")]
    public async Task Ics_InvalidUrl_ShowsTheValidatorsReason_AtTheField(string url, string message)
    {
        var (api, link) = await LinkAsync();

        var response = await ConnectPages.SubmitIcsAsync(http, link.Path, url);

        response.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        var doc = await Html.ParseAsync(response);
        doc.QuerySelector("[data-error=ics-url]")!.TextContent.ShouldBe(message);
        doc.QuerySelector("#ics-url")!.GetAttribute("aria-invalid").ShouldBe("true");
        (doc.QuerySelector("#ics-url")!.GetAttribute("value") ?? "").ShouldBe(url);
        (await api.GetOkAsync("/v1/calendar_connections?sub=" + link.Sub))["calendar_connections"]!.AsArray().ShouldBeEmpty();
    }

    [Fact]
    public async Task Ics_FeedThatFails_ShowsTheApisReason_AndKeepsTheUrl()
    {
        var (api, link) = await LinkAsync();
        var (feed, feedUrl) = Feed();
        feed.Status = 404;

        var response = await ConnectPages.SubmitIcsAsync(http, link.Path, feedUrl);

        response.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        var doc = await Html.ParseAsync(response);
        var apiError = await ApiClient.ErrorAsync(await api.PostAsync("/v1/calendar_connections", new { sub = link.Sub, provider = "ics", url = feedUrl }), 422);
        var reason = apiError["errors"]!["url"]![0]!["description"]!.GetValue<string>();
        reason.ShouldBe("the server answered 404");
        doc.QuerySelector("[data-error=ics-url]")!.TextContent.ShouldBe("Could not connect: " + reason);
        doc.QuerySelector("[data-notice]")!.TextContent.ShouldContain("could not be connected");
        doc.QuerySelector("#ics-url")!.GetAttribute("value").ShouldBe(feedUrl);
    }

    [Fact]
    public async Task CalDav_Refused_KeepsUrlAndUserName_ButNeverEchoesThePassword()
    {
        var (_, link) = await LinkAsync();
        var (_, notCalDav) = Feed(); // a plain file server: no CalDAV there
        const string password = "s3cret-app-password";

        var response = await ConnectPages.SubmitCalDavAsync(http, link.Path, notCalDav, "ann@example.com", password);

        response.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        var text = await response.Content.ReadAsStringAsync();
        text.ShouldNotContain(password);
        var doc = AngleSharpParse(text);
        doc.QuerySelector("#caldav-url")!.GetAttribute("value").ShouldBe(notCalDav);
        doc.QuerySelector("#caldav-username")!.GetAttribute("value").ShouldBe("ann@example.com");
        doc.QuerySelector("#caldav-password")!.HasAttribute("value").ShouldBeFalse();
        doc.QuerySelector("[data-error=caldav-url]")!.TextContent.ShouldStartWith("Could not connect: ");
    }

    [Fact]
    public async Task PrivateAddresses_AreRefusedAsByTheApi_WhenNotAllowed()
    {
        await using var guarded = RtsAppFactory.With(new Dictionary<string, string?> { [ConfigKeys.ConnectionsAllowPrivateNetworks] = "false" });
        var client = guarded.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var api = await guarded.CreateApiClientAsync();
        var (sub, _) = await api.CreateAccountAsync();
        var link = await ConnectPages.CreateAsync(api, sub);
        var (feed, feedUrl) = Feed();

        var doc = await Html.ParseAsync(await ConnectPages.SubmitIcsAsync(client, link.Path, feedUrl));

        doc.QuerySelector("[data-error=ics-url]")!.TextContent.ShouldContain("refused");
        feed.Requests.ShouldBe(0);
    }

    [Fact]
    public async Task Post_WithoutAntiforgeryToken_ConnectsNothing_AndShowsThePageAgainSayingSo()
    {
        var (api, link) = await LinkAsync();
        var (feed, feedUrl) = Feed();
        var doc = await Html.GetAsync(http, link.Path);
        var form = doc.QuerySelector(ConnectPages.IcsForm)!;
        form.QuerySelector("input[name='Ics.Url']")!.SetAttribute("value", feedUrl);

        var response = await Html.SubmitAsync(http, form, "__RequestVerificationToken");

        response.StatusCode.ShouldBe(HttpStatusCode.SeeOther);
        response.Headers.Location!.ToString().ShouldBe(link.Path + "?notice=expired");
        feed.Requests.ShouldBe(0);
        (await api.GetOkAsync("/v1/calendar_connections?sub=" + link.Sub))["calendar_connections"]!.AsArray().ShouldBeEmpty();
        (await Html.GetAsync(http, link.Path + "?notice=expired")).QuerySelector("[data-notice]")!.TextContent.ShouldContain("nothing was sent");
    }

    [Fact]
    public async Task Post_CountsAgainstTheApplicationsRateLimit()
    {
        await using var limited = RtsAppFactory.With(new Dictionary<string, string?>(ConnectionsFixture.Settings)
        {
            [ConfigKeys.RateLimitPerMinute] = "4",
        });
        var client = limited.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var api = await limited.CreateApiClientAsync();
        var (sub, _) = await api.CreateAccountAsync(); // 1 permit
        var link = await ConnectPages.CreateAsync(api, sub); // 2
        var doc = await Html.GetAsync(client, link.Path); // pages' GETs take none
        var form = doc.QuerySelector(ConnectPages.IcsForm)!;
        var values = new Dictionary<string, string> { ["Ics.Url"] = "not a url" };

        (await Html.SubmitWithAsync(client, form, values)).StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity); // 3
        (await Html.SubmitWithAsync(client, form, values)).StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity); // 4
        var limitedResponse = await Html.SubmitWithAsync(client, form, values);

        limitedResponse.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        limitedResponse.Headers.RetryAfter.ShouldNotBeNull();
        (await Html.ParseAsync(limitedResponse)).QuerySelector("[data-notice]")!.TextContent.ShouldContain("Too many attempts");
        (await api.GetAsync("/v1/calendar_connections")).StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
    }

    [Fact]
    public async Task Page_SpeaksTheBrowsersLanguage()
    {
        var (_, link) = await LinkAsync();
        var request = new HttpRequestMessage(HttpMethod.Get, link.Path);
        request.Headers.AcceptLanguage.ParseAdd("de-DE");

        var doc = await Html.ParseAsync(await http.SendAsync(request));

        doc.DocumentElement.GetAttribute("lang").ShouldBe("de");
        doc.QuerySelector("h1")!.TextContent.ShouldBe("Kalender verbinden");
    }

    private static AngleSharp.Html.Dom.IHtmlDocument AngleSharpParse(string html) => new AngleSharp.Html.Parser.HtmlParser().ParseDocument(html);
}
