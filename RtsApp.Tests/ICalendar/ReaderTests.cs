using NodaTime;
using RtsApp.ICalendar;

namespace RtsApp.Tests.ICalendar;

/// <summary>Content lines, values, zones, overrides and robustness of <see cref="IcsReader"/>.</summary>
public class ReaderTests
{
    [Fact]
    public void Read_FoldedLinesWithBomLfAndTabs_AreUnfolded()
    {
        var text = "\uFEFFBEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\nUID:a\nDTSTART:20260301T100000Z  \nDTEND:20260301T1\n\t10000Z\n"
            + "SUMMARY:Long \r\n summary\nEND:VEVENT\nEND:VCALENDAR\n";

        var o = Ics.Read(text).Occurrences.ShouldHaveSingleItem();

        o.Summary.ShouldBe("Long summary");
        (o.Start, o.End).ShouldBe((Ics.Utc("2026-03-01T10:00:00Z"), Ics.Utc("2026-03-01T11:00:00Z")));
    }

    [Fact]
    public void Read_EscapedTextAndQuotedParameters_AreDecoded()
    {
        var o = Ics.Read(Ics.Event("DTSTART;TZID=\"America/New_York\";X-NOTE=\"a;b:c,d\":20260301T100000",
            "summary:One\\, two\\; three\\\\four\\nfive\\Nsix")).Occurrences.ShouldHaveSingleItem();

        o.Summary.ShouldBe("One, two; three\\four\nfive\nsix");
        o.Start.ShouldBe(Ics.At("2026-03-01T10:00", Ics.NewYork));
    }

    [Theory]
    [InlineData("PT1H30M", 90)]
    [InlineData("P1W", 7 * 24 * 60)]
    [InlineData("P1DT2H", 26 * 60)]
    [InlineData("+PT15M", 15)]
    [InlineData("PT0S", 0)]
    public void Read_Duration_SetsTheEnd(string duration, int minutes)
    {
        var o = Ics.Read(Ics.Event("DTSTART:20260301T100000Z", "DURATION:" + duration)).Occurrences.ShouldHaveSingleItem();

        (o.End - o.Start).ShouldBe(Duration.FromMinutes(minutes));
    }

    [Theory]
    [InlineData("DURATION:-PT1H")]
    [InlineData("DURATION:P")]
    [InlineData("DURATION:1H")]
    [InlineData("DTEND:20260301T090000Z")]
    [InlineData("DTSTART:20260230T100000Z")]
    [InlineData("DTSTART;TZID=Nowhere/Special:20260301T100000")]
    [InlineData("RRULE:FREQ=FORTNIGHTLY")]
    [InlineData("RRULE:FREQ=DAILY;BYMONTHDAY=0")]
    [InlineData("RRULE:FREQ=WEEKLY;BYDAY=1MO")]
    [InlineData("EXDATE:garbage")]
    public void Read_MalformedEvent_IsSkippedAndCounted(string bad)
    {
        string[] start = bad.StartsWith("DTSTART", StringComparison.Ordinal) ? [] : ["DTSTART:20260301T100000Z"];
        var text = Ics.Calendar(["BEGIN:VEVENT", "UID:bad", .. start, bad, "END:VEVENT",
            "BEGIN:VEVENT", "UID:good", "DTSTART:20260301T100000Z", "END:VEVENT"]);

        var result = Ics.Read(text);

        result.SkippedObjects.ShouldBe(1);
        result.Occurrences.ShouldHaveSingleItem().Uid.ShouldBe("good");
    }

    [Fact]
    public void Read_NoUidOrNoDtStartOrUnterminated_AreSkipped()
    {
        var text = Ics.Calendar("BEGIN:VEVENT", "DTSTART:20260301T100000Z", "END:VEVENT",
            "BEGIN:VEVENT", "UID:x", "END:VEVENT",
            "BEGIN:VEVENT", "UID:y", "DTSTART:20260301T100000Z", "this line is not a content line", "END:VEVENT",
            "BEGIN:VEVENT", "UID:z", "DTSTART:20260301T100000Z");

        var result = Ics.Read(text);

        result.SkippedObjects.ShouldBe(4);
        result.Occurrences.ShouldBeEmpty();
        result.IsCalendar.ShouldBeTrue();
    }

