using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace RtsApp.Infrastructure.Telemetry;

/// <summary>Every metric and trace the service emits of its own, in one place: the <c>RtsApp</c> meter (read live by
/// <c>dotnet-counters monitor --counters RtsApp</c>, exported over OTLP by <see cref="TelemetryExport"/>) and the
/// <c>RtsApp</c> activity source. Instruments cost next to nothing while nothing listens; tag values are few and fixed
/// (outcomes, kinds, formats), never ids, so a metric's series stay bounded. Ids belong on the activities.</summary>
public static class RtsTelemetry
{
    /// <summary>The meter's and the activity source's name.</summary>
    public const string Name = "RtsApp";

    public static readonly ActivitySource Source = new(Name);
    public static readonly Meter Meter = new(Name);

    /// <summary>The outcome tag's values shared by several operations; each operation documents its own.</summary>
    public static class Outcomes
    {
        /// <summary>Set by default: the operation ended without saying how (an exception, a cancellation).</summary>
        public const string Error = "error";
        public const string Ok = "ok";
        public const string Invalid = "invalid";
        public const string Booked = "booked";
        public const string Taken = "taken";
        public const string NotOpen = "not_open";
        public const string Unconfirmed = "unconfirmed";
        public const string NotFound = "not_found";
        public const string Delivered = "delivered";
        public const string Failed = "failed";
    }

    private static readonly InstrumentAdvice<int> CountBuckets = new() { HistogramBucketBoundaries = [0, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000] };

    public static readonly Histogram<double> AvailabilityDuration = Meter.CreateHistogram<double>("rts.availability.duration", "ms",
        "Time to answer an availability query (validation, loading, the engine), by operation and outcome.");
    public static readonly Histogram<int> AvailabilityResults = Meter.CreateHistogram("rts.availability.results", "{result}",
        "Periods, slots or sequences one successful availability query returned, by operation.", advice: CountBuckets);

    public static readonly Histogram<double> PageDuration = Meter.CreateHistogram<double>("rts.page.duration", "ms",
        "Time to load a scheduling page (its link and the times it offers), by the link's status.");
    public static readonly Counter<long> PageRenders = Meter.CreateCounter<long>("rts.page.renders", "{render}",
        "Scheduling pages loaded, by the link's status (open, completed, disabled, expired, not_found).");

    public static readonly Counter<long> Bookings = Meter.CreateCounter<long>("rts.bookings", "{booking}",
        "Booking attempts, by outcome (booked, taken, not_open, not_found, error).");

    public static readonly Histogram<double> CallbackDuration = Meter.CreateHistogram<double>("rts.callback.duration", "ms",
        "Time of one callback delivery attempt, by kind and outcome (delivered, failed).");
    public static readonly Counter<long> CallbackFailures = Meter.CreateCounter<long>("rts.callback.failures", "{attempt}",
        "Callback delivery attempts that did not deliver (non-2xx, timeout, refused target), by kind.");
    public static readonly ObservableGauge<long> CallbackQueueDepth = Meter.CreateObservableGauge("rts.callback.queue_depth",
        () => Volatile.Read(ref callbackQueueDepth), "{delivery}",
        "Pending callback deliveries (due or waiting to retry), as the callback worker last counted them.");

    public static readonly Histogram<double> SyncDuration = Meter.CreateHistogram<double>("rts.calendar_sync.duration", "ms",
        "Time of one calendar connection sync, by source and outcome.");
    public static readonly Counter<long> SyncFailures = Meter.CreateCounter<long>("rts.calendar_sync.failures", "{sync}",
        "Calendar connection syncs that failed, by source.");
    public static readonly ObservableGauge<double> SyncStaleness = Meter.CreateObservableGauge("rts.calendar_sync.staleness",
        () => Volatile.Read(ref syncStalenessSeconds), "s",
        "Age of the oldest successful calendar connection sync, as the sync worker last reported it.");
    public static readonly Counter<long> WriteBacks = Meter.CreateCounter<long>("rts.calendar_writebacks", "{event}",
        "Events written back to a connected calendar server, by outcome.");

    public static readonly Counter<long> BusyCalendarReads = Meter.CreateCounter<long>("rts.availability.busy_reads", "{calendar}",
        "Calendars whose busy time an availability question needed, by source: cache (unchanged since last read) or database.");

    private static long callbackQueueDepth;
    private static double syncStalenessSeconds;

