using NodaTime;
using RtsApp.Features.Availability;
using RtsApp.Features.Links;
using RtsApp.Infrastructure;
using RtsApp.Scheduling;
using RtsApp.Store;

namespace RtsApp.Features.Booking;

/// <summary>One step of an offered or booked time (a sequencing option has several; a scheduling slot has none).</summary>
public sealed record OfferedStep(string SequenceId, string Summary, Instant Start, Instant End);
public sealed record OfferedTime(Instant Start, Instant End, IReadOnlyList<OfferedStep> Steps);

/// <summary>The times a link offers and the re-check of a chosen one: the page and booking both come here, so they
/// run the same loader and engine over the same live calendars (SPEC §8).</summary>
public static class Offers
{
    /// <summary>Every time the link offers over its whole window. Unlike the API, the page is not cut off by
    /// <c>max_results</c> (SPEC §7): the engine is asked without a limit. Booking's re-check (<see cref="ChooseAsync"/>)
    /// tests the chosen start alone and never depended on the limit.</summary>
    public static async Task<IReadOnlyList<OfferedTime>> OfferAsync(RtsDbContext db, BusyTimeCache cache, LoadedLink l, Instant now, CancellationToken ct)
    {
        var caller = new Caller(l.Link.ApplicationId, null);
        if (l.Spec.Sequence is { } sequence)
        {
            if (!(await AvailabilityLoader.BuildSequenceAsync(db, cache, caller, sequence, now, ct)).TryGet(out var limited, out _)) return [];
            var query = limited with { MaxResults = int.MaxValue };
            var summaries = sequence.Steps.ToDictionary(s => s.SequenceId, s => l.Spec.StepEvent(s).Summary);
            return SequenceEngine.Options(query).Select(o => new OfferedTime(o.Steps[0].Start, o.Steps[^1].End,
                o.Steps.Select(s => new OfferedStep(s.SequenceId, summaries[s.SequenceId], s.Start, s.End)).ToList())).ToList();
        }
        if (l.Spec.Availability is not { } availability
            || !(await AvailabilityLoader.BuildAsync(db, cache, caller, availability, now, ct)).TryGet(out var single, out _)) return [];
        return AvailabilityEngine.OverlappingSlots(single with { MaxResults = int.MaxValue }).Select(s => new OfferedTime(s.Start, s.End, [])).ToList();
    }

    /// <summary>Re-checks <paramref name="start"/> against the live calendars and picks the participants; null when it is
    /// no longer available.</summary>
    public static async Task<ChosenBooking?> ChooseAsync(RtsDbContext db, BusyTimeCache cache, LoadedLink l, Instant start, Instant now, string userTzid, CancellationToken ct)
    {
        var caller = new Caller(l.Link.ApplicationId, null);
        if (l.Spec.Availability is { } availability)
        {
            return (await AvailabilityLoader.BuildAsync(db, cache, caller, availability, now, ct)).TryGet(out var query, out _)
                && AvailabilityEngine.ChooseParticipants(query, start) is { } subs
                ? new ChosenBooking(userTzid, subs.ToList(), null)
                : null;
        }
        if (l.Spec.Sequence is not { } sequence
            || !(await AvailabilityLoader.BuildSequenceAsync(db, cache, caller, sequence, now, ct)).TryGet(out var seq, out _)
            || SequenceEngine.OptionStartingAt(seq, start) is not { } option) return null;
        var events = sequence.Steps.ToDictionary(s => s.SequenceId, l.Spec.StepEvent);
        var steps = new List<ChosenStep>();
        for (var i = 0; i < option.Steps.Count; i++)
        {
            var s = option.Steps[i];
            if (AvailabilityEngine.ChooseParticipants(seq.StepQuery(i), s.Start) is not { } subs) return null;
            var ev = events[s.SequenceId];
            steps.Add(new ChosenStep(s.SequenceId, ev.EventId, ev.Summary, s.Start, s.End, subs.ToList()));
        }
        return new ChosenBooking(userTzid, steps.SelectMany(s => s.Participants).Distinct().ToList(), steps);
    }
}