    [Theory]
    [InlineData("<!DOCTYPE html><html><body>Sign in</body></html>")]
    [InlineData("")]
    [InlineData("\u0000\u0001\u00ff\ufffd binary")]
    [InlineData("BEGIN:VCARD\r\nFN:Someone\r\nEND:VCARD\r\n")]
    public void Read_NotACalendar_SaysSo(string text)
    {
        var result = Ics.Read(text);

        result.IsCalendar.ShouldBeFalse();
        result.Occurrences.ShouldBeEmpty();
    }

    [Fact]
    public void Read_CutOffDownload_IsNotComplete()
    {
        var text = Ics.Calendar("BEGIN:VEVENT", "UID:a", "DTSTART:20260301T100000Z", "END:VEVENT", "BEGIN:VEVENT", "UID:b", "DTST");
        text = text[..text.IndexOf("END:VCALENDAR", StringComparison.Ordinal)];

        var result = Ics.Read(text);

        result.IsCalendar.ShouldBeTrue();
        result.IsComplete.ShouldBeFalse();
        result.Occurrences.ShouldHaveSingleItem().Uid.ShouldBe("a");
        result.SkippedObjects.ShouldBe(1);
        Ics.Read(Ics.Event("DTSTART:20260301T100000Z")).IsComplete.ShouldBeTrue();
    }

    [Fact]
    public void Read_OtherComponents_AreIgnoredWithTheirNestedBlocks()
    {
        var text = Ics.Calendar("BEGIN:VTODO", "UID:t", "DTSTART:20260301T100000Z", "BEGIN:VALARM", "TRIGGER:-PT5M", "END:VALARM", "END:VTODO",
            "BEGIN:VJOURNAL", "UID:j", "DTSTART:20260301T100000Z", "END:VJOURNAL",
            "BEGIN:VFREEBUSY", "UID:f", "FREEBUSY:20260301T100000Z/PT1H", "END:VFREEBUSY",
            "BEGIN:X-UNKNOWN", "BEGIN:VEVENT", "UID:nested", "DTSTART:20260301T100000Z", "END:VEVENT", "END:X-UNKNOWN",
            "BEGIN:VEVENT", "UID:e", "DTSTART:20260301T100000Z", "BEGIN:VALARM", "ACTION:DISPLAY", "TRIGGER:-PT10M", "END:VALARM", "END:VEVENT");

        var result = Ics.Read(text);

        result.Occurrences.Select(o => o.Uid).ShouldBe(["e"]);
        result.SkippedObjects.ShouldBe(0);
    }

    [Fact]
    public void Read_DateTimeWithoutEnd_IsAnInstantAndADateIsOneDay()
    {
        var text = Ics.Calendar("BEGIN:VEVENT", "UID:a", "DTSTART:20260301T100000Z", "END:VEVENT",
            "BEGIN:VEVENT", "UID:b", "DTSTART;VALUE=DATE:20260308", "END:VEVENT");

        var result = Ics.Read(text, Ics.NewYork);

        var a = result.Occurrences.Single(o => o.Uid == "a");
        a.End.ShouldBe(a.Start);
        a.IsAllDay.ShouldBeFalse();
        var b = result.Occurrences.Single(o => o.Uid == "b");
        b.IsAllDay.ShouldBeTrue();
        (b.AllDayStart, b.AllDayEnd).ShouldBe((new LocalDate(2026, 3, 8), new LocalDate(2026, 3, 9)));
        // 8 March 2026 is New York's spring-forward day: 23 hours.
        (b.Start, b.End).ShouldBe((Ics.At("2026-03-08T00:00", Ics.NewYork), Ics.At("2026-03-09T00:00", Ics.NewYork)));
        (b.End - b.Start).ShouldBe(Duration.FromHours(23));
    }

    [Fact]
    public void Read_AllDayOnADayStartingInAGap_StartsWhenTheGapEnds()
    {
        // Santiago moved its clocks from 00:00 to 01:00 on 6 September 2026: that day begins at 01:00.
        var santiago = DateTimeZoneProviders.Tzdb["America/Santiago"];

        var o = Ics.Read(Ics.Event("DTSTART;VALUE=DATE:20260906", "DTEND;VALUE=DATE:20260907"), santiago).Occurrences.ShouldHaveSingleItem();

        o.Start.InZone(santiago).LocalDateTime.ShouldBe(new LocalDateTime(2026, 9, 6, 1, 0));
    }

