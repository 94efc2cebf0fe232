using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using NodaTime;
using RtsApp.Infrastructure;
using RtsApp.Store;

namespace RtsApp.Features.Admin;

/// <summary>Signing out ends the session on the server too. Each sign-in names its session (<see cref="Claim"/>, in the
/// cookie); signing out records that name (<see cref="AdminSignedOutSession"/>), and every admin request's cookie is
/// checked against those records, so a copy of the cookie kept from before the sign-out opens nothing. A cookie without
/// a session name (issued before sessions had one) is refused: its holder signs in again.</summary>
public sealed class AdminSessions(IDbContextFactory<RtsDbContext> dbFactory, IClock clock)
{
    public const string Claim = "rts:admin_session";
    private const int MaxIdLength = 64;

    /// <summary>A new session's name.</summary>
    public static Claim NewSession() => new(Claim, Ids.Secret(16));

    /// <summary>Whether a session cookie still stands: it names a session, and that session was not signed out.</summary>
    public async Task<bool> IsLiveAsync(ClaimsPrincipal? user, CancellationToken ct)
    {
        if (Id(user) is not { } id) return false;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return !await db.AdminSignedOut.AnyAsync(s => s.SessionId == id, ct);
    }

    /// <summary>Ends the session: its cookie is refused until it would have expired anyway (<see cref="AdminSetup.SessionIdle"/>
    /// after its last use at the latest). Records past that are deleted on the way.</summary>
    public async Task EndAsync(ClaimsPrincipal user, CancellationToken ct)
    {
        if (Id(user) is not { } id) return;
        var now = clock.GetCurrentInstant();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.AdminSignedOut.Where(s => s.Until < now).ExecuteDeleteAsync(ct);
        db.AdminSignedOut.Add(new AdminSignedOutSession { SessionId = id, Until = now + Duration.FromTimeSpan(AdminSetup.SessionIdle) + ClockMargin });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // The same session signed out twice at once is recorded once; any other failure must not pass for a sign-out.
            if (!await IsRecordedAsync(id, ct)) throw;
        }
    }

    /// <summary>Processes' clocks may differ a little (the cookie's expiry is the issuing process's).</summary>
    private static readonly Duration ClockMargin = Duration.FromMinutes(5);

    private async Task<bool> IsRecordedAsync(string id, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.AdminSignedOut.AnyAsync(s => s.SessionId == id, ct);
    }

    private static string? Id(ClaimsPrincipal? user) => user?.FindFirstValue(Claim) is { Length: > 0 and <= MaxIdLength } id ? id : null;
}
