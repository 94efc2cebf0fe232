using NodaTime;
using RtsApp.ICalendar;

namespace RtsApp.Tests.ICalendar;

/// <summary>
/// Hand-written feeds in the shapes Google Calendar, Outlook/Exchange and Apple iCloud export (their
/// time-zone blocks, recurring series with overrides and EXDATEs, all-day, floating, cancelled and
/// transparent events), and VTIMEZONE-defined zones compared with tzdb.
/// </summary>
public class ProducerFixtureTests
{
    private const string Google = """
        BEGIN:VCALENDAR
        PRODID:-//Google Inc//Google Calendar 70.9054//EN
        VERSION:2.0
        CALSCALE:GREGORIAN
        METHOD:PUBLISH
        X-WR-CALNAME:Work
        X-WR-TIMEZONE:Europe/London
        BEGIN:VTIMEZONE
        TZID:Europe/London
        X-LIC-LOCATION:Europe/London
        BEGIN:DAYLIGHT
        TZOFFSETFROM:+0000
        TZOFFSETTO:+0100
        TZNAME:BST
        DTSTART:19700329T010000
        RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
        END:DAYLIGHT
        BEGIN:STANDARD
        TZOFFSETFROM:+0100
        TZOFFSETTO:+0000
        TZNAME:GMT
        DTSTART:19701025T020000
        RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
        END:STANDARD
        END:VTIMEZONE
        BEGIN:VEVENT
        DTSTART;TZID=Europe/London:20260316T093000
        DTEND;TZID=Europe/London:20260316T100000
        RRULE:FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20260408T225959Z
        EXDATE;TZID=Europe/London:20260401T093000
        DTSTAMP:20260310T120000Z
        UID:7kukuqrfedlm2f9t0vr42q2lkk@google.com
        CREATED:20260301T100000Z
        DESCRIPTION:Join: https://meet.google.com/abc-defg-hij\nAgenda: status\, b
         lockers
        LAST-MODIFIED:20260310T120000Z
        SEQUENCE:1
        STATUS:CONFIRMED
        SUMMARY:Team sync
        TRANSP:OPAQUE
        BEGIN:VALARM
        ACTION:DISPLAY
        DESCRIPTION:This is an event reminder
        TRIGGER:-P0DT0H10M0S
        END:VALARM
        END:VEVENT
        BEGIN:VEVENT
        DTSTART;TZID=Europe/London:20260325T150000
        DTEND;TZID=Europe/London:20260325T160000
        DTSTAMP:20260310T120000Z
        UID:7kukuqrfedlm2f9t0vr42q2lkk@google.com
        RECURRENCE-ID;TZID=Europe/London:20260325T093000
        SEQUENCE:2
        STATUS:CONFIRMED
        SUMMARY:Team sync (moved)
        TRANSP:OPAQUE
        END:VEVENT
        BEGIN:VEVENT
        DTSTART;VALUE=DATE:20260330
        DTEND;VALUE=DATE:20260401
        DTSTAMP:20260310T120000Z
        UID:0a1b2c3d4e5f@google.com
        SUMMARY:Offsite
        TRANSP:TRANSPARENT
        END:VEVENT
        BEGIN:VEVENT
        DTSTART:20260317T140000Z
        DTEND:20260317T150000Z
        DTSTAMP:20260310T120000Z
        UID:cancelled1@google.com
        STATUS:CANCELLED
        SUMMARY:Cancelled call
        END:VEVENT
        END:VCALENDAR
        """;

