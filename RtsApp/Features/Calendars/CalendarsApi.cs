using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using NodaTime;
using RtsApp.Infrastructure;
using RtsApp.Store;

namespace RtsApp.Features.Calendars;

public sealed record CreateCalendarRequest(string? Sub, string? Name);

public sealed class CreateCalendarValidator : AbstractValidator<CreateCalendarRequest>
{
    private static readonly CreateCalendarValidator WithSub = new(false), SubImplied = new(true);

    /// <summary>With an account token the <c>sub</c> is implied.</summary>
    public static CreateCalendarValidator For(bool subImplied) => subImplied ? SubImplied : WithSub;

    private CreateCalendarValidator(bool subImplied)
    {
        RuleFor(x => x.Sub).Required().When(_ => !subImplied);
        RuleFor(x => x.Name).Required().MaximumLength(256).NoControlCharacters();
    }
}

public sealed record CalendarView(
    string CalendarId, string Sub, string CalendarName, bool CalendarReadonly, bool CalendarDeleted, bool CalendarPrimary,
    string ProfileId, string ProfileName, string ProviderName);
public sealed record CalendarReply(CalendarView Calendar);
public sealed record CalendarsReply(IReadOnlyList<CalendarView> Calendars);

public static class CalendarsApi
{
    public const string ProviderName = "rtsapp";

    public static IEndpointRouteBuilder MapCalendarsApi(this IEndpointRouteBuilder api)
    {
        api.MapPost("/calendars", CreateCalendar).Named("CreateCalendar", "Creates a calendar for an account");
        api.MapGet("/calendars", ListCalendars).Named("ListCalendars", "Lists the calendars the caller can see");
        return api;
    }

    public static async Task<Results<Ok<CalendarReply>, ApiError>> CreateCalendar(
        Json<CreateCalendarRequest> body, Caller caller, IDbContextFactory<RtsDbContext> dbFactory, IClock clock, CancellationToken ct)
    {
        if (!body.TryParse(CreateCalendarValidator.For(caller.AccountId is not null), r => r, out var request, out var invalid)) return invalid;
        var sub = Validated.Value(request.Sub ?? caller.AccountId, "sub");

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var account = await db.Accounts.AsNoTracking()
            .FirstOrDefaultAsync(a => a.Id == sub && a.ApplicationId == caller.ApplicationId, ct);
        if (account is null || (caller.AccountId is not null && caller.AccountId != sub))
            return ApiError.Field(404, "sub", ApiError.NotFound, "no such account");

        var isFirst = !await db.Calendars.AnyAsync(c => c.AccountId == sub && c.ConnectionId == null, ct);
        var calendar = new Calendar
        {
            Id = Ids.New(Ids.CalendarPrefix),
            ApplicationId = caller.ApplicationId,
            AccountId = sub,
            Name = Validated.Value(request.Name, "name").Trim(),
            IsPrimary = isFirst,
            CreatedAt = clock.GetCurrentInstant(),
        };
        db.Calendars.Add(calendar);
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(new CalendarReply(View(calendar, account, null)));
    }

    public static async Task<Ok<CalendarsReply>> ListCalendars(Caller caller, IDbContextFactory<RtsDbContext> dbFactory, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await (
            from c in db.Calendars.AsNoTracking()
            join a in db.Accounts.AsNoTracking() on c.AccountId equals a.Id
            where c.ApplicationId == caller.ApplicationId && (caller.AccountId == null || c.AccountId == caller.AccountId)
            orderby c.CreatedAt, c.Id
            select new { c, a }).ToListAsync(ct);
        var connectionIds = rows.Select(r => r.c.ConnectionId).OfType<string>().Distinct().ToList();
        var connections = await db.CalendarConnections.AsNoTracking().Where(x => connectionIds.Contains(x.Id)).ToDictionaryAsync(x => x.Id, ct);
        return TypedResults.Ok(new CalendarsReply(rows.Select(r => View(r.c, r.a, r.c.ConnectionId is { } id ? connections.GetValueOrDefault(id) : null)).ToList()));
    }

    /// <summary>A local calendar is this service's (<see cref="ProviderName"/>, the account's profile); a connected one
    /// shows its connection as the profile and its provider (SPEC §13).</summary>
    private static CalendarView View(Calendar c, Account a, CalendarConnection? connection) => connection is null
        ? new(c.Id, a.Id, c.Name, c.ReadOnly, c.Deleted, c.IsPrimary, "pro_" + a.Id[Ids.AccountPrefix.Length..], a.Email ?? a.Name, ProviderName)
        : new(c.Id, a.Id, c.Name, c.ReadOnly, c.Deleted, c.IsPrimary, connection.Id, Connections.ConnectionsHandler.ProfileName(connection.Url), connection.Provider);
}
