using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using RtsApp.Infrastructure;
using RtsApp.Store;
using RtsApp.Tests.Infrastructure;

namespace RtsApp.Tests.Store;

/// <summary>The store is migrated on a pool thread while the host starts (<see cref="StoreStartup"/>): nothing that
/// needs it may run before it is current, and a failure must still fail the start. Each migration here is held by the
/// test, so "not yet" is a state the code cannot leave on its own, not a race.</summary>
public sealed class StoreStartupTests
{
    [Fact]
    public async Task Request_BeforeTheStoreIsReady_WaitsAtTheDoor_ThenRuns()
    {
        using var release = new ManualResetEventSlim();
        var startup = new StoreStartup(() => release.Wait());
        var (pipeline, ran) = Pipeline(startup);

        var http = new DefaultHttpContext();
        var request = pipeline(http);
        request.IsCompleted.ShouldBeFalse("the request must wait while the store is migrated");
        ran().ShouldBe(0);

        release.Set();
        await request.WaitAsync(Eventually.Limit);
        ran().ShouldBe(1);
        http.Response.StatusCode.ShouldBe(StatusCodes.Status204NoContent);
    }

    [Fact]
    public async Task Request_WhenTheStoreIsNotReadyWithinTheDoorWait_Gets503WithRetryAfter_AndLaterOnesRun()
    {
        using var release = new ManualResetEventSlim();
        var startup = new StoreStartup(() => release.Wait()) { DoorWait = TimeSpan.FromMilliseconds(50) };
        var (pipeline, ran) = Pipeline(startup);

        var early = new DefaultHttpContext();
        await pipeline(early).WaitAsync(Eventually.Limit);
        early.Response.StatusCode.ShouldBe(StatusCodes.Status503ServiceUnavailable);
        early.Response.Headers.RetryAfter.ToString().ShouldBe("5");
        ran().ShouldBe(0);

        release.Set();
        await startup.Ready.WaitAsync(Eventually.Limit);
        var later = new DefaultHttpContext();
        await pipeline(later).WaitAsync(Eventually.Limit);
        later.Response.StatusCode.ShouldBe(StatusCodes.Status204NoContent);
        ran().ShouldBe(1);
    }

    [Fact]
    public async Task FailedMigration_FailsTheStart_AndRequestsGet503()
    {
        var startup = new StoreStartup(() => throw new InvalidOperationException("database unreachable"));
        var (pipeline, ran) = Pipeline(startup);

        await startup.StartingAsync(CancellationToken.None);
        (await Should.ThrowAsync<InvalidOperationException>(() => startup.StartedAsync(CancellationToken.None)))
            .Message.ShouldBe("database unreachable");
        var http = new DefaultHttpContext();
        await pipeline(http).WaitAsync(Eventually.Limit);
        http.Response.StatusCode.ShouldBe(StatusCodes.Status503ServiceUnavailable);
        ran().ShouldBe(0);
    }

    [Fact]
    public async Task AfterStep_RunsOnceMigrated_AndTheStartWaitsForIt()
    {
        using var releaseMigration = new ManualResetEventSlim();
        var migrated = false;
        var startup = new StoreStartup(() =>
        {
            releaseMigration.Wait();
            migrated = true;
        });
        var step = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stepSawMigrated = (bool?)null;
        startup.After(() =>
        {
            stepSawMigrated = migrated;
            return step.Task;
        });

        await startup.StartingAsync(CancellationToken.None);
        var started = startup.StartedAsync(CancellationToken.None);
        stepSawMigrated.ShouldBeNull("the step must not run before the migration ends");
        releaseMigration.Set();
        await Eventually.HoldsAsync(() => stepSawMigrated, s => s is not null, "the step ran");
        stepSawMigrated.ShouldBe(true);
        started.IsCompleted.ShouldBeFalse("the start must wait for the step");

        step.SetResult();
        await started.WaitAsync(Eventually.Limit);
    }

