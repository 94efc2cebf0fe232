namespace RtsApp.Store;

/// <summary>Brings the store up to date (<see cref="StoreSetup.MigrateRtsStore"/>) and then runs the start-up work that
/// needs it (<see cref="After"/>), on a pool thread while the host starts everything else: the request pipeline, the
/// endpoints, the server. Until all of it is done, requests wait at the door (<see cref="UseStoreStartup"/>), the
/// workers have not begun their loops (<see cref="Migrated"/>) and the host's start has not completed, so whoever
/// awaits the start (Program, the tests) sees a current store. A failure fails the start, as it did when the
/// migration ran on the main thread before the host.</summary>
public sealed class StoreStartup : IHostedLifecycleService
{
    private readonly Action migrate;
    private readonly Lock gate = new();
    private readonly List<Task> work = [];
    private Task? migrated;
    private volatile bool ready;

    public StoreStartup(IServiceProvider services) : this(services.MigrateRtsStore) { }

    /// <summary>With another migration (the tests': one that waits, or fails).</summary>
    internal StoreStartup(Action migrate) => this.migrate = migrate;

    /// <summary>Starts migrating on a pool thread (once; later calls do nothing). The host's start calls it too.</summary>
    public void Begin()
    {
        lock (gate) migrated ??= Task.Run(migrate);
    }

    /// <summary>Completes when the schema is current and the data upgrades have run.</summary>
    public Task Migrated
    {
        get
        {
            Begin();
            return migrated!;
        }
    }

    /// <summary>Runs <paramref name="step"/> on a pool thread once the store is current; requests and the host's start
    /// wait for it.</summary>
    public void After(Func<Task> step)
    {
        var run = RunAfterMigratedAsync(step);
        lock (gate) work.Add(run);
    }

    private async Task RunAfterMigratedAsync(Func<Task> step)
    {
        await Migrated;
        await Task.Run(step); // not on the caller's thread (the host's start) when the store is already current
    }

    /// <summary>Completes when the store is current and every <see cref="After"/> step has finished.</summary>
    public Task Ready
    {
        get
        {
            lock (gate) return Task.WhenAll([Migrated, .. work]);
        }
    }

    /// <summary>Completes when the migration and the steps after it have ended, however they ended.</summary>
    public async Task SettledAsync() => await Ready.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);

    public Task StartingAsync(CancellationToken ct)
    {
        Begin();
        return Task.CompletedTask;
    }

    public async Task StartedAsync(CancellationToken ct)
    {
        await Ready.WaitAsync(ct);
        ready = true;
    }

    /// <summary>How long a request waits at the door (<see cref="WaitForReadyAsync"/>) before it is told to come back: a
    /// long data upgrade, or another process's migration holding the lock, must not hold clients and health checks
    /// until their own timeouts.</summary>
    internal TimeSpan DoorWait { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>What a request is told to wait before it tries again while the store is not ready: the
    /// <c>Retry-After</c> of the 503.</summary>
    internal const int RetryAfterSeconds = 5;

    /// <summary>Holds a request until <see cref="Ready"/>: only those arriving in a fresh process's first moments wait,
    /// for <see cref="DoorWait"/> at most. False when the store is still not ready then, or the start failed (the
    /// process is stopping): the caller answers 503.</summary>
    internal async Task<bool> WaitForReadyAsync(CancellationToken ct)
    {
        if (ready) return true;
        try
        {
            await Ready.WaitAsync(DoorWait, ct);
            return true;
        }
        catch (Exception) when (!ct.IsCancellationRequested)
        {
            return false;
        }
    }

    public Task StartAsync(CancellationToken ct) => Task.CompletedTask;
    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
    public Task StoppingAsync(CancellationToken ct) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken ct) => Task.CompletedTask;
}

public static class StoreStartupSetup
{
    /// <summary>The first middleware: requests wait until the store is ready (<see cref="StoreStartup"/>), or get a 503
    /// with <c>Retry-After</c>.</summary>
    public static IApplicationBuilder UseStoreStartup(this IApplicationBuilder app)
    {
        var startup = app.ApplicationServices.GetRequiredService<StoreStartup>();
        return app.Use(async (http, next) =>
        {
            if (await startup.WaitForReadyAsync(http.RequestAborted)) await next(http);
            else
            {
                http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                http.Response.Headers.RetryAfter = StoreStartup.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
        });
    }
}