    /// <summary>Counts the calendars one question took from the busy-time cache and from the database.</summary>
    public static void RecordBusyReads(int cached, int read)
    {
        if (!BusyCalendarReads.Enabled) return;
        if (cached > 0) BusyCalendarReads.Add(cached, new KeyValuePair<string, object?>("source", "cache"));
        if (read > 0) BusyCalendarReads.Add(read, new KeyValuePair<string, object?>("source", "database"));
    }

    /// <summary>An availability query: <paramref name="operation"/> is <c>availability</c> or <c>sequenced_availability</c>.
    /// Set <see cref="RtsOperation.Outcome"/> (<c>ok</c> or <c>invalid</c>) and, when ok, <see cref="RtsOperation.Count"/>.</summary>
    public static RtsOperation StartAvailability(string operation) =>
        new(Source.StartActivity("availability.query"), op =>
        {
            var which = Tag("operation", operation);
            AvailabilityDuration.Record(op.ElapsedMilliseconds, which, Tag("outcome", op.Outcome));
            if (op.Count is { } n) AvailabilityResults.Record(n, which);
        }, ("rts.operation", operation));

    /// <summary>A scheduling page load; set <see cref="RtsOperation.Outcome"/> to the link's status or <c>not_found</c>.</summary>
    public static RtsOperation StartPageRender() =>
        new(Source.StartActivity("page.render"), static op =>
        {
            var status = Tag("status", op.Outcome);
            PageDuration.Record(op.ElapsedMilliseconds, status);
            PageRenders.Add(1, status);
        });

    /// <summary>A booking attempt; set <see cref="RtsOperation.Outcome"/> to booked, taken, not_open or not_found.</summary>
    public static RtsOperation StartBooking() =>
        new(Source.StartActivity("booking"), static op => Bookings.Add(1, Tag("outcome", op.Outcome)));

    /// <summary>One callback delivery attempt of <paramref name="kind"/>; set <see cref="RtsOperation.Outcome"/> to
    /// delivered or failed.</summary>
    public static RtsOperation StartCallbackDelivery(string kind, string deliveryId) =>
        new(Source.StartActivity("callback.delivery"), op =>
        {
            var k = Tag("kind", kind);
            CallbackDuration.Record(op.ElapsedMilliseconds, k, Tag("outcome", op.Outcome));
            if (op.Outcome != Outcomes.Delivered) CallbackFailures.Add(1, k);
        }, ("rts.callback.kind", kind), ("rts.callback.delivery_id", deliveryId));

    /// <summary>What the callback worker counted on its last poll (<see cref="CallbackQueueDepth"/> reads it, so a scrape
    /// never queries the database).</summary>
    public static void ReportCallbackQueueDepth(long pending) => Volatile.Write(ref callbackQueueDepth, pending);

    /// <summary>True while something observes the queue depth: the worker counts only then.</summary>
    public static bool CallbackQueueDepthObserved => CallbackQueueDepth.Enabled;

    /// <summary>One sync of a calendar connection from <paramref name="source"/> (e.g. <c>ics</c>, <c>caldav</c>): traced,
    /// and recorded by <see cref="RecordSync"/> when disposed. Set <see cref="RtsOperation.Outcome"/> to ok or failed.</summary>
    public static RtsOperation StartSync(string source) =>
        new(Source.StartActivity("calendar.sync"), op => RecordSync(source, op.Elapsed, op.Outcome == Outcomes.Ok),
            ("rts.sync.source", source));

    /// <summary>One calendar sync that the caller timed itself.</summary>
    public static void RecordSync(string source, TimeSpan duration, bool succeeded)
    {
        var s = Tag("source", source);
        SyncDuration.Record(duration.TotalMilliseconds, s, Tag("outcome", succeeded ? Outcomes.Ok : Outcomes.Failed));
        if (!succeeded) SyncFailures.Add(1, s);
    }

    /// <summary>The age of the oldest successful sync among the connections, as the sync worker sees it on its poll.</summary>
    public static void ReportSyncStaleness(TimeSpan oldest) => Volatile.Write(ref syncStalenessSeconds, Math.Max(0, oldest.TotalSeconds));

    /// <summary>One event written back to a calendar server; set <see cref="RtsOperation.Outcome"/> (ok, failed, ...).</summary>
    public static RtsOperation StartWriteBack() =>
        new(Source.StartActivity("calendar.writeback"), static op => WriteBacks.Add(1, Tag("outcome", op.Outcome)));

    private static KeyValuePair<string, object?> Tag(string key, object? value) => new(key, value);
}
