using Microsoft.EntityFrameworkCore;

namespace RtsApp.Store;

/// <summary>Row locks on accounts: a bump of <see cref="Account.BookingVersion"/> per account, one row at a time in id
/// order (so two holders never deadlock), taken first by every transaction that must not interleave with another on the
/// same account — a booking, an availability rule's deletion and the creation of a link that names that rule. On
/// PostgreSQL they are row locks held to commit; on SQLite the transaction's BEGIN IMMEDIATE already serializes writers.</summary>
public static class AccountLocks
{
    public static async Task LockAsync(RtsDbContext db, string applicationId, IEnumerable<string> subs, CancellationToken ct)
    {
        foreach (var sub in subs.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
            await db.Accounts.Where(a => a.Id == sub && a.ApplicationId == applicationId)
                .ExecuteUpdateAsync(s => s.SetProperty(a => a.BookingVersion, a => a.BookingVersion + 1), ct);
    }
}
