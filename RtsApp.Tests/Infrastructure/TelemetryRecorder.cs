using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using RtsApp.Infrastructure.Telemetry;

namespace RtsApp.Tests.Infrastructure;

/// <summary>One measurement as a listener saw it.</summary>
public sealed record Measured(string Instrument, double Value, IReadOnlyDictionary<string, object?> Tags)
{
    public string? Tag(string key) => Tags.TryGetValue(key, out var v) ? v?.ToString() : null;
}

/// <summary>Records what the app emits in this process, as <c>dotnet-counters</c> or an OpenTelemetry SDK would see
/// it: every measurement of the <see cref="RtsTelemetry.Meter"/> (a <see cref="MeterListener"/>) and every stopped
/// activity of the <see cref="RtsTelemetry.Source"/> and of HttpClient's native source (an <see cref="ActivityListener"/>).
/// Listeners are process-wide, so tests using one run in <see cref="TelemetryCollection"/>, alone.</summary>
public sealed class TelemetryRecorder : IDisposable
{
    public const string HttpClientSource = "System.Net.Http";

    private readonly MeterListener meters = new();
    private readonly ActivityListener activities;
    private readonly ConcurrentQueue<Measured> measured = new();
    private readonly ConcurrentQueue<Activity> stopped = new();

    public TelemetryRecorder()
    {
        meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == RtsTelemetry.Name) listener.EnableMeasurementEvents(instrument);
        };
        meters.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
        meters.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
        meters.SetMeasurementEventCallback<int>((i, v, tags, _) => Record(i, v, tags));
        meters.Start();
        activities = new ActivityListener
        {
            ShouldListenTo = s => s.Name is RtsTelemetry.Name or HttpClientSource,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(activities);
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags) =>
        measured.Enqueue(new Measured(instrument.Name, value, new Dictionary<string, object?>(tags.ToArray())));

    public IReadOnlyList<Measured> Of(string instrument) => measured.Where(m => m.Instrument == instrument).ToList();

    public IReadOnlyList<Activity> Spans(string name) => stopped.Where(a => a.OperationName == name).ToList();

    public IReadOnlyList<Activity> ChildrenOf(Activity parent) => stopped.Where(a => a.ParentSpanId == parent.SpanId).ToList();

    /// <summary>Reads the observable instruments now, as a scrape would, and returns what <paramref name="instrument"/> said.</summary>
    public IReadOnlyList<Measured> Observe(string instrument)
    {
        meters.RecordObservableInstruments();
        return Of(instrument);
    }

    public void Dispose()
    {
        meters.Dispose();
        activities.Dispose();
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TelemetryCollection
{
    public const string Name = "telemetry";
}
