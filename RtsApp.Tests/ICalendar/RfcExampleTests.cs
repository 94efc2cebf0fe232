using System.Globalization;
using NodaTime;
using NodaTime.Text;

namespace RtsApp.Tests.ICalendar;

/// <summary>
/// Every recurrence example of RFC 5545 §3.8.5.3, read in America/New_York with the instances the RFC
/// lists. For a rule without an end the window closes right after the last listed instance, so the
/// reading must produce exactly those; for a bounded rule it runs to 2010, so nothing may follow.
/// </summary>
public class RfcExampleTests
{
    private sealed record Example(string DtStart, string[] Lines, string Expected, bool Forever = false);

    // Expected: "yyyy-MM: days; ..." at 09:00 local, days as lists and ranges ("2,4,9-11"); or, for the
    // sub-daily examples, "yyyy-MM-dd: HH:mm,HH:mm; ...".
    private static readonly Dictionary<string, Example> Examples = new()
    {
        ["Daily for 10 occurrences"] = new("19970902T090000", ["RRULE:FREQ=DAILY;COUNT=10"], "1997-09: 2-11"),
        ["Daily until December 24, 1997"] = new("19970902T090000", ["RRULE:FREQ=DAILY;UNTIL=19971224T000000Z"],
            "1997-09: 2-30; 1997-10: 1-31; 1997-11: 1-30; 1997-12: 1-23"),
        ["Every other day - forever"] = new("19970902T090000", ["RRULE:FREQ=DAILY;INTERVAL=2"],
            "1997-09: 2,4,6,8,10,12,14,16,18,20,22,24,26,28,30; 1997-10: 2,4,6,8,10,12,14,16,18,20,22,24,26,28,30;"
            + " 1997-11: 1,3,5,7,9,11,13,15,17,19,21,23,25,27,29; 1997-12: 1,3", Forever: true),
        ["Every 10 days, 5 occurrences"] = new("19970902T090000", ["RRULE:FREQ=DAILY;INTERVAL=10;COUNT=5"], "1997-09: 2,12,22; 1997-10: 2,12"),
        ["Every day in January, for 3 years (YEARLY)"] = new("19980101T090000",
            ["RRULE:FREQ=YEARLY;UNTIL=20000131T140000Z;", " BYMONTH=1;BYDAY=SU,MO,TU,WE,TH,FR,SA"], "1998-01: 1-31; 1999-01: 1-31; 2000-01: 1-31"),
        ["Every day in January, for 3 years (DAILY)"] = new("19980101T090000",
            ["RRULE:FREQ=DAILY;UNTIL=20000131T140000Z;BYMONTH=1"], "1998-01: 1-31; 1999-01: 1-31; 2000-01: 1-31"),
        ["Weekly for 10 occurrences"] = new("19970902T090000", ["RRULE:FREQ=WEEKLY;COUNT=10"],
            "1997-09: 2,9,16,23,30; 1997-10: 7,14,21,28; 1997-11: 4"),
        ["Weekly until December 24, 1997"] = new("19970902T090000", ["RRULE:FREQ=WEEKLY;UNTIL=19971224T000000Z"],
            "1997-09: 2,9,16,23,30; 1997-10: 7,14,21,28; 1997-11: 4,11,18,25; 1997-12: 2,9,16,23"),
        ["Every other week - forever"] = new("19970902T090000", ["RRULE:FREQ=WEEKLY;INTERVAL=2;WKST=SU"],
            "1997-09: 2,16,30; 1997-10: 14,28; 1997-11: 11,25; 1997-12: 9,23; 1998-01: 6,20; 1998-02: 3,17", Forever: true),
        ["Weekly on Tuesday and Thursday for five weeks (UNTIL)"] = new("19970902T090000",
            ["RRULE:FREQ=WEEKLY;UNTIL=19971007T000000Z;WKST=SU;BYDAY=TU,TH"], "1997-09: 2,4,9,11,16,18,23,25,30; 1997-10: 2"),
        ["Weekly on Tuesday and Thursday for five weeks (COUNT)"] = new("19970902T090000",
            ["RRULE:FREQ=WEEKLY;COUNT=10;WKST=SU;BYDAY=TU,TH"], "1997-09: 2,4,9,11,16,18,23,25,30; 1997-10: 2"),
        ["Every other week on Monday, Wednesday, and Friday until December 24, 1997"] = new("19970901T090000",
            ["RRULE:FREQ=WEEKLY;INTERVAL=2;UNTIL=19971224T000000Z;WKST=SU;", " BYDAY=MO,WE,FR"],
            "1997-09: 1,3,5,15,17,19,29; 1997-10: 1,3,13,15,17,27,29,31; 1997-11: 10,12,14,24,26,28; 1997-12: 8,10,12,22"),
        ["Every other week on Tuesday and Thursday, for 8 occurrences"] = new("19970902T090000",
            ["RRULE:FREQ=WEEKLY;INTERVAL=2;COUNT=8;WKST=SU;BYDAY=TU,TH"], "1997-09: 2,4,16,18,30; 1997-10: 2,14,16"),
        ["Monthly on the first Friday for 10 occurrences"] = new("19970905T090000", ["RRULE:FREQ=MONTHLY;COUNT=10;BYDAY=1FR"],
            "1997-09: 5; 1997-10: 3; 1997-11: 7; 1997-12: 5; 1998-01: 2; 1998-02: 6; 1998-03: 6; 1998-04: 3; 1998-05: 1; 1998-06: 5"),
        ["Monthly on the first Friday until December 24, 1997"] = new("19970905T090000",
            ["RRULE:FREQ=MONTHLY;UNTIL=19971224T000000Z;BYDAY=1FR"], "1997-09: 5; 1997-10: 3; 1997-11: 7; 1997-12: 5"),
        ["Every other month on the first and last Sunday of the month for 10 occurrences"] = new("19970907T090000",
            ["RRULE:FREQ=MONTHLY;INTERVAL=2;COUNT=10;BYDAY=1SU,-1SU"],
            "1997-09: 7,28; 1997-11: 2,30; 1998-01: 4,25; 1998-03: 1,29; 1998-05: 3,31"),
        ["Monthly on the second-to-last Monday of the month for 6 months"] = new("19970922T090000",
            ["RRULE:FREQ=MONTHLY;COUNT=6;BYDAY=-2MO"], "1997-09: 22; 1997-10: 20; 1997-11: 17; 1997-12: 22; 1998-01: 19; 1998-02: 16"),
        ["Monthly on the third-to-the-last day of the month, forever"] = new("19970928T090000", ["RRULE:FREQ=MONTHLY;BYMONTHDAY=-3"],
            "1997-09: 28; 1997-10: 29; 1997-11: 28; 1997-12: 29; 1998-01: 29; 1998-02: 26", Forever: true),
        ["Monthly on the 2nd and 15th of the month for 10 occurrences"] = new("19970902T090000",
            ["RRULE:FREQ=MONTHLY;COUNT=10;BYMONTHDAY=2,15"], "1997-09: 2,15; 1997-10: 2,15; 1997-11: 2,15; 1997-12: 2,15; 1998-01: 2,15"),
        ["Monthly on the first and last day of the month for 10 occurrences"] = new("19970930T090000",
            ["RRULE:FREQ=MONTHLY;COUNT=10;BYMONTHDAY=1,-1"], "1997-09: 30; 1997-10: 1,31; 1997-11: 1,30; 1997-12: 1,31; 1998-01: 1,31; 1998-02: 1"),
        ["Every 18 months on the 10th thru 15th of the month for 10 occurrences"] = new("19970910T090000",
            ["RRULE:FREQ=MONTHLY;INTERVAL=18;COUNT=10;BYMONTHDAY=10,11,12,", " 13,14,15"], "1997-09: 10-15; 1999-03: 10-13"),
        ["Every Tuesday, every other month"] = new("19970902T090000", ["RRULE:FREQ=MONTHLY;INTERVAL=2;BYDAY=TU"],
            "1997-09: 2,9,16,23,30; 1997-11: 4,11,18,25; 1998-01: 6,13,20,27; 1998-03: 3,10,17,24,31", Forever: true),
        ["Yearly in June and July for 10 occurrences"] = new("19970610T090000", ["RRULE:FREQ=YEARLY;COUNT=10;BYMONTH=6,7"],
            "1997-06: 10; 1997-07: 10; 1998-06: 10; 1998-07: 10; 1999-06: 10; 1999-07: 10; 2000-06: 10; 2000-07: 10; 2001-06: 10; 2001-07: 10"),
        ["Every other year on January, February, and March for 10 occurrences"] = new("19970310T090000",
            ["RRULE:FREQ=YEARLY;INTERVAL=2;COUNT=10;BYMONTH=1,2,3"],
            "1997-03: 10; 1999-01: 10; 1999-02: 10; 1999-03: 10; 2001-01: 10; 2001-02: 10; 2001-03: 10; 2003-01: 10; 2003-02: 10; 2003-03: 10"),
        ["Every third year on the 1st, 100th, and 200th day for 10 occurrences"] = new("19970101T090000",
            ["RRULE:FREQ=YEARLY;INTERVAL=3;COUNT=10;BYYEARDAY=1,100,200"],
            "1997-01: 1; 1997-04: 10; 1997-07: 19; 2000-01: 1; 2000-04: 9; 2000-07: 18; 2003-01: 1; 2003-04: 10; 2003-07: 19; 2006-01: 1"),
        ["Every 20th Monday of the year, forever"] = new("19970519T090000", ["RRULE:FREQ=YEARLY;BYDAY=20MO"],
            "1997-05: 19; 1998-05: 18; 1999-05: 17", Forever: true),
        ["Monday of week number 20, forever"] = new("19970512T090000", ["RRULE:FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO"],
            "1997-05: 12; 1998-05: 11; 1999-05: 17", Forever: true),
        ["Every Thursday in March, forever"] = new("19970313T090000", ["RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=TH"],
            "1997-03: 13,20,27; 1998-03: 5,12,19,26; 1999-03: 4,11,18,25", Forever: true),
        ["Every Thursday, but only during June, July, and August, forever"] = new("19970605T090000",
            ["RRULE:FREQ=YEARLY;BYDAY=TH;BYMONTH=6,7,8"],
            "1997-06: 5,12,19,26; 1997-07: 3,10,17,24,31; 1997-08: 7,14,21,28; 1998-06: 4,11,18,25; 1998-07: 2,9,16,23,30;"
            + " 1998-08: 6,13,20,27; 1999-06: 3,10,17,24; 1999-07: 1,8,15,22,29; 1999-08: 5,12,19,26", Forever: true),
        ["Every Friday the 13th, forever"] = new("19970902T090000",
            ["EXDATE;TZID=America/New_York:19970902T090000", "RRULE:FREQ=MONTHLY;BYDAY=FR;BYMONTHDAY=13"],
            "1998-02: 13; 1998-03: 13; 1998-11: 13; 1999-08: 13; 2000-10: 13", Forever: true),
        ["The first Saturday that follows the first Sunday of the month, forever"] = new("19970913T090000",
            ["RRULE:FREQ=MONTHLY;BYDAY=SA;BYMONTHDAY=7,8,9,10,11,12,13"],
            "1997-09: 13; 1997-10: 11; 1997-11: 8; 1997-12: 13; 1998-01: 10; 1998-02: 7; 1998-03: 7; 1998-04: 11; 1998-05: 9; 1998-06: 13",
            Forever: true),
        ["Every 4 years, the first Tuesday after a Monday in November, forever (U.S. Presidential Election day)"] = new("19961105T090000",
            ["RRULE:FREQ=YEARLY;INTERVAL=4;BYMONTH=11;BYDAY=TU;", " BYMONTHDAY=2,3,4,5,6,7,8"], "1996-11: 5; 2000-11: 7; 2004-11: 2", Forever: true),
        ["The third instance into the month of one of Tuesday, Wednesday, or Thursday, for the next 3 months"] = new("19970904T090000",
            ["RRULE:FREQ=MONTHLY;COUNT=3;BYDAY=TU,WE,TH;BYSETPOS=3"], "1997-09: 4; 1997-10: 7; 1997-11: 6"),
        ["The second-to-last weekday of the month"] = new("19970929T090000", ["RRULE:FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-2"],
            "1997-09: 29; 1997-10: 30; 1997-11: 27; 1997-12: 30; 1998-01: 29; 1998-02: 26; 1998-03: 30", Forever: true),
        // The RFC prints UNTIL=19970902T170000Z, which is 13:00 EDT and would end the list at 12:00 (RFC 5545
        // erratum 3883); 21:00Z is the 5:00 PM the example's title and listed instances mean.
        ["Every 3 hours from 9:00 AM to 5:00 PM on a specific day"] = new("19970902T090000",
            ["RRULE:FREQ=HOURLY;INTERVAL=3;UNTIL=19970902T210000Z"], "1997-09-02: 09:00,12:00,15:00"),
        ["Every 3 hours with the UNTIL as printed"] = new("19970902T090000",
            ["RRULE:FREQ=HOURLY;INTERVAL=3;UNTIL=19970902T170000Z"], "1997-09-02: 09:00,12:00"),
        ["Every 15 minutes for 6 occurrences"] = new("19970902T090000", ["RRULE:FREQ=MINUTELY;INTERVAL=15;COUNT=6"],
            "1997-09-02: 09:00,09:15,09:30,09:45,10:00,10:15"),
        ["Every hour and a half for 4 occurrences"] = new("19970902T090000", ["RRULE:FREQ=MINUTELY;INTERVAL=90;COUNT=4"],
            "1997-09-02: 09:00,10:30,12:00,13:30"),
        ["Every 20 minutes from 9:00 AM to 4:40 PM every day (DAILY)"] = new("19970902T090000",
            ["RRULE:FREQ=DAILY;BYHOUR=9,10,11,12,13,14,15,16;BYMINUTE=0,20,40"], EveryTwentyMinutes, Forever: true),
        ["Every 20 minutes from 9:00 AM to 4:40 PM every day (MINUTELY)"] = new("19970902T090000",
            ["RRULE:FREQ=MINUTELY;INTERVAL=20;BYHOUR=9,10,11,12,13,14,15,16"], EveryTwentyMinutes, Forever: true),
        ["An example where the days generated makes a difference because of WKST (MO)"] = new("19970805T090000",
            ["RRULE:FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=MO"], "1997-08: 5,10,19,24"),
        ["An example where the days generated makes a difference because of WKST (SU)"] = new("19970805T090000",
            ["RRULE:FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=SU"], "1997-08: 5,17,19,31"),
        ["An example where an invalid date (i.e., February 30) is ignored"] = new("20070115T090000",
            ["RRULE:FREQ=MONTHLY;BYMONTHDAY=15,30;COUNT=5"], "2007-01: 15,30; 2007-02: 15; 2007-03: 15,30"),
    };

