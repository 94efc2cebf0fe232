using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using NodaTime;
using RtsApp.Features.Availability;
using RtsApp.Features.Calendars;
using RtsApp.Features.Callbacks;
using RtsApp.Features.Links;
using RtsApp.Infrastructure;
using RtsApp.Scheduling;
using RtsApp.Store;

namespace RtsApp.Features.Booking;

/// <summary>One step of an offered or booked time (a sequencing option has several; a scheduling slot has none).</summary>
public sealed record OfferedStep(string SequenceId, string Summary, Instant Start, Instant End);
public sealed record OfferedTime(Instant Start, Instant End, IReadOnlyList<OfferedStep> Steps);
public sealed record BookedTime(Instant Start, Instant End, string UserTzid, IReadOnlyList<OfferedStep> Steps, IReadOnlyList<string> Participants);

/// <summary>Everything the scheduling page shows, computed at request time from the live calendars.</summary>
public sealed record LinkPage(
    string Token, string LinkId, string Status, string Summary, string? Description, string? Location, bool IsSequencing,
    Duration Duration, string DisplayTzid, bool TwentyFourHour, IReadOnlyList<OfferedTime> Times, string? DisplayMessage,
    BookedTime? Booked, bool OffersNoTimesSuitable, Instant CompletedAt);

public abstract record BookingResult
{
    /// <summary>Booked; <see cref="RedirectUrl"/> is where to send the person, or null to show the confirmation.</summary>
    public sealed record Booked(LinkPage Page, string? RedirectUrl) : BookingResult;
    /// <summary>The time was taken meanwhile: nothing was booked; the page holds the current times.</summary>
    public sealed record Taken(LinkPage Page) : BookingResult;
    /// <summary>The link is completed, disabled or expired: it can never book.</summary>
    public sealed record NotOpen(LinkPage Page) : BookingResult;
    public sealed record Unknown : BookingResult;
}

/// <summary>The scheduling page's logic (SPEC §7–8): offering times and booking one.
/// <para>Concurrency: a booking's first statements bump <see cref="Account.BookingVersion"/> of every account the link
/// involves, one row at a time in id order. On PostgreSQL those are row locks held to commit, so two bookings that share
/// a member run one after the other, across processes, without deadlock (same order), and under READ COMMITTED the
/// re-check after the wait sees what the winner committed. On SQLite, Microsoft.Data.Sqlite begins the transaction with
/// BEGIN IMMEDIATE, so the database's single write lock is taken before anything is read (waiting, not failing, while
/// another booking holds it). Only after that does the booking re-read events and re-check the chosen time with the
/// same loader and engine as the page, so the loser of a race sees the winner's events and books nothing.
/// BookingConcurrencyTests proves this on both providers (and fails on PostgreSQL without the bumps).</para></summary>
public sealed class BookingHandler(IDbContextFactory<RtsDbContext> dbFactory, IClock clock, ILogger<BookingHandler> log)
{
    private sealed record Loaded(SchedulingLink Link, LinkRequest Request, bool Sequencing);

    public async Task<LinkPage?> GetPageAsync(string token, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var loaded = await LoadAsync(db, token, ct);
        if (loaded is null) return null;
        var now = clock.GetCurrentInstant();
        var page = await PageAsync(db, loaded, token, now, ct);
        if (page.Status == LinkStatuses.Open && page.Times.Count == 0 && loaded.Request.CallbackUrls?.NoTimesDisplayedUrl is { } url)
        {
            // Once per link: only the request that sets the mark queues the callback.
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var marked = await db.Links.Where(l => l.Id == loaded.Link.Id && l.NoTimesDisplayedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(l => l.NoTimesDisplayedAt, now), ct);
            if (marked == 1)
            {
                CallbackOutbox.Enqueue(db, loaded.Link.ApplicationId, loaded.Link.Id, CallbackKinds.NoTimesDisplayed, url,
                    LinkViews.Notification(loaded.Link, CallbackKinds.NoTimesDisplayed, now), now);
                await db.SaveChangesAsync(ct);
            }
            await tx.CommitAsync(ct);
        }
        return page;
    }

