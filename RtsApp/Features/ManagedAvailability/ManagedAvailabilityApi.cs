using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using NodaTime;
using RtsApp.Features.Calendars;
using RtsApp.Infrastructure;
using RtsApp.Store;

namespace RtsApp.Features.ManagedAvailability;

/// <summary>SPEC §12: an account's availability rules and available periods. Called with the account's token (acts for
/// it) or with the client secret plus <c>sub</c> (in the body, or <c>?sub=</c> on GET and DELETE).</summary>
public static class ManagedAvailabilityApi
{
    public static IEndpointRouteBuilder MapManagedAvailabilityApi(this IEndpointRouteBuilder api)
    {
        api.MapPost("/availability_rules", UpsertRule).Named("UpsertAvailabilityRule", "Creates or updates an availability rule by availability_rule_id");
        api.MapGet("/availability_rules", ListRules).Named("ListAvailabilityRules", "Lists an account's availability rules");
        api.MapGet("/availability_rules/{availabilityRuleId}", ReadRule).Named("ReadAvailabilityRule", "Reads one availability rule");
        api.MapDelete("/availability_rules/{availabilityRuleId}", DeleteRule).Named("DeleteAvailabilityRule", "Deletes an availability rule");
        api.MapPost("/available_periods", UpsertPeriod).Named("UpsertAvailablePeriod", "Creates or updates an available period by available_period_id");
        api.MapGet("/available_periods", ListPeriods).Named("ListAvailablePeriods", "Reads an account's available periods overlapping a range, paged");
        api.MapDelete("/available_periods", DeletePeriod).Named("DeleteAvailablePeriod", "Deletes an available period by available_period_id");
        return api;
    }