    private static string EveryTwentyMinutes
    {
        get
        {
            var times = string.Join(",", from h in Enumerable.Range(9, 8) from m in Enumerable.Range(0, 3).Select(i => i * 20) select $"{h:00}:{m:00}");
            return $"1997-09-02: {times}; 1997-09-03: {times}";
        }
    }

    public static TheoryData<string> Names() => [.. Examples.Keys];

    [Theory]
    [MemberData(nameof(Names))]
    public void Read_RfcRecurrenceExample_GivesTheListedInstances(string name)
    {
        var example = Examples[name];
        var expected = Parse(example.Expected);
        var end = example.Forever ? Ics.At(expected[^1], Ics.NewYork) + Duration.FromMinutes(1) : Instant.FromUtc(2010, 1, 1, 0, 0);
        var window = new Interval(Instant.FromUtc(1996, 1, 1, 0, 0), end);

        var result = Ics.Read(Ics.Event(["DTSTART;TZID=America/New_York:" + example.DtStart, "DURATION:PT1H", .. example.Lines]), window: window);

        result.SkippedObjects.ShouldBe(0);
        Ics.Starts(result, Ics.NewYork).ShouldBe(expected);
        result.Occurrences.ShouldAllBe(o => o.End - o.Start == Duration.FromHours(1));
    }

    /// <summary>Expands the compact notation of <see cref="Examples"/> into "yyyy-MM-ddTHH:mm:ss" local times.</summary>
    private static List<string> Parse(string spec)
    {
        var result = new List<string>();
        foreach (var group in spec.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var (head, items) = (group[..group.IndexOf(':', StringComparison.Ordinal)], group[(group.IndexOf(':', StringComparison.Ordinal) + 1)..]);
            foreach (var item in items.Split(',', StringSplitOptions.TrimEntries))
            {
                if (head.Length == 10)
                {
                    result.Add($"{head}T{item}:00");
                    continue;
                }
                var range = item.Split('-');
                var (from, to) = (int.Parse(range[0], CultureInfo.InvariantCulture), int.Parse(range[^1], CultureInfo.InvariantCulture));
                result.AddRange(Enumerable.Range(from, to - from + 1).Select(d => $"{head}-{d:00}T09:00:00"));
            }
        }
        return result;
    }
}