    [Fact]
    public void Read_FloatingTime_IsInTheDefaultZone()
    {
        var o = Ics.Read(Ics.Event("DTSTART:20260701T090000", "DTEND:20260701T100000"), Ics.London).Occurrences.ShouldHaveSingleItem();

        o.Start.ShouldBe(Ics.Utc("2026-07-01T08:00:00Z"));
    }

    [Theory]
    [InlineData("W. Europe Standard Time", "2026-07-01T07:00:00Z")]
    [InlineData("Eastern Standard Time", "2026-07-01T13:00:00Z")]
    [InlineData("/Europe/London", "2026-07-01T08:00:00Z")]
    [InlineData("/mozilla.org/20050126_1/Europe/Berlin", "2026-07-01T07:00:00Z")]
    [InlineData("Asia/Kolkata", "2026-07-01T03:30:00Z")]
    public void Read_TzidNames_ResolveToZones(string tzid, string utc)
    {
        var o = Ics.Read(Ics.Event($"DTSTART;TZID={tzid}:20260701T090000")).Occurrences.ShouldHaveSingleItem();

        o.Start.ShouldBe(Ics.Utc(utc));
    }

    [Fact]
    public void Read_WindowsZoneId_MapsThroughCldrOnThisPlatform()
    {
        TimeZoneInfo.TryConvertWindowsIdToIanaId("W. Europe Standard Time", out var iana).ShouldBeTrue();
        iana.ShouldBe("Europe/Berlin");
    }

    [Fact]
    public void Read_SpringForwardGap_ShiftsForwardByTheGap()
    {
        // A daily 02:30 New York event: on 8 March 2026 02:30 does not exist and reads as 03:30 EDT (RFC 5545 §3.3.5).
        var text = Ics.Event("DTSTART;TZID=America/New_York:20260306T023000", "DURATION:PT30M", "RRULE:FREQ=DAILY;COUNT=4");

        var starts = Ics.Starts(Ics.Read(text), Ics.NewYork);

        starts.ShouldBe(["2026-03-06T02:30:00", "2026-03-07T02:30:00", "2026-03-08T03:30:00", "2026-03-09T02:30:00"]);
    }

    [Fact]
    public void Read_DailyAtHalfPastOneOnSpringForwardDay_KeepsItsWallClockTime()
    {
        // 01:30 exists on the spring-forward day (the gap is 02:00–03:00): it stays 01:30, now EST, and the next day is EDT.
        var text = Ics.Event("DTSTART;TZID=America/New_York:20260307T013000", "DURATION:PT1H", "RRULE:FREQ=DAILY;COUNT=3");

        var result = Ics.Read(text);

        Ics.Starts(result, Ics.NewYork).ShouldBe(["2026-03-07T01:30:00", "2026-03-08T01:30:00", "2026-03-09T01:30:00"]);
        result.Occurrences.Select(o => o.Start).ShouldBe([Ics.Utc("2026-03-07T06:30:00Z"), Ics.Utc("2026-03-08T06:30:00Z"), Ics.Utc("2026-03-09T05:30:00Z")]);
        // The 01:30–02:30 hour on the change day ends at 03:30 EDT wall time: DTEND − DTSTART is exact.
        result.Occurrences[1].End.ShouldBe(Ics.Utc("2026-03-08T07:30:00Z"));
    }

    [Fact]
    public void Read_AmbiguousFallBackTime_TakesTheEarlierOffset()
    {
        var o = Ics.Read(Ics.Event("DTSTART;TZID=America/New_York:20261101T013000")).Occurrences.ShouldHaveSingleItem();

        o.Start.ShouldBe(Ics.Utc("2026-11-01T05:30:00Z")); // 01:30 EDT, not 01:30 EST
    }

