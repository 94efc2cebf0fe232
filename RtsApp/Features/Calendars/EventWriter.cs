using FluentValidation;
using Microsoft.EntityFrameworkCore;
using NodaTime;
using RtsApp.Infrastructure;
using RtsApp.Store;

namespace RtsApp.Features.Calendars;

public sealed record EventLocation(string? Description);

/// <summary>An event as written by a client (SPEC §3) or by a booking.</summary>
public sealed record UpsertEventRequest(
    string? EventId, string? Summary, string? Description, EventTime? Start, EventTime? End, string? Tzid,
    EventLocation? Location, string? Transparency);

/// <summary>A validated event: <see cref="Span"/> the instants it occupies; for an all-day event the dates as given.</summary>
public sealed record EventSpec(
    string EventId, string Summary, string? Description, Interval Span, string Tzid,
    LocalDate? StartDate, LocalDate? EndDate, string? Location, bool Transparent);

public sealed class UpsertEventValidator : AbstractValidator<UpsertEventRequest>
{
    public static readonly UpsertEventValidator Instance = new();

    private UpsertEventValidator()
    {
        RuleFor(x => x.EventId).EventId();
        RuleFor(x => x.Summary).Summary();
        RuleFor(x => x.Description).Description();
        RuleFor(x => x.Start).Present();
        RuleFor(x => x.End).Present();
        RuleFor(x => x.Tzid).Required().When(x => x.Start?.Tzid is null || x.End?.Tzid is null)
            .WithMessage("required unless start and end both carry a tzid");
        RuleFor(x => x.Tzid).KnownZone();
        RuleFor(x => x.Transparency).Must(t => t is EventFields.Opaque or EventFields.Transparent).When(x => x.Transparency is not null)
            .WithMessage("must be opaque or transparent");
        RuleFor(x => x.Location == null ? null : x.Location.Description).Location().OverridePropertyName("location.description");
        RuleFor(x => x.End).Must((x, end) => x.Start?.IsDate == end?.IsDate)
            .When(x => x.Start is not null && x.End is not null)
            .WithMessage("start and end must both be dates or both be times");
        RuleFor(x => x.End).Must((x, _) => EventWriter.Instants(x) is { } i && i.End > i.Start)
            .When(x => x.Start is not null && x.End is not null && x.Start.IsDate == x.End.IsDate && EventWriter.Instants(x) is not null)
            .WithErrorCode(ValidationRules.EndBeforeStartKey).WithMessage("must be after start");
    }
}

/// <summary>Writes events: insert or update by (calendar, event_id). The API and bookings both write through here.</summary>
public static class EventWriter
{
    /// <summary>The instants the request's start and end denote, in either order; null while a zone is missing or unknown.</summary>
    internal static (Instant Start, Instant End)? Instants(UpsertEventRequest r) =>
        r.Start is { } start && r.End is { } end
        && TzdbZones.Find(start.Tzid ?? r.Tzid) is { } startZone && TzdbZones.Find(end.Tzid ?? r.Tzid) is { } endZone
            ? (start.Resolve(startZone), end.Resolve(endZone))
            : null;

    /// <summary>The validated request as the event it writes.</summary>
    public static EventSpec ToSpec(this UpsertEventRequest r)
    {
        var (start, end) = Validated.Value(Instants(r), "start");
        return new EventSpec(
            Validated.Value(r.EventId, "event_id"), Validated.Value(r.Summary, "summary"), r.Description, new Interval(start, end),
            r.Tzid ?? r.Start?.Tzid ?? TzdbZones.UtcId, r.Start?.Date, r.End?.Date, r.Location?.Description,
            r.Transparency == EventFields.Transparent);
    }

    /// <summary>Adds or updates the event in the tracked context; the caller saves (bookings save in their transaction).
    /// A booking passes its <paramref name="linkId"/>: it may not overwrite an event another link's booking wrote
    /// (SPEC §8), and then nothing is written and the answer is false.</summary>
    public static async Task<bool> UpsertAsync(RtsDbContext db, string applicationId, string calendarId, EventSpec spec, Instant now,
        CancellationToken ct, string? linkId = null)
    {
        var existing = await db.Events.FirstOrDefaultAsync(e => e.CalendarId == calendarId && e.EventId == spec.EventId, ct);
        if (linkId is not null && existing?.LinkId is { } owner && owner != linkId) return false;
        var e = existing ?? new CalendarEvent
        {
            Id = Ids.New(Ids.EventPrefix),
            ApplicationId = applicationId,
            CalendarId = calendarId,
            EventId = spec.EventId,
            Summary = spec.Summary,
            Tzid = spec.Tzid,
            CreatedAt = now,
        };
        e.Summary = spec.Summary;
        e.Description = spec.Description;
        e.Start = spec.Span.Start;
        e.End = spec.Span.End;
        e.Tzid = spec.Tzid;
        e.StartDate = spec.StartDate;
        e.EndDate = spec.EndDate;
        e.LocationDescription = spec.Location;
        e.Transparent = spec.Transparent;
        e.UpdatedAt = now;
        e.LinkId = linkId ?? e.LinkId;
        if (existing is null) db.Events.Add(e);
        return true;
    }
}
