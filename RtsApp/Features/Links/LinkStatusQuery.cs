using NodaTime;
using RtsApp.Store;

namespace RtsApp.Features.Links;

/// <summary><see cref="LinkViews.Status"/> as a database filter: the same rule (an open link is expired from its
/// <see cref="SchedulingLink.ExpiresAt"/> on), kept next to it so that the two cannot drift apart.</summary>
public static class LinkStatusQuery
{
    public static IQueryable<SchedulingLink> WhereStatus(this IQueryable<SchedulingLink> links, string status, Instant now) => status switch
    {
        LinkStatuses.Open => links.Where(l => l.Status == LinkStatuses.Open && l.ExpiresAt > now),
        LinkStatuses.Expired => links.Where(l => l.Status == LinkStatuses.Open && l.ExpiresAt <= now),
        _ => links.Where(l => l.Status == status),
    };
}