    // Outlook/Exchange: Windows zone names, a VTIMEZONE with RRULE, and one ("Customized Time Zone")
    // whose name no zone database knows, written with the 1601 DTSTART Outlook uses.
    private const string Outlook = """
        BEGIN:VCALENDAR
        METHOD:PUBLISH
        PRODID:Microsoft Exchange Server 2010
        VERSION:2.0
        X-WR-CALNAME:Calendar
        BEGIN:VTIMEZONE
        TZID:W. Europe Standard Time
        BEGIN:STANDARD
        DTSTART:16010101T030000
        TZOFFSETFROM:+0200
        TZOFFSETTO:+0100
        RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=10
        END:STANDARD
        BEGIN:DAYLIGHT
        DTSTART:16010101T020000
        TZOFFSETFROM:+0100
        TZOFFSETTO:+0200
        RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=3
        END:DAYLIGHT
        END:VTIMEZONE
        BEGIN:VTIMEZONE
        TZID:Customized Time Zone
        BEGIN:STANDARD
        DTSTART:16010101T020000
        TZOFFSETFROM:-0400
        TZOFFSETTO:-0500
        RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=1SU;BYMONTH=11
        END:STANDARD
        BEGIN:DAYLIGHT
        DTSTART:16010101T020000
        TZOFFSETFROM:-0500
        TZOFFSETTO:-0400
        RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=2SU;BYMONTH=3
        END:DAYLIGHT
        END:VTIMEZONE
        BEGIN:VTIMEZONE
        TZID:(UTC+05:30) Chennai\, Kolkata\, Mumbai\, New Delhi
        BEGIN:STANDARD
        DTSTART:16010101T000000
        TZOFFSETFROM:+0530
        TZOFFSETTO:+0530
        END:STANDARD
        BEGIN:DAYLIGHT
        DTSTART:16010101T000000
        TZOFFSETFROM:+0530
        TZOFFSETTO:+0530
        END:DAYLIGHT
        END:VTIMEZONE
        BEGIN:VEVENT
        DESCRIPTION:\n
        RRULE:FREQ=MONTHLY;UNTIL=20261231T090000Z;INTERVAL=1;BYDAY=2TU
        EXDATE;TZID=W. Europe Standard Time:20260512T100000
        UID:040000008200E00074C5B7101A82E00800000000A0B1C2D3E4F5D901000000000000000010000000
        SUMMARY:Monthly review
        DTSTART;TZID=W. Europe Standard Time:20260414T100000
        DTEND;TZID=W. Europe Standard Time:20260414T110000
        CLASS:PUBLIC
        PRIORITY:5
        DTSTAMP:20260401T080000Z
        TRANSP:OPAQUE
        STATUS:CONFIRMED
        SEQUENCE:0
        X-MICROSOFT-CDO-BUSYSTATUS:BUSY
        END:VEVENT
        BEGIN:VEVENT
        UID:040000008200E00074C5B7101A82E00800000000A0B1C2D3E4F5D901000000000000000010000000
        RECURRENCE-ID;TZID=W. Europe Standard Time:20260609T100000
        SUMMARY:Monthly review (room change)
        DTSTART;TZID=W. Europe Standard Time:20260609T113000
        DTEND;TZID=W. Europe Standard Time:20260609T123000
        DTSTAMP:20260401T080000Z
        SEQUENCE:1
        END:VEVENT
        BEGIN:VEVENT
        UID:custom-zone-1
        SUMMARY:Call with Boston
        DTSTART;TZID=Customized Time Zone:20260310T090000
        DTEND;TZID=Customized Time Zone:20260310T093000
        DTSTAMP:20260301T080000Z
        END:VEVENT
        BEGIN:VEVENT
        UID:india-1
        SUMMARY:Call with Mumbai
        DTSTART;TZID="(UTC+05:30) Chennai, Kolkata, Mumbai, New Delhi":20260310T170000
        DTEND;TZID="(UTC+05:30) Chennai, Kolkata, Mumbai, New Delhi":20260310T180000
        DTSTAMP:20260301T080000Z
        END:VEVENT
        BEGIN:VEVENT
        UID:oof-1
        SUMMARY:Out of office
        DTSTART;VALUE=DATE:20260420
        DTEND;VALUE=DATE:20260425
        X-MICROSOFT-CDO-ALLDAYEVENT:TRUE
        X-MICROSOFT-CDO-BUSYSTATUS:OOF
        DTSTAMP:20260401T080000Z
        END:VEVENT
        END:VCALENDAR
        """;

    private const string Apple = """
        BEGIN:VCALENDAR
        VERSION:2.0
        PRODID:-//Apple Inc.//macOS 14.4//EN
        CALSCALE:GREGORIAN
        BEGIN:VTIMEZONE
        TZID:America/Los_Angeles
        BEGIN:DAYLIGHT
        TZOFFSETFROM:-0800
        RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU
        DTSTART:20070311T020000
        TZNAME:PDT
        TZOFFSETTO:-0700
        END:DAYLIGHT
        BEGIN:STANDARD
        TZOFFSETFROM:-0700
        RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU
        DTSTART:20071104T020000
        TZNAME:PST
        TZOFFSETTO:-0800
        END:STANDARD
        END:VTIMEZONE
        BEGIN:VEVENT
        CREATED:20260201T180000Z
        UID:5A7B3C2D-1E0F-4A5B-9C8D-7E6F5A4B3C2D
        DTEND;TZID=America/Los_Angeles:20260302T083000
        RRULE:FREQ=WEEKLY;INTERVAL=1;BYDAY=MO;COUNT=4
        TRANSP:OPAQUE
        SUMMARY:Gym
        DTSTART;TZID=America/Los_Angeles:20260302T073000
        DTSTAMP:20260201T180000Z
        SEQUENCE:0
        END:VEVENT
        BEGIN:VEVENT
        CREATED:20260201T180000Z
        UID:5A7B3C2D-1E0F-4A5B-9C8D-7E6F5A4B3C2D
        DTEND;TZID=America/Los_Angeles:20260316T083000
        TRANSP:OPAQUE
        SUMMARY:Gym
        DTSTART;TZID=America/Los_Angeles:20260316T073000
        DTSTAMP:20260210T180000Z
        SEQUENCE:0
        RECURRENCE-ID;TZID=America/Los_Angeles:20260316T073000
        STATUS:CANCELLED
        END:VEVENT
        BEGIN:VEVENT
        UID:B1C2D3E4-floating
        DTSTART:20260305T120000
        DTEND:20260305T130000
        SUMMARY:Lunch (floating)
        DTSTAMP:20260201T180000Z
        END:VEVENT
        BEGIN:VEVENT
        UID:C1D2E3F4-birthday
        DTSTART;VALUE=DATE:20000310
        DTEND;VALUE=DATE:20000311
        RRULE:FREQ=YEARLY
        SUMMARY:Birthday
        TRANSP:TRANSPARENT
        DTSTAMP:20260201T180000Z
        END:VEVENT
        END:VCALENDAR
        """;

