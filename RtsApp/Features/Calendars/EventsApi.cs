using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using NodaTime;
using RtsApp.Infrastructure;
using RtsApp.Store;

namespace RtsApp.Features.Calendars;

public sealed record DeleteEventRequest(string? EventId);
public sealed record Pages(int Current, int Total, string? NextPage);
public sealed record EventView(
    string CalendarId, string EventUid, string EventId, string Summary, string? Description, string Start, string End,
    string Tzid, bool Deleted, string Created, string Updated, EventLocation? Location, string Transparency, string Status,
    bool Recurring, IReadOnlyList<object> Attendees, IReadOnlyList<string> Categories);
public sealed record EventsReply(Pages Pages, IReadOnlyList<EventView> Events);
public sealed record FreeBusyView(string CalendarId, string Start, string End, string FreeBusyStatus);
public sealed record FreeBusyReply(Pages Pages, IReadOnlyList<FreeBusyView> FreeBusy);

public static class EventsApi
{
    public static IEndpointRouteBuilder MapEventsApi(this IEndpointRouteBuilder api)
    {
        api.MapPost("/calendars/{calendarId}/events", UpsertEvent).Named("UpsertEvent", "Creates or updates an event by event_id");
        api.MapDelete("/calendars/{calendarId}/events", DeleteEvent).Named("DeleteEvent", "Deletes an event by event_id");
        api.MapGet("/events", ReadEvents).Named("ReadEvents", "Reads events overlapping a range, paged");
        api.MapGet("/free_busy", ReadFreeBusy).Named("ReadFreeBusy", "Reads busy time overlapping a range, paged");
        return api;
    }

