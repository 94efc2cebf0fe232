using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using NodaTime;
using RtsApp.Infrastructure;
using RtsApp.Store;

namespace RtsApp.Features.Admin;

/// <summary>The outcome of a sign-in attempt; <see cref="LockedUntil"/> is set while sign-in is locked.</summary>
public sealed record AdminSignInResult(bool Succeeded, Instant? LockedUntil)
{
    public bool IsLockedOut => LockedUntil is not null;
}

/// <summary>Checks the admin password (SPEC §10). The password is kept only as a PBKDF2 hash
/// (<see cref="PasswordHasher{TUser}"/>), and the failure count and lockout live in the database, so that several
/// processes on one database lock out together and a restart does not reset a lockout.</summary>
public sealed class AdminSignIn(IDbContextFactory<RtsDbContext> dbFactory, IClock clock)
{
    /// <summary>This many wrong passwords in a row lock sign-in for <see cref="LockoutDuration"/>.</summary>
    public const int MaxFailures = 5;
    public static readonly Duration LockoutDuration = Duration.FromMinutes(5);

    private static readonly PasswordHasher<AdminCredential> Hasher = new();

    /// <summary>Makes sure a password hash is stored. With <paramref name="configured"/> set, its hash is stored (replacing
    /// the stored one when the configured value changed). Unset, a strong password is generated the first time and
    /// returned — the only time it exists in plain text — so the caller can print it once; null otherwise.</summary>
    public async Task<string?> EnsurePasswordAsync(string? configured, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await db.AdminCredentials.FirstOrDefaultAsync(c => c.Id == AdminCredential.SingleId, ct);
        var now = clock.GetCurrentInstant();
        if (!string.IsNullOrEmpty(configured))
        {
            if (row is not null && Verify(row, configured)) return null;
            if (row is null) db.AdminCredentials.Add(New(configured, now));
            else (row.PasswordHash, row.UpdatedAt) = (Hasher.HashPassword(row, configured), now);
            await SaveUnlessRacedAsync(db, ct);
            return null;
        }
        if (row is not null) return null;
        var generated = Ids.Secret(18);
        db.AdminCredentials.Add(New(generated, now));
        // Of several processes starting together on an empty database, only the one whose insert wins prints its password.
        return await SaveUnlessRacedAsync(db, ct) ? generated : null;
    }

    /// <summary>Checks a password, counting failures; while locked out even the right password is refused.</summary>
    public async Task<AdminSignInResult> CheckAsync(string? password, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = clock.GetCurrentInstant();
        var row = await db.AdminCredentials.AsNoTracking().FirstOrDefaultAsync(c => c.Id == AdminCredential.SingleId, ct);
        if (row is null) return new AdminSignInResult(false, null);
        if (row.LockedUntil > now) return new AdminSignInResult(false, row.LockedUntil);
        var single = db.AdminCredentials.Where(c => c.Id == AdminCredential.SingleId);
        if (!string.IsNullOrEmpty(password) && password.Length <= 1024 && Verify(row, password))
        {
            if (row.FailedAttempts > 0) await single.ExecuteUpdateAsync(s => s.SetProperty(c => c.FailedAttempts, 0), ct);
            return new AdminSignInResult(true, null);
        }
        // Counted in the database with single statements, so concurrent attempts on several processes all count.
        await single.ExecuteUpdateAsync(s => s.SetProperty(c => c.FailedAttempts, c => c.FailedAttempts + 1), ct);
        Instant? until = now + LockoutDuration;
        var locked = await single.Where(c => c.FailedAttempts >= MaxFailures)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.LockedUntil, until).SetProperty(c => c.FailedAttempts, 0), ct);
        return new AdminSignInResult(false, locked == 1 ? until : null);
    }

    private static AdminCredential New(string password, Instant now)
    {
        var row = new AdminCredential { Id = AdminCredential.SingleId, PasswordHash = "", UpdatedAt = now };
        row.PasswordHash = Hasher.HashPassword(row, password);
        return row;
    }

    private static bool Verify(AdminCredential row, string password) =>
        Hasher.VerifyHashedPassword(row, row.PasswordHash, password) != PasswordVerificationResult.Failed;

    private static async Task<bool> SaveUnlessRacedAsync(RtsDbContext db, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
            return true;
        }
        catch (DbUpdateException)
        {
            return false; // another process stored the password first
        }
    }
}

/// <summary>Stores the admin password hash before the app serves requests, and prints a generated password once.</summary>
internal sealed partial class AdminPasswordInitializer(AdminSignIn signIn, IConfiguration config, ILogger<AdminPasswordInitializer> log) : IHostedService
{
    public async Task StartAsync(CancellationToken ct)
    {
        if (await signIn.EnsurePasswordAsync(config[ConfigKeys.AdminPassword], ct) is { } generated)
            LogGenerated(generated, ConfigKeys.AdminPassword);
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;

    [LoggerMessage(LogLevel.Warning, "Admin dashboard password generated (shown this once, only its hash is stored): {Password} — set {ConfigKey} to choose your own")]
    private partial void LogGenerated(string password, string configKey);
}
