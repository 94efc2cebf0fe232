using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NodaTime;
using RtsApp.Features.Applications;
using RtsApp.Infrastructure;
using RtsApp.Store;

namespace RtsApp.Tests.Infrastructure;

/// <summary>The whole app in memory over a fresh database of its own (<see cref="TestDatabase"/>: SQLite, or PostgreSQL
/// when the run selects it), with a fake clock: each test's own (<see cref="UseClock"/>), else the factory's default
/// (<see cref="Clock"/>); <see cref="FakeClock"/> says which code sees which.</summary>
public class RtsAppFactory : WebApplicationFactory<Program>
{
    public static readonly Instant DefaultNow = Instant.FromUtc(2026, 3, 20, 12, 0);

    private readonly Dictionary<string, string?> settings;
    private readonly TestDatabase? ownDatabase;
    public TestDatabase Database { get; }
    private readonly TestClock clock = new(new FakeClock(DefaultNow));

    /// <summary>The default clock: what background workers see, and requests of tests that set no clock of their own.
    /// Move it only in a factory the test owns.</summary>
    public FakeClock Clock => clock.Default;

    /// <summary>Every Error-or-worse entry the app has logged (unhandled exceptions included).</summary>
    public LogCapture Logs { get; } = new();

    /// <summary>Gives the calling test its own clock at <paramref name="now"/> (default <see cref="DefaultNow"/>) until
    /// disposed: <c>using var clock = factory.UseClock();</c>. Requests and handler calls on the test's flow see it; the
    /// callback worker does not.</summary>
    public ClockScope UseClock(Instant? now = null) => clock.Use(now ?? DefaultNow);

    public RtsAppFactory() : this(TestDatabase.Create(), owned: true, new Dictionary<string, string?>()) { }

    /// <summary>A factory with extra configuration (xunit fixtures need a single public constructor).</summary>
    public static RtsAppFactory With(IDictionary<string, string?> overrides) => new(TestDatabase.Create(), owned: true, overrides);

    /// <summary>A second app instance on <paramref name="other"/>'s database, as a second process behind a load
    /// balancer would be, with optional extra configuration; the database stays <paramref name="other"/>'s to drop.</summary>
    public static RtsAppFactory SharingDatabaseWith(RtsAppFactory other, IDictionary<string, string?>? overrides = null) =>
        new(other.Database, owned: false, overrides ?? new Dictionary<string, string?>());

    /// <summary>An app over an existing database (e.g. one a test built at an earlier schema, or one that outlives an
    /// app the test restarts), with optional extra configuration; the caller disposes the database.</summary>
    public static RtsAppFactory On(TestDatabase database, IDictionary<string, string?>? overrides = null) =>
        new(database, owned: false, overrides ?? new Dictionary<string, string?>());

    private RtsAppFactory(TestDatabase database, bool owned, IDictionary<string, string?> overrides)
    {
        Database = database;
        if (owned) ownDatabase = database;
        settings = new Dictionary<string, string?>(database.Settings)
        {
            [ConfigKeys.RateLimitPerSecond] = "0",
            [ConfigKeys.RateLimitPerMinute] = "0",
        };
        foreach (var (k, v) in overrides) settings[k] = v;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        // The app's logs go to the test's capture (errors are asserted on), not to the run's console, so a failure stands out there.
        builder.ConfigureLogging(l => l.ClearProviders().AddProvider(Logs));
        foreach (var (k, v) in settings) builder.UseSetting(k, v);
        builder.ConfigureTestServices(s =>
        {
            s.AddSingleton<IClock>(clock);
            // Requests run on the calling test's execution context, so they see the test's own clock.
            s.Configure<TestServerOptions>(o => o.PreserveExecutionContext = true);
            s.AddSingleton<IStartupFilter, RemoteAddressFromHeader>();
        });
    }

