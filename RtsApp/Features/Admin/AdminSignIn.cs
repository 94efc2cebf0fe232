using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using NodaTime;
using RtsApp.Infrastructure;
using RtsApp.Store;

namespace RtsApp.Features.Admin;

/// <summary>The outcome of a sign-in attempt. <see cref="PasswordChecked"/> is false when the attempt was refused
/// before the password was looked at; <see cref="LockedUntil"/> is set while this client (or everyone) is refused.</summary>
public sealed record AdminSignInResult(bool Succeeded, bool PasswordChecked, Instant? LockedUntil)
{
    public bool IsLockedOut => LockedUntil is not null;
}

/// <summary>Checks the admin password (SPEC §10). The password is kept only as a PBKDF2 hash
/// (<see cref="PasswordHasher{TUser}"/>). Guessing is limited twice, in the database (<see cref="DatabaseThrottles"/>),
/// so that every process on it enforces the same limits and a restart resets nothing: each client (its address, see
/// <see cref="ClientKey"/>) may try <see cref="MaxFailures"/> wrong passwords, then is refused for
/// <see cref="LockoutDuration"/>; and all clients together may try <see cref="GlobalMaxFailures"/> wrong passwords per
/// <see cref="GlobalWindow"/>, beyond which everyone is refused until that window ends — a distributed guesser is slowed
/// down, and the right password works again a minute after the guessing stops. An attempt takes its place in both
/// counts before the password is checked, by one conditional upsert each, so concurrent attempts cannot exceed them.</summary>
public sealed class AdminSignIn(IDbContextFactory<RtsDbContext> dbFactory, IClock clock)
{
    /// <summary>This many wrong passwords from one client lock that client out for <see cref="LockoutDuration"/>.</summary>
    public const int MaxFailures = 5;
    public static readonly Duration LockoutDuration = Duration.FromMinutes(5);
    /// <summary>This many wrong passwords from all clients within <see cref="GlobalWindow"/> refuse everyone until the
    /// window ends.</summary>
    public const int GlobalMaxFailures = 60;
    public static readonly Duration GlobalWindow = Duration.FromMinutes(1);
    /// <summary>The <see cref="ThrottleWindow"/> row of the global count (client keys start with <c>ip:</c>).</summary>
    public const string GlobalKey = "*";

    private static readonly PasswordHasher<AdminCredential> Hasher = new();

    /// <summary>Which count a request's attempts fall into: its IPv4 address, or the /64 network of its IPv6 address (one
    /// host usually has a whole /64). Behind a proxy this is the forwarded address (<c>Rts:ForwardedHeaders</c>).</summary>
    public static string ClientKey(IPAddress? address)
    {
        if (address is null) return "ip:unknown";
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return "ip:" + address;
        var bytes = address.GetAddressBytes();
        bytes.AsSpan(8).Clear();
        return $"ip:{new IPAddress(bytes)}/64";
    }

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

    /// <summary>Checks a password from <paramref name="client"/> (a <see cref="ClientKey"/>), within the limits; while
    /// the client or everyone is locked out even the right password is refused, unchecked.</summary>
    public async Task<AdminSignInResult> CheckAsync(string? password, string? client = null, CancellationToken ct = default)
    {
        client ??= ClientKey(null);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = clock.GetCurrentInstant();
        var row = await db.AdminCredentials.AsNoTracking().FirstOrDefaultAsync(c => c.Id == AdminCredential.SingleId, ct);
        if (row is null) return new AdminSignInResult(false, false, null);

        var throttles = new DatabaseThrottles(db);
        if (await throttles.TryTakeAsync(client, MaxFailures, LockoutDuration, now, ct) is not { } clientWindow)
            return new AdminSignInResult(false, false, await throttles.WindowStartAsync(client, ct) + LockoutDuration);
        if (await throttles.TryTakeAsync(GlobalKey, GlobalMaxFailures, GlobalWindow, now, ct) is not { } globalWindow)
        {
            await throttles.GiveBackAsync(client, clientWindow, ct);
            return new AdminSignInResult(false, false, await throttles.WindowStartAsync(GlobalKey, ct) + GlobalWindow);
        }

        if (!string.IsNullOrEmpty(password) && password.Length <= 1024 && Verify(row, password))
        {
            await db.ThrottleWindows.Where(t => t.Key == client).ExecuteUpdateAsync(s => s.SetProperty(t => t.Attempts, 0), ct);
            await throttles.GiveBackAsync(GlobalKey, globalWindow, ct); // the global count is of wrong passwords
            return new AdminSignInResult(true, true, null);
        }
        // The failure that uses up the client's allowance restarts its window: the lockout lasts LockoutDuration from now.
        var cutoff = now - LockoutDuration;
        var locked = await db.ThrottleWindows.Where(t => t.Key == client && t.Attempts >= MaxFailures && t.WindowStart > cutoff)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.WindowStart, now), ct);
        return new AdminSignInResult(false, true, locked > 0 ? now + LockoutDuration : null);
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
internal sealed partial class AdminPasswordInitializer(AdminSignIn signIn, StoreStartup startup, IConfiguration config,
    ILogger<AdminPasswordInitializer> log) : IHostedService
{
    public Task StartAsync(CancellationToken ct)
    {
        startup.After(async () =>
        {
            if (await signIn.EnsurePasswordAsync(config[ConfigKeys.AdminPassword], ct) is { } generated)
                LogGenerated(generated, ConfigKeys.AdminPassword);
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;

    [LoggerMessage(LogLevel.Warning, "Admin dashboard password generated (shown this once, only its hash is stored): {Password} — set {ConfigKey} to choose your own")]
    private partial void LogGenerated(string password, string configKey);
}
