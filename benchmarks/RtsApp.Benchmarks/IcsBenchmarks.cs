using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using NodaTime;
using RtsApp.ICalendar;

namespace RtsApp.Benchmarks;

/// <summary>What one feed sync costs in the reader (SPEC §13): a generated 5,000-event feed — 4,000 single events
/// over a year and 1,000 recurring ones (weekly, daily with COUNT, monthly by weekday, some with EXDATEs and an
/// override), in three zones — parsed and expanded over the sync window (now − 1 day to now + 400 days).</summary>
[MemoryDiagnoser]
public class IcsBenchmarks
{
    private static readonly DateTimeZone London = DateTimeZoneProviders.Tzdb["Europe/London"];
    private static readonly Instant Now = Instant.FromUtc(2026, 3, 20, 12, 0);
    private static readonly Interval Window = new(Now - Duration.FromDays(1), Now + Duration.FromDays(400));
    private string feed = "";

    [GlobalSetup]
    public void Setup() => feed = Feed(5_000, 1_000);

    [Benchmark]
    public int ParseAndExpand() => IcsReader.Read(feed, London, Window, 50_000).Occurrences.Count;

    [Benchmark]
    public int ParseOnly() => IcsReader.Parse(feed, London).Objects.Count;

    /// <summary>A deterministic feed of <paramref name="events"/> VEVENTs, <paramref name="recurring"/> of them recurring.</summary>
    public static string Feed(int events, int recurring)
    {
        var random = new Random(42);
        var zones = new[] { "Europe/London", "America/New_York", "W. Europe Standard Time" };
        var text = new StringBuilder("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//RtsApp benchmarks//EN\r\n");
        var first = new LocalDateTime(2026, 1, 5, 8, 0);
        for (var i = 0; i < events; i++)
        {
            var start = first.PlusDays(random.Next(0, 420)).PlusMinutes(15 * random.Next(0, 40));
            var zone = zones[i % zones.Length];
            text.Append("BEGIN:VEVENT\r\nUID:event-").Append(i).Append("@bench.example\r\nDTSTAMP:20260101T000000Z\r\n");
            text.Append("DTSTART;TZID=").Append(zone).Append(':').Append(Local(start)).Append("\r\n");
            text.Append("DTEND;TZID=").Append(zone).Append(':').Append(Local(start.PlusMinutes(30 + 15 * random.Next(0, 4)))).Append("\r\n");
            text.Append("SUMMARY:Meeting ").Append(i).Append("\r\n");
            if (i < recurring)
            {
                text.Append((i % 3) switch
                {
                    0 => "RRULE:FREQ=WEEKLY;BYDAY=MO,WE,FR\r\nEXDATE;TZID=" + zone + ":" + Local(start.PlusWeeks(2)) + "\r\n",
                    1 => "RRULE:FREQ=DAILY;COUNT=30\r\n",
                    _ => "RRULE:FREQ=MONTHLY;BYDAY=2TU;UNTIL=20271231T000000Z\r\n",
                });
            }
            if (i % 7 == 0) text.Append("TRANSP:TRANSPARENT\r\n");
            text.Append("END:VEVENT\r\n");
            if (i < recurring && i % 10 == 0)
            {
                text.Append("BEGIN:VEVENT\r\nUID:event-").Append(i).Append("@bench.example\r\nDTSTAMP:20260101T000000Z\r\n");
                text.Append("RECURRENCE-ID;TZID=").Append(zone).Append(':').Append(Local(start)).Append("\r\n");
                text.Append("DTSTART;TZID=").Append(zone).Append(':').Append(Local(start.PlusHours(2))).Append("\r\n");
                text.Append("DTEND;TZID=").Append(zone).Append(':').Append(Local(start.PlusHours(3))).Append("\r\nSUMMARY:Moved\r\nEND:VEVENT\r\n");
            }
        }
        return text.Append("END:VCALENDAR\r\n").ToString();
    }

    private static string Local(LocalDateTime t) => t.ToString("yyyyMMdd'T'HHmmss", CultureInfo.InvariantCulture);
}
