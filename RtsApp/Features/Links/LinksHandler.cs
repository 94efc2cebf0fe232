using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using NodaTime;
using RtsApp.Features.Callbacks;
using RtsApp.Infrastructure;
using RtsApp.Store;

namespace RtsApp.Features.Links;

/// <summary>Creates, reads and disables links; used by the API and the admin dashboard.</summary>
public sealed class LinksHandler(IDbContextFactory<RtsDbContext> dbFactory, IDataProtectionProvider protection, IClock clock, CallbackOptions callbackOptions)
{
    private readonly IDataProtector protector = protection.CreateProtector("RtsApp.LinkToken");

    /// <summary>Validates and stores a new link; the reply carries its URL (built by <paramref name="baseUrl"/>).</summary>
    public async Task<(LinkCreatedReply? Reply, ApiError? Error)> CreateAsync(
        string applicationId, LinkRequest request, bool sequencing, string baseUrl, CancellationToken ct)
    {
        if (!request.Parse(sequencing, callbackOptions.AllowPrivateNetworks).TryGet(out var spec, out var invalid)) return (null, invalid);

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        // The accounts whose calendars or rules the link names by id are locked as deleting a connection or a rule locks
        // them, and what is named is checked under that lock: a calendar or rule deleted meanwhile is either seen gone
        // here or sees this link there (errors.in_use).
        var naming = spec.TargetCalendars.Select(t => t.Sub)
            .Concat(spec.Groups.SelectMany(g => g.Members)
                .Where(m => m.CalendarIds.Count > 0 || (m.ManagedAvailability && m.AvailabilityRuleIds is { Count: > 0 })).Select(m => m.Sub))
            .ToList();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await AccountLocks.LockAsync(db, applicationId, naming, ct);
        if (await CheckTargetsAsync(db, applicationId, spec, ct) is { } badTarget) return (null, badTarget);
        // The same member check the page's loader makes, without loading anyone's events.
        var caller = new Caller(applicationId, null);
        var memberError = spec.Sequence is { } sequence
            ? await Availability.AvailabilityLoader.CheckMembersAsync(db, caller, sequence, ct)
            : spec.Availability is { } availability ? await Availability.AvailabilityLoader.CheckMembersAsync(db, caller, availability, ct) : null;
        if (memberError is not null) return (null, Prefix(memberError, "availability"));
        var now = clock.GetCurrentInstant();
        if (await EventIdInUseAsync(db, applicationId, spec, now, ct) is { } inUse) return (null, inUse);

        var token = Ids.Secret(32);
        var link = new SchedulingLink
        {
            Id = Ids.New(Ids.LinkPrefix),
            ApplicationId = applicationId,
            Kind = sequencing ? LinkKinds.Sequencing : LinkKinds.Scheduling,
            TokenHash = Ids.Hash(token),
            TokenProtected = protector.Protect(token),
            Status = LinkStatuses.Open,
            EventId = spec.Event.EventId,
            Summary = spec.Event.Summary,
            DisplayTzid = spec.DisplayTzid,
            RequestJson = request.ToJson(sequencing),
            SpecJson = LinkStore.Write(spec),
            ExpiresAt = spec.ExpiresAt,
            CreatedAt = now,
        };
        db.Links.Add(link);
        db.LinkEventClaims.AddRange(Claims(link, spec));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        var url = LinkUrls.Absolute(baseUrl, token);
        return (new LinkCreatedReply(url, LinkViews.View(link, spec, url, now)), null);
    }

    public async Task<LinkView?> GetAsync(string applicationId, string? id, string? token, string baseUrl, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var link = await Find(db, applicationId, id, token, ct);
        return link is null ? null : View(link, baseUrl);
    }

