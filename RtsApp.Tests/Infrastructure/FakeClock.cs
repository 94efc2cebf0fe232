using NodaTime;

namespace RtsApp.Tests.Infrastructure;

/// <summary>A settable clock (NodaTime.Testing is not available from this project's package source).</summary>
public sealed class FakeClock(Instant now) : IClock
{
    private long ticks = now.ToUnixTimeTicks();
    public Instant Now { get => Instant.FromUnixTimeTicks(Interlocked.Read(ref ticks)); set => Interlocked.Exchange(ref ticks, value.ToUnixTimeTicks()); }
    public Instant GetCurrentInstant() => Now;
    public void Advance(Duration d) => Now += d;
}
