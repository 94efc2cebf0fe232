using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using NodaTime;
using RtsApp.Infrastructure;
using RtsApp.Scheduling;
using RtsApp.Store;

namespace RtsApp.Features.Availability;

public sealed record SubView(string Sub);
public sealed record PeriodView(Instant Start, Instant End, IReadOnlyList<SubView> Participants);
public sealed record PeriodsReply(IReadOnlyList<PeriodView> AvailablePeriods);
public sealed record SlotsReply(IReadOnlyList<PeriodView> AvailableSlots);
public sealed record SequencedSlotView(string SequenceId, Instant Start, Instant End, IReadOnlyList<SubView> Participants);
public sealed record SequenceOptionView(IReadOnlyList<SequencedSlotView> Sequence);
public sealed record SequencesReply(IReadOnlyList<SequenceOptionView> Sequences);

public static class AvailabilityApi
{

    public static IEndpointRouteBuilder MapAvailabilityApi(this IEndpointRouteBuilder api)
    {
        api.MapPost("/availability", QueryAvailability).Named("QueryAvailability", "Finds the times when the participants are free")
            .Measured("availability");
        api.MapPost("/sequenced_availability", QuerySequencedAvailability).Named("QuerySequencedAvailability", "Finds back-to-back sequences of times")
            .Measured("sequenced_availability");
        return api;
    }

    public static async Task<Results<Ok<PeriodsReply>, Ok<SlotsReply>, ApiError>> QueryAvailability(
        Json<AvailabilityRequest> body, Caller caller, IDbContextFactory<RtsDbContext> dbFactory, BusyTimeCache cache, IClock clock,
        CancellationToken ct)
    {
        if (!body.TryParse(AvailabilityValidator.Instance, r => r.ToSpec(), out var spec, out var invalid)) return invalid;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var built = await AvailabilityLoader.BuildAsync(db, cache, caller, spec, clock.GetCurrentInstant(), ct);
        if (!built.TryGet(out var query, out var error)) return error;
        return spec.ResponseFormat switch
        {
            AvailabilityLimits.OverlappingSlots => TypedResults.Ok(new SlotsReply(AvailabilityEngine.OverlappingSlots(query).Select(View).ToList())),
            AvailabilityLimits.Slots => TypedResults.Ok(new SlotsReply(AvailabilityEngine.Slots(query).Select(View).ToList())),
            _ => TypedResults.Ok(new PeriodsReply(AvailabilityEngine.Periods(query)
                .Select(p => new PeriodView(p.Start, p.End, Subs(p.Participants))).ToList())),
        };
    }

    public static async Task<Results<Ok<SequencesReply>, ApiError>> QuerySequencedAvailability(
        Json<SequencedAvailabilityRequest> body, Caller caller, IDbContextFactory<RtsDbContext> dbFactory, BusyTimeCache cache, IClock clock,
        CancellationToken ct)
    {
        if (!body.TryParse(SequencedAvailabilityValidator.Instance, r => r.ToSpec(), out var spec, out var invalid)) return invalid;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var built = await AvailabilityLoader.BuildSequenceAsync(db, cache, caller, spec, clock.GetCurrentInstant(), ct);
        if (!built.TryGet(out var query, out var error)) return error;
        return TypedResults.Ok(new SequencesReply(SequenceEngine.Options(query).Select(View).ToList()));
    }

    public static SequenceOptionView View(SequenceOption o) =>
        new(o.Steps.Select(s => new SequencedSlotView(s.SequenceId, s.Start, s.End, Subs(s.Participants))).ToList());

    private static PeriodView View(AvailableSlot s) => new(s.Start, s.End, Subs(s.Participants));

    public static IReadOnlyList<SubView> Subs(IReadOnlyList<string> subs) => subs.Select(s => new SubView(s)).ToList();
}
