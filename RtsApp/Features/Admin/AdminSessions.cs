using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using NodaTime;
using RtsApp.Infrastructure;
using RtsApp.Store;

namespace RtsApp.Features.Admin;

/// <summary>Signing out, or changing the admin password, ends sessions on the server too. Each sign-in names its session
/// (<see cref="Claim"/>) and says when it signed in (<see cref="SignedInClaim"/>), in the cookie. Signing out records
/// the name (<see cref="AdminSignedOutSession"/>); every admin request's cookie is checked against those records and
/// against when the password last changed (<see cref="AdminCredential.UpdatedAt"/>), in one query. So a copy of the
/// cookie kept from before the sign-out opens nothing, and neither does a session from before a password change. A
/// session also ends <see cref="AdminSetup.SessionLifetime"/> after it signed in, however busy it kept (the cookie's own
/// expiry slides with use). A cookie without both claims (issued before sessions had them) is refused: its holder signs
/// in again.</summary>
public sealed class AdminSessions(IDbContextFactory<RtsDbContext> dbFactory, IClock clock)
{
    public const string Claim = "rts:admin_session";
    public const string SignedInClaim = "rts:admin_signed_in";
    private const int MaxIdLength = 64;

    /// <summary>A new session's claims: its name, and when it signed in.</summary>
    public Claim[] NewSession() =>
        [new(Claim, Ids.Secret(16)), new(SignedInClaim, clock.GetCurrentInstant().ToUnixTimeTicks().ToString(System.Globalization.CultureInfo.InvariantCulture))];

    /// <summary>Whether a session cookie still stands: it names a session that was not signed out, it signed in after
    /// the password was last set, and less than <see cref="AdminSetup.SessionLifetime"/> ago.</summary>
    public async Task<bool> IsLiveAsync(ClaimsPrincipal? user, CancellationToken ct)
    {
        if (Id(user) is not { } id || SignedIn(user) is not { } signedIn) return false;
        if (clock.GetCurrentInstant() >= signedIn + Duration.FromTimeSpan(AdminSetup.SessionLifetime)) return false;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var state = await db.AdminCredentials.AsNoTracking().Where(c => c.Id == AdminCredential.SingleId)
            .Select(c => new { c.UpdatedAt, SignedOut = db.AdminSignedOut.Any(s => s.SessionId == id) })
            .FirstOrDefaultAsync(ct);
        return state is { SignedOut: false } && signedIn >= state.UpdatedAt;
    }

    private static Instant? SignedIn(ClaimsPrincipal? user) =>
        long.TryParse(user?.FindFirstValue(SignedInClaim), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var ticks)
            ? Instant.FromUnixTimeTicks(ticks) : null;

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