    private static readonly DateTimeZone Berlin = DateTimeZoneProviders.Tzdb["Europe/Berlin"];
    private static readonly DateTimeZone LosAngeles = DateTimeZoneProviders.Tzdb["America/Los_Angeles"];

    private static string Crlf(string text) => text.ReplaceLineEndings("\r\n") + "\r\n";

    [Fact]
    public void Read_GoogleExport_ExpandsTheSeriesWithItsOverrideAndExdate()
    {
        var window = new Interval(Ics.Utc("2026-03-01T00:00:00Z"), Ics.Utc("2026-05-01T00:00:00Z"));

        var result = Ics.Read(Crlf(Google), Ics.London, window);

        (result.IsCalendar, result.IsComplete, result.SkippedObjects, result.TruncatedAtLimit).ShouldBe((true, true, 0, false));
        var sync = result.Occurrences.Where(o => o.Uid.StartsWith("7kuk", StringComparison.Ordinal)).ToList();
        sync.Select(o => $"{o.Start.InZone(Ics.London).LocalDateTime:MM-dd HH:mm} {o.Summary}").ShouldBe([
            "03-16 09:30 Team sync", "03-18 09:30 Team sync", "03-23 09:30 Team sync", "03-30 09:30 Team sync",
            "04-06 09:30 Team sync", "04-08 09:30 Team sync", "03-25 15:00 Team sync (moved)"]);
        sync[3].Start.ShouldBe(Ics.Utc("2026-03-30T08:30:00Z")); // BST from 29 March
        var offsite = result.Occurrences.Single(o => o.Summary == "Offsite");
        (offsite.IsAllDay, offsite.Transparent, offsite.AllDayStart, offsite.AllDayEnd).ShouldBe((true, true, new LocalDate(2026, 3, 30), new LocalDate(2026, 4, 1)));
        result.Occurrences.ShouldNotContain(o => o.Summary == "Cancelled call");
    }

    [Fact]
    public void Read_OutlookExport_ResolvesWindowsAndCustomZones()
    {
        var window = new Interval(Ics.Utc("2026-03-01T00:00:00Z"), Ics.Utc("2027-01-01T00:00:00Z"));

        var result = Ics.Read(Crlf(Outlook), Ics.NewYork, window);

        result.SkippedObjects.ShouldBe(0);
        var review = result.Occurrences.Where(o => o.Summary.StartsWith("Monthly review", StringComparison.Ordinal)).ToList();
        review.Select(o => o.Start.InZone(Berlin).LocalDateTime.ToString("MM-dd HH:mm", null)).ShouldBe([
            "04-14 10:00", "07-14 10:00", "08-11 10:00", "09-08 10:00", "10-13 10:00", "11-10 10:00", "12-08 10:00", "06-09 11:30"]);
        result.Occurrences.Single(o => o.Uid == "custom-zone-1").Start.ShouldBe(Ics.Utc("2026-03-10T13:00:00Z")); // EDT from 8 March
        result.Occurrences.Single(o => o.Uid == "india-1").Start.ShouldBe(Ics.Utc("2026-03-10T11:30:00Z"));
        var oof = result.Occurrences.Single(o => o.Uid == "oof-1");
        (oof.Start, oof.End).ShouldBe((Ics.At("2026-04-20T00:00", Ics.NewYork), Ics.At("2026-04-25T00:00", Ics.NewYork)));
    }