    [Fact]
    public void Read_WeeklyLondonMeeting_StaysAtNineAcrossBothChanges()
    {
        var text = Ics.Event("DTSTART;TZID=Europe/London:20260301T090000", "DTEND;TZID=Europe/London:20260301T100000", "RRULE:FREQ=WEEKLY");
        var window = new Interval(Ics.Utc("2026-03-01T00:00:00Z"), Ics.Utc("2026-11-30T00:00:00Z"));

        var result = Ics.Read(text, window: window);

        result.Occurrences.Count.ShouldBe(40); // every Sunday from 1 March to 29 November
        result.Occurrences.ShouldAllBe(o => o.Start.InZone(Ics.London).TimeOfDay == new LocalTime(9, 0));
        result.Occurrences.ShouldAllBe(o => o.End - o.Start == Duration.FromHours(1));
        result.Occurrences.Select(o => o.Start.InZone(Ics.London).Offset).Distinct().ShouldBe([Offset.Zero, Offset.FromHours(1)]);
    }

    [Fact]
    public void Read_NominalDurationAcrossDst_KeepsTheLocalDay()
    {
        var text = Ics.Event("DTSTART;TZID=Europe/London:20260328T120000", "DURATION:P1D");

        var o = Ics.Read(text).Occurrences.ShouldHaveSingleItem();

        (o.End - o.Start).ShouldBe(Duration.FromHours(23));
        o.End.InZone(Ics.London).LocalDateTime.ShouldBe(new LocalDateTime(2026, 3, 29, 12, 0));
    }

    [Fact]
    public void Read_OverridesAndExdates_ReplaceAndRemoveInstances()
    {
        var text = Ics.Calendar(
            "BEGIN:VEVENT", "UID:s", "SUMMARY:Standup", "DTSTART;TZID=America/New_York:20260302T090000", "DURATION:PT15M",
            "RRULE:FREQ=DAILY;COUNT=6", "EXDATE;TZID=America/New_York:20260303T090000,20260304T090000",
            "EXDATE;TZID=America/New_York:20260305T090000", "END:VEVENT",
            // moved from the 6th to the 6th at 14:00 and made longer
            "BEGIN:VEVENT", "UID:s", "SUMMARY:Standup (moved)", "RECURRENCE-ID;TZID=America/New_York:20260306T090000",
            "DTSTART;TZID=America/New_York:20260306T140000", "DTEND;TZID=America/New_York:20260306T150000", "END:VEVENT",
            // the 7th is cancelled
            "BEGIN:VEVENT", "UID:s", "RECURRENCE-ID:20260307T140000Z", "STATUS:CANCELLED",
            "DTSTART;TZID=America/New_York:20260307T090000", "DURATION:PT15M", "END:VEVENT");

        var result = Ics.Read(text);

        result.Occurrences.Select(o => (o.Summary, o.Start.InZone(Ics.NewYork).LocalDateTime.ToString("MM-dd HH:mm", null), (o.End - o.Start).TotalMinutes))
            .ShouldBe([("Standup", "03-02 09:00", 15), ("Standup (moved)", "03-06 14:00", 60)]);
        result.Occurrences.Select(o => o.RecurrenceId).ShouldBe([Ics.At("2026-03-02T09:00", Ics.NewYork), Ics.At("2026-03-06T09:00", Ics.NewYork)]);
        var obj = IcsReader.Parse(text, Ics.NewYork).Objects.ShouldHaveSingleItem();
        (obj.Uid, obj.IsRecurring).ShouldBe(("s", true));
    }

    [Fact]
    public void Read_OverrideMovedIntoTheWindow_AppearsAndOneMovedOutDisappears()
    {
        var text = Ics.Calendar(
            "BEGIN:VEVENT", "UID:w", "DTSTART:20260302T090000Z", "DURATION:PT1H", "RRULE:FREQ=WEEKLY;COUNT=3", "END:VEVENT",
            "BEGIN:VEVENT", "UID:w", "RECURRENCE-ID:20260302T090000Z", "DTSTART:20260312T090000Z", "DURATION:PT1H", "END:VEVENT",
            "BEGIN:VEVENT", "UID:w", "RECURRENCE-ID:20260309T090000Z", "DTSTART:20260401T090000Z", "DURATION:PT1H", "END:VEVENT");
        var window = new Interval(Ics.Utc("2026-03-08T00:00:00Z"), Ics.Utc("2026-03-20T00:00:00Z"));

        var result = Ics.Read(text, window: window);

        result.Occurrences.Select(o => o.Start).OrderBy(s => s).ShouldBe([Ics.Utc("2026-03-12T09:00:00Z"), Ics.Utc("2026-03-16T09:00:00Z")]);
    }

