namespace RtsApp.Tests.Infrastructure;

/// <summary>Bounded polling for what a background worker does: returns as soon as the condition holds, fails the
/// test with <paramref name="what"/> when it has not held within the limit.</summary>
public static class Eventually
{
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(15);

    public static async Task<T> HoldsAsync<T>(Func<Task<T>> read, Func<T, bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Limit;
        while (true)
        {
            var value = await read();
            if (condition(value)) return value;
            if (DateTime.UtcNow > deadline) throw new ShouldAssertException($"not within {Limit.TotalSeconds} s: {what}; last seen {value}");
            await Task.Delay(50);
        }
    }

    public static Task<T> HoldsAsync<T>(Func<T> read, Func<T, bool> condition, string what) =>
        HoldsAsync(() => Task.FromResult(read()), condition, what);
}
