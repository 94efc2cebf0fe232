using NodaTime;
using RtsApp.Store;

namespace RtsApp.Features.Links;

/// <summary>A link's status (SPEC §6) — open, completed, disabled, or expired: still open after the end of its last
/// query period — as a rule on one link and as the same rule for database filters, kept together so they cannot drift.</summary>
public static class LinkStatus
{
    public static string Of(SchedulingLink link, Instant now) =>
        link.Status == LinkStatuses.Open && now >= link.ExpiresAt ? LinkStatuses.Expired : link.Status;

    public static bool IsOpen(SchedulingLink link, Instant now) => Of(link, now) == LinkStatuses.Open;

    public static IQueryable<SchedulingLink> WhereStatus(this IQueryable<SchedulingLink> links, string status, Instant now) => status switch
    {
        LinkStatuses.Open => links.Where(l => l.Status == LinkStatuses.Open && l.ExpiresAt > now),
        LinkStatuses.Expired => links.Where(l => l.Status == LinkStatuses.Open && l.ExpiresAt <= now),
        _ => links.Where(l => l.Status == status),
    };
}
