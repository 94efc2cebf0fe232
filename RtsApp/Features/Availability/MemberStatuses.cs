using Microsoft.EntityFrameworkCore;
using RtsApp.Store;

namespace RtsApp.Features.Availability;

/// <summary>One entry of <c>member_statuses</c> (SPEC §13 "Member statuses").</summary>
public sealed record MemberStatusView(string Sub, string SyncStatus);

/// <summary>How current a member's busy time is, from their calendar connections as stored (SPEC §13, docs/api.md):
/// <c>disconnected</c> when one of them is in error (its busy time may be stale); else <c>pending</c> when one has never
/// completed a sync (no <c>last_synced_at</c>), so its busy time is not in yet; else <c>active</c> — also for a member
/// with no connection, whose busy time is all local.</summary>
public static class MemberStatuses
{
    public const string Active = "active";
    public const string Pending = "pending";
    public const string Disconnected = "disconnected";

    /// <summary>One entry per distinct sub of <paramref name="spec"/>, in request order, read with one query.</summary>
    public static async Task<IReadOnlyList<MemberStatusView>> ReadAsync(RtsDbContext db, string applicationId, AvailabilitySpec spec, CancellationToken ct)
    {
        var subs = spec.Participants.SelectMany(g => g.Members).Select(m => m.Sub).Distinct(StringComparer.Ordinal).ToList();
        var connections = await db.CalendarConnections.AsNoTracking()
            .Where(c => c.ApplicationId == applicationId && subs.Contains(c.AccountId))
            .Select(c => new { c.AccountId, c.Status, c.LastSyncedAt })
            .ToListAsync(ct);
        var bySub = connections.ToLookup(c => c.AccountId, StringComparer.Ordinal);
        return subs.Select(sub => new MemberStatusView(sub,
            bySub[sub].Any(c => c.Status == ConnectionStatuses.Error) ? Disconnected
            : bySub[sub].Any(c => c.LastSyncedAt is null) ? Pending
            : Active)).ToList();
    }
}