    [Fact]
    public void Read_CancelledSeries_IsLeftOutAndTransparentIsFlagged()
    {
        var text = Ics.Calendar("BEGIN:VEVENT", "UID:c", "STATUS:CANCELLED", "DTSTART:20260302T090000Z", "RRULE:FREQ=DAILY;COUNT=3", "END:VEVENT",
            "BEGIN:VEVENT", "UID:t", "TRANSP:TRANSPARENT", "DTSTART:20260302T090000Z", "DURATION:PT1H", "END:VEVENT",
            "BEGIN:VEVENT", "UID:o", "TRANSP:OPAQUE", "DTSTART:20260302T090000Z", "DURATION:PT1H", "END:VEVENT");

        var result = Ics.Read(text);

        result.Occurrences.Select(o => (o.Uid, o.Transparent)).ShouldBe([("t", true), ("o", false)]);
    }

    [Fact]
    public void Read_RdatesOfEveryKind_AddInstancesOnce()
    {
        var text = Ics.Event("DTSTART:20260302T090000Z", "DURATION:PT1H", "RRULE:FREQ=DAILY;COUNT=2",
            "RDATE:20260303T090000Z,20260310T090000Z", "RDATE;TZID=Europe/London:20260701T120000",
            "RDATE;VALUE=PERIOD:20260801T100000Z/20260801T130000Z,20260802T100000Z/PT30M");

        var result = Ics.Read(text);

        result.Occurrences.Select(o => (o.Start, o.End - o.Start)).ShouldBe([
            (Ics.Utc("2026-03-02T09:00:00Z"), Duration.FromHours(1)),
            (Ics.Utc("2026-03-03T09:00:00Z"), Duration.FromHours(1)),
            (Ics.Utc("2026-03-10T09:00:00Z"), Duration.FromHours(1)),
            (Ics.Utc("2026-07-01T11:00:00Z"), Duration.FromHours(1)),
            (Ics.Utc("2026-08-01T10:00:00Z"), Duration.FromHours(3)),
            (Ics.Utc("2026-08-02T10:00:00Z"), Duration.FromMinutes(30)),
        ]);
    }

    [Fact]
    public void Read_DailyRuleFrom1990_SkipsAheadToTheWindow()
    {
        var text = Ics.Event("DTSTART;TZID=Europe/London:19900101T080000", "DURATION:PT1H", "RRULE:FREQ=SECONDLY;INTERVAL=86400");
        var daily = Ics.Event("DTSTART;TZID=Europe/London:19000101T080000", "DURATION:PT1H", "RRULE:FREQ=DAILY");
        var window = new Interval(Ics.Utc("2026-06-01T00:00:00Z"), Ics.Utc("2026-06-08T00:00:00Z"));

        Ics.Starts(Ics.Read(daily, window: window), Ics.London).ShouldBe([.. Enumerable.Range(1, 7).Select(d => $"2026-06-0{d}T08:00:00")]);
        // The same rule at SECONDLY is 1.1 billion periods from DTSTART: stepped over, not walked.
        Ics.Read(text, window: window).Occurrences.Count.ShouldBe(7);
    }

    [Fact]
    public void Read_CountFromLongAgo_IsCountedFromDtStart()
    {
        var text = Ics.Event("DTSTART:20000101T080000Z", "RRULE:FREQ=DAILY;COUNT=10000");
        var window = new Interval(Ics.Utc("2027-01-01T00:00:00Z"), Ics.Utc("2028-01-01T00:00:00Z"));

        // 10 000 days from 1 January 2000 end on 18 May 2027.
        var result = Ics.Read(text, window: window);

        result.Occurrences[^1].Start.ShouldBe(Ics.Utc("2027-05-18T08:00:00Z"));
        result.Occurrences.Count.ShouldBe(138);
    }

