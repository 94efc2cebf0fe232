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
    /// <summary>How long a session lasts after signing in, however busy (<see cref="AdminSessions.IsLiveAsync"/>).</summary>
    public static readonly TimeSpan SessionLifetime = TimeSpan.FromHours(24);

    public static IServiceCollection AddRtsAdmin(this IServiceCollection services)
    {
        services.AddSingleton<AdminSignIn>();
        services.AddSingleton<AdminSessions>();
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
            o.Events.OnValidatePrincipal = async context =>
            {
                var sessions = context.HttpContext.RequestServices.GetRequiredService<AdminSessions>();
                if (await sessions.IsLiveAsync(context.Principal, context.HttpContext.RequestAborted)) return;
                context.RejectPrincipal();
                await context.HttpContext.SignOutAsync(Scheme);
            };
        });
        services.AddAuthorizationBuilder().AddPolicy(Policy, p => p.AddAuthenticationSchemes(Scheme).RequireClaim(AdminClaim));
        return services;
    }

    public static WebApplication MapRtsAdmin(this WebApplication app)
    {
        app.MapPost(SignOutPath, SignOutAsync).RequireAuthorization(Policy).ExcludeFromDescription();
        return app;
    }

    /// <summary>Signs the admin in with a session cookie (sliding, <see cref="SessionIdle"/>) and redirects to
    /// <see cref="SafeReturnUrl"/>(<paramref name="returnUrl"/>). The redirect is set on the sign-in itself: on the sign-in
    /// path the cookie handler would otherwise redirect to the raw <c>ReturnUrl</c> query value (any local path, and
    /// un-encoded, which Kestrel refuses in a header).</summary>
    public static async Task SignInAsync(HttpContext http, string? returnUrl)
    {
        var target = SafeReturnUrl(returnUrl);
        var session = http.RequestServices.GetRequiredService<AdminSessions>().NewSession();
        await http.SignInAsync(Scheme, new ClaimsPrincipal(new ClaimsIdentity([new Claim(AdminClaim, "admin"), .. session], Scheme)),
            new AuthenticationProperties { RedirectUri = target });
        http.Response.Redirect(target);
    }

    /// <summary>Where to go after signing in: a local /admin path only, so the parameter cannot send anyone elsewhere.
    /// The path is resolved as a browser would (dot segments, backslashes refused) and returned percent-encoded, ASCII
    /// only, so it is always a valid Location header; anything else means <see cref="Prefix"/>.</summary>
    public static string SafeReturnUrl(string? returnUrl)
    {
        if (returnUrl is not { Length: > 0 and <= 2048 } r || r[0] != '/' || r.StartsWith("//", StringComparison.Ordinal)
            || r.Any(c => c == '\\' || char.IsControl(c) || char.IsWhiteSpace(c)))
            return Prefix;
        if (!Uri.TryCreate(LocalOrigin, r, out var uri) || uri.Authority != LocalOrigin.Authority) return Prefix;
        var path = uri.AbsolutePath;
        if (path != Prefix && !path.StartsWith(Prefix + "/", StringComparison.Ordinal)) return Prefix;
        var safe = uri.PathAndQuery;
        return safe.All(c => c is > ' ' and < (char)127) ? safe : Prefix;
    }

    /// <summary>Stands for this site while a return URL is resolved; never sent anywhere.</summary>
    private static readonly Uri LocalOrigin = new("http://rts.invalid");

    private static async Task<IResult> SignOutAsync(HttpContext http, IAntiforgery antiforgery, AdminSessions sessions)
    {
        if (!await antiforgery.IsRequestValidAsync(http)) return Results.BadRequest();
        await sessions.EndAsync(http.User, http.RequestAborted);
        await http.SignOutAsync(Scheme);
        return Results.Redirect(SignInPath);
    }
}
