namespace RtsApp.Infrastructure;

/// <summary>Headers that tell browsers to run only this site's own scripts and styles, never to frame it and never to
/// guess content types — on every response (API, pages, dashboard, static files, errors).</summary>
public static class SecurityHeaders
{
    /// <summary>No inline script or style anywhere (the pages' scripts are files under wwwroot; no <c>on…</c> attributes,
    /// no <c>style</c> attributes). No <c>form-action</c>: after booking, the scheduling page's form is answered with a
    /// redirect to the client's own <c>completed_url</c> or <c>redirect_uri</c>, which that directive would block.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; " +
        "object-src 'none'; base-uri 'self'; frame-ancestors 'none'";

    public const string ReferrerPolicy = "strict-origin-when-cross-origin";
    /// <summary>The scheduling page's URL carries its secret token: no Referer at all, not even to its own assets.</summary>
    public const string SchedulingPageReferrerPolicy = "no-referrer";

    /// <summary>First in the pipeline (after forwarded headers), so that responses written by any later middleware, error
    /// and status-code pages included, carry the headers. Pages under <paramref name="secretPathPrefixes"/> (the
    /// scheduling page, the connect page) carry a secret in their URL and get <see cref="SchedulingPageReferrerPolicy"/>.</summary>
    public static WebApplication UseRtsSecurityHeaders(this WebApplication app, params string[] secretPathPrefixes)
    {
        app.Use((http, next) =>
        {
            http.Response.OnStarting(() =>
            {
                var headers = http.Response.Headers;
                headers.ContentSecurityPolicy = ContentSecurityPolicy;
                headers.XFrameOptions = "DENY";
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = secretPathPrefixes.Any(p => http.Request.Path.StartsWithSegments(p.TrimEnd('/'), StringComparison.OrdinalIgnoreCase))
                    ? SchedulingPageReferrerPolicy
                    : ReferrerPolicy;
                return Task.CompletedTask;
            });
            return next(http);
        });
        return app;
    }
}