    [Fact]
    public void Read_AppleExport_CancelledInstanceFloatingAndYearlyAllDay()
    {
        var window = new Interval(Ics.Utc("2026-03-01T00:00:00Z"), Ics.Utc("2026-04-01T00:00:00Z"));

        var result = Ics.Read(Crlf(Apple), LosAngeles, window);

        result.Occurrences.Where(o => o.Summary == "Gym").Select(o => o.Start.InZone(LosAngeles).LocalDateTime.ToString("MM-dd HH:mm", null))
            .ShouldBe(["03-02 07:30", "03-09 07:30", "03-23 07:30"]);
        result.Occurrences.Single(o => o.Summary == "Lunch (floating)").Start.ShouldBe(Ics.Utc("2026-03-05T20:00:00Z"));
        var birthday = result.Occurrences.Single(o => o.Summary == "Birthday");
        (birthday.AllDayStart, birthday.Transparent).ShouldBe((new LocalDate(2026, 3, 10), true));
    }

    [Fact]
    public void Parse_OutlookExport_GivesEveryUidOnce()
    {
        IcsReader.Parse(Crlf(Outlook), Ics.NewYork).Objects.Select(o => o.Uid).ShouldBe([
            "040000008200E00074C5B7101A82E00800000000A0B1C2D3E4F5D901000000000000000010000000", "custom-zone-1", "india-1", "oof-1"]);
    }

    [Theory]
    [InlineData("Google", "Europe/London")]
    [InlineData("Outlook", "Europe/Berlin")]
    [InlineData("Apple", "America/Los_Angeles")]
    public void VTimeZone_RealZone_EqualsTzdbOverAYear(string producer, string tzdbId)
    {
        var text = producer switch { "Google" => Google, "Outlook" => Outlook, _ => Apple };
        var root = IcsComponentFor(text);
        var vtz = root.Children.First(c => c.Name == "VTIMEZONE");
        var defined = VTimeZone.TryCreate(vtz, "test").ShouldNotBeNull();
        var tzdb = DateTimeZoneProviders.Tzdb[tzdbId];

        for (var t = Ics.Utc("2026-01-01T00:00:00Z"); t < Ics.Utc("2027-01-01T00:00:00Z"); t += Duration.FromMinutes(30))
        {
            defined.GetUtcOffset(t).ShouldBe(tzdb.GetUtcOffset(t), $"{tzdbId} at {t}");
        }
        for (var local = new LocalDateTime(2026, 1, 1, 0, 0); local.Year == 2026; local = local.PlusMinutes(30))
        {
            IcsZones.ToInstant(local, false, defined).ShouldBe(IcsZones.ToInstant(local, false, tzdb), $"{tzdbId} local {local}");
        }
    }

    [Fact]
    public void VTimeZone_WithRdatesOnly_FollowsItsOnsets()
    {
        var text = Crlf(string.Join("\n", "BEGIN:VCALENDAR", "VERSION:2.0", "BEGIN:VTIMEZONE", "TZID:Old-Style",
            "BEGIN:DAYLIGHT", "DTSTART:20260329T020000", "RDATE:20260329T020000,20270328T020000", "TZOFFSETFROM:+0100", "TZOFFSETTO:+0200", "END:DAYLIGHT",
            "BEGIN:STANDARD", "DTSTART:20261025T030000", "RDATE:20261025T030000", "TZOFFSETFROM:+0200", "TZOFFSETTO:+0100", "END:STANDARD",
            "END:VTIMEZONE", "BEGIN:VEVENT", "UID:x", "DTSTART;TZID=Old-Style:20260701T120000", "RRULE:FREQ=MONTHLY;COUNT=12", "END:VEVENT", "END:VCALENDAR"));

        var result = Ics.Read(text);

        result.Occurrences.Select(o => o.Start).ShouldBe([
            Ics.Utc("2026-07-01T10:00:00Z"), Ics.Utc("2026-08-01T10:00:00Z"), Ics.Utc("2026-09-01T10:00:00Z"), Ics.Utc("2026-10-01T10:00:00Z"),
            Ics.Utc("2026-11-01T11:00:00Z"), Ics.Utc("2026-12-01T11:00:00Z"), Ics.Utc("2027-01-01T11:00:00Z"), Ics.Utc("2027-02-01T11:00:00Z"),
            Ics.Utc("2027-03-01T11:00:00Z"), Ics.Utc("2027-04-01T10:00:00Z"), Ics.Utc("2027-05-01T10:00:00Z"), Ics.Utc("2027-06-01T10:00:00Z")]);
    }

    private static IcsComponent IcsComponentFor(string text) => IcsComponent.Parse(Crlf(text)).ShouldNotBeNull();
}
