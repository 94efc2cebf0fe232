using System.Reflection;
using System.Security.Claims;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using NodaTime;
using RtsApp.Store;

namespace RtsApp.Infrastructure;

/// <summary>Who is calling: always an application, and an account when the credential was that account's token.</summary>
public sealed record Caller(string ApplicationId, string? AccountId)
{
    public const string ApplicationClaim = "rts:application";
    public const string AccountClaim = "rts:account";

    public static ValueTask<Caller?> BindAsync(HttpContext http, ParameterInfo parameter) => ValueTask.FromResult(From(http.User));

    public static Caller? From(ClaimsPrincipal user) =>
        user.FindFirstValue(ApplicationClaim) is { } app ? new Caller(app, user.FindFirstValue(AccountClaim)) : null;
}

/// <summary>SPEC §2: body <c>client_id</c>/<c>client_secret</c> first (a header such as <c>Bearer undefined</c> is then
/// ignored), then <c>Authorization: Bearer client_secret</c>, then <c>Bearer account access_token</c>. Credentials are
/// looked up by hash and compared in constant time.</summary>
public sealed class ApiAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    IDbContextFactory<RtsDbContext> dbFactory, IClock clock)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "RtsApi";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var (clientId, bodySecret) = BodyCredentials(ApiBody.Document(Context));
        string? secret = bodySecret;
        if (secret is null)
        {
            var header = Request.Headers.Authorization.ToString();
            if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return AuthenticateResult.NoResult();
            secret = header["Bearer ".Length..].Trim();
        }
        if (secret.Length is 0 or > 512) return AuthenticateResult.Fail("invalid credentials");

        var hash = Ids.Hash(secret);
        var now = clock.GetCurrentInstant();
        await using var db = await dbFactory.CreateDbContextAsync(Context.RequestAborted);
        var app = await db.Applications.AsNoTracking()
            .Where(a => a.SecretHash == hash || a.PreviousSecretHash == hash)
            .FirstOrDefaultAsync(Context.RequestAborted);
        if (app is not null && (Ids.Matches(secret, app.SecretHash)
                || (Ids.Matches(secret, app.PreviousSecretHash) && app.PreviousSecretExpiresAt > now))
            && (clientId is null || clientId == app.ClientId))
            return Success(app.Id, null);

        if (bodySecret is null)
        {
            var account = await db.Accounts.AsNoTracking().FirstOrDefaultAsync(a => a.AccessTokenHash == hash, Context.RequestAborted);
            if (account is not null && Ids.Matches(secret, account.AccessTokenHash))
                return Success(account.ApplicationId, account.Id);
        }
        return AuthenticateResult.Fail("invalid credentials");
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        ApiError.Field(401, "authorization", "errors.unauthorized", "missing or invalid credentials").ExecuteAsync(Context);

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        ApiError.Field(403, "authorization", "errors.forbidden", "an account token cannot make this call").ExecuteAsync(Context);

    private static AuthenticateResult Success(string applicationId, string? accountId)
    {
        List<Claim> claims = [new(Caller.ApplicationClaim, applicationId)];
        if (accountId is not null) claims.Add(new Claim(Caller.AccountClaim, accountId));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    private static (string? ClientId, string? Secret) BodyCredentials(JsonElement? body)
    {
        if (body is not { ValueKind: JsonValueKind.Object } b) return (null, null);
        static string? Text(JsonElement o, string name) =>
            o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && v.GetString() is { Length: > 0 } s ? s : null;
        var secret = Text(b, "client_secret");
        return secret is null ? (null, null) : (Text(b, "client_id"), secret);
    }
}

public static class ApiAuthorization
{
    /// <summary>Any authenticated caller: application secret or account token.</summary>
    public const string AnyCaller = "rts.api";
    /// <summary>Only the application's own secret (not an account token).</summary>
    public const string ApplicationOnly = "rts.api.application";
}
