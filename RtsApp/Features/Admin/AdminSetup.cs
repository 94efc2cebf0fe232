using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using RtsApp.Infrastructure;

namespace RtsApp.Features.Admin;

/// <summary>The admin dashboard's routes, cookie scheme and policy. The pages themselves are Razor components under
/// Components/Pages/Admin; every one of them requires <see cref="Policy"/> except the sign-in page.</summary>
public static class AdminSetup
{
    public const string Prefix = "/admin";
    public const string SignInPath = "/admin/sign-in";
    public const string SignOutPath = "/admin/sign-out";
    /// <summary>The cookie scheme, separate from the API's bearer scheme (there is no default scheme).</summary>
    public const string Scheme = "RtsAdmin";
    public const string Policy = "rts.admin";
    public const string AdminClaim = "rts:admin";
    public const string CookieName = "rts_admin";
    public static readonly TimeSpan SessionIdle = TimeSpan.FromHours(8);

    public static IServiceCollection AddRtsAdmin(this IServiceCollection services)
    {
        services.AddSingleton<AdminSignIn>();
        services.AddSingleton<AdminQueries>();
        services.AddSingleton<AdminTime>();
        services.AddRtsOptions<AdminOptions>(AdminOptions.Section, o => TzdbZones.IsKnown(o.TimeZone),
            ConfigKeys.AdminTimeZone, "must be an IANA time zone id such as Europe/Berlin (default Etc/UTC)");
        services.AddHostedService<AdminPasswordInitializer>();
        services.AddAuthentication().AddCookie(Scheme, o =>
        {
            o.LoginPath = SignInPath;
            o.LogoutPath = SignOutPath;
            o.AccessDeniedPath = SignInPath;
            o.Cookie.Name = CookieName;
            o.Cookie.Path = Prefix;
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.Cookie.IsEssential = true;
            o.ExpireTimeSpan = SessionIdle;
            o.SlidingExpiration = true;
        });
        services.AddAuthorizationBuilder().AddPolicy(Policy, p => p.AddAuthenticationSchemes(Scheme).RequireClaim(AdminClaim));
        return services;
    }

    public static WebApplication MapRtsAdmin(this WebApplication app)
    {
        app.MapPost(SignOutPath, SignOutAsync).RequireAuthorization(Policy).ExcludeFromDescription();
        return app;
    }

    /// <summary>Signs the admin in with a session cookie (sliding, <see cref="SessionIdle"/>).</summary>
    public static Task SignInAsync(HttpContext http) =>
        http.SignInAsync(Scheme, new ClaimsPrincipal(new ClaimsIdentity([new Claim(AdminClaim, "admin")], Scheme)));

    /// <summary>Where to go after signing in: a local /admin path only, so the parameter cannot send anyone elsewhere.</summary>
    public static string SafeReturnUrl(string? returnUrl) =>
        returnUrl is { Length: > 0 } r && r.StartsWith(Prefix, StringComparison.Ordinal) && !r.StartsWith("//", StringComparison.Ordinal)
            && !r.Contains('\\') && (r.Length == Prefix.Length || r[Prefix.Length] is '/' or '?') ? r : Prefix;

    private static async Task<IResult> SignOutAsync(HttpContext http, IAntiforgery antiforgery)
    {
        if (!await antiforgery.IsRequestValidAsync(http)) return Results.BadRequest();
        await http.SignOutAsync(Scheme);
        return Results.Redirect(SignInPath);
    }
}
