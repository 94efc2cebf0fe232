using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using NodaTime;
using RtsApp.Infrastructure;
using RtsApp.Tests.Components.Scheduling;
using RtsApp.Tests.Infrastructure;

namespace RtsApp.Tests.Features.Connections;

/// <summary><c>POST /v1/calendar_connections/connect_link</c> (SPEC §13): credentials as the other connection calls, the
/// 422s naming their field, the token kept only as a hash, seven days of life, one account only.</summary>
public sealed class ConnectLinkApiTests(ConnectionsFixture fixture) : IClassFixture<ConnectionsFixture>
{
    private const string Route = "/v1/calendar_connections/connect_link";
    private readonly RtsAppFactory factory = fixture.Factory;
    private readonly HttpClient http = fixture.Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    [Fact]
    public async Task Create_ReturnsAbsolutePageUrl_AndStoresOnlyTheTokensHash()
    {
        var api = await factory.CreateApiClientAsync();
        var (sub, _) = await api.CreateAccountAsync();

        var link = await ConnectPages.CreateAsync(api, sub, "https://app.example/after");

        link.Url.ShouldStartWith("http://localhost/connect/");
        link.Token.Length.ShouldBeGreaterThanOrEqualTo(43); // 256 random bits, URL-safe
        await using var db = factory.Db();
        var stored = await db.ConnectLinks.AsNoTracking().SingleAsync(l => l.AccountId == sub);
        stored.TokenHash.ShouldBe(Ids.Hash(link.Token));
        stored.RedirectUri.ShouldBe("https://app.example/after");
        stored.ExpiresAt.ShouldBe(RtsAppFactory.DefaultNow + Duration.FromDays(7));
        var columns = typeof(RtsApp.Store.ConnectLink).GetProperties().Select(p => p.GetValue(stored)?.ToString() ?? "");
        columns.ShouldAllBe(value => !value.Contains(link.Token));
    }

    [Fact]
    public async Task Create_UsesThePublicBaseUrl_LikeSchedulingLinks()
    {
        await using var configured = RtsAppFactory.With(new Dictionary<string, string?> { ["Rts:PublicBaseUrl"] = "https://rts.example.com/" });
        var api = await configured.CreateApiClientAsync();
        var (sub, _) = await api.CreateAccountAsync();

        (await ConnectPages.CreateAsync(api, sub)).Url.ShouldStartWith("https://rts.example.com/connect/");
    }

    [Fact]
    public async Task Create_WithoutCredentials_Is401()
    {
        var response = await factory.CreateClient().PostAsync(Route, new StringContent("""{"sub":"acc_x"}""", System.Text.Encoding.UTF8, "application/json"));
        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        response.Headers.WwwAuthenticate.ToString().ShouldContain("Bearer");
    }

    [Fact]
    public async Task Create_WithBodyCredentials_Works()
    {
        var app = await factory.CreateApplicationAsync();
        var api = new ApiClient(factory.CreateClient(), app.ClientId, app.ClientSecret);
        var (sub, _) = await api.CreateAccountAsync();
        var body = new { client_id = app.ClientId, client_secret = app.ClientSecret, sub };

        (await api.PostOkAsync(Route, body, bearer: "undefined"))["url"]!.GetValue<string>().ShouldContain("/connect/");
    }

    [Fact]
    public async Task Create_WithAnAccountToken_ActsForThatAccountOnly()
    {
        var api = await factory.CreateApiClientAsync();
        var (sub, token) = await api.CreateAccountAsync("Ann");
        var (otherSub, _) = await api.CreateAccountAsync("Bob");

        await api.PostOkAsync(Route, new { }, bearer: token);
        var foreign = await ApiClient.ErrorAsync(await api.PostAsync(Route, new { sub = otherSub }, bearer: token), 404);

        foreign["errors"]!["sub"]![0]!["key"]!.GetValue<string>().ShouldBe("errors.not_found");
        await using var db = factory.Db();
        (await db.ConnectLinks.Where(l => l.AccountId == sub || l.AccountId == otherSub).Select(l => l.AccountId).ToListAsync()).ShouldBe([sub]);
    }

    [Theory]
    [InlineData("""{}""", "sub", "errors.required")]
    [InlineData("""{"sub": ""}""", "sub", "errors.required")]
    [InlineData("""{"sub": "acc_x", "redirect_uri": "ftp://app.example/after"}""", "redirect_uri", "errors.invalid")]
    [InlineData("""{"sub": "acc_x", "redirect_uri": "/after"}""", "redirect_uri", "errors.invalid")]
    [InlineData("""{"sub": "acc_x", "redirect_uri": "https://app.example/a\r\nSet-Cookie: x=1"}""", "redirect_uri", "errors.invalid")]
    [InlineData("""{"sub": 5}""", "sub", "errors.invalid")]
    public async Task Create_InvalidFields_Are422NamingTheField(string body, string field, string key)
    {
        var api = await factory.CreateApiClientAsync();

        var error = await ApiClient.ErrorAsync(await api.PostAsync(Route, body), 422);

        error["errors"]!.AsObject().Select(e => e.Key).ShouldBe([field]);
        error["errors"]![field]![0]!["key"]!.GetValue<string>().ShouldBe(key);
    }

    [Fact]
    public async Task Create_TooLongRedirect_Is422()
    {
        var api = await factory.CreateApiClientAsync();
        var (sub, _) = await api.CreateAccountAsync();

        var error = await ApiClient.ErrorAsync(await api.PostAsync(Route, new { sub, redirect_uri = "https://app.example/" + new string('a', 2100) }), 422);

        error["errors"]!.AsObject().Select(e => e.Key).ShouldBe(["redirect_uri"]);
    }

