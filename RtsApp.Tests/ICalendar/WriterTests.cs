using System.Text;
using NodaTime;
using RtsApp.ICalendar;

namespace RtsApp.Tests.ICalendar;

/// <summary><see cref="IcsWriter"/>: valid RFC 5545 text that <see cref="IcsReader"/> reads back unchanged.</summary>
public class WriterTests
{
    [Fact]
    public void Event_LongUnicodeTextWithSpecials_IsFoldedEscapedAndReadsBack()
    {
        var summary = "Interview; round 1, with\\notes\nline two — " + string.Concat(Enumerable.Repeat("日本語テキスト ", 12));
        var text = IcsWriter.Event("b-1@rtsapp", Ics.Utc("2026-03-20T12:00:00.750Z"), Ics.Utc("2026-03-27T09:30:00Z"), Ics.Utc("2026-03-27T10:30:00Z"),
            summary, "Bring: CV, portfolio", "Room 4; floor 2");

        text.ShouldEndWith("\r\n");
        text.Replace("\r\n", "", StringComparison.Ordinal).ShouldNotContain("\n");
        text.Split("\r\n").ShouldAllBe(line => Encoding.UTF8.GetByteCount(line) <= 75);
        text.ShouldNotContain("METHOD:");
        var lines = text.Replace("\r\n ", "", StringComparison.Ordinal).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        lines.ShouldContain("DTSTAMP:20260320T120000Z");
        lines.ShouldContain("LOCATION:Room 4\\; floor 2");
        lines.ShouldContain("DESCRIPTION:Bring: CV\\, portfolio");
        var o = Ics.Read(text).Occurrences.ShouldHaveSingleItem();
        (o.Uid, o.Summary, o.Start, o.End).ShouldBe(("b-1@rtsapp", summary, Ics.Utc("2026-03-27T09:30:00Z"), Ics.Utc("2026-03-27T10:30:00Z")));
    }

    [Fact]
    public void Calendar_WithMethod_HoldsEveryEvent()
    {
        var stamp = Ics.Utc("2026-03-20T12:00:00Z");
        var text = IcsWriter.Calendar([
            new IcsEventData("a", stamp, Ics.Utc("2026-03-27T09:00:00Z"), Ics.Utc("2026-03-27T10:00:00Z"), "A"),
            new IcsEventData("b", stamp, Ics.Utc("2026-03-27T10:00:00Z"), Ics.Utc("2026-03-27T10:30:00Z"), "B"),
        ], method: "PUBLISH");

        text.ShouldContain("\r\nMETHOD:PUBLISH\r\n");
        IcsReader.Parse(text, Ics.NewYork).Objects.Select(o => o.Uid).ShouldBe(["a", "b"]);
    }

    [Fact]
    public void IcsEventData_EndBeforeStart_IsRefused()
    {
        Should.Throw<ArgumentOutOfRangeException>(() =>
            new IcsEventData("a", Instant.FromUnixTimeSeconds(0), Ics.Utc("2026-03-27T10:00:00Z"), Ics.Utc("2026-03-27T09:00:00Z"), "A"));
    }
}