    [Fact]
    public async Task FailedAfterStep_FailsTheStart()
    {
        var startup = new StoreStartup(() => { });
        startup.After(() => throw new InvalidOperationException("admin password not stored"));
        await startup.StartingAsync(CancellationToken.None);
        (await Should.ThrowAsync<InvalidOperationException>(() => startup.StartedAsync(CancellationToken.None)))
            .Message.ShouldBe("admin password not stored");
    }

    [Fact]
    public async Task WorkerLoop_RunsNoRound_BeforeTheStoreIsMigrated()
    {
        using var release = new ManualResetEventSlim();
        using var stop = new CancellationTokenSource();
        var (loop, rounds) = WorkerLoop(new StoreStartup(() => release.Wait()), stop.Token);

        rounds().ShouldBe(0);
        release.Set();
        await Eventually.HoldsAsync(rounds, n => n >= 1, "the first round ran once migrated");
        await stop.CancelAsync();
        await loop.WaitAsync(Eventually.Limit);
    }

    [Fact]
    public async Task WorkerLoop_StoppedWhileWaitingForTheStore_EndsWithoutARound()
    {
        using var release = new ManualResetEventSlim();
        using var stop = new CancellationTokenSource();
        var (loop, rounds) = WorkerLoop(new StoreStartup(() => release.Wait()), stop.Token);

        await stop.CancelAsync();
        await loop.WaitAsync(Eventually.Limit);
        release.Set();
        rounds().ShouldBe(0);
    }

    [Fact]
    public void App_WhoseStoreCannotBeMigrated_FailsToStart_WithTheMigrationsError()
    {
        using var factory = RtsAppFactory.With(new Dictionary<string, string?>
        {
            [ConfigKeys.DatabaseProvider] = DatabaseProviders.Sqlite,
            ["ConnectionStrings:" + ConfigKeys.ConnectionStringName] = "Data Source=/proc/rts-no-such-folder/rts.db",
        });
        var error = Should.Throw<Exception>(() => factory.CreateClient());
        error.ShouldNotBeAssignableTo<OperationCanceledException>();
        error.ToString().ShouldContain("/proc/rts-no-such-folder");
    }

    [Fact]
    public async Task App_LoadsDataProtectionKeys_AfterTheMigration_NotWhileTheHostStarts()
    {
        using var factory = new RtsAppFactory();
        factory.CreateClient();
        // Any of Data Protection's own hosted services (by namespace, so that a renamed one is caught too) would load the
        // key ring synchronously while the host starts.
        factory.Services.GetServices<IHostedService>().Select(s => s.GetType().FullName)
            .ShouldNotContain(name => name!.StartsWith("Microsoft.AspNetCore.DataProtection.", StringComparison.Ordinal));
        await using var db = factory.Db();
        (await db.DataProtectionKeys.CountAsync()).ShouldBe(1, "the key ring was made at start, once");
    }

    /// <summary>A worker's loop (<see cref="LeasedWorkLoop"/>) whose rounds only count themselves, woken by nothing but
    /// stopping; and how many rounds it has run.</summary>
    private static (Task Loop, Func<int> Rounds) WorkerLoop(StoreStartup startup, CancellationToken stop)
    {
        var rounds = 0;
        var loop = LeasedWorkLoop.RunAsync(startup, _ =>
        {
            Interlocked.Increment(ref rounds);
            return Task.FromResult(0);
        }, () => Task.Delay(Timeout.Infinite, stop), batch: 1, TimeSpan.FromHours(1), _ => { }, stop);
        return (loop, () => Volatile.Read(ref rounds));
    }

    /// <summary>The app's door (<see cref="StoreStartupSetup.UseStoreStartup"/>) in front of an endpoint that counts its runs.</summary>
    private static (RequestDelegate Pipeline, Func<int> Ran) Pipeline(StoreStartup startup)
    {
        var services = new ServiceCollection().AddSingleton(startup).BuildServiceProvider();
        var ran = 0;
        var app = new ApplicationBuilder(services);
        app.UseStoreStartup();
        app.Run(http =>
        {
            Interlocked.Increment(ref ran);
            http.Response.StatusCode = StatusCodes.Status204NoContent;
            return Task.CompletedTask;
        });
        return (app.Build(), () => Volatile.Read(ref ran));
    }
}
