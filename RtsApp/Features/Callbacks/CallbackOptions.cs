using System.Globalization;
using NodaTime;
using RtsApp.Infrastructure;

namespace RtsApp.Features.Callbacks;

/// <summary>How callbacks are delivered (SPEC §9), read once from configuration. Durations are <c>hh:mm:ss</c>.</summary>
public sealed record CallbackOptions
{
    /// <summary>An exponential schedule spanning the 24-hour retry window: 11 retries, the last about 23 h 48 min
    /// after the first attempt (before jitter).</summary>
    public static readonly IReadOnlyList<Duration> DefaultRetryDelays =
    [
        Duration.FromSeconds(30), Duration.FromMinutes(1), Duration.FromMinutes(2), Duration.FromMinutes(5),
        Duration.FromMinutes(10), Duration.FromMinutes(30), Duration.FromHours(1), Duration.FromHours(2),
        Duration.FromHours(4), Duration.FromHours(8), Duration.FromHours(8),
    ];

    /// <summary>A delivery still failing this long after it was queued is marked failed (SPEC §9: "for 24 h").</summary>
    public static readonly Duration RetryWindow = Duration.FromHours(24);

    /// <summary>How long a claimed delivery belongs to one worker; longer than any attempt can take, so a live
    /// worker never loses it, short enough that a crashed process's deliveries are soon picked up elsewhere.</summary>
    public static readonly Duration DefaultLeaseDuration = Duration.FromSeconds(60);

    /// <summary><see cref="DefaultLeaseDuration"/> unless <c>Rts:Callbacks:LeaseDuration</c> says otherwise; always longer
    /// than <see cref="Timeout"/>, so a live worker's attempt ends before anyone else may take the delivery.</summary>
    public Duration LeaseDuration { get; init; } = DefaultLeaseDuration;

    /// <summary>The delay after the n-th failed attempt is <c>RetryDelays[n-1]</c>; a failure after the last one is final.</summary>
    public IReadOnlyList<Duration> RetryDelays { get; init; } = DefaultRetryDelays;
    /// <summary>An attempt succeeds only with a 2xx status within this time.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>How often (real time) the worker looks for due deliveries when nothing was queued in this process.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>True in Development or when <c>Rts:Callbacks:AllowPrivateNetworks</c> is true: loopback and
    /// private-network targets are then allowed.</summary>
    public bool AllowPrivateNetworks { get; init; }

    public static CallbackOptions From(IConfiguration config, IHostEnvironment environment)
    {
        var options = new CallbackOptions
        {
            RetryDelays = ReadDelays(config.GetSection(ConfigKeys.CallbackRetryDelays)) ?? DefaultRetryDelays,
            Timeout = ReadPositive(config, ConfigKeys.CallbackTimeout) ?? TimeSpan.FromSeconds(10),
            PollInterval = ReadPositive(config, ConfigKeys.CallbackPollInterval) ?? TimeSpan.FromSeconds(1),
            LeaseDuration = ReadPositive(config, ConfigKeys.CallbackLeaseDuration) is { } lease ? Duration.FromTimeSpan(lease) : DefaultLeaseDuration,
            AllowPrivateNetworks = environment.IsDevelopment() || config.GetValue(ConfigKeys.CallbackAllowPrivateNetworks, false),
        };
        if (options.LeaseDuration <= Duration.FromTimeSpan(options.Timeout))
            throw new InvalidOperationException($"{ConfigKeys.CallbackLeaseDuration} must be longer than {ConfigKeys.CallbackTimeout}.");
        return options;
    }

    /// <summary>When to try again after <paramref name="attempts"/> failed attempts, or null when the delivery has
    /// failed for good (schedule exhausted or the 24-hour window over). Jitter is ±20 % of the scheduled delay
    /// (<paramref name="random"/> in [0, 1)), so receivers recovering from an outage are not hit all at once; a retry
    /// never lands after the end of the window, so the window always ends with one last attempt.</summary>
    public Instant? NextAttempt(Instant createdAt, int attempts, Instant now, double random)
    {
        var deadline = createdAt + RetryWindow;
        if (attempts < 1 || attempts > RetryDelays.Count || now >= deadline) return null;
        var delay = RetryDelays[attempts - 1];
        var jittered = Duration.FromTicks((long)(delay.TotalTicks * (0.8 + 0.4 * Math.Clamp(random, 0, 1))));
        var next = now + jittered;
        return next > deadline ? deadline : next;
    }

    /// <summary>An array (<c>RetryDelays:0</c>, <c>:1</c>, …) or one comma-separated value (handy in an environment variable).</summary>
    private static List<Duration>? ReadDelays(IConfigurationSection section)
    {
        var texts = section.GetChildren().Any()
            ? section.GetChildren().OrderBy(c => int.TryParse(c.Key, out var i) ? i : int.MaxValue).Select(c => c.Value ?? "").ToList()
            : section.Value?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToList();
        if (texts is null || texts.Count == 0) return null;
        return texts.Select(t => TimeSpan.TryParse(t, CultureInfo.InvariantCulture, out var d) && d >= TimeSpan.Zero
                ? Duration.FromTimeSpan(d)
                : throw new InvalidOperationException($"{section.Path} must list durations such as 00:00:30, not '{t}'."))
            .ToList();
    }

    private static TimeSpan? ReadPositive(IConfiguration config, string key)
    {
        var text = config[key];
        if (string.IsNullOrWhiteSpace(text)) return null;
        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var d) && d > TimeSpan.Zero
            ? d
            : throw new InvalidOperationException($"{key} must be a positive duration such as 00:00:10, not '{text}'.");
    }
}