    /// <summary>The in-memory server has no client address; a test names one in this header, as the connection's
    /// address (what Kestrel would see), before the app's own pipeline runs.</summary>
    public const string RemoteAddressHeader = "X-Test-Remote-Address";

    private sealed class RemoteAddressFromHeader : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((http, nextMiddleware) =>
            {
                if (http.Request.Headers.TryGetValue(RemoteAddressHeader, out var value) && IPAddress.TryParse(value, out var address))
                    http.Connection.RemoteIpAddress = address;
                return nextMiddleware(http);
            });
            next(app);
        };
    }

    /// <summary>Builds and starts the host outside any test clock: hosted services (the callback worker) capture the
    /// execution context they start in, and must read the default clock, whichever test happened to start the host.</summary>
    protected override IHost CreateHost(IHostBuilder builder) => clock.WithoutTestClock(() => base.CreateHost(builder));

    public RtsDbContext Db() => Services.GetRequiredService<IDbContextFactory<RtsDbContext>>().CreateDbContext();

    public Task<CreatedApplication> CreateApplicationAsync(string name = "Test App") =>
        Services.GetRequiredService<ApplicationsHandler>().CreateAsync(name);

    /// <summary>A client authenticated with a new application's secret.</summary>
    public async Task<ApiClient> CreateApiClientAsync(string name = "Test App")
    {
        var app = await CreateApplicationAsync(name);
        return new ApiClient(CreateClient(), app.ClientId, app.ClientSecret);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) ownDatabase?.Dispose();
    }
}

/// <summary>Calls the API with a bearer secret and reads JSON replies as nodes, so tests assert on the wire format.</summary>
public sealed class ApiClient(HttpClient http, string clientId, string secret)
{
    public HttpClient Http { get; } = http;
    public string ClientId { get; } = clientId;
    public string Secret { get; } = secret;

    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object? body = null, string? bearer = null)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer ?? Secret);
        if (body is not null)
            request.Content = new StringContent(body as string ?? JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        return Http.SendAsync(request);
    }

    public Task<HttpResponseMessage> PostAsync(string path, object body, string? bearer = null) => SendAsync(HttpMethod.Post, path, body, bearer);
    public Task<HttpResponseMessage> GetAsync(string path, string? bearer = null) => SendAsync(HttpMethod.Get, path, null, bearer);

    public async Task<JsonNode> PostOkAsync(string path, object body, string? bearer = null) => await OkAsync(await PostAsync(path, body, bearer));
    public async Task<JsonNode> GetOkAsync(string path, string? bearer = null) => await OkAsync(await GetAsync(path, bearer));

    public static async Task<JsonNode> OkAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        ((int)response.StatusCode).ShouldBe(200, text);
        return JsonNode.Parse(text)!;
    }

    public static async Task<JsonNode> ErrorAsync(HttpResponseMessage response, int status)
    {
        var text = await response.Content.ReadAsStringAsync();
        ((int)response.StatusCode).ShouldBe(status, text);
        return JsonNode.Parse(text)!;
    }

    public async Task<(string Sub, string Token)> CreateAccountAsync(string name = "Ann", string tzid = "Europe/London")
    {
        var reply = await PostOkAsync("/v1/accounts", new { name, email = $"{name.Replace(' ', '.').ToLowerInvariant()}@example.com", tzid });
        return (reply["account"]!["sub"]!.GetValue<string>(), reply["account"]!["access_token"]!.GetValue<string>());
    }

    public async Task<string> CreateCalendarAsync(string sub, string name = "Work")
    {
        var reply = await PostOkAsync("/v1/calendars", new { sub, name });
        return reply["calendar"]!["calendar_id"]!.GetValue<string>();
    }

    public async Task PutEventAsync(string calendarId, object ev)
    {
        var response = await PostAsync($"/v1/calendars/{calendarId}/events", ev);
        ((int)response.StatusCode).ShouldBe(202, await response.Content.ReadAsStringAsync());
    }
}
