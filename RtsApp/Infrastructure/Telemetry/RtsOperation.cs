using System.Diagnostics;

namespace RtsApp.Infrastructure.Telemetry;

/// <summary>One measured operation, made by an <see cref="RtsTelemetry"/> <c>Start…</c> method and used with
/// <c>using</c>: its activity (null when nothing traces) runs until disposed, and its duration and
/// <see cref="Outcome"/> are recorded then. An operation left without an outcome (an exception, a cancellation) is
/// recorded as <see cref="RtsTelemetry.Outcomes.Error"/>; its activity is marked as an error then and when it failed.</summary>
public sealed class RtsOperation : IDisposable
{
    private readonly long started = Stopwatch.GetTimestamp();
    private readonly Action<RtsOperation> record;
    private bool disposed;

    internal RtsOperation(Activity? activity, Action<RtsOperation> record, params (string Key, string Value)[] tags)
    {
        Activity = activity;
        this.record = record;
        if (activity is null) return;
        foreach (var (key, value) in tags) activity.SetTag(key, value);
    }

    /// <summary>The operation's span, for ids and details worth a trace (never a secret such as a link's token).</summary>
    public Activity? Activity { get; }

    /// <summary>How it ended: one of <see cref="RtsTelemetry.Outcomes"/> or a link status; a metric tag, so few values.</summary>
    public string Outcome { get; set; } = RtsTelemetry.Outcomes.Error;

    /// <summary>How many results it produced, for operations that count them.</summary>
    public int? Count { get; set; }

    public TimeSpan Elapsed => Stopwatch.GetElapsedTime(started);

    public double ElapsedMilliseconds => Elapsed.TotalMilliseconds;

    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        record(this);
        if (Activity is null) return;
        Activity.SetTag("rts.outcome", Outcome);
        if (Count is { } n) Activity.SetTag("rts.count", n);
        if (Outcome is RtsTelemetry.Outcomes.Error or RtsTelemetry.Outcomes.Failed) Activity.SetStatus(ActivityStatusCode.Error);
        Activity.Dispose();
    }
}
