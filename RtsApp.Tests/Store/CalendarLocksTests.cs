using Microsoft.EntityFrameworkCore;
using Npgsql;
using RtsApp.Store;
using RtsApp.Tests.Infrastructure;

namespace RtsApp.Tests.Store;

/// <summary>On PostgreSQL a transaction that writes events into several calendars first locks their rows in id order
/// (the events triggers would otherwise take them in write order); on SQLite the database's one write lock does that.</summary>
public sealed class CalendarLocksTests : IClassFixture<RtsAppFactory>
{
    private readonly RtsAppFactory factory;
    public CalendarLocksTests(RtsAppFactory factory) => this.factory = factory;

    [Fact]
    public async Task LockAsync_HoldsEveryCalendarRow_UntilTheTransactionEnds()
    {
        var api = await factory.CreateApiClientAsync();
        var (sub, _) = await api.CreateAccountAsync();
        var ids = new[] { await api.CreateCalendarAsync(sub, "B"), await api.CreateCalendarAsync(sub, "A") };

        await using var holder = factory.Db();
        await using (var tx = await holder.Database.BeginTransactionAsync())
        {
            await CalendarLocks.LockAsync(holder, ids, CancellationToken.None);
            if (factory.Database.IsPostgres)
            {
                foreach (var id in ids)
                {
                    await using var other = factory.Db();
                    await using var otherTx = await other.Database.BeginTransactionAsync();
                    var refused = await Should.ThrowAsync<PostgresException>(() =>
                        other.Database.ExecuteSqlInterpolatedAsync($"SELECT 1 FROM calendars WHERE \"Id\" = {id} FOR UPDATE NOWAIT"));
                    refused.SqlState.ShouldBe(PostgresErrorCodes.LockNotAvailable, $"{id} is locked by the holder");
                }
            }
            await tx.CommitAsync();
        }

        await using var after = factory.Db();
        await using var afterTx = await after.Database.BeginTransactionAsync();
        await CalendarLocks.LockAsync(after, ids, CancellationToken.None);
        (await after.Calendars.CountAsync(c => ids.Contains(c.Id))).ShouldBe(2, "the locks were released at commit");
    }
}
