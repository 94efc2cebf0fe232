using System.Globalization;
using Microsoft.AspNetCore.Localization;
using Microsoft.EntityFrameworkCore;
using RtsApp.Features.Links;
using RtsApp.Infrastructure;
using RtsApp.Store;

namespace RtsApp.Features.Booking;

/// <summary>Request localization for the scheduling page (<c>/rts/…</c>) and the connect page (<c>/connect/…</c>) only: a
/// scheduling link's <c>formatting.locale</c> when it sets one, else Accept-Language, else <see cref="PageCultures.Default"/>. The API and the dashboard are not localised.</summary>
public static class PageLocalization
{
    public static IServiceCollection AddRtsPageLocalization(this IServiceCollection services)
    {
        services.AddLocalization();
        services.Configure<RequestLocalizationOptions>(o =>
        {
            var cultures = PageCultures.Supported.Select(CultureInfo.GetCultureInfo).ToList();
            o.DefaultRequestCulture = new RequestCulture(PageCultures.Default);
            o.SupportedCultures = cultures;
            o.SupportedUICultures = cultures;
            o.FallBackToParentCultures = true;
            o.FallBackToParentUICultures = true;
            o.RequestCultureProviders = [new LinkLocaleProvider(), new AcceptLanguageHeaderRequestCultureProvider()];
        });
        return services;
    }

    /// <summary>Also for the not-found page re-executed for such a path (<c>/rts/{token}/unknown</c>).</summary>
    public static IApplicationBuilder UseRtsPageLocalization(this IApplicationBuilder app) =>
        app.UseWhen(c => IsLocalized(PagePath(c)), b => b.UseRequestLocalization());

    /// <summary>The path a page is rendered for: the request's, or for the not-found page re-executed after a 404, the
    /// original request's. That one is already decoded, so it becomes a PathString as is (the string conversion would
    /// decode it again, and throw for a "%2500" that became "%00").</summary>
    public static PathString PagePath(HttpContext http) =>
        http.Features.Get<Microsoft.AspNetCore.Diagnostics.IStatusCodeReExecuteFeature>()?.OriginalPath is { } original
            ? new PathString(original)
            : http.Request.Path;

    /// <summary>The pages a person outside the application reads, in their language: the scheduling page and the connect
    /// page (<see cref="Connections.ConnectUrls"/>).</summary>
    public static bool IsLocalized(PathString path) =>
        path.StartsWithSegments(LinkUrls.PagePrefix) || path.StartsWithSegments(Connections.ConnectUrls.PagePrefix);

    /// <summary>The locale a link forces (<c>formatting.locale</c>), read from the store by the page's token.</summary>
    private sealed class LinkLocaleProvider : RequestCultureProvider
    {
        public override async Task<ProviderCultureResult?> DetermineProviderCultureResult(HttpContext httpContext)
        {
            if (!httpContext.Request.Path.StartsWithSegments(LinkUrls.PagePrefix)) return null;
            var segments = httpContext.Request.Path.Value?.Split('/', StringSplitOptions.RemoveEmptyEntries);
            if (segments is not { Length: >= 2 }) return null;
            var factory = httpContext.RequestServices.GetRequiredService<IDbContextFactory<RtsDbContext>>();
            await using var db = await factory.CreateDbContextAsync(httpContext.RequestAborted);
            return await LinkStore.ByTokenAsync(db, segments[1], httpContext.RequestAborted) is { Spec.Locale: { } locale }
                ? new ProviderCultureResult(locale)
                : null;
        }
    }
}