    public static async Task<Results<Accepted, ApiError>> UpsertEvent(
        string calendarId, Json<UpsertEventRequest> body, Caller caller, IDbContextFactory<RtsDbContext> dbFactory, IClock clock, CancellationToken ct)
    {
        if (body.Error is { } bad) return bad;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await WritableCalendarError(db, caller, calendarId, ct) is { } notWritable) return notWritable;
        if (!body.TryParse(UpsertEventValidator.Instance, r => r.ToSpec(), out var spec, out var invalid)) return invalid;
        try
        {
            await EventWriter.UpsertAsync(db, caller.ApplicationId, calendarId, spec, clock.GetCurrentInstant(), ct);
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Two writes of one new event_id raced; the other inserted it, so this one updates it.
            db.ChangeTracker.Clear();
            await EventWriter.UpsertAsync(db, caller.ApplicationId, calendarId, spec, clock.GetCurrentInstant(), ct);
            await db.SaveChangesAsync(ct);
        }
        return TypedResults.Accepted((string?)null);
    }

    public static async Task<Results<Accepted, ApiError>> DeleteEvent(
        string calendarId, [FromQuery(Name = "event_id")] string? eventId, HttpContext http, Caller caller,
        IDbContextFactory<RtsDbContext> dbFactory, CancellationToken ct)
    {
        if (ApiBody.Document(http) is not null || ApiBody.Error(http) is not null)
        {
            var (value, error) = ApiBody.Bind<DeleteEventRequest>(http);
            if (error is not null) return error;
            eventId = value?.EventId ?? eventId;
        }
        if (string.IsNullOrEmpty(eventId)) return ApiError.RequiredField("event_id");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await WritableCalendarError(db, caller, calendarId, ct) is { } notWritable) return notWritable;
        await db.Events.Where(e => e.CalendarId == calendarId && e.EventId == eventId).ExecuteDeleteAsync(ct);
        return TypedResults.Accepted((string?)null);
    }

    public static async Task<Results<Ok<EventsReply>, ApiError>> ReadEvents(
        HttpRequest request, Caller caller, IDbContextFactory<RtsDbContext> dbFactory, IClock clock, PublicUrls urls, CancellationToken ct)
    {
        if (!(await ReadPage(request, caller, dbFactory, clock, opaqueOnly: false, ct)).TryGet(out var page, out var e)) return e;
        var events = page.Events.Select(ev => new EventView(
            ev.CalendarId, ev.Id, ev.EventId, ev.Summary, ev.Description, Start(ev), End(ev), ev.Tzid, false,
            ApiJson.Format(ev.CreatedAt), ApiJson.Format(ev.UpdatedAt),
            ev.LocationDescription is null ? null : new EventLocation(ev.LocationDescription),
            ev.Transparent ? EventFields.Transparent : EventFields.Opaque, "confirmed", false, [], [])).ToList();
        return TypedResults.Ok(new EventsReply(page.Pages(request, urls), events));
    }

    public static async Task<Results<Ok<FreeBusyReply>, ApiError>> ReadFreeBusy(
        HttpRequest request, Caller caller, IDbContextFactory<RtsDbContext> dbFactory, IClock clock, PublicUrls urls, CancellationToken ct)
    {
        if (!(await ReadPage(request, caller, dbFactory, clock, opaqueOnly: true, ct)).TryGet(out var page, out var e)) return e;
        var busy = page.Events.Select(ev => new FreeBusyView(ev.CalendarId, Start(ev), End(ev), "busy")).ToList();
        return TypedResults.Ok(new FreeBusyReply(page.Pages(request, urls), busy));
    }

    private static string Start(CalendarEvent e) => e.StartDate is { } d ? NodaTime.Text.LocalDatePattern.Iso.Format(d) : ApiJson.Format(e.Start);
    private static string End(CalendarEvent e) => e.EndDate is { } d ? NodaTime.Text.LocalDatePattern.Iso.Format(d) : ApiJson.Format(e.End);

    private sealed record EventPage(IReadOnlyList<CalendarEvent> Events, RangeQuery Range, int Count)
    {
        public Pages Pages(HttpRequest request, PublicUrls urls) => Range.Pages(request, urls, Count);
    }

    /// <summary>Events overlapping the range (from inclusive, to exclusive; dates are midnights in <c>tzid</c>).</summary>
    private static async Task<Outcome<EventPage>> ReadPage(
        HttpRequest request, Caller caller, IDbContextFactory<RtsDbContext> dbFactory, IClock clock, bool opaqueOnly, CancellationToken ct)
    {
        if (!RangeQuery.Read(request.Query, clock.GetCurrentInstant()).TryGet(out var range, out var error)) return error;
        var (from, to) = (range.From, range.To);
        var calendarIds = request.Query["calendar_ids[]"].Concat(request.Query["calendar_ids"]).OfType<string>().Where(s => s.Length > 0).ToList();

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var calendars = db.Calendars.Where(c => c.ApplicationId == caller.ApplicationId && (caller.AccountId == null || c.AccountId == caller.AccountId));
        if (calendarIds.Count > 0) calendars = calendars.Where(c => calendarIds.Contains(c.Id));
        var events = db.Events.AsNoTracking()
            .Where(e => calendars.Select(c => c.Id).Contains(e.CalendarId) && e.Start < to && e.End > from && (!opaqueOnly || !e.Transparent));
        var count = await events.CountAsync(ct);
        var rows = await events.OrderBy(e => e.Start).ThenBy(e => e.Id).Skip(range.Skip).Take(RangeQuery.PageSize).ToListAsync(ct);
        return new EventPage(rows, range, count);
    }

    /// <summary>404 unless the caller may see the calendar; 422 <c>errors.calendar_readonly</c> for a calendar a
    /// connection brings (an ICS feed; a CalDAV calendar is written only by bookings' write-back, never locally); null when the caller may write into it.</summary>
    private static async Task<ApiError?> WritableCalendarError(RtsDbContext db, Caller caller, string calendarId, CancellationToken ct)
    {
        var readOnly = await db.Calendars.Where(c => c.Id == calendarId && c.ApplicationId == caller.ApplicationId
                                                     && (caller.AccountId == null || c.AccountId == caller.AccountId))
            .Select(c => (bool?)(c.ReadOnly || c.ConnectionId != null)).FirstOrDefaultAsync(ct);
        return readOnly switch
        {
            null => ApiError.Field(404, "calendar_id", ApiError.NotFound, "no such calendar"),
            true => ApiError.Unprocessable("calendar_id", EventFields.CalendarReadonlyKey, EventFields.CalendarReadonlyMessage),
            false => null,
        };
    }
}
