using System.Net;
using System.Text;
using RtsApp.Infrastructure;
using RtsApp.Tests.Infrastructure;

namespace RtsApp.Tests.Infrastructure;

public sealed class ErrorsTests : IClassFixture<RtsAppFactory>
{
    private readonly RtsAppFactory factory;
    public ErrorsTests(RtsAppFactory factory) => this.factory = factory;

    [Theory]
    [InlineData("{not json")]
    [InlineData("[1, 2]")]
    [InlineData("\"text\"")]
    public async Task NotAJsonObject_Is400NamingTheBody(string body)
    {
        var api = await factory.CreateApiClientAsync();
        var error = await ApiClient.ErrorAsync(await api.PostAsync("/v1/accounts", body), 400);
        error["errors"]!["body"]!.AsArray()[0]!["key"]!.GetValue<string>().ShouldBe("errors.invalid");
    }

    /// <summary>An unknown path or a method a path does not take gets the API's JSON error, not the site's HTML page
    /// (a POST used to be re-run as the not-found page and refused by its antiforgery check: an empty 400).</summary>
    [Theory]
    [InlineData("GET", "/v1/nonexistent", 404, "path", "errors.not_found")]
    [InlineData("POST", "/v1/nonexistent", 404, "path", "errors.not_found")]
    [InlineData("POST", "/v1/", 404, "path", "errors.not_found")]
    [InlineData("PUT", "/v1/accounts", 405, "method", "errors.invalid")]
    [InlineData("PATCH", "/v1/calendars", 405, "method", "errors.invalid")]
    public async Task UnknownPathOrMethod_IsAJsonError(string method, string path, int status, string field, string key)
    {
        var api = await factory.CreateApiClientAsync();
        var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new("Bearer", api.Secret);

        var response = await api.Http.SendAsync(request);

        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/json");
        if (status == 405) response.Content.Headers.Allow.ShouldBe(["GET", "HEAD", "POST"], ignoreOrder: true); // what the path takes
        var error = await ApiClient.ErrorAsync(response, status);
        error["errors"]![field]!.AsArray()[0]!["key"]!.GetValue<string>().ShouldBe(key);
    }

