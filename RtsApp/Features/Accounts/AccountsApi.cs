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
        RuleFor(x => x.Name).NotEmpty().WithMessage("required").MaximumLength(256);
        RuleFor(x => x.Email).MaximumLength(256).EmailAddress().When(x => !string.IsNullOrEmpty(x.Email));
        RuleFor(x => x.Tzid).Must(z => ApiJson.Zone(z) is not null).When(x => x.Tzid is not null)
            .WithErrorCode("errors.unknown_time_zone").WithMessage("is not a known IANA time zone");
    }
}

public sealed record AccountView(string Sub, string Name, string? Email, string Tzid, string? AccessToken);
public sealed record AccountReply(AccountView Account);
public sealed record AccountsReply(IReadOnlyList<AccountView> Accounts);

public static class AccountsApi
{
    public static IEndpointRouteBuilder MapAccountsApi(this IEndpointRouteBuilder api)
    {
        api.MapPost("/accounts", CreateAccount).RequireAuthorization(ApiAuthorization.ApplicationOnly);
        api.MapGet("/accounts", ListAccounts);
        return api;
    }

    public static async Task<Results<Ok<AccountReply>, ApiError>> CreateAccount(
        Json<CreateAccountRequest> body, Caller caller, IDbContextFactory<RtsDbContext> dbFactory, IClock clock, CancellationToken ct)
    {
        if (body.Check(CreateAccountValidator.Instance) is { } invalid) return invalid;
        var request = body.Value!;

        var token = "rts_at_" + Ids.Secret();
        var account = new Account
        {
            Id = Ids.New(Ids.AccountPrefix),
            ApplicationId = caller.ApplicationId,
            Name = request.Name!.Trim(),
            Email = string.IsNullOrWhiteSpace(request.Email) ? null : request.Email.Trim(),
            Tzid = request.Tzid ?? "Etc/UTC",
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