    /// <summary>"None of these times work": queues the no_times_suitable callback once. Null for an unknown token.</summary>
    public async Task<LinkPage?> NoTimesSuitableAsync(string token, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var loaded = await LoadAsync(db, token, ct);
        if (loaded is null) return null;
        var now = clock.GetCurrentInstant();
        if (LinkViews.Status(loaded.Link, now) == LinkStatuses.Open && loaded.Request.CallbackUrls?.NoTimesSuitableUrl is { } url
            && !await db.CallbackDeliveries.AnyAsync(d => d.LinkId == loaded.Link.Id && d.Kind == CallbackKinds.NoTimesSuitable, ct))
        {
            CallbackOutbox.Enqueue(db, loaded.Link.ApplicationId, loaded.Link.Id, CallbackKinds.NoTimesSuitable, url,
                LinkViews.Notification(loaded.Link, CallbackKinds.NoTimesSuitable, now), now);
            await db.SaveChangesAsync(ct);
        }
        return await PageAsync(db, loaded, token, now, ct);
    }

    public async Task<BookingResult> BookAsync(string token, Instant start, string? userTzid, CancellationToken ct)
    {
        var zone = ApiJson.Zone(userTzid);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var loaded = await LoadAsync(db, token, ct);
        if (loaded is null) return new BookingResult.Unknown();
        var (link, request, sequencing) = loaded;

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        foreach (var sub in InvolvedAccounts(request, sequencing))
            await db.Accounts.Where(a => a.Id == sub && a.ApplicationId == link.ApplicationId)
                .ExecuteUpdateAsync(s => s.SetProperty(a => a.BookingVersion, a => a.BookingVersion + 1), ct);

        var now = clock.GetCurrentInstant();
        link = await db.Links.AsNoTracking().SingleAsync(l => l.Id == link.Id, ct);
        loaded = loaded with { Link = link };
        if (LinkViews.Status(link, now) != LinkStatuses.Open)
        {
            await tx.RollbackAsync(ct);
            return new BookingResult.NotOpen(await PageAsync(db, loaded, token, now, ct));
        }

        var chosen = await ChooseAsync(db, loaded, start, now, zone?.Id ?? link.DisplayTzid, ct);
        if (chosen is null)
        {
            await tx.RollbackAsync(ct);
            log.LogInformation("Booking of {LinkId} at {Start} refused: no longer available", link.Id, start);
            return new BookingResult.Taken(await PageAsync(db, loaded, token, now, ct));
        }

        var chosenStart = chosen.Sequence?[0].Start ?? start;
        var chosenEnd = chosen.Sequence?[^1].End ?? start + Duration(request, sequencing);
        await WriteEventsAsync(db, link, request, chosen, chosenStart, chosenEnd, now, ct);
        var chosenJson = JsonSerializer.Serialize(chosen, ApiJson.Options);
        // Conditional, so a disable committed meanwhile wins cleanly.
        var completed = await db.Links.Where(l => l.Id == link.Id && l.Status == LinkStatuses.Open)
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.Status, LinkStatuses.Completed).SetProperty(l => l.ChosenJson, chosenJson)
                .SetProperty(l => l.ChosenStart, chosenStart).SetProperty(l => l.ChosenEnd, chosenEnd).SetProperty(l => l.CompletedAt, now), ct);
        if (completed != 1)
        {
            await tx.RollbackAsync(ct);
            db.ChangeTracker.Clear();
            var current = await db.Links.AsNoTracking().SingleAsync(l => l.Id == link.Id, ct);
            return new BookingResult.NotOpen(await PageAsync(db, loaded with { Link = current }, token, now, ct));
        }
        link.Status = LinkStatuses.Completed;
        link.ChosenJson = chosenJson;
        link.ChosenStart = chosenStart;
        link.ChosenEnd = chosenEnd;
        link.CompletedAt = now;
        if (request.CompletedCallbackUrl is { } url)
            CallbackOutbox.Enqueue(db, link.ApplicationId, link.Id, CallbackKinds.Completed, url, LinkViews.Completed(link, request, chosen), now);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        log.LogInformation("Booked {LinkId} at {Start} for {Participants}", link.Id, chosenStart, string.Join(",", chosen.Participants));
        return new BookingResult.Booked(await PageAsync(db, loaded with { Link = link }, token, now, ct), RedirectUrl(request, token));
    }

    /// <summary>The booked event(s) as an RFC 5545 calendar, for a completed link; null otherwise.</summary>
    public async Task<string?> IcsAsync(string token, CancellationToken ct)
    {
        // Not through GetPageAsync: a download must neither compute offered times nor queue a no-times callback.
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await LoadAsync(db, token, ct) is not { Link.Status: LinkStatuses.Completed } loaded) return null;
        var page = await PageAsync(db, loaded, token, clock.GetCurrentInstant(), ct);
        return page.Booked is { } booked ? Ics.Calendar(page, booked) : null;
    }

    private static async Task<Loaded?> LoadAsync(RtsDbContext db, string token, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 128) return null;
        var hash = Ids.Hash(token);
        var link = await db.Links.AsNoTracking().FirstOrDefaultAsync(l => l.TokenHash == hash, ct);
        if (link is null) return null;
        var sequencing = link.Kind == LinkKinds.Sequencing;
        return new Loaded(link, LinkRequest.FromJson(link.RequestJson, sequencing), sequencing);
    }

    /// <summary>Every account a booking of this link can touch, sorted: the lock order.</summary>
    private static IEnumerable<string> InvolvedAccounts(LinkRequest r, bool sequencing) =>
        Groups(r, sequencing).SelectMany(g => g.Members!).Select(m => m.Sub!)
            .Concat(r.TargetCalendars!.Select(t => t.Sub!)).Distinct().Order(StringComparer.Ordinal);

    private static IEnumerable<GroupRequest> Groups(LinkRequest r, bool sequencing) =>
        sequencing ? r.Sequence!.Sequence!.SelectMany(s => s.Participants!) : r.Availability!.Participants!;

    private static Duration Duration(LinkRequest r, bool sequencing) =>
        sequencing ? r.Sequence!.Sequence!.Aggregate(NodaTime.Duration.Zero, (d, s) => d + s.RequiredDuration!.Value) : r.Availability!.RequiredDuration!.Value;

    /// <summary>The top-level minimum notice applies to the availability query (SPEC §6).</summary>
    private static AvailabilityRequest WithNotice(LinkRequest r) =>
        r.MinimumNotice is { } n ? r.Availability! with { MinimumNotice = n } : r.Availability!;

    private static SequencedAvailabilityRequest SequenceWithNotice(LinkRequest r) =>
        r.MinimumNotice is { } n ? r.Sequence! with { MinimumNotice = n } : r.Sequence!;

    /// <summary>Slot alignment uses <c>availability.tzid</c> when given, else the display zone (SPEC §6).</summary>
    private static string AlignmentTzid(LinkRequest r, bool sequencing) =>
        (sequencing ? r.Sequence!.Tzid : r.Availability!.Tzid) ?? r.DisplayTzid;

    private static async Task<IReadOnlyList<OfferedTime>> OfferAsync(RtsDbContext db, Loaded l, Instant now, CancellationToken ct)
    {
        var caller = new Caller(l.Link.ApplicationId, null);
        if (l.Sequencing)
        {
            var (query, error) = await AvailabilityLoader.BuildSequenceAsync(db, caller, SequenceWithNotice(l.Request), now, AlignmentTzid(l.Request, true), ct);
            if (error is not null) return [];
            var events = StepEvents(l);
            return SequenceEngine.Options(query!).Select(o => new OfferedTime(o.Steps[0].Start, o.Steps[^1].End,
                o.Steps.Select(s => new OfferedStep(s.SequenceId, events[s.SequenceId].Summary, s.Start, s.End)).ToList())).ToList();
        }
        var (single, err) = await AvailabilityLoader.BuildAsync(db, caller, WithNotice(l.Request), now, AlignmentTzid(l.Request, false), ct);
        if (err is not null) return [];
        return AvailabilityEngine.OverlappingSlots(single!).Select(s => new OfferedTime(s.Start, s.End, [])).ToList();
    }

    /// <summary>Re-checks <paramref name="start"/> against the live calendars (the page's own loader and engine) and picks
    /// the participants; null when it is no longer available.</summary>
    private static async Task<ChosenBooking?> ChooseAsync(RtsDbContext db, Loaded l, Instant start, Instant now, string userTzid, CancellationToken ct)
    {
        var caller = new Caller(l.Link.ApplicationId, null);
        if (!l.Sequencing)
        {
            var (query, error) = await AvailabilityLoader.BuildAsync(db, caller, WithNotice(l.Request), now, AlignmentTzid(l.Request, false), ct);
            return error is null && AvailabilityEngine.ChooseParticipants(query!, start) is { } subs ? new ChosenBooking(userTzid, subs.ToList(), null) : null;
        }
        var (seq, seqError) = await AvailabilityLoader.BuildSequenceAsync(db, caller, SequenceWithNotice(l.Request), now, AlignmentTzid(l.Request, true), ct);
        if (seqError is not null || SequenceEngine.OptionStartingAt(seq!, start) is not { } option) return null;
        var events = StepEvents(l);
        var steps = new List<ChosenStep>();
        for (var i = 0; i < option.Steps.Count; i++)
        {
            var s = option.Steps[i];
            if (AvailabilityEngine.ChooseParticipants(seq!.StepQuery(i), s.Start) is not { } subs) return null;
            var (eventId, summary) = events[s.SequenceId];
            steps.Add(new ChosenStep(s.SequenceId, eventId, summary, s.Start, s.End, subs.ToList()));
        }
        return new ChosenBooking(userTzid, steps.SelectMany(s => s.Participants).Distinct().ToList(), steps);
    }

    /// <summary>Each step's event: its own <c>event</c>, else the link's summary with <c>event_id-sequence_id</c>.</summary>
    private static Dictionary<string, (string EventId, string Summary)> StepEvents(Loaded l) =>
        l.Request.Sequence!.Sequence!.ToDictionary(s => s.Id!, s => (
            s.Event?.EventId ?? $"{l.Link.EventId}-{s.Id}", s.Event?.Summary ?? l.Link.Summary));

    /// <summary>SPEC §8: into each target calendar whose sub was chosen, and those whose sub is in no group (organisers,
    /// rooms); <c>event_creation: single</c> writes one event, into the first such calendar.</summary>
    private static async Task WriteEventsAsync(RtsDbContext db, SchedulingLink link, LinkRequest r, ChosenBooking chosen,
        Instant start, Instant end, Instant now, CancellationToken ct)
    {
        var groupSubs = Groups(r, link.Kind == LinkKinds.Sequencing).SelectMany(g => g.Members!).Select(m => m.Sub!).ToHashSet();
        var tz = r.Event!.Tzid!;
        var parts = chosen.Sequence?.Select(s => (s.EventId, s.Summary, s.Start, s.End, (IReadOnlyCollection<string>)s.Participants)).ToList()
            ?? [(link.EventId, link.Summary, start, end, chosen.Participants)];
        var written = new HashSet<(string, string)>();
        foreach (var (eventId, summary, from, to, participants) in parts)
        {
            foreach (var target in r.TargetCalendars!.Where(t => participants.Contains(t.Sub!) || !groupSubs.Contains(t.Sub!)))
            {
                if (!written.Add((target.CalendarId!, eventId))) continue;
                var ev = new UpsertEventRequest(eventId, summary, r.Event.Description,
                    new EventTime(from, null, null, tz), new EventTime(to, null, null, tz), tz, r.Event.Location, "opaque");
                await EventWriter.UpsertAsync(db, link.ApplicationId, target.CalendarId!, ev, now, ct);
                if (r.EventCreation == "single") break;
            }
        }
    }

    /// <summary>SPEC §7: <c>redirect_urls.completed_url?token=</c>, else <c>oauth.redirect_uri?state=&amp;token=</c>, else none.</summary>
    private static string? RedirectUrl(LinkRequest r, string token)
    {
        static string With(string url, string query) => url + (url.Contains('?') ? "&" : "?") + query;
        if (r.RedirectUrls?.CompletedUrl is { Length: > 0 } done) return With(done, "token=" + Uri.EscapeDataString(token));
        if (r.Oauth?.RedirectUri is { Length: > 0 } redirect)
            return With(redirect, (r.Oauth.State is { } state ? "state=" + Uri.EscapeDataString(state) + "&" : "") + "token=" + Uri.EscapeDataString(token));
        return null;
    }

    private static async Task<LinkPage> PageAsync(RtsDbContext db, Loaded l, string token, Instant now, CancellationToken ct)
    {
        var status = LinkViews.Status(l.Link, now);
        var times = status == LinkStatuses.Open ? await OfferAsync(db, l, now, ct) : [];
        var chosen = LinkViews.Chosen(l.Link);
        var booked = chosen is null || l.Link.ChosenStart is null ? null : new BookedTime(l.Link.ChosenStart.Value, l.Link.ChosenEnd!.Value, chosen.UserTzid,
            chosen.Sequence?.Select(s => new OfferedStep(s.SequenceId, s.Summary, s.Start, s.End)).ToList() ?? [], chosen.Participants);
        return new LinkPage(token, l.Link.Id, status, l.Link.Summary, l.Request.Event!.Description, l.Request.Event.Location?.Description,
            l.Sequencing, Duration(l.Request, l.Sequencing), l.Link.DisplayTzid, l.Request.TwentyFourHour, times, l.Link.DisplayMessage,
            booked, l.Request.CallbackUrls?.NoTimesSuitableUrl is not null, l.Link.CompletedAt ?? now);
    }
}
