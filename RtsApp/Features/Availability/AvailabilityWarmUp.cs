using System.Diagnostics;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using NodaTime;
using RtsApp.Infrastructure;
using RtsApp.Scheduling;
using RtsApp.Store;

namespace RtsApp.Features.Availability;

/// <summary>Right after the service starts, runs the availability path a few dozen times on made-up data, so that the
/// first real questions do not pay for what a process does once: EF Core compiling the members query, System.Text.Json
/// building its contracts for the request and reply types, and the JIT's tier-up of the engine and the reader (they
/// reach their optimized code after ~30 calls). It reads the database only with ids that match nothing and writes
/// nothing. Bounded (<see cref="Rounds"/>, a few hundred milliseconds of one core), in the background, and off with
/// <c>Rts:Availability:WarmUp=false</c>.</summary>
internal sealed partial class AvailabilityWarmUp(
    IDbContextFactory<RtsDbContext> dbFactory, BusyTimeCache cache, IOptions<AvailabilityOptions> options,
    IHostApplicationLifetime lifetime, ILogger<AvailabilityWarmUp> log) : BackgroundService
{
    internal const int Rounds = 60;
    private const string NoApplication = "app_warm_up";
    private static readonly Instant Day = Instant.FromUtc(2030, 1, 7, 0, 0);

    /// <summary>How many rounds have run (for tests).</summary>
    internal int RoundsDone { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.WarmUp) return;
        // After the start, so that the server answers while this runs rather than after it.
        if (!lifetime.ApplicationStarted.IsCancellationRequested)
        {
            var started = new TaskCompletionSource();
            await using var registration = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
            await started.Task.WaitAsync(stoppingToken);
        }
        var clock = Stopwatch.StartNew();
        try
        {
            var request = Encoding(RequestJson());
            var members = Members();
            for (var round = 0; round < Rounds && !stoppingToken.IsCancellationRequested; round++)
            {
                var spec = JsonSerializer.Deserialize<AvailabilityRequest>(request, ApiJson.Options)!;
                if (ApiError.Validate(AvailabilityValidator.Instance, spec) is not null)
                    throw new InvalidOperationException("The warm-up's own availability request no longer validates.");
                var parsed = spec.ToSpec();
                await using (var db = await dbFactory.CreateDbContextAsync(stoppingToken))
                {
                    await AvailabilityLoader.BuildAsync(db, cache, new Caller(NoApplication, null), parsed, Day, stoppingToken);
                    await BusyTimeReader.ReadAsync(db, [NoApplication], Day, Day + Duration.FromDays(1), stoppingToken);
                }
                var query = new AvailabilityQuery([new ParticipantGroup(members, null)], parsed.RequiredDuration, parsed.QueryPeriods,
                    parsed.StartInterval, parsed.Buffer.Before, parsed.Buffer.After, Day, parsed.Zone, parsed.MaxResults);
                var slots = AvailabilityEngine.OverlappingSlots(query);
                JsonSerializer.SerializeToUtf8Bytes(new SlotsReply(slots.Select(s => new PeriodView(s.Start, s.End, AvailabilityApi.Subs(s.Participants))).ToList()), ApiJson.Options);
                var periods = AvailabilityEngine.Periods(query);
                JsonSerializer.SerializeToUtf8Bytes(new PeriodsReply(periods.Select(p => new PeriodView(p.Start, p.End, AvailabilityApi.Subs(p.Participants))).ToList()), ApiJson.Options);
                AvailabilityEngine.Slots(query);
                RoundsDone = round + 1;
            }
            LogDone(log, clock.ElapsedMilliseconds);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Only speed is at stake: the service works the same without it.
            LogFailed(log, e);
        }
    }

    private static byte[] Encoding(string json) => System.Text.Encoding.UTF8.GetBytes(json);

    private static string RequestJson() => $$$"""
        {"participants":[{"members":[{"sub":"acc_warm_up_1"},{"sub":"acc_warm_up_2"}],"required":"all"}],
         "required_duration":{"minutes":30},"start_interval":{"minutes":30},"buffer":{"before":{"minutes":5}},
         "tzid":"Europe/London","response_format":"overlapping_slots",
         "query_periods":[{"start":"{{{Text(Day)}}}","end":"{{{Text(Day + Duration.FromDays(14))}}}"}]}
        """;

    private static string Text(Instant instant) => NodaTime.Text.InstantPattern.General.Format(instant);

    /// <summary>Three members, each busy for an hour three times a day over the fortnight.</summary>
    private static List<Member> Members() => [.. Enumerable.Range(0, 3).Select(m => new Member($"acc_warm_up_{m}", null,
        [.. Enumerable.Range(0, 14 * 3).Select(i => new Interval(
            Day + Duration.FromHours((i / 3 * 24) + 8 + (i % 3 * 3) + m), Day + Duration.FromHours((i / 3 * 24) + 9 + (i % 3 * 3) + m)))]))];

    [LoggerMessage(Level = LogLevel.Debug, Message = "Availability warm-up done in {Milliseconds} ms")]
    private static partial void LogDone(ILogger logger, long milliseconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Availability warm-up stopped early")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
