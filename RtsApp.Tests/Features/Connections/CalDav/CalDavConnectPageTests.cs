using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using RtsApp.Tests.Components.Scheduling;
using RtsApp.Tests.Infrastructure;

namespace RtsApp.Tests.Features.Connections.CalDav;

/// <summary>The connect page's CalDAV form against the real Radicale server: the person's calendar is found and listed,
/// and a wrong app password gets the API's own reason on the page.</summary>
[Collection(CalDavCollection.Name)]
public sealed class CalDavConnectPageTests(CalDavServers servers, ConnectionsFixture fixture) : IClassFixture<ConnectionsFixture>, IDisposable
{
    private readonly RtsAppFactory factory = fixture.Factory;
    private readonly HttpClient http = fixture.Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
    private readonly List<IDisposable> owned = [];

    public void Dispose()
    {
        foreach (var o in owned) o.Dispose();
    }

    private OtherClient Other(CalDavServer server)
    {
        var other = new OtherClient(server);
        owned.Add(other);
        return other;
    }

    [CalDavTheory]
    [InlineData(CalDavServers.Radicale)]
    public async Task CalDav_ConnectsThroughThePage_AndListsTheCalendarFound(string name)
    {
        var server = servers[name];
        var calendar = await Other(server).NewCalendarAsync("Team rota");
        var api = await factory.CreateApiClientAsync();
        var (sub, _) = await api.CreateAccountAsync();
        var link = await ConnectPages.CreateAsync(api, sub, "https://app.example/after");

        var posted = await ConnectPages.SubmitCalDavAsync(http, link.Path, calendar.AbsoluteUri, server.User, server.Password);

        posted.StatusCode.ShouldBe(HttpStatusCode.SeeOther, await posted.Content.ReadAsStringAsync());
        var shown = await Html.GetAsync(http, posted.Headers.Location!.ToString());
        ConnectPages.Calendars(shown).ShouldBe(["Team rota"]);
        var connection = (await api.GetOkAsync("/v1/calendar_connections?sub=" + sub))["calendar_connections"]!.AsArray().ShouldHaveSingleItem()!;
        connection["provider"]!.GetValue<string>().ShouldBe("caldav");
        connection["username"]!.GetValue<string>().ShouldBe(server.User);
        connection["calendars"]![0]!["calendar_readonly"]!.GetValue<bool>().ShouldBeFalse();
        var done = await Html.SubmitAsync(http, shown.QuerySelector(ConnectPages.DoneForm)!);
        done.Headers.Location!.ToString().ShouldBe("https://app.example/after?sub=" + sub);
    }

    [CalDavTheory]
    [InlineData(CalDavServers.Radicale)]
    public async Task CalDav_WrongPassword_ShowsTheServersRefusal(string name)
    {
        var server = servers[name];
        var calendar = await Other(server).NewCalendarAsync("Team rota");
        var api = await factory.CreateApiClientAsync();
        var (sub, _) = await api.CreateAccountAsync();
        var link = await ConnectPages.CreateAsync(api, sub);

        var response = await ConnectPages.SubmitCalDavAsync(http, link.Path, calendar.AbsoluteUri, server.User, "not-the-password");

        response.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        var text = await response.Content.ReadAsStringAsync();
        text.ShouldNotContain("not-the-password");
        var doc = await Html.ParseAsync(new HttpResponseMessage { Content = new StringContent(text) });
        doc.QuerySelector("[data-error=caldav-url]")!.TextContent.ShouldBe("Could not connect: the server refused the credentials");
        doc.QuerySelector("#caldav-username")!.GetAttribute("value").ShouldBe(server.User);
    }
}
