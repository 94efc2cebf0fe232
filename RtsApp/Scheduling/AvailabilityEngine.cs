using NodaTime;

namespace RtsApp.Scheduling;

/// <summary>
/// Answers availability questions (SPEC §4) in the three reply formats. Pure: the answer depends only
/// on the query.
/// </summary>
public static class AvailabilityEngine
{
    /// <summary>
    /// The "periods" format: each maximal range [p, q] of S gives the period [p, q + d), with every
    /// member of an "all" group and the members of numeric groups who can start somewhere in [p, q].
    /// S is not split further: two periods overlap when d reaches past the gap between their ranges,
    /// which is how the SPEC's example gives 09:00–10:00 {A} and 09:30–11:00 {B}. At most
    /// <see cref="AvailabilityQuery.MaxResults"/>, sorted by start.
    /// </summary>
    public static IReadOnlyList<AvailablePeriod> Periods(AvailabilityQuery q)
    {
        ArgumentNullException.ThrowIfNull(q);
        var evaluation = Evaluation.Of(q);
        var participants = new Participants(evaluation);
        var ranges = evaluation.Starts.Ranges;
        var periods = new List<AvailablePeriod>(Math.Min(ranges.Count, q.MaxResults));
        for (var i = 0; i < ranges.Count && periods.Count < q.MaxResults; i++)
        {
            var range = ranges[i];
            periods.Add(new AvailablePeriod(range.Start, range.End + q.RequiredDuration, participants.Within(range)));
        }
        return periods;
    }

    /// <summary>The "overlapping_slots" format: a slot at every aligned start of S, earliest first.</summary>
    public static IReadOnlyList<AvailableSlot> OverlappingSlots(AvailabilityQuery q) => AlignedSlots(q, allowOverlap: true);

    /// <summary>The "slots" format: aligned starts of S in order, skipping any that overlaps the slot taken before it.</summary>
    public static IReadOnlyList<AvailableSlot> Slots(AvailabilityQuery q) => AlignedSlots(q, allowOverlap: false);

    /// <summary>
    /// For booking: if <paramref name="t"/> is an aligned start in S, the chosen participants (every
    /// member of an "all" group; for a numeric group the first <c>Required</c> members in request order
    /// who can start at t), de-duplicated, in group/request order; else <c>null</c>.
    /// </summary>
    public static IReadOnlyList<string>? ChooseParticipants(AvailabilityQuery q, Instant t)
    {
        ArgumentNullException.ThrowIfNull(q);
        if (!Alignment.IsAligned(t, q.Zone, q.StartInterval))
        {
            return null;
        }
        var evaluation = Evaluation.Of(q);
        return evaluation.Starts.Contains(t) ? new Participants(evaluation).Choose(t) : null;
    }

    private static List<AvailableSlot> AlignedSlots(AvailabilityQuery q, bool allowOverlap)
    {
        ArgumentNullException.ThrowIfNull(q);
        var evaluation = Evaluation.Of(q);
        var participants = new Participants(evaluation);
        var cursor = new AlignedCursor(evaluation.Starts, q.Zone, q.StartInterval);
        var slots = new List<AvailableSlot>();
        var from = Instant.MinValue;
        while (slots.Count < q.MaxResults && cursor.TryNext(from, out var start))
        {
            var end = start + q.RequiredDuration;
            slots.Add(new AvailableSlot(start, end, participants.At(start)));
            from = allowOverlap ? start + Duration.Epsilon : end;
        }
        return slots;
    }
}
