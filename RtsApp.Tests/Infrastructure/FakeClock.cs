using NodaTime;

namespace RtsApp.Tests.Infrastructure;

/// <summary>A settable clock (NodaTime.Testing is not available from this project's package source).
/// <para>Which clock a test sees: every <see cref="RtsAppFactory"/> registers one <see cref="IClock"/> that reads the
/// <em>current test's</em> clock — set with <c>using var clock = factory.UseClock(RtsAppFactory.DefaultNow)</c>, held in
/// an <see cref="AsyncLocal{T}"/> — and falls back to the factory's default <see cref="RtsAppFactory.Clock"/> when the
/// test set none. A test's clock reaches everything on its own async flow: handlers it calls directly, tasks it starts,
/// and requests made through the factory's in-memory server (which is told to preserve the execution context). So
/// tests sharing a fixture can each set and advance their own time without seeing each other's.</para>
/// <para>Background workers are different: hosted services are started with no test clock (see
/// <see cref="RtsAppFactory"/>), so the callback worker always reads the factory's default clock, and so does the app
/// behind a real Kestrel port (the browser's requests carry no test flow). A test that needs the worker to see time
/// move (retries, leases) therefore owns its factory and moves that factory's default clock (CallbackDeliveryTests,
/// the E2E re-send test). Never move the default clock of a shared fixture: that is what couples tests.</para></summary>
public sealed class FakeClock(Instant now) : IClock
{
    private long ticks = now.ToUnixTimeTicks();
    public Instant Now { get => Instant.FromUnixTimeTicks(Interlocked.Read(ref ticks)); set => Interlocked.Exchange(ref ticks, value.ToUnixTimeTicks()); }
    public Instant GetCurrentInstant() => Now;
    public void Advance(Duration d) => Now += d;
}

/// <summary>The app's <see cref="IClock"/> in tests: the current test's clock if it set one, else the default.</summary>
public sealed class TestClock(FakeClock defaultClock) : IClock
{
    private readonly AsyncLocal<FakeClock?> current = new();

    public FakeClock Default { get; } = defaultClock;

    /// <summary>The clock the current async flow sees.</summary>
    public FakeClock Current => current.Value ?? Default;

    public Instant GetCurrentInstant() => Current.GetCurrentInstant();

    /// <summary>Gives the calling flow its own clock at <paramref name="now"/> until the scope is disposed. Call it from
    /// the test method itself (or a synchronous helper): a value set inside an awaited async helper is lost when that
    /// helper returns.</summary>
    public ClockScope Use(Instant now)
    {
        var previous = current.Value;
        var clock = new FakeClock(now);
        current.Value = clock;
        return new ClockScope(clock, () => current.Value = previous);
    }

    /// <summary>Runs <paramref name="action"/> with no test clock, so that whatever it starts (hosted services) reads the
    /// default clock for good rather than the clock of the test that happened to start the host.</summary>
    public T WithoutTestClock<T>(Func<T> action)
    {
        var previous = current.Value;
        current.Value = null;
        try
        {
            return action();
        }
        finally
        {
            current.Value = previous;
        }
    }
}

/// <summary>A test's own clock (<see cref="TestClock.Use"/>); disposing it gives the flow back the clock it had before.</summary>
public sealed class ClockScope(FakeClock clock, Action restore) : IDisposable
{
    public FakeClock Clock { get; } = clock;
    public Instant Now { get => Clock.Now; set => Clock.Now = value; }
    public void Advance(Duration d) => Clock.Advance(d);
    public void Dispose() => restore();
}
