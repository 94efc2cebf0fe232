using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using RtsApp.Features.Applications;
using RtsApp.Tests.Infrastructure;

namespace RtsApp.Tests.Features.Applications;

public sealed class AuthenticationTests : IClassFixture<RtsAppFactory>
{
    private readonly RtsAppFactory factory;
    public AuthenticationTests(RtsAppFactory factory) => this.factory = factory;

    private async Task<HttpResponseMessage> Raw(HttpMethod method, string path, string? authorization, string? body)
    {
        var request = new HttpRequestMessage(method, path);
        if (authorization is not null) request.Headers.TryAddWithoutValidation("Authorization", authorization);
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        return await factory.CreateClient().SendAsync(request);
    }

    [Fact]
    public async Task Bearer_ClientSecret_Authenticates()
    {
        var api = await factory.CreateApiClientAsync();
        var response = await Raw(HttpMethod.Get, "/v1/accounts", $"Bearer {api.Secret}", null);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task BodyCredentials_WinOverBearerUndefined()
    {
        var api = await factory.CreateApiClientAsync();
        var body = $$"""{"client_id": "{{api.ClientId}}", "client_secret": "{{api.Secret}}", "name": "Body Creds"}""";
        var response = await Raw(HttpMethod.Post, "/v1/accounts", "Bearer undefined", body);
        var reply = await ApiClient.OkAsync(response);
        reply["account"]!["name"]!.GetValue<string>().ShouldBe("Body Creds");
    }

    [Fact]
    public async Task BodyCredentials_WrongClientId_Is401()
    {
        var api = await factory.CreateApiClientAsync();
        var body = $$"""{"client_id": "someone-else", "client_secret": "{{api.Secret}}", "name": "X"}""";
        var response = await Raw(HttpMethod.Post, "/v1/accounts", $"Bearer {api.Secret}", body);
        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer undefined")]
    [InlineData("Bearer ")]
    [InlineData("Basic dXNlcjpwYXNz")]
    [InlineData("Bearer rts_sk_not-a-real-secret")]
    public async Task MissingOrWrongCredentials_Are401WithBearerChallenge(string? authorization)
    {
        var response = await Raw(HttpMethod.Get, "/v1/calendars", authorization, null);
        await ApiClient.ErrorAsync(response, 401);
        response.Headers.WwwAuthenticate.ToString().ShouldStartWith("Bearer");
    }

    [Fact]
    public async Task AccountToken_ActsForThatAccountOnly()
    {
        var api = await factory.CreateApiClientAsync();
        var (ann, annToken) = await api.CreateAccountAsync("Ann");
        var (bob, _) = await api.CreateAccountAsync("Bob");
        await api.CreateCalendarAsync(ann);
        var bobCalendar = await api.CreateCalendarAsync(bob);

        var accounts = await api.GetOkAsync("/v1/accounts", bearer: annToken);
        accounts["accounts"]!.AsArray().Select(a => a!["sub"]!.GetValue<string>()).ShouldBe([ann]);
        var calendars = await api.GetOkAsync("/v1/calendars", bearer: annToken);
        calendars["calendars"]!.AsArray().Select(c => c!["sub"]!.GetValue<string>()).ShouldBe([ann]);

        // Its own calendar, with the sub implied by the token.
        var created = await api.PostOkAsync("/v1/calendars", new { name = "Personal" }, bearer: annToken);
        created["calendar"]!["sub"]!.GetValue<string>().ShouldBe(ann);

        // Another account's calendar is invisible, and app-level calls are refused.
        var write = await api.PostAsync($"/v1/calendars/{bobCalendar}/events",
            new { event_id = "x", summary = "x", start = "2026-03-27T09:00:00Z", end = "2026-03-27T10:00:00Z", tzid = "Etc/UTC" }, bearer: annToken);
        await ApiClient.ErrorAsync(write, 404);
        var createAccount = await api.PostAsync("/v1/accounts", new { name = "Eve" }, bearer: annToken);
        ((int)createAccount.StatusCode).ShouldBe(403);
    }

    [Fact]
    public async Task RotatedSecret_OldOneWorksFor24HoursOnly()
    {
        using var clock = factory.UseClock(RtsAppFactory.DefaultNow);
        var app = await factory.CreateApplicationAsync();
        var rotated = await factory.Services.GetRequiredService<ApplicationsHandler>().RotateSecretAsync(app.ClientId);
        rotated.ShouldNotBeNull();
        rotated.ClientSecret.ShouldNotBe(app.ClientSecret);
        var client = factory.CreateClient();

        async Task<HttpStatusCode> Status(string secret)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, "/v1/accounts");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", secret);
            return (await client.SendAsync(request)).StatusCode;
        }

        (await Status(rotated.ClientSecret)).ShouldBe(HttpStatusCode.OK);
        (await Status(app.ClientSecret)).ShouldBe(HttpStatusCode.OK);
        clock.Advance(Duration.FromHours(24) + Duration.FromSeconds(1));
        (await Status(app.ClientSecret)).ShouldBe(HttpStatusCode.Unauthorized);
        (await Status(rotated.ClientSecret)).ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Secrets_AreNotStoredInPlainText()
    {
        var app = await factory.CreateApplicationAsync("Stored");
        var api = await factory.CreateApiClientAsync("Tokens");
        var (_, token) = await api.CreateAccountAsync("Tok");
        await using var db = factory.Db();
        var row = db.Applications.Single(a => a.ClientId == app.ClientId);
        row.SecretHash.ShouldNotContain(app.ClientSecret);
        row.SecretProtected.ShouldNotContain(app.ClientSecret);
        factory.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("RtsApp.ClientSecret")
            .Unprotect(row.SecretProtected).ShouldBe(app.ClientSecret);
        db.Accounts.AsEnumerable().ShouldAllBe(a => !a.AccessTokenHash.Contains(token));
    }

    [Fact]
    public async Task OtherApplicationsIds_Are404()
    {
        var mine = await factory.CreateApiClientAsync("Mine");
        var theirs = await factory.CreateApiClientAsync("Theirs");
        var (theirSub, _) = await theirs.CreateAccountAsync("Them");
        var theirCalendar = await theirs.CreateCalendarAsync(theirSub);
        await theirs.PutEventAsync(theirCalendar, new { event_id = "secret", summary = "Theirs", start = "2026-03-27T09:00:00Z", end = "2026-03-27T10:00:00Z", tzid = "Etc/UTC" });

        await ApiClient.ErrorAsync(await mine.PostAsync("/v1/calendars", new { sub = theirSub, name = "Steal" }), 404);
        await ApiClient.ErrorAsync(await mine.PostAsync($"/v1/calendars/{theirCalendar}/events",
            new { event_id = "x", summary = "x", start = "2026-03-27T09:00:00Z", end = "2026-03-27T10:00:00Z", tzid = "Etc/UTC" }), 404);
        await ApiClient.ErrorAsync(await mine.SendAsync(HttpMethod.Delete, $"/v1/calendars/{theirCalendar}/events?event_id=secret"), 404);
        await ApiClient.ErrorAsync(await mine.SendAsync(HttpMethod.Delete, "/v1/calendars/cal_doesnotexist/events?event_id=secret"), 404);

        var events = await mine.GetOkAsync($"/v1/events?from=2026-03-01&to=2026-04-01&calendar_ids[]={theirCalendar}");
        events["events"]!.AsArray().ShouldBeEmpty();
        (await mine.GetOkAsync("/v1/accounts"))["accounts"]!.AsArray().ShouldBeEmpty();
        (await mine.GetOkAsync("/v1/calendars"))["calendars"]!.AsArray().ShouldBeEmpty();
        (await theirs.GetOkAsync($"/v1/events?from=2026-03-01&to=2026-04-01"))["events"]!.AsArray().Count.ShouldBe(1);
    }
}
