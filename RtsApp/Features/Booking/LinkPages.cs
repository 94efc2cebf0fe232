using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using NodaTime;
using RtsApp.Features.Availability;
using RtsApp.Features.Callbacks;
using RtsApp.Features.Links;
using RtsApp.Infrastructure.Telemetry;
using RtsApp.Store;

namespace RtsApp.Features.Booking;

public sealed record BookedTime(Instant Start, Instant End, string UserTzid, IReadOnlyList<OfferedStep> Steps, IReadOnlyList<string> Participants,
    InviteeDetails? Invitee = null);

/// <summary>Everything the scheduling page shows, computed at request time from the live calendars. <see cref="Times"/> is
/// every time of the link's whole window (<see cref="WindowStart"/>–<see cref="WindowEnd"/>, the query periods from
/// now on); <see cref="Organizer"/> is the link's organiser, else its application's name.</summary>
public sealed record LinkPage(
    string Token, string LinkId, string Status, string Summary, string? Description, string? Location, bool IsSequencing,
    Duration Duration, string DisplayTzid, bool TwentyFourHour, IReadOnlyList<OfferedTime> Times, string? DisplayMessage,
    BookedTime? Booked, bool OffersNoTimesSuitable, Instant CompletedAt,
    string Organizer, Instant WindowStart, Instant WindowEnd, InviteeRules Invitee);

/// <summary>The scheduling page's reads and notices (SPEC §7): the page of a link, "none of these times work", and the
/// booked event's calendar file. Booking itself is <see cref="BookingCommand"/>.</summary>
public sealed class LinkPages(IDbContextFactory<RtsDbContext> dbFactory, BusyTimeCache cache, IClock clock)
{
    public Task<LinkPage?> GetPageAsync(string token, CancellationToken ct) => GetPageAsync(token, seen: true, ct);

    /// <summary>The page for <paramref name="token"/>, or null for an unknown one. A page of an open link that offers no
    /// time at all, <paramref name="seen"/> by a person (not a HEAD request, which link checkers and chat previews send),
    /// queues the no_times_displayed callback, once per link.</summary>
    public async Task<LinkPage?> GetPageAsync(string token, bool seen, CancellationToken ct)
    {
        using var render = RtsTelemetry.StartPageRender();
        var page = await LoadPageAsync(token, seen, ct);
        render.Outcome = page?.Status ?? RtsTelemetry.Outcomes.NotFound;
        return page;
    }

    private async Task<LinkPage?> LoadPageAsync(string token, bool seen, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await LinkStore.ByTokenAsync(db, token, ct) is not { } loaded) return null;
        var now = clock.GetCurrentInstant();
        var page = await PageAsync(db, loaded, token, now, ct);
        if (seen && page.Status == LinkStatuses.Open && page.Times.Count == 0 && loaded.Spec.Callbacks.NoTimesDisplayed is { } url)
            await QueueOnceAsync(db, loaded.Link, l => l.NoTimesDisplayedAt, CallbackKinds.NoTimesDisplayed, url, now, ct);
        return page;
    }

    /// <summary>Queues a link's callback once, however many requests ask at once: only the request that sets the link's
    /// <paramref name="mark"/> (one conditional UPDATE, in the same transaction as the delivery) queues it.</summary>
    private static async Task QueueOnceAsync(RtsDbContext db, SchedulingLink link, Expression<Func<SchedulingLink, Instant?>> mark,
        string kind, string url, Instant now, CancellationToken ct)
    {
        var unmarked = Expression.Lambda<Func<SchedulingLink, bool>>(
            Expression.Equal(mark.Body, Expression.Constant(null, typeof(Instant?))), mark.Parameters);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var marked = await db.Links.Where(l => l.Id == link.Id).Where(unmarked)
            .ExecuteUpdateAsync(s => s.SetProperty(mark, now), ct);
        if (marked == 1)
        {
            CallbackOutbox.Enqueue(db, link.ApplicationId, link.Id, kind, url, LinkViews.Notification(link, kind, now), now);
            await db.SaveChangesAsync(ct);
        }
        await tx.CommitAsync(ct);
    }

    /// <summary>What the confirm step asks of the person, read without computing any times; null for an unknown token.</summary>
    public async Task<InviteeRules?> InviteeRulesAsync(string token, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await LinkStore.ByTokenAsync(db, token, ct) is { } loaded ? loaded.Spec.Invitee ?? new InviteeRules(false, false) : null;
    }

    /// <summary>"None of these times work": queues the no_times_suitable callback once. False for an unknown token.</summary>
    public async Task<bool> NoTimesSuitableAsync(string token, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await LinkStore.ByTokenAsync(db, token, ct) is not { } loaded) return false;
        var now = clock.GetCurrentInstant();
        if (LinkStatus.IsOpen(loaded.Link, now) && loaded.Spec.Callbacks.NoTimesSuitable is { } url)
            await QueueOnceAsync(db, loaded.Link, l => l.NoTimesSuitableAt, CallbackKinds.NoTimesSuitable, url, now, ct);
        return true;
    }

    /// <summary>The booked event(s) as an RFC 5545 calendar, for a completed link; null otherwise. Computes no offered
    /// times and queues nothing.</summary>
    public async Task<string?> IcsAsync(string token, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await LinkStore.ByTokenAsync(db, token, ct) is not { Link.Status: LinkStatuses.Completed } loaded) return null;
        var booked = Booked(loaded.Link);
        return booked is null ? null : Ics.Calendar(loaded.Link, loaded.Spec, booked);
    }

    private static BookedTime? Booked(SchedulingLink link) =>
        LinkViews.Chosen(link) is { } chosen && link.ChosenStart is { } start && link.ChosenEnd is { } end
            ? new BookedTime(start, end, chosen.UserTzid,
                chosen.Sequence?.Select(s => new OfferedStep(s.SequenceId, s.Summary, s.Start, s.End)).ToList() ?? [], chosen.Participants,
                chosen.Invitee)
            : null;

    private async Task<LinkPage> PageAsync(RtsDbContext db, LoadedLink l, string token, Instant now, CancellationToken ct)
    {
        var status = LinkStatus.Of(l.Link, now);
        var times = status == LinkStatuses.Open ? await Offers.OfferAsync(db, cache, l, now, ct) : [];
        var spec = l.Spec;
        var organizer = spec.Event.Organizer
            ?? await db.Applications.AsNoTracking().Where(a => a.Id == l.Link.ApplicationId).Select(a => a.Name).FirstOrDefaultAsync(ct) ?? "";
        var periods = (IReadOnlyList<Interval>?)spec.Sequence?.AllPeriods.ToList() ?? spec.Availability?.QueryPeriods ?? [];
        var earliest = now + spec.MinimumNotice;
        var windowStart = periods.Count == 0 ? now : periods.Min(p => p.Start);
        return new LinkPage(token, l.Link.Id, status, l.Link.Summary, spec.Event.Description, spec.Event.Location,
            spec.IsSequencing, spec.Duration, l.Link.DisplayTzid, spec.TwentyFourHour, times, l.Link.DisplayMessage,
            Booked(l.Link), spec.Callbacks.NoTimesSuitable is not null, l.Link.CompletedAt ?? now,
            organizer, windowStart > earliest ? windowStart : earliest, periods.Count == 0 ? now : periods.Max(p => p.End),
            spec.Invitee ?? new InviteeRules(false, false));
    }
}
