using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using NodaTime;
using RtsApp.Infrastructure.Telemetry;
using RtsApp.Store;

namespace RtsApp.Features.Availability;

/// <summary>A calendar as availability reads it: its id and its <see cref="Calendar.BusyVersion"/> as read with the members.</summary>
public readonly record struct VersionedCalendar(string Id, long Version);

/// <summary>Each calendar's busy time (its opaque events, sorted by start) over a window, kept in memory under the
/// calendar's <see cref="Calendar.BusyVersion"/>, so that an availability question whose calendars have not changed reads
/// no event at all.
/// <para>Why it is never stale, also with several processes on one database: every change to a calendar's events adds
/// one to its version in the same transaction (database triggers, whatever path made the change), and every question
/// reads the versions afresh with its members (one query it makes anyway). A cached entry is used only under the exact
/// version just read and only for a window it covers. An entry is stored under the version read <em>before</em> its
/// events, so at worst it holds newer events than its version says, and the next question, seeing the newer version,
/// reads again. Reads inside a transaction are never stored: they may include that transaction's own uncommitted writes,
/// whose version number another writer could reuse after a rollback.</para>
/// <para>Bounded: at most <see cref="AvailabilityOptions.BusyCacheIntervals"/> intervals in all; past that it starts
/// again empty.</para></summary>
public sealed class BusyTimeCache
{
    /// <summary>A missed calendar is read over the question's window widened to whole blocks of this length (and one more
    /// block at the end), so that questions over a moving "from now" window keep hitting the same entry.</summary>
    private static readonly Duration Block = Duration.FromDays(28);

    /// <summary>Wider than this, a window is read as asked rather than merged with the cached one.</summary>
    private static readonly Duration MaxMergedWindow = Duration.FromDays(800);

    private sealed record Entry(long Version, Instant From, Instant To, Interval[] Busy, Duration Longest);

    private readonly ConcurrentDictionary<string, Entry> entries = new(StringComparer.Ordinal);
    private readonly int capacity;
    private long held;

    public BusyTimeCache() : this(new AvailabilityOptions().BusyCacheIntervals) { }

    public BusyTimeCache(IOptions<AvailabilityOptions> options) : this(options.Value.BusyCacheIntervals) { }

    public BusyTimeCache(int capacity) => this.capacity = capacity;

    /// <summary>How many calendars have an entry (for tests and metrics).</summary>
    public int Count => entries.Count;

    /// <summary>The opaque events of each calendar that overlap [<paramref name="from"/>, <paramref name="to"/>) — possibly
    /// with a few more around it, which a reader must treat as it treats any busy time outside its window — in the order
    /// of <paramref name="calendars"/>, from memory where the version matches and from the database otherwise.</summary>
    public async Task<IReadOnlyList<Interval>[]> ReadAsync(
        RtsDbContext db, IReadOnlyList<VersionedCalendar> calendars, Instant from, Instant to, CancellationToken ct)
    {
        var result = new IReadOnlyList<Interval>[calendars.Count];
        List<int>? missed = null;
        for (var i = 0; i < calendars.Count; i++)
        {
            if (entries.TryGetValue(calendars[i].Id, out var entry) && entry.Version == calendars[i].Version
                && entry.From <= from && to <= entry.To)
                result[i] = Slice(entry, from, to);
            else
                (missed ??= []).Add(i);
        }
        RtsTelemetry.RecordBusyReads(calendars.Count - (missed?.Count ?? 0), missed?.Count ?? 0);
        if (missed is null) return result;

        var store = capacity > 0 && db.Database.CurrentTransaction is null;
        var (readFrom, readTo) = store ? Widen(calendars, missed, from, to) : (from, to);
        var ids = missed.Select(i => calendars[i].Id).ToList();
        var read = await BusyTimeReader.ReadAsync(db, ids, readFrom, readTo, ct);
        for (var k = 0; k < missed.Count; k++)
        {
            var busy = read[k];
            var i = missed[k];
            if (!store)
            {
                result[i] = busy;
                continue;
            }
            Array.Sort(busy, static (a, b) => a.Start.CompareTo(b.Start));
            var longest = Duration.Zero;
            foreach (var interval in busy)
                if (interval.Duration > longest) longest = interval.Duration;
            var entry = new Entry(calendars[i].Version, readFrom, readTo, busy, longest);
            Store(calendars[i].Id, entry);
            result[i] = Slice(entry, from, to);
        }
        return result;
    }

    /// <summary>The block-aligned window around [from, to), merged with what the missed calendars had cached when that
    /// stays small: a question over another part of the year then extends the entry instead of replacing it.</summary>
    private (Instant From, Instant To) Widen(IReadOnlyList<VersionedCalendar> calendars, List<int> missed, Instant from, Instant to)
    {
        var blockTicks = Block.BclCompatibleTicks;
        var start = Instant.FromUnixTimeTicks(FloorDiv(from.ToUnixTimeTicks(), blockTicks) * blockTicks);
        var end = Instant.FromUnixTimeTicks((FloorDiv(to.ToUnixTimeTicks() - 1, blockTicks) + 2) * blockTicks);
        var (mergedStart, mergedEnd) = (start, end);
        foreach (var i in missed)
        {
            if (!entries.TryGetValue(calendars[i].Id, out var old)) continue;
            if (old.From < mergedStart) mergedStart = old.From;
            if (old.To > mergedEnd) mergedEnd = old.To;
        }
        return mergedEnd - mergedStart <= MaxMergedWindow ? (mergedStart, mergedEnd) : (start, end);
    }

    private static long FloorDiv(long a, long b) => a >= 0 ? a / b : ((a + 1) / b) - 1;

    private void Store(string calendarId, Entry entry)
    {
        if (entry.Busy.Length > capacity) return;
        if (Interlocked.Add(ref held, entry.Busy.Length) > capacity)
        {
            // Full: start again rather than track recency on every read. Counting is approximate under races, which
            // only moves the moment of the next reset.
            entries.Clear();
            Interlocked.Exchange(ref held, entry.Busy.Length);
        }
        // A slower reader must not replace a newer version's entry with an older one.
        entries.AddOrUpdate(calendarId, entry, (_, old) =>
        {
            var kept = old.Version > entry.Version ? old : entry;
            Interlocked.Add(ref held, -(kept == old ? entry : old).Busy.Length);
            return kept;
        });
    }

    /// <summary>The sorted events that may overlap [from, to): from the first that starts late enough to reach
    /// <paramref name="from"/> (no event is longer than <see cref="Entry.Longest"/>) to the last that starts before
    /// <paramref name="to"/>.</summary>
    private static ArraySegment<Interval> Slice(Entry entry, Instant from, Instant to)
    {
        var busy = entry.Busy;
        var lo = FirstStartingAtOrAfter(busy, from - entry.Longest);
        var hi = FirstStartingAtOrAfter(busy, to);
        return new ArraySegment<Interval>(busy, lo, Math.Max(0, hi - lo));
    }

    private static int FirstStartingAtOrAfter(Interval[] sorted, Instant instant)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (sorted[mid].Start < instant) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }
}
