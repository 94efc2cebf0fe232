using NodaTime;
using RtsApp.Scheduling;
using static RtsApp.Tests.Scheduling.Build;

namespace RtsApp.Tests.Scheduling;

/// <summary>Wall-clock alignment, including DST days: ambiguous local times give both instants, skipped ones none.</summary>
public class AlignmentTests
{
    private static string[] AlignedLocal(string zone, string from, string to, int minutes, int interval, Instant? earliest = null)
    {
        var q = Query([All(Busy("A"))], minutes, [Span(from, to)], interval: interval, zone: zone, earliest: earliest);
        return AvailabilityEngine.OverlappingSlots(q)
            .Select(s => $"{s.Start:uuuu-MM-ddTHH:mm}Z={s.Start.InZone(q.Zone).LocalDateTime:HH:mm}")
            .ToArray();
    }

    [Fact]
    public void IsAligned_WholeMinutesOfLocalDay_AreAligned()
    {
        var utc = DateTimeZone.Utc;
        Alignment.IsAligned(T("09:30"), utc, Min(30)).ShouldBeTrue();
        Alignment.IsAligned(T("09:20"), utc, Min(30)).ShouldBeFalse();
        Alignment.IsAligned(T("09:20"), utc, Min(20)).ShouldBeTrue();
        Alignment.IsAligned(T("09:30") + Duration.FromSeconds(1), utc, Min(5)).ShouldBeFalse();
        Alignment.IsAligned(T("09:30") + Duration.FromNanoseconds(1), utc, Min(5)).ShouldBeFalse();
    }

    [Fact]
    public void OverlappingSlots_Kathmandu_AlignsOnLocalHoursAtQuarterPastUtc()
    {
        AlignedLocal("Asia/Kathmandu", "03:00", "05:00", 30, 60).ShouldBe(["2026-03-27T03:15Z=09:00", "2026-03-27T04:15Z=10:00"]);
    }

    [Fact]
    public void OverlappingSlots_LondonSpringForward_SkippedLocalTimesGiveNoStart()
    {
        AlignedLocal("Europe/London", "2026-03-29T00:00", "2026-03-29T02:00", 30, 30)
            .ShouldBe(["2026-03-29T00:00Z=00:00", "2026-03-29T00:30Z=00:30", "2026-03-29T01:00Z=02:00", "2026-03-29T01:30Z=02:30"]);
    }

    [Fact]
    public void OverlappingSlots_LondonFallBack_AmbiguousLocalTimeGivesBothInstants()
    {
        AlignedLocal("Europe/London", "2026-10-24T23:30", "2026-10-25T02:30", 30, 60)
            .ShouldBe(["2026-10-25T00:00Z=01:00", "2026-10-25T01:00Z=01:00", "2026-10-25T02:00Z=02:00"]);
    }

    [Fact]
    public void OverlappingSlots_LondonFallBackStartingInsideFirstOccurrence_KeepsTheSecondOccurrence()
    {
        // 00:10Z is 01:10 BST: local 01:00 GMT (01:00Z) comes after it even though 01:00 < 01:10 on the wall clock.
        AlignedLocal("Europe/London", "2026-10-24T23:30", "2026-10-25T02:30", 30, 60, earliest: T("2026-10-25T00:10"))
            .ShouldBe(["2026-10-25T01:00Z=01:00", "2026-10-25T02:00Z=02:00"]);
    }

    [Fact]
    public void OverlappingSlots_NewYorkSpringForward_SkipsTwoOClock()
    {
        AlignedLocal("America/New_York", "2026-03-08T05:00", "2026-03-08T09:00", 60, 60)
            .ShouldBe(["2026-03-08T05:00Z=00:00", "2026-03-08T06:00Z=01:00", "2026-03-08T07:00Z=03:00", "2026-03-08T08:00Z=04:00"]);
    }

    [Fact]
    public void OverlappingSlots_NewYorkFallBack_GivesOneOClockTwice()
    {
        AlignedLocal("America/New_York", "2026-11-01T04:00", "2026-11-01T08:00", 30, 60)
            .ShouldBe(["2026-11-01T04:00Z=00:00", "2026-11-01T05:00Z=01:00", "2026-11-01T06:00Z=01:00", "2026-11-01T07:00Z=02:00"]);
    }

    [Fact]
    public void OverlappingSlots_LordHoweHalfHourFallBack_HourlyStartsNinetyMinutesApart()
    {
        // 02:00 +11 becomes 01:30 +10:30 at 15:00Z: local 02:00 (+10:30) is 15:30Z.
        AlignedLocal("Australia/Lord_Howe", "2026-04-04T13:00", "2026-04-04T17:00", 30, 60)
            .ShouldBe(["2026-04-04T13:00Z=00:00", "2026-04-04T14:00Z=01:00", "2026-04-04T15:30Z=02:00", "2026-04-04T16:30Z=03:00"]);
    }

    [Fact]
    public void OverlappingSlots_LordHoweHalfHourFallBack_AmbiguousHalfHourGivesBothInstants()
    {
        AlignedLocal("Australia/Lord_Howe", "2026-04-04T14:00", "2026-04-04T16:00", 30, 30)
            .ShouldBe(["2026-04-04T14:00Z=01:00", "2026-04-04T14:30Z=01:30", "2026-04-04T15:00Z=01:30", "2026-04-04T15:30Z=02:00"]);
    }

    [Fact]
    public void OverlappingSlots_LordHoweHalfHourSpringForward_SkippedHourGivesNoStart()
    {
        // 02:00 +10:30 becomes 02:30 +11 at 15:30Z: local 02:00 never happens.
        AlignedLocal("Australia/Lord_Howe", "2026-10-03T14:00", "2026-10-03T17:00", 30, 60)
            .ShouldBe(["2026-10-03T14:30Z=01:00", "2026-10-03T16:00Z=03:00"]);
    }

    [Fact]
    public void ChooseParticipants_UnalignedOrOutsideStartSet_IsNull()
    {
        var q = Query([All(Busy("A"))], 30, [Span("09:00", "10:00")], zone: "Asia/Kathmandu", interval: 60);

        AvailabilityEngine.ChooseParticipants(q, T("09:15")).ShouldBe(["A"]);
        AvailabilityEngine.ChooseParticipants(q, T("09:00")).ShouldBeNull();
        AvailabilityEngine.ChooseParticipants(q, T("10:15")).ShouldBeNull();
    }
}
