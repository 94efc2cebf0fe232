using System.Globalization;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Microsoft.EntityFrameworkCore;
using NodaTime;
using RtsApp.Features.Availability;
using RtsApp.Infrastructure;
using RtsApp.Scheduling;
using RtsApp.Store;

namespace RtsApp.Benchmarks;

/// <summary>The server's work for one <c>POST /v1/availability</c> short of HTTP, authentication and JSON: a context,
/// resolving the members, reading their busy time from a migrated SQLite file seeded with <see cref="Workload"/>'s
/// events (10 members × N) — from the database or from the busy-time cache — and the engine (<c>overlapping_slots</c>). Its allocation is most of a request's.</summary>
[MemoryDiagnoser]
public class LoaderBenchmarks
{
    private string folder = null!;
    private DbContextOptions<RtsDbContext> options = null!;
    private AvailabilitySpec spec = null!;
    private readonly Caller caller = new("app_bench", null);

    private readonly BusyTimeCache shared = new();

    [Params(300, 3000)]
    public int EventsPerMember { get; set; } = 300;

    /// <summary>True: the calendars are unchanged since the last question, so their busy time comes from the process's
    /// <see cref="BusyTimeCache"/> (the steady state of a busy service). False: every question reads the events (a new
    /// cache each time, as after each change).</summary>
    [Params(false, true)]
    public bool Cached { get; set; }

    private BusyTimeCache Cache => Cached ? shared : new BusyTimeCache();

    [GlobalSetup]
    public void Setup()
    {
        folder = Directory.CreateTempSubdirectory("rts-bench").FullName;
        options = new DbContextOptionsBuilder<RtsDbContext>()
            .UseRtsDatabase(DatabaseProviders.Sqlite, $"Data Source={Path.Combine(folder, "rts.db")}").Options;
        var query = Workload.Build(10, EventsPerMember);
        using (var db = new RtsDbContext(options))
        {
            db.Database.Migrate();
            db.Applications.Add(new ApiApplication { Id = caller.ApplicationId, Name = "bench", ClientId = "c", SecretHash = "h", SecretProtected = "p" });
            foreach (var (member, m) in query.Groups[0].Members.Select((member, m) => (member, m)))
            {
                db.Accounts.Add(new Account { Id = member.Sub, ApplicationId = caller.ApplicationId, Name = member.Sub, Tzid = "Europe/London", AccessTokenHash = member.Sub });
                db.Calendars.Add(new RtsApp.Store.Calendar { Id = $"cal_{m}", ApplicationId = caller.ApplicationId, AccountId = member.Sub, Name = "Work" });
                db.Events.AddRange(member.Busy.Select((b, e) => new CalendarEvent
                {
                    Id = $"evt_{m}_{e}",
                    ApplicationId = caller.ApplicationId,
                    CalendarId = $"cal_{m}",
                    EventId = $"e{e}",
                    Summary = "Busy",
                    Start = b.Start,
                    End = b.End,
                    Tzid = "Europe/London",
                }));
            }
            db.SaveChanges();
        }
        var start = Workload.Start.ToString("uuuu-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var end = (Workload.Start + Duration.FromDays(35)).ToString("uuuu-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var members = string.Join(",", query.Groups[0].Members.Select(m => $"{{\"sub\":\"{m.Sub}\"}}"));
        var json = $$"""
            {"participants":[{"members":[{{members}}],"required":"all"}],"required_duration":{"minutes":30},
             "start_interval":{"minutes":30},"tzid":"Europe/London","query_periods":[{"start":"{{start}}","end":"{{end}}"}],
             "response_format":"overlapping_slots"}
            """;
        spec = JsonSerializer.Deserialize<AvailabilityRequest>(json, ApiJson.Options)!.ToSpec();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
    }

    [Benchmark]
    public async Task<int> Load()
    {
        await using var db = new RtsDbContext(options); // as the app's IDbContextFactory does
        var built = await AvailabilityLoader.BuildAsync(db, Cache, caller, spec, Instant.MinValue, CancellationToken.None);
        return built.TryGet(out var query, out _) ? query.Groups[0].Members.Sum(m => m.Busy.Count) : -1;
    }

    [Benchmark]
    public async Task<int> LoadAndSlots()
    {
        await using var db = new RtsDbContext(options); // as the app's IDbContextFactory does
        var built = await AvailabilityLoader.BuildAsync(db, Cache, caller, spec, Instant.MinValue, CancellationToken.None);
        return built.TryGet(out var query, out _) ? AvailabilityEngine.OverlappingSlots(query).Count : -1;
    }
}
