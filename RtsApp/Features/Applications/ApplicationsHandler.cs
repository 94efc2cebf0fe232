using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using NodaTime;
using RtsApp.Infrastructure;
using RtsApp.Store;

namespace RtsApp.Features.Applications;

public sealed record CreatedApplication(string ClientId, string ClientSecret, string Name);
public sealed record ApplicationSummary(string ClientId, string Name, Instant CreatedAt, Instant? PreviousSecretExpiresAt);

/// <summary>Creates applications and rotates their secrets; used by the CLI and the admin dashboard.</summary>
public sealed class ApplicationsHandler(IDbContextFactory<RtsDbContext> dbFactory, IDataProtectionProvider protection, IClock clock)
{
    /// <summary>How long a replaced secret keeps working after a rotation (SPEC §2).</summary>
    public static readonly Duration RotationOverlap = Duration.FromHours(24);

    public const int MaxNameLength = 256;

    private readonly IDataProtector protector = protection.CreateProtector(SecretPurpose);
    private const string SecretPurpose = "RtsApp.ClientSecret";

    /// <summary>Why <paramref name="name"/> cannot name an application, in a sentence for the person who typed it; null
    /// when it can. <see cref="CreateAsync"/> throws an <see cref="ArgumentException"/> with this message.</summary>
    public static string? NameProblem(string? name) =>
        string.IsNullOrWhiteSpace(name) ? "A name is required."
        : name.Trim().Length > MaxNameLength ? $"A name has at most {MaxNameLength} characters."
        : name.Any(char.IsControl) ? "A name cannot contain control characters (such as line breaks or tabs)."
        : null;

    public async Task<CreatedApplication> CreateAsync(string name, CancellationToken ct = default)
    {
        if (NameProblem(name) is { } problem) throw new ArgumentException(problem);
        var secret = "rts_sk_" + Ids.Secret();
        var app = new ApiApplication
        {
            Id = Ids.New(Ids.ApplicationPrefix),
            Name = name.Trim(),
            ClientId = "rts_ci_" + Ids.Secret(16),
            SecretHash = Ids.Hash(secret),
            SecretProtected = protector.Protect(secret),
            CreatedAt = clock.GetCurrentInstant(),
        };
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.Applications.Add(app);
        await db.SaveChangesAsync(ct);
        return new CreatedApplication(app.ClientId, secret, app.Name);
    }

    public async Task<IReadOnlyList<ApplicationSummary>> ListAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var apps = await db.Applications.AsNoTracking().ToListAsync(ct);
        return apps.OrderBy(a => a.CreatedAt)
            .Select(a => new ApplicationSummary(a.ClientId, a.Name, a.CreatedAt, a.PreviousSecretExpiresAt)).ToList();
    }

    /// <summary>Issues a new secret; the current one becomes the previous one and keeps working for 24 hours.
    /// Null when no application has that client id.</summary>
    public async Task<CreatedApplication?> RotateSecretAsync(string clientId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var app = await db.Applications.FirstOrDefaultAsync(a => a.ClientId == clientId, ct);
        if (app is null) return null;
        var secret = "rts_sk_" + Ids.Secret();
        app.PreviousSecretHash = app.SecretHash;
        app.PreviousSecretProtected = app.SecretProtected;
        app.PreviousSecretExpiresAt = clock.GetCurrentInstant() + RotationOverlap;
        app.SecretHash = Ids.Hash(secret);
        app.SecretProtected = protector.Protect(secret);
        await db.SaveChangesAsync(ct);
        return new CreatedApplication(app.ClientId, secret, app.Name);
    }

    /// <summary>The secrets that sign a callback now: the current one, then the previous one while it is valid.</summary>
    public IReadOnlyList<string> SigningSecrets(ApiApplication app)
    {
        var secrets = new List<string> { protector.Unprotect(app.SecretProtected) };
        if (app.PreviousSecretProtected is not null && app.PreviousSecretExpiresAt > clock.GetCurrentInstant())
            secrets.Add(protector.Unprotect(app.PreviousSecretProtected));
        return secrets;
    }
}

public static class ApplicationsSetup
{
    public static IServiceCollection AddRtsApplications(this IServiceCollection services) => services.AddSingleton<ApplicationsHandler>();
}