    /// <summary>HEAD is GET without the body (RFC 9110 §9.3.2), on the API as on the pages; where GET is not taken
    /// either, the 405 names HEAD.</summary>
    [Fact]
    public async Task Head_IsGetWithoutTheBody()
    {
        var api = await factory.CreateApiClientAsync();
        await api.CreateAccountAsync("Head");

        var get = await api.GetAsync("/v1/accounts");
        var head = await api.SendAsync(HttpMethod.Head, "/v1/accounts");

        get.StatusCode.ShouldBe(HttpStatusCode.OK);
        head.StatusCode.ShouldBe(HttpStatusCode.OK);
        head.Content.Headers.ContentType!.MediaType.ShouldBe("application/json");
        (await head.Content.ReadAsByteArrayAsync()).ShouldBeEmpty();
        (await get.Content.ReadAsStringAsync()).ShouldContain("\"Head\"");
        (await api.Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/v1/accounts"))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);

        var postOnly = await api.SendAsync(HttpMethod.Head, "/v1/availability");
        postOnly.StatusCode.ShouldBe(HttpStatusCode.MethodNotAllowed);
        postOnly.Content.Headers.Allow.ShouldBe(["POST"]);
        var asGet = await api.GetAsync("/v1/availability");
        (await ApiClient.ErrorAsync(asGet, 405))["errors"]!["method"]!.AsArray()[0]!["description"]!.GetValue<string>().ShouldBe("GET is not allowed here");

        var page = await factory.CreateClient().SendAsync(new HttpRequestMessage(HttpMethod.Head, "/admin/sign-in"));
        page.StatusCode.ShouldBe(HttpStatusCode.OK);
        page.Content.Headers.ContentType!.MediaType.ShouldBe("text/html");
        (await page.Content.ReadAsByteArrayAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task UnknownPage_IsStillTheSitesHtmlPage()
    {
        var response = await factory.CreateClient().GetAsync("/no-such-page");

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/html");
    }

    /// <summary>A form posted to a page path that does not exist gets the not-found page (with routing's 405,
    /// from the static files' GET-only fallback), not an empty 400 from the not-found page's own antiforgery check.</summary>
    [Fact]
    public async Task UnknownPage_Posted_ShowsTheNotFoundPage()
    {
        var response = await factory.CreateClient().PostAsync("/no-such-page", new FormUrlEncodedContent([new("a", "b")]));

        response.StatusCode.ShouldBe(HttpStatusCode.MethodNotAllowed);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/html");
        (await response.Content.ReadAsStringAsync()).ShouldContain("There is nothing at this address");
    }

    /// <summary>RFC 8259 §8.1: a byte order mark before the JSON is ignored (it was a 400).</summary>
    [Fact]
    public async Task BodyWithAByteOrderMark_IsRead()
    {
        var api = await factory.CreateApiClientAsync();
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/accounts")
        {
            Content = new ByteArrayContent([0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes("""{"name": "Bom"}""")]),
        };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Authorization = new("Bearer", api.Secret);

        (await ApiClient.OkAsync(await api.Http.SendAsync(request)))["account"]!["name"]!.GetValue<string>().ShouldBe("Bom");
    }

    [Fact]
    public async Task BodyOver1MiB_Is413()
    {
        var api = await factory.CreateApiClientAsync();
        var big = "{\"name\": \"" + new string('x', 1024 * 1024) + "\"}";
        await ApiClient.ErrorAsync(await api.PostAsync("/v1/accounts", big), 413);
    }

    [Fact]
    public async Task ChunkedBodyOver1MiB_Is413()
    {
        var api = await factory.CreateApiClientAsync();
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/accounts")
        {
            Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes("{\"name\": \"" + new string('y', 1100 * 1024) + "\"}"))),
        };
        request.Headers.TransferEncodingChunked = true;
        request.Headers.Authorization = new("Bearer", api.Secret);
        ((int)(await api.Http.SendAsync(request)).StatusCode).ShouldBe(413);
    }

    [Fact]
    public async Task RateLimit_Is429WithRetryAfter_PerApplication()
    {
        await using var limited = RtsAppFactory.With(new Dictionary<string, string?> { [ConfigKeys.RateLimitPerMinute] = "3" });
        var api = await limited.CreateApiClientAsync("Busy");
        var other = await limited.CreateApiClientAsync("Quiet");
        for (var i = 0; i < 3; i++) await api.GetOkAsync("/v1/accounts");
        var response = await api.GetAsync("/v1/accounts");
        await ApiClient.ErrorAsync(response, 429);
        response.Headers.RetryAfter.ShouldNotBeNull();
        await other.GetOkAsync("/v1/accounts");
    }

    [Fact]
    public async Task RandomBodies_NeverProduce500()
    {
        var api = await factory.CreateApiClientAsync();
        var (sub, _) = await api.CreateAccountAsync();
        var cal = await api.CreateCalendarAsync(sub);
        string[] values = ["null", "1", "-1", "1e400", "\"\"", "\"x\"", "true", "[]", "{}", "[{}]", "{\"time\": 5}", "{\"minutes\": -5}",
            "\"2026-02-30T00:00:00Z\"", "\"2026-03-27T25:00:00Z\"", "\"9999-12-31T23:59:59Z\"", "\"0001-01-01\"", "{\"time\": \"2026-03-27T09:00:00\"}"];
        string[] fields = ["event_id", "summary", "description", "start", "end", "tzid", "location", "transparency", "name", "email", "sub"];
        var random = new Random(1234);
        string[] paths = ["/v1/accounts", "/v1/calendars", $"/v1/calendars/{cal}/events"];
        for (var i = 0; i < 300; i++)
        {
            var parts = fields.Where(_ => random.Next(3) > 0).Select(f => $"\"{f}\": {values[random.Next(values.Length)]}");
            var body = "{" + string.Join(", ", parts) + "}";
            var path = paths[random.Next(paths.Length)];
            var response = await api.PostAsync(path, body);
            ((int)response.StatusCode).ShouldBeLessThan(500, $"{path} {body}: {await response.Content.ReadAsStringAsync()}");
        }
    }

    [Fact]
    public async Task HealthAndHomeAndOpenApi_Answer()
    {
        var client = factory.CreateClient();
        (await client.GetStringAsync("/healthz")).ShouldBe("Healthy");
        var home = await client.GetStringAsync("/");
        home.ShouldContain("/admin");
        home.ShouldContain("/openapi/v1.json");
        home.ShouldNotContain("blazor.web.js");
        var stylesheets = System.Text.RegularExpressions.Regex.Matches(home, "href=\"([^\"]+\\.css)\"").Select(m => m.Groups[1].Value).ToList();
        stylesheets.Count.ShouldBe(3);
        foreach (var css in stylesheets) (await client.GetAsync("/" + css)).StatusCode.ShouldBe(HttpStatusCode.OK, css);
        (await client.GetStringAsync("/openapi/v1.json")).ShouldContain("/v1/calendars/{calendarId}/events");
        (await client.GetAsync("/no-such-page")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }
}
