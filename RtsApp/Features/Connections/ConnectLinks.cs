using FluentValidation;
using Microsoft.EntityFrameworkCore;
using NodaTime;
using RtsApp.Infrastructure;
using RtsApp.Store;

namespace RtsApp.Features.Connections;

public sealed record ConnectLinkRequest(string? Sub, string? RedirectUri);

/// <summary>A validated connect-link request: <see cref="RedirectUri"/> ASCII (<see cref="WebUrls.Normalize"/>) or null.</summary>
public sealed record ConnectLinkSpec(string? Sub, string? RedirectUri);

public sealed record ConnectLinkReply(string Url);

public sealed class ConnectLinkValidator : AbstractValidator<ConnectLinkRequest>
{
    private static readonly ConnectLinkValidator WithSub = new(false), SubImplied = new(true);

    /// <summary>With an account token the <c>sub</c> is implied.</summary>
    public static ConnectLinkValidator For(bool subImplied) => subImplied ? SubImplied : WithSub;

    private ConnectLinkValidator(bool subImplied)
    {
        RuleFor(x => x.Sub).Required().When(_ => !subImplied);
        RuleFor(x => x.RedirectUri).WebUrl().When(x => !string.IsNullOrEmpty(x.RedirectUri));
    }

    public static ConnectLinkSpec ToSpec(ConnectLinkRequest r) =>
        new(r.Sub, string.IsNullOrEmpty(r.RedirectUri) ? null : Validated.Value(WebUrls.Normalize(r.RedirectUri), "redirect_uri"));
}

/// <summary>Where the connect page lives (SPEC §13): <c>/connect/{token}</c>.</summary>
public static class ConnectUrls
{
    public const string PagePrefix = "/connect";
    public const string PageRoute = PagePrefix + "/{Token}";

    public static string Page(string token) => PagePrefix + "/" + Uri.EscapeDataString(token);
}

/// <summary>An open connect page: the one account it acts for (as <see cref="Caller"/>, an account-scoped caller, so
/// every handler it calls sees that account alone) and where "Done" goes.</summary>
public sealed record ConnectSession(Caller Caller, string Sub, string ApplicationName, string? RedirectUri, bool Expired)
{
    /// <summary><c>redirect_uri</c> with <c>sub=</c> appended to its query, or null without one.</summary>
    public string? DoneUrl => RedirectUri is { } uri ? WebUrls.WithQuery(uri, "sub=" + Uri.EscapeDataString(Sub)) : null;
}

/// <summary>Connect links (SPEC §13): made for one account by <c>POST /v1/calendar_connections/connect_link</c>, valid
/// for <see cref="Lifetime"/>, found by the hash of the token in their URL (the token itself is never stored).</summary>
public sealed class ConnectLinks(IDbContextFactory<RtsDbContext> dbFactory, IClock clock)
{
    public static readonly Duration Lifetime = Duration.FromDays(7);

    /// <summary>Stores a new link for the account; its absolute URL is built on <paramref name="baseUrl"/> as scheduling
    /// links' are. An account the caller may not act for is the 404 at <c>sub</c> every connection call gives.</summary>
    public async Task<Outcome<ConnectLinkReply>> CreateAsync(Caller caller, ConnectLinkSpec spec, string baseUrl, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!(await ConnectionsHandler.AccountAsync(db, caller, spec.Sub, ct)).TryGet(out var account, out var noAccount)) return noAccount;
        var token = Ids.Secret(32);
        var now = clock.GetCurrentInstant();
        db.ConnectLinks.Add(new ConnectLink
        {
            Id = Ids.New(Ids.ConnectLinkPrefix),
            ApplicationId = account.ApplicationId,
            AccountId = account.Id,
            TokenHash = Ids.Hash(token),
            RedirectUri = spec.RedirectUri,
            ExpiresAt = now + Lifetime,
            CreatedAt = now,
        });
        await db.SaveChangesAsync(ct);
        return new ConnectLinkReply(baseUrl.TrimEnd('/') + ConnectUrls.Page(token));
    }

    /// <summary>The page of <paramref name="token"/> (<see cref="ConnectSession.Expired"/> once its time is up), or null for
    /// a token that names no link.</summary>
    public async Task<ConnectSession?> FindAsync(string? token, CancellationToken ct)
    {
        if (Ids.TokenHash(token) is not { } hash) return null;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var found = await db.ConnectLinks.AsNoTracking().Where(l => l.TokenHash == hash)
            .Join(db.Applications, l => l.ApplicationId, a => a.Id, (l, a) => new { Link = l, ApplicationName = a.Name })
            .FirstOrDefaultAsync(ct);
        if (found is null) return null;
        var link = found.Link;
        return new ConnectSession(new Caller(link.ApplicationId, link.AccountId), link.AccountId, found.ApplicationName, link.RedirectUri,
            Expired: clock.GetCurrentInstant() >= link.ExpiresAt);
    }
}