    /// <summary>Disables an open (or expired) link; a disabled link stays as it is; a completed one cannot be disabled.</summary>
    public async Task<(LinkView? View, ApiError? Error)> DisableAsync(string applicationId, string id, string? message, string baseUrl, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(message)) return (null, ApiError.RequiredField("display_message"));
        message = ValidationRules.Lines(message);
        if (message.Length > LinkLimits.MaxDisplayMessage)
            return (null, ApiError.Unprocessable("display_message", ApiError.Invalid, $"must be at most {LinkLimits.MaxDisplayMessage} characters"));
        if (ValidationRules.HasControlCharacters(message, multiline: true))
            return (null, ApiError.Unprocessable("display_message", ApiError.Invalid, "must not contain control characters other than line breaks and tabs"));
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = clock.GetCurrentInstant();
        // Conditional, so that a booking committing at the same moment wins or loses cleanly.
        await db.Links.Where(l => l.Id == id && l.ApplicationId == applicationId && l.Status == LinkStatuses.Open)
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.Status, LinkStatuses.Disabled)
                .SetProperty(l => l.DisplayMessage, message.Trim()).SetProperty(l => l.DisabledAt, now), ct);
        var link = await Find(db, applicationId, id, null, ct);
        if (link is null) return (null, ApiError.Field(404, "id", ApiError.NotFound, "no such link"));
        if (link.Status == LinkStatuses.Completed)
            return (null, ApiError.Unprocessable("real_time_scheduling_id", "errors.link_completed", "the link has been completed and cannot be disabled"));
        return View(link, baseUrl) is { } view ? (view, null) : (null, ApiError.Field(404, "id", ApiError.NotFound, "no such link"));
    }

    public string Token(SchedulingLink link) => protector.Unprotect(link.TokenProtected);

    private LinkView? View(SchedulingLink link, string baseUrl) => LinkStore.Read(link) is { } spec
        ? LinkViews.View(link, spec, LinkUrls.Absolute(baseUrl, Token(link)), clock.GetCurrentInstant())
        : null;

    private static Task<SchedulingLink?> Find(RtsDbContext db, string applicationId, string? id, string? token, CancellationToken ct)
    {
        var hash = token is null ? null : Ids.Hash(token);
        return db.Links.AsNoTracking().FirstOrDefaultAsync(l => l.ApplicationId == applicationId
            && (id == null || l.Id == id) && (hash == null || l.TokenHash == hash), ct);
    }

    /// <summary>Each target calendar must exist, belong to the application, and belong to its <c>sub</c>.</summary>
    private static async Task<ApiError?> CheckTargetsAsync(RtsDbContext db, string applicationId, LinkSpec spec, CancellationToken ct)
    {
        var ids = spec.TargetCalendars.Select(t => t.CalendarId).Distinct().ToList();
        var calendars = await db.Calendars.AsNoTracking().Where(c => c.ApplicationId == applicationId && ids.Contains(c.Id))
            .ToDictionaryAsync(c => c.Id, ct);
        var errors = new Dictionary<string, List<ErrorDetail>>();
        for (var i = 0; i < spec.TargetCalendars.Count; i++)
        {
            var t = spec.TargetCalendars[i];
            if (!calendars.TryGetValue(t.CalendarId, out var calendar) || calendar.AccountId != t.Sub)
                errors[$"target_calendars[{i}].calendar_id"] = [new ErrorDetail(ApiError.NotFound, $"is not a calendar of {t.Sub}")];
            else if (calendar.Deleted)
                errors[$"target_calendars[{i}].calendar_id"] = [new ErrorDetail(ApiError.NotFound, "was deleted on its calendar server")];
            else if (calendar.ReadOnly || (calendar.ConnectionId != null && calendar.RemoteUrl == null)) // SPEC §13: feeds and read-only CalDAV calendars cannot be written back
                errors[$"target_calendars[{i}].calendar_id"] = [new ErrorDetail(Calendars.EventFields.CalendarReadonlyKey, Calendars.EventFields.CalendarReadonlyMessage)];
        }
        return errors.Count == 0 ? null : new ApiError(422, errors);
    }

    /// <summary>SPEC §8: an event written by a booking belongs to its link, so a new link may not use an event_id that an
    /// open or completed link of the application already claims in one of the same target calendars.</summary>
    private static async Task<ApiError?> EventIdInUseAsync(RtsDbContext db, string applicationId, LinkSpec spec, Instant now, CancellationToken ct)
    {
        var eventIds = spec.EventIds.ToList();
        var calendars = spec.TargetCalendars.Select(t => t.CalendarId).ToList();
        var clash = await db.LinkEventClaims.AsNoTracking()
            .Where(c => c.ApplicationId == applicationId && calendars.Contains(c.CalendarId) && eventIds.Contains(c.EventId))
            .Join(db.Links.Where(l => l.Status == LinkStatuses.Completed || (l.Status == LinkStatuses.Open && l.ExpiresAt > now)),
                c => c.LinkId, l => l.Id, (c, _) => c.EventId)
            .FirstOrDefaultAsync(ct);
        return clash is null ? null : ApiError.Unprocessable("event.event_id", LinkLimits.EventIdInUseKey,
            $"{clash} is already used by another open or completed link in the same calendar");
    }

    /// <summary>The claims a link makes: each event_id it books in each target calendar.</summary>
    public static IEnumerable<LinkEventClaim> Claims(SchedulingLink link, LinkSpec spec) =>
        spec.EventIds.SelectMany(e => spec.TargetCalendars.Select(t => t.CalendarId).Distinct()
            .Select(c => new LinkEventClaim { LinkId = link.Id, ApplicationId = link.ApplicationId, CalendarId = c, EventId = e }));

    private static ApiError Prefix(ApiError error, string prefix) =>
        new(error.StatusCode, error.Errors.ToDictionary(e => $"{prefix}.{e.Key}", e => e.Value));
}