    [Fact]
    public void Read_HostileSecondlyRuleWithCount_IsSkippedNotWalked()
    {
        var text = Ics.Event("DTSTART:19900101T080000Z", "RRULE:FREQ=SECONDLY;COUNT=2000000000");
        var window = new Interval(Ics.Utc("2026-06-01T00:00:00Z"), Ics.Utc("2026-06-08T00:00:00Z"));

        var result = Ics.Read(text, window: window);

        (result.SkippedObjects, result.Occurrences.Count).ShouldBe((1, 0));
    }

    [Fact]
    public void Read_MoreInstancesThanTheLimit_StopsAndSaysSo()
    {
        var text = Ics.Calendar("BEGIN:VEVENT", "UID:m", "DTSTART:20260101T000000Z", "RRULE:FREQ=MINUTELY", "END:VEVENT",
            "BEGIN:VEVENT", "UID:later", "DTSTART:20260101T000000Z", "END:VEVENT");

        var result = Ics.Read(text, window: new Interval(Ics.Utc("2026-01-01T00:00:00Z"), Ics.Utc("2027-01-01T00:00:00Z")), max: 500);

        result.TruncatedAtLimit.ShouldBeTrue();
        result.Occurrences.Count.ShouldBe(500);
        Ics.Read(text, max: 2).TruncatedAtLimit.ShouldBeTrue();
        Ics.Read(Ics.Event("DTSTART:20260101T000000Z"), max: 1).TruncatedAtLimit.ShouldBeFalse();
    }

    [Fact]
    public void Read_Window_KeepsOverlappingOccurrencesOnly()
    {
        var text = Ics.Event("DTSTART:20260302T090000Z", "DURATION:PT1H", "RRULE:FREQ=DAILY;COUNT=5");
        var window = new Interval(Ics.Utc("2026-03-03T09:30:00Z"), Ics.Utc("2026-03-05T09:00:00Z"));

        Ics.Read(text, window: window).Occurrences.Select(o => o.Start).ShouldBe([Ics.Utc("2026-03-03T09:00:00Z"), Ics.Utc("2026-03-04T09:00:00Z")]);
    }

    [Fact]
    public void Read_AllDayRecurrenceWithDateUntil_IsWholeDays()
    {
        var text = Ics.Event("DTSTART;VALUE=DATE:20260321", "DTEND;VALUE=DATE:20260323", "RRULE:FREQ=WEEKLY;UNTIL=20260404");

        var result = Ics.Read(text, Ics.London);

        result.Occurrences.Select(o => (o.AllDayStart, o.AllDayEnd)).ShouldBe([
            (new LocalDate(2026, 3, 21), new LocalDate(2026, 3, 23)), (new LocalDate(2026, 3, 28), new LocalDate(2026, 3, 30)),
            (new LocalDate(2026, 4, 4), new LocalDate(2026, 4, 6)),
        ]);
        (result.Occurrences[1].End - result.Occurrences[1].Start).ShouldBe(Duration.FromHours(47)); // across 29 March
    }

    [Fact]
    public void Parse_CalendarObjectResource_GivesOneObjectPerUid()
    {
        var text = Ics.Calendar("BEGIN:VEVENT", "UID:a", "DTSTART:20260302T090000Z", "END:VEVENT",
            "BEGIN:VEVENT", "UID:b", "DTSTART:20260302T090000Z", "RRULE:FREQ=DAILY", "END:VEVENT",
            "BEGIN:VEVENT", "UID:b", "RECURRENCE-ID:20260303T090000Z", "DTSTART:20260303T100000Z", "END:VEVENT",
            "BEGIN:VEVENT", "UID:a", "DTSTART:20260309T090000Z", "END:VEVENT");

        var calendar = IcsReader.Parse(text, Ics.NewYork);

        calendar.Objects.Select(o => (o.Uid, o.IsRecurring)).ShouldBe([("a", false), ("b", true)]);
        calendar.SkippedObjects.ShouldBe(1); // the second master of "a"
        calendar.Objects[1].Expand(new Interval(Ics.Utc("2026-03-03T00:00:00Z"), Ics.Utc("2026-03-04T00:00:00Z")), 10)
            .Occurrences.ShouldHaveSingleItem().Start.ShouldBe(Ics.Utc("2026-03-03T10:00:00Z"));
    }
}
