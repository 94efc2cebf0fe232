using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using NodaTime;

namespace RtsApp.Benchmarks;

/// <summary>One whole <c>POST /v1/availability</c> in process: the app's real pipeline (body reading, authentication,
/// rate limiting, binding, validation, the members query, busy time, the engine, JSON out) over the in-memory test
/// server, on a SQLite file seeded through the API with <see cref="Workload"/>'s events (10 members × 300). No sockets,
/// so the time is not the service's latency (benchmarks/http measures that); what it gives exactly is the allocation of
/// one request, which the MemoryDiagnoser counts across all threads. (The factory is typed by a class of RtsApp's
/// assembly: this project's own top-level program is also called Program.)</summary>
[MemoryDiagnoser]
#pragma warning disable CA1001 // BenchmarkDotNet derives from the class (so it is not sealed) and disposes in GlobalCleanup.
public class RequestBenchmarks
#pragma warning restore CA1001
{
    private WebApplicationFactory<RtsApp.Store.RtsDbContext> factory = null!;
    private HttpClient client = null!;
    private string folder = null!;
    private byte[] query = null!;

    private sealed class Factory(string folder) : WebApplicationFactory<RtsApp.Store.RtsDbContext>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Production");
            builder.UseSetting("ConnectionStrings:Rts", $"Data Source={Path.Combine(folder, "rts.db")}");
            builder.UseSetting("Rts:RateLimit:PermitsPerSecond", "0");
            builder.UseSetting("Rts:RateLimit:PermitsPerMinute", "0");
            builder.UseSetting("Logging:LogLevel:Default", "Warning");
        }
    }

    [GlobalSetup]
    public void Setup()
    {
        folder = Directory.CreateTempSubdirectory("rts-bench").FullName;
        factory = new Factory(folder);
        client = factory.CreateClient();
        var secret = Run(factory.Services, "bench");
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        var workload = Workload.Build(10, 300);
        var subs = new List<string>();
        foreach (var member in workload.Groups[0].Members)
        {
            var sub = Post("/v1/accounts", new JsonObject { ["name"] = member.Sub, ["tzid"] = "Europe/London" })["account"]!["sub"]!.GetValue<string>();
            var calendar = Post("/v1/calendars", new JsonObject { ["sub"] = sub, ["name"] = "Work" })["calendar"]!["calendar_id"]!.GetValue<string>();
            var e = 0;
            foreach (var busy in member.Busy)
                Post($"/v1/calendars/{calendar}/events", new JsonObject
                {
                    ["event_id"] = $"e{e++}",
                    ["summary"] = "Busy",
                    ["tzid"] = "Europe/London",
                    ["start"] = Text(busy.Start),
                    ["end"] = Text(busy.End),
                });
            subs.Add(sub);
        }
        query = Encoding.UTF8.GetBytes(new JsonObject
        {
            ["participants"] = new JsonArray(new JsonObject
            {
                ["members"] = new JsonArray([.. subs.Select(s => (JsonNode)new JsonObject { ["sub"] = s })]),
                ["required"] = "all",
            }),
            ["required_duration"] = new JsonObject { ["minutes"] = 30 },
            ["start_interval"] = new JsonObject { ["minutes"] = 30 },
            ["tzid"] = "Europe/London",
            ["query_periods"] = new JsonArray(new JsonObject { ["start"] = Text(Workload.Start), ["end"] = Text(Workload.Start + Duration.FromDays(35)) }),
            ["response_format"] = "overlapping_slots",
        }.ToJsonString());
    }

    private static string Text(Instant instant) => instant.ToString("uuuu-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>An application made the way the CLI makes one, returning its secret.</summary>
    private static string Run(IServiceProvider services, string name)
    {
        var applications = (RtsApp.Features.Applications.ApplicationsHandler)services.GetService(typeof(RtsApp.Features.Applications.ApplicationsHandler))!;
        return applications.CreateAsync(name).GetAwaiter().GetResult().ClientSecret;
    }

    private JsonNode Post(string path, JsonObject body)
    {
        using var response = client.PostAsync(path, new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json")).GetAwaiter().GetResult();
        var text = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{path}: {(int)response.StatusCode} {text}");
        return text.Length == 0 ? new JsonObject() : JsonNode.Parse(text)!;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        client.Dispose();
        factory.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
    }

    [Benchmark]
    public async Task<int> PostAvailability()
    {
        using var content = new ByteArrayContent(query);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await client.PostAsync("/v1/availability", content);
        var body = await response.Content.ReadAsByteArrayAsync();
        return response.IsSuccessStatusCode ? body.Length : throw new InvalidOperationException($"{(int)response.StatusCode}");
    }
}
