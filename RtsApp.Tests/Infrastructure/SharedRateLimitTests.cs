using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NodaTime;
using RtsApp.Infrastructure;
using RtsApp.Store;

namespace RtsApp.Tests.Infrastructure;

/// <summary>SPEC §11's rate limits. On PostgreSQL several processes serve one application: the counts are in the
/// database, so two app instances on one database (two processes behind a load balancer) allow the configured limit
/// together, not each. The windows behave the same in memory (SQLite) and in the database, and a database that does not
/// count lets requests through.</summary>
public sealed class SharedRateLimitTests
{
    [PostgresFact]
    public async Task PerMinuteLimit_IsSharedByTwoInstances_AndOpensAgainWhenTheWindowEnds()
    {
        var settings = new Dictionary<string, string?> { [ConfigKeys.RateLimitPerMinute] = "4" };
        await using var first = RtsAppFactory.With(settings);
        await using var second = RtsAppFactory.SharingDatabaseWith(first, settings);
        second.Clock.Now = first.Clock.Now;
        var viaFirst = await first.CreateApiClientAsync("Busy");
        var viaSecond = new ApiClient(second.CreateClient(), viaFirst.ClientId, viaFirst.Secret);
        var other = await first.CreateApiClientAsync("Quiet");

        for (var i = 0; i < 2; i++)
        {
            await viaFirst.GetOkAsync("/v1/accounts");
            await viaSecond.GetOkAsync("/v1/accounts");
        }
        var refused = await viaFirst.GetAsync("/v1/accounts");
        await ApiClient.ErrorAsync(refused, 429);
        refused.Headers.RetryAfter!.Delta.ShouldBe(TimeSpan.FromSeconds(60));
        await ApiClient.ErrorAsync(await viaSecond.GetAsync("/v1/accounts"), 429);
        await other.GetOkAsync("/v1/accounts");

        first.Clock.Advance(Duration.FromSeconds(45));
        second.Clock.Now = first.Clock.Now;
        (await viaSecond.GetAsync("/v1/accounts")).Headers.RetryAfter!.Delta.ShouldBe(TimeSpan.FromSeconds(15));
        first.Clock.Advance(Duration.FromSeconds(15));
        second.Clock.Now = first.Clock.Now;
        await viaSecond.GetOkAsync("/v1/accounts");
        await viaFirst.GetOkAsync("/v1/accounts");
    }

    /// <summary>Both providers: the same windows in memory (SQLite) and in the database (PostgreSQL).</summary>
    [Fact]
    public async Task BothWindows_ARefusalCountsInNeither_AndRetryAfterIsTheTimeLeft()
    {
        await using var app = RtsAppFactory.With(new Dictionary<string, string?>
        {
            [ConfigKeys.RateLimitPerSecond] = "2",
            [ConfigKeys.RateLimitPerMinute] = "3",
        });
        var api = await app.CreateApiClientAsync();

        await api.GetOkAsync("/v1/accounts");
        await api.GetOkAsync("/v1/accounts");
        app.Clock.Advance(Duration.FromMilliseconds(300));
        var perSecond = await api.GetAsync("/v1/accounts"); // the second's two are taken
        await ApiClient.ErrorAsync(perSecond, 429);
        perSecond.Headers.RetryAfter!.Delta.ShouldBe(TimeSpan.FromSeconds(1)); // 0.7 s left, in whole seconds

        app.Clock.Advance(Duration.FromMilliseconds(700));
        await api.GetOkAsync("/v1/accounts"); // the minute's third: the refusal above took none of the minute's
        app.Clock.Advance(Duration.FromSeconds(10));
        var perMinute = await api.GetAsync("/v1/accounts");
        await ApiClient.ErrorAsync(perMinute, 429);
        perMinute.Headers.RetryAfter!.Delta.ShouldBe(TimeSpan.FromSeconds(49));
        // Had the refusals kept their per-second permits, the second's two would be taken after two more, and the next
        // refused by it, with a second to wait; each is refused by the minute instead.
        for (var i = 0; i < 2; i++)
            (await api.GetAsync("/v1/accounts")).Headers.RetryAfter!.Delta.ShouldBe(TimeSpan.FromSeconds(49));
    }

    [Fact]
    public async Task DatabaseNotAnswering_LetsTheRequestThrough_AndSaysSo()
    {
        var log = new RecordingLogger();
        using var limits = new ApplicationRateLimits(Options.Create(new RateLimitOptions { PermitsPerSecond = 1, PermitsPerMinute = 1 }),
            Options.Create(new DatabaseOptions { Provider = DatabaseProviders.Postgres }), new Unreachable(), new FakeClock(RtsAppFactory.DefaultNow), log);

        for (var i = 0; i < 3; i++)
        {
            using var lease = await limits.AcquireAsync("app_x", default);
            lease.IsAcquired.ShouldBeTrue();
        }
        log.Warnings.Count.ShouldBe(1, "one warning per 10 s while the database does not answer");
        log.Warnings[0].ShouldContain("app:app_x");
    }

    [Fact]
    public async Task DatabaseNotAnsweringInTime_LetsTheRequestThrough()
    {
        var log = new RecordingLogger();
        using var limits = new ApplicationRateLimits(Options.Create(new RateLimitOptions { PermitsPerSecond = 1, PermitsPerMinute = 1 }),
            Options.Create(new DatabaseOptions { Provider = DatabaseProviders.Postgres }), new Hanging(), new FakeClock(RtsAppFactory.DefaultNow), log);

        using var lease = await limits.AcquireAsync("app_x", default).AsTask().WaitAsync(Eventually.Limit);

        lease.IsAcquired.ShouldBeTrue();
        log.Warnings.ShouldHaveSingleItem();
    }

    private sealed class Hanging : IDbContextFactory<RtsDbContext>
    {
        public RtsDbContext CreateDbContext() => throw new NotSupportedException();

        public async Task<RtsDbContext> CreateDbContextAsync(CancellationToken ct = default)
        {
            await Task.Delay(Timeout.Infinite, ct);
            throw new NotSupportedException();
        }
    }

    private sealed class Unreachable : IDbContextFactory<RtsDbContext>
    {
        public RtsDbContext CreateDbContext() => throw new InvalidOperationException("the database did not answer");
    }

    private sealed class RecordingLogger : ILogger<ApplicationRateLimits>
    {
        public List<string> Warnings { get; } = [];
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel == LogLevel.Warning && exception is not null) lock (Warnings) Warnings.Add(formatter(state, exception));
        }
    }
}
