using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using NodaTime;
using RtsApp.Infrastructure;
using RtsApp.Scheduling;
using RtsApp.Store;

namespace RtsApp.Features.Availability;

public sealed record SubView(string Sub);
public sealed record PeriodView(Instant Start, Instant End, IReadOnlyList<SubView> Participants);
/// <summary><see cref="MemberStatuses"/> only when the request asked for them (<c>include_member_statuses</c>).</summary>
public sealed record PeriodsReply(IReadOnlyList<PeriodView> AvailablePeriods, IReadOnlyList<MemberStatusView>? MemberStatuses = null);
public sealed record SlotsReply(IReadOnlyList<PeriodView> AvailableSlots, IReadOnlyList<MemberStatusView>? MemberStatuses = null);
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
        if (!body.TryParse(AvailabilityValidator.Instance, r => (Spec: r.ToSpec(), Statuses: r.IncludeMemberStatuses == true),
                out var parsed, out var invalid)) return invalid;
        var spec = parsed.Spec;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var built = await AvailabilityLoader.BuildAsync(db, cache, caller, spec, clock.GetCurrentInstant(), ct);
        if (!built.TryGet(out var query, out var error)) return error;
        var statuses = parsed.Statuses ? await MemberStatuses.ReadAsync(db, caller.ApplicationId, spec, ct) : null;
        return spec.ResponseFormat switch
        {
            AvailabilityLimits.OverlappingSlots => TypedResults.Ok(new SlotsReply(AvailabilityEngine.OverlappingSlots(query).Select(View).ToList(), statuses)),
            AvailabilityLimits.Slots => TypedResults.Ok(new SlotsReply(AvailabilityEngine.Slots(query).Select(View).ToList(), statuses)),
            _ => TypedResults.Ok(new PeriodsReply(AvailabilityEngine.Periods(query)
                .Select(p => new PeriodView(p.Start, p.End, Subs(p.Participants))).ToList(), statuses)),
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