    public static async Task<Results<Ok<AvailabilityRuleReply>, ApiError>> UpsertRule(
        Json<UpsertRuleRequest> body, Caller caller, IDbContextFactory<RtsDbContext> dbFactory, IClock clock, CancellationToken ct)
    {
        if (!body.TryParse(UpsertRuleValidator.For(caller.AccountId is not null), r => r.ToSpec(), out var spec, out var invalid)) return invalid;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!(await AccountAsync(db, caller, spec.Sub, ct)).TryGet(out var sub, out var notFound)) return notFound;
        if (spec.CalendarIds.Count > 0)
        {
            var owned = await db.Calendars.AsNoTracking().Where(c => c.AccountId == sub && spec.CalendarIds.Contains(c.Id)).Select(c => c.Id).ToListAsync(ct);
            if (spec.CalendarIds.FirstOrDefault(id => !owned.Contains(id)) is { } bad)
                return ApiError.Unprocessable("calendar_ids", ApiError.NotFound, $"{bad} is not a calendar of {sub}");
        }
        try
        {
            if (await StageRuleAsync(db, sub, spec, clock.GetCurrentInstant(), ct) is { } full) return full;
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Two writes of one new rule id raced; the other inserted it, so this one updates it.
            db.ChangeTracker.Clear();
            if (await StageRuleAsync(db, sub, spec, clock.GetCurrentInstant(), ct) is { } full) return full;
            await db.SaveChangesAsync(ct);
        }
        var saved = await db.AvailabilityRules.AsNoTracking().SingleAsync(r => r.AccountId == sub && r.RuleId == spec.RuleId, ct);
        return TypedResults.Ok(new AvailabilityRuleReply(ManagedRules.View(saved)));
    }

    /// <summary>Adds or updates the rule in the context; a 422 when a new rule would exceed the account's limit.</summary>
    private static async Task<ApiError?> StageRuleAsync(RtsDbContext db, string sub, RuleSpec spec, Instant now, CancellationToken ct)
    {
        var row = await db.AvailabilityRules.FirstOrDefaultAsync(r => r.AccountId == sub && r.RuleId == spec.RuleId, ct);
        if (row is null)
        {
            if (await db.AvailabilityRules.CountAsync(r => r.AccountId == sub, ct) >= ManagedRules.MaxRulesPerAccount)
                return ApiError.Unprocessable("availability_rule_id", ManagedRules.TooManyRulesKey,
                    $"an account has at most {ManagedRules.MaxRulesPerAccount} availability rules");
            row = new AvailabilityRule
            {
                AccountId = sub,
                RuleId = spec.RuleId,
                Tzid = spec.Tzid,
                CalendarIdsJson = "[]",
                WeeklyPeriodsJson = "[]",
                CreatedAt = now,
            };
            db.AvailabilityRules.Add(row);
        }
        ManagedRules.Apply(row, spec);
        row.UpdatedAt = now;
        return null;
    }

    public static async Task<Results<Ok<AvailabilityRulesReply>, ApiError>> ListRules(
        [FromQuery(Name = "sub")] string? sub, Caller caller, IDbContextFactory<RtsDbContext> dbFactory, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!(await AccountAsync(db, caller, sub, ct)).TryGet(out var account, out var error)) return error;
        var rows = await db.AvailabilityRules.AsNoTracking().Where(r => r.AccountId == account).OrderBy(r => r.CreatedAt).ThenBy(r => r.RuleId).ToListAsync(ct);
        return TypedResults.Ok(new AvailabilityRulesReply(rows.Select(ManagedRules.View).ToList()));
    }

    public static async Task<Results<Ok<AvailabilityRuleReply>, ApiError>> ReadRule(
        string availabilityRuleId, [FromQuery(Name = "sub")] string? sub, Caller caller, IDbContextFactory<RtsDbContext> dbFactory, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!(await AccountAsync(db, caller, sub, ct)).TryGet(out var account, out var error)) return error;
        var row = await db.AvailabilityRules.AsNoTracking().FirstOrDefaultAsync(r => r.AccountId == account && r.RuleId == availabilityRuleId, ct);
        return row is null ? RuleNotFound() : TypedResults.Ok(new AvailabilityRuleReply(ManagedRules.View(row)));
    }

    /// <summary>Deletes a rule; 422 <c>errors.in_use</c> while an open link names it in a member's
    /// <c>availability_rule_ids</c> (the link would offer no times from it): disable the link first.</summary>
    public static async Task<Results<Accepted, ApiError>> DeleteRule(
        string availabilityRuleId, [FromQuery(Name = "sub")] string? sub, HttpContext http, Caller caller,
        IDbContextFactory<RtsDbContext> dbFactory, IClock clock, CancellationToken ct)
    {
        if (!DeleteBody(http, sub).TryGet(out var request, out var bad)) return bad;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!(await AccountAsync(db, caller, request.Sub, ct)).TryGet(out var account, out var error)) return error;
        // Under the account's lock, which a link naming this rule takes to check it exists: one of the two sees the other.
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await AccountLocks.LockAsync(db, caller.ApplicationId, [account], ct);
        if (!await db.AvailabilityRules.AnyAsync(r => r.AccountId == account && r.RuleId == availabilityRuleId, ct)) return RuleNotFound();
        if (await Links.LinkStore.OpenLinkUsingAsync(db, caller.ApplicationId, availabilityRuleId, spec => spec.Groups.SelectMany(g => g.Members)
                .Any(m => m.Sub == account && m.ManagedAvailability && m.AvailabilityRuleIds?.Contains(availabilityRuleId) == true),
                clock.GetCurrentInstant(), ct) is { } linkId)
            return ApiError.Unprocessable("availability_rule_id", ApiError.InUse, $"the open link {linkId} names this rule");
        await db.AvailabilityRules.Where(r => r.AccountId == account && r.RuleId == availabilityRuleId).ExecuteDeleteAsync(ct);
        await tx.CommitAsync(ct);
        return TypedResults.Accepted((string?)null);
    }

    public static async Task<Results<Accepted, ApiError>> UpsertPeriod(
        Json<UpsertAvailablePeriodRequest> body, Caller caller, IDbContextFactory<RtsDbContext> dbFactory, IClock clock, CancellationToken ct)
    {
        if (!body.TryParse(UpsertAvailablePeriodValidator.For(caller.AccountId is not null), r => r.ToSpec(), out var spec, out var invalid)) return invalid;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!(await AccountAsync(db, caller, spec.Sub, ct)).TryGet(out var sub, out var notFound)) return notFound;
        try
        {
            await StagePeriodAsync(db, sub, spec, clock.GetCurrentInstant(), ct);
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            await StagePeriodAsync(db, sub, spec, clock.GetCurrentInstant(), ct);
            await db.SaveChangesAsync(ct);
        }
        return TypedResults.Accepted((string?)null);
    }

    private static async Task StagePeriodAsync(RtsDbContext db, string sub, AvailablePeriodSpec spec, Instant now, CancellationToken ct)
    {
        var row = await db.AvailablePeriods.FirstOrDefaultAsync(p => p.AccountId == sub && p.PeriodId == spec.PeriodId, ct);
        if (row is null)
        {
            row = new AvailablePeriodRow { AccountId = sub, PeriodId = spec.PeriodId, CreatedAt = now };
            db.AvailablePeriods.Add(row);
        }
        row.Start = spec.Period.Start;
        row.End = spec.Period.End;
    }

    public static async Task<Results<Ok<AvailablePeriodsReply>, ApiError>> ListPeriods(
        HttpRequest request, [FromQuery(Name = "sub")] string? sub, Caller caller, IDbContextFactory<RtsDbContext> dbFactory, IClock clock,
        PublicUrls urls, CancellationToken ct)
    {
        if (!RangeQuery.Read(request.Query, clock.GetCurrentInstant()).TryGet(out var range, out var invalid)) return invalid;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!(await AccountAsync(db, caller, sub, ct)).TryGet(out var account, out var error)) return error;
        var periods = db.AvailablePeriods.AsNoTracking().Where(p => p.AccountId == account && p.Start < range.To && p.End > range.From);
        var count = await periods.CountAsync(ct);
        var rows = await periods.OrderBy(p => p.Start).ThenBy(p => p.PeriodId).Skip(range.Skip).Take(RangeQuery.PageSize).ToListAsync(ct);
        return TypedResults.Ok(new AvailablePeriodsReply(range.Pages(request, urls, count),
            rows.Select(p => new AvailablePeriodView(p.PeriodId, p.Start, p.End)).ToList()));
    }

    public static async Task<Results<Accepted, ApiError>> DeletePeriod(
        [FromQuery(Name = "sub")] string? sub, [FromQuery(Name = "available_period_id")] string? periodId, HttpContext http, Caller caller,
        IDbContextFactory<RtsDbContext> dbFactory, CancellationToken ct)
    {
        if (!DeleteBody(http, sub).TryGet(out var request, out var bad)) return bad;
        var id = request.AvailablePeriodId ?? periodId;
        if (string.IsNullOrEmpty(id)) return ApiError.RequiredField("available_period_id");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!(await AccountAsync(db, caller, request.Sub, ct)).TryGet(out var account, out var error)) return error;
        // As for events, deleting a period that is not there is not an error.
        await db.AvailablePeriods.Where(p => p.AccountId == account && p.PeriodId == id).ExecuteDeleteAsync(ct);
        return TypedResults.Accepted((string?)null);
    }

    /// <summary>A DELETE's optional body (clients send one, some with the id), its <c>sub</c> falling back to the query's.</summary>
    private static Outcome<DeleteManagedRequest> DeleteBody(HttpContext http, string? querySub)
    {
        var request = new DeleteManagedRequest(null, null);
        if (ApiBody.Document(http) is not null || ApiBody.Error(http) is not null)
        {
            var (value, error) = ApiBody.Bind<DeleteManagedRequest>(http);
            if (error is not null) return error;
            request = value ?? request;
        }
        return request with { Sub = string.IsNullOrEmpty(request.Sub) ? querySub : request.Sub };
    }

    /// <summary>The account acted for: the token's own (a different <c>sub</c> is another account: 404), else <c>sub</c>,
    /// which the application must give (422) and which must be one of its accounts (404).</summary>
    private static async Task<Outcome<string>> AccountAsync(RtsDbContext db, Caller caller, string? sub, CancellationToken ct)
    {
        if (caller.AccountId is { } own)
        {
            if (!string.IsNullOrEmpty(sub) && sub != own) return AccountNotFound();
            return own;
        }
        if (string.IsNullOrEmpty(sub)) return ApiError.RequiredField("sub");
        return await db.Accounts.AnyAsync(a => a.Id == sub && a.ApplicationId == caller.ApplicationId, ct) ? sub : AccountNotFound();
    }

    private static ApiError AccountNotFound() => ApiError.Field(404, "sub", ApiError.NotFound, "no such account");

    private static ApiError RuleNotFound() => ApiError.Field(404, "availability_rule_id", ApiError.NotFound, "no such availability rule");
}
