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

public sealed class UpsertEventValidator : AbstractValidator<UpsertEventRequest>
{
    public static readonly UpsertEventValidator Instance = new();

    private UpsertEventValidator()
    {
        RuleFor(x => x.EventId).NotEmpty().WithMessage("required").MaximumLength(256);
        RuleFor(x => x.Summary).NotEmpty().WithMessage("required").MaximumLength(1024);
        RuleFor(x => x.Description).MaximumLength(4096);
        RuleFor(x => x.Start).NotNull().WithMessage("required");
        RuleFor(x => x.End).NotNull().WithMessage("required");
        RuleFor(x => x.Tzid).NotEmpty().WithMessage("required unless start and end both carry a tzid")
            .When(x => x.Start?.Tzid is null || x.End?.Tzid is null);
        RuleFor(x => x.Tzid).Must(z => ApiJson.Zone(z) is not null).When(x => !string.IsNullOrEmpty(x.Tzid))
            .WithErrorCode("errors.unknown_time_zone").WithMessage("is not a known IANA time zone");
        RuleFor(x => x.Transparency).Must(t => t is "opaque" or "transparent").When(x => x.Transparency is not null)
            .WithMessage("must be opaque or transparent");
        RuleFor(x => x.Location!.Description).MaximumLength(1024).When(x => x.Location is not null).OverridePropertyName("location.description");
        RuleFor(x => x.End).Must((x, _) => x.Start!.IsDate == x.End!.IsDate)
            .When(x => x.Start is not null && x.End is not null)
            .WithMessage("start and end must both be dates or both be times");
        RuleFor(x => x.End).Must((x, _) => EventWriter.Span(x).End > EventWriter.Span(x).Start)
            .When(x => x.Start is not null && x.End is not null && x.Start.IsDate == x.End.IsDate && EventWriter.ZonesKnown(x))
            .WithErrorCode("errors.end_before_start").WithMessage("must be after start");
    }
}

/// <summary>Writes events: insert or update by (calendar, event_id). The API and bookings both write through here.</summary>
public static class EventWriter
{
    internal static bool ZonesKnown(UpsertEventRequest r) =>
        ApiJson.Zone(r.Start!.Tzid ?? r.Tzid) is not null && ApiJson.Zone(r.End!.Tzid ?? r.Tzid) is not null;

    /// <summary>The instants a valid request occupies.</summary>
    public static Interval Span(UpsertEventRequest r) =>
        new(r.Start!.Resolve(ApiJson.Zone(r.Start.Tzid ?? r.Tzid)!), r.End!.Resolve(ApiJson.Zone(r.End.Tzid ?? r.Tzid)!));

    /// <summary>Adds or updates the event in the tracked context; the caller saves (bookings save in their transaction).</summary>
    public static async Task UpsertAsync(RtsDbContext db, string applicationId, string calendarId, UpsertEventRequest r, Instant now, CancellationToken ct)
    {
        var span = Span(r);
        var existing = await db.Events.FirstOrDefaultAsync(e => e.CalendarId == calendarId && e.EventId == r.EventId, ct);
        var e = existing ?? new CalendarEvent
        {
            Id = Ids.New("evt_"), ApplicationId = applicationId, CalendarId = calendarId, EventId = r.EventId!,
            Summary = r.Summary!, Tzid = "Etc/UTC", CreatedAt = now,
        };
        e.Summary = r.Summary!;
        e.Description = r.Description;
        e.Start = span.Start;
        e.End = span.End;
        e.Tzid = r.Tzid ?? r.Start!.Tzid ?? "Etc/UTC";
        e.StartDate = r.Start!.Date;
        e.EndDate = r.End!.Date;
        e.LocationDescription = r.Location?.Description;
        e.Transparent = r.Transparency == "transparent";
        e.UpdatedAt = now;
        if (existing is null) db.Events.Add(e);
    }
}
