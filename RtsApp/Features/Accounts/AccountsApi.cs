using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using NodaTime;
using RtsApp.Infrastructure;
using RtsApp.Store;

namespace RtsApp.Features.Accounts;

public sealed record CreateAccountRequest(string? Name, string? Email, string? Tzid);

public sealed class CreateAccountValidator : AbstractValidator<CreateAccountRequest>
{
    /// <summary>Validators are built once: building one compiles every rule's expression.</summary>
    public static readonly CreateAccountValidator Instance = new();

    private CreateAccountValidator()
    {
        RuleFor(x => x.Name).Required().MaximumLength(MaxLength).NoControlCharacters();
        RuleFor(x => x.Email).MaximumLength(MaxLength).Must(BeAnEmailAddress).When(x => !string.IsNullOrEmpty(x.Email))
            .WithMessage("must be an email address such as ann@example.com");
        RuleFor(x => x.Tzid).KnownZone();
    }

    public const int MaxLength = 256;

    /// <summary>One local part, one @, and a domain with a dot and no spaces or control characters: what a mail server
    /// could deliver to (FluentValidation's own check accepts anything with an @).</summary>
    private static bool BeAnEmailAddress(string? email)
    {
        if (email is null || email.Any(c => char.IsWhiteSpace(c) || char.IsControl(c))) return false;
        var at = email.LastIndexOf('@');
        if (at < 1 || at != email.IndexOf('@', StringComparison.Ordinal)) return false;
        var domain = email[(at + 1)..];
        return domain.Contains('.', StringComparison.Ordinal) && !domain.StartsWith('.') && !domain.EndsWith('.') && !domain.Contains("..", StringComparison.Ordinal);
    }
}

public sealed record AccountView(string Sub, string Name, string? Email, string Tzid, string? AccessToken);
public sealed record AccountReply(AccountView Account);
public sealed record AccountsReply(IReadOnlyList<AccountView> Accounts);

public static class AccountsApi
{
    public static IEndpointRouteBuilder MapAccountsApi(this IEndpointRouteBuilder api)
    {
        api.MapPost("/accounts", CreateAccount).Named("CreateAccount", "Creates an account and its access token").RequireAuthorization(ApiAuthorization.ApplicationOnly);
        api.MapGet("/accounts", ListAccounts).Named("ListAccounts", "Lists the accounts the caller can see");
        return api;
    }

    public static async Task<Results<Ok<AccountReply>, ApiError>> CreateAccount(
        Json<CreateAccountRequest> body, Caller caller, IDbContextFactory<RtsDbContext> dbFactory, IClock clock, CancellationToken ct)
    {
        if (!body.TryParse(CreateAccountValidator.Instance, r => r, out var request, out var invalid)) return invalid;

        var token = Ids.AccessTokenPrefix + Ids.Secret();
        var account = new Account
        {
            Id = Ids.New(Ids.AccountPrefix),
            ApplicationId = caller.ApplicationId,
            Name = Validated.Value(request.Name, "name").Trim(),
            Email = string.IsNullOrWhiteSpace(request.Email) ? null : request.Email.Trim(),
            Tzid = request.Tzid ?? TzdbZones.UtcId,
            AccessTokenHash = Ids.Hash(token),
            CreatedAt = clock.GetCurrentInstant(),
        };
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.Accounts.Add(account);
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(new AccountReply(View(account, token)));
    }

    public static async Task<Ok<AccountsReply>> ListAccounts(Caller caller, IDbContextFactory<RtsDbContext> dbFactory, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var accounts = await db.Accounts.AsNoTracking()
            .Where(a => a.ApplicationId == caller.ApplicationId && (caller.AccountId == null || a.Id == caller.AccountId))
            .OrderBy(a => a.CreatedAt).ThenBy(a => a.Id)
            .ToListAsync(ct);
        return TypedResults.Ok(new AccountsReply(accounts.Select(a => View(a, null)).ToList()));
    }

    private static AccountView View(Account a, string? token) => new(a.Id, a.Name, a.Email, a.Tzid, token);
}
