using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using RtsApp.Infrastructure;
using RtsApp.Store;

namespace RtsApp.Features.Links;

/// <summary>A stored link with its validated spec, read once per operation.</summary>
public sealed record LoadedLink(SchedulingLink Link, LinkSpec Spec);

/// <summary>How a link's spec is kept (<see cref="SchedulingLink.SpecJson"/>) and how links are found by token.</summary>
public static class LinkStore
{
    public static string Write(LinkSpec spec) => JsonSerializer.Serialize(spec, ApiJson.Options);

    /// <summary>The link's spec; null only for a link of an earlier version whose request could not be upgraded.</summary>
    public static LinkSpec? Read(SchedulingLink link) =>
        link.SpecJson.Length == 0 ? null : JsonSerializer.Deserialize<LinkSpec>(link.SpecJson, ApiJson.Options);

    public static LoadedLink? Load(SchedulingLink link) => Read(link) is { } spec ? new LoadedLink(link, spec) : null;

    /// <summary>The id of an open link of <paramref name="applicationId"/> whose spec <paramref name="uses"/> something —
    /// a calendar, a rule — named <paramref name="name"/>; null when none does. Only links whose stored spec holds the name
    /// as a JSON string are read (ids are plain ASCII, never escaped there). What the answer stops (deleting that thing)
    /// is refused with <c>errors.in_use</c>.</summary>
    public static async Task<string?> OpenLinkUsingAsync(RtsDbContext db, string applicationId, string name, Func<LinkSpec, bool> uses,
        NodaTime.Instant now, CancellationToken ct)
    {
        var quoted = JsonSerializer.Serialize(name, ApiJson.Options);
        var candidates = await db.Links.AsNoTracking()
            .Where(l => l.ApplicationId == applicationId && l.Status == LinkStatuses.Open && l.ExpiresAt > now && l.SpecJson.Contains(quoted))
            .ToListAsync(ct);
        return candidates.FirstOrDefault(l => Read(l) is { } spec && uses(spec))?.Id;
    }

    /// <summary>The link whose URL ends in <paramref name="token"/>, or null.</summary>
    public static async Task<LoadedLink?> ByTokenAsync(RtsDbContext db, string? token, CancellationToken ct)
    {
        if (Ids.TokenHash(token) is not { } hash) return null;
        var link = await db.Links.AsNoTracking().FirstOrDefaultAsync(l => l.TokenHash == hash, ct);
        return link is null ? null : Load(link);
    }
}

/// <summary>Gives links created before specs were stored their spec, from the request they kept (run at start).</summary>
public sealed partial class LinkSpecUpgrade(ILogger<LinkSpecUpgrade> log) : IStoreUpgrade
{
    public void Run(RtsDbContext db)
    {
        // Oldest first: where two earlier links claimed one event, the first one keeps it.
        foreach (var link in db.Links.Where(l => l.SpecJson == "").OrderBy(l => l.CreatedAt).ToList())
        {
            var sequencing = link.Kind == LinkKinds.Sequencing;
            // Callback URLs were checked when the link was created; the guard's policy then is not re-applied here.
            if (LinkRequest.FromJson(link.RequestJson, sequencing)?.Parse(sequencing, allowPrivateCallbacks: true) is { } parsed
                && parsed.TryGet(out var spec, out _))
            {
                link.SpecJson = LinkStore.Write(spec);
                db.LinkEventClaims.AddRange(LinksHandler.Claims(link, spec));
                if (link.Status == LinkStatuses.Completed)
                {
                    var calendars = spec.TargetCalendars.Select(t => t.CalendarId).ToList();
                    var eventIds = spec.EventIds.ToList();
                    db.Events.Where(e => calendars.Contains(e.CalendarId) && eventIds.Contains(e.EventId) && e.LinkId == null)
                        .ExecuteUpdate(s => s.SetProperty(e => e.LinkId, link.Id));
                }
            }
            else
                LogNotUpgraded(log, link.Id);
        }
        db.SaveChanges();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Link {LinkId} could not be upgraded: its stored request no longer validates")]
    private static partial void LogNotUpgraded(ILogger logger, string linkId);
}