    [Fact]
    public async Task Create_AnotherApplicationsOrNoAccount_IsTheSame404AsTheOtherConnectionCalls()
    {
        var api = await factory.CreateApiClientAsync();
        var other = await factory.CreateApiClientAsync("Other App");
        var (foreignSub, _) = await other.CreateAccountAsync();

        var foreign = await ApiClient.ErrorAsync(await api.PostAsync(Route, new { sub = foreignSub }), 404);
        var none = await ApiClient.ErrorAsync(await api.PostAsync(Route, new { sub = "acc_nobody" }), 404);
        var connection = await ApiClient.ErrorAsync(await api.PostAsync("/v1/calendar_connections",
            new { sub = foreignSub, provider = "ics", url = "https://feeds.example/a.ics" }), 404);

        foreign.ToJsonString().ShouldBe(connection.ToJsonString());
        none.ToJsonString().ShouldBe(connection.ToJsonString());
    }

    [Fact]
    public async Task Create_InternationalRedirect_IsStoredAsPunycode_AndDoneKeepsItsQuery()
    {
        var api = await factory.CreateApiClientAsync();
        var (sub, _) = await api.CreateAccountAsync();

        var link = await ConnectPages.CreateAsync(api, sub, "https://bücher.example/zurück?step=2#top");

        await using var db = factory.Db();
        (await db.ConnectLinks.AsNoTracking().SingleAsync(l => l.AccountId == sub)).RedirectUri
            .ShouldBe("https://xn--bcher-kva.example/zur%C3%BCck?step=2#top");
        var page = await Html.GetAsync(http, link.Path);
        page.QuerySelector(ConnectPages.DoneForm).ShouldBeNull(); // nothing connected yet
    }

    [Fact]
    public async Task Page_ExpiresSevenDaysAfterCreation_OnTheAppsClock()
    {
        using var clock = factory.UseClock();
        var api = await factory.CreateApiClientAsync();
        var (sub, _) = await api.CreateAccountAsync();
        var link = await ConnectPages.CreateAsync(api, sub);

        clock.Advance(Duration.FromDays(7) - Duration.FromSeconds(1));
        (await Html.GetAsync(http, link.Path)).QuerySelector(ConnectPages.IcsForm).ShouldNotBeNull();

        clock.Advance(Duration.FromSeconds(1));
        var expired = await Html.GetAsync(http, link.Path, HttpStatusCode.Gone);
        expired.QuerySelector("h1")!.TextContent.ShouldBe("This link has expired");
        expired.QuerySelector(ConnectPages.IcsForm).ShouldBeNull();
    }

    [Fact]
    public async Task ExpiredPage_RefusesToConnect()
    {
        using var clock = factory.UseClock();
        var api = await factory.CreateApiClientAsync();
        var (sub, _) = await api.CreateAccountAsync();
        var link = await ConnectPages.CreateAsync(api, sub);
        var doc = await Html.GetAsync(http, link.Path);
        var (_, feedUrl) = fixture.Feeds.Add(Feeds.Calendar(Feeds.Event("a", "20260323T090000Z", "20260323T100000Z")));

        clock.Advance(Duration.FromDays(8));
        var response = await Html.SubmitWithAsync(http, doc.QuerySelector(ConnectPages.IcsForm)!, new Dictionary<string, string> { ["Ics.Url"] = feedUrl });

        response.StatusCode.ShouldBe(HttpStatusCode.Gone);
        (await api.GetOkAsync("/v1/calendar_connections?sub=" + sub))["calendar_connections"]!.AsArray().ShouldBeEmpty();
    }

    [Fact]
    public async Task Page_ActsForItsOwnAccountOnly()
    {
        var api = await factory.CreateApiClientAsync();
        var (ann, _) = await api.CreateAccountAsync("Ann");
        var (bob, _) = await api.CreateAccountAsync("Bob");
        var (_, bobsFeed) = fixture.Feeds.Add(Feeds.Calendar(Feeds.Event("b", "20260323T090000Z", "20260323T100000Z")), "bob");
        var bobs = await ConnectionCalls.ConnectAsync(api, bob, bobsFeed);
        var link = await ConnectPages.CreateAsync(api, ann);

        var page = await Html.GetAsync(http, link.Path);
        page.QuerySelector($"[data-connection-id='{ConnectionCalls.Id(bobs)}']").ShouldBeNull();
        page.QuerySelector("[data-existing]").ShouldBeNull();

        var (_, annsFeed) = fixture.Feeds.Add(Feeds.Calendar(Feeds.Event("a", "20260323T090000Z", "20260323T100000Z")), "ann");
        (await ConnectPages.SubmitIcsAsync(http, link.Path, annsFeed)).StatusCode.ShouldBe(HttpStatusCode.SeeOther);

        (await api.GetOkAsync("/v1/calendar_connections?sub=" + ann))["calendar_connections"]!.AsArray().Count.ShouldBe(1);
        (await api.GetOkAsync("/v1/calendar_connections?sub=" + bob))["calendar_connections"]!.AsArray().Count.ShouldBe(1);
        var after = await Html.GetAsync(http, link.Path);
        after.QuerySelectorAll("[data-connection-id]").Length.ShouldBe(1);
        after.QuerySelector($"[data-connection-id='{ConnectionCalls.Id(bobs)}']").ShouldBeNull();
    }
}
