using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Components.Endpoints;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.WebUtilities;

namespace RtsApp.Infrastructure;

/// <summary>How the server-rendered pages answer a form.</summary>
public static class PageResponses
{
    /// <summary>The query parameter and value a page finds after <see cref="UseRtsExpiredForms"/> sent its form back.</summary>
    public const string NoticeParameter = "notice";
    public const string ExpiredNotice = "expired";

    /// <summary>303 See Other: after a POST the browser follows with a GET (POST-redirect-GET). <paramref name="url"/> is
    /// the page's own path or a URL normalized to ASCII (<see cref="WebUrls"/>), so the header can always be written.</summary>
    public static void SeeOther(HttpContext http, string url)
    {
        http.Response.StatusCode = StatusCodes.Status303SeeOther;
        http.Response.Headers.Location = url;
    }

    /// <summary>After antiforgery (which only records its verdict): a page's form that arrives without a valid token —
    /// the page stayed open while its antiforgery cookie went (a browser restarted with its tabs restored, cookies
    /// cleared), or the form was posted from another site — does nothing and is answered with the page again, at the
    /// form's own URL plus <c>notice=expired</c>, instead of a bare 400. Forms post to their page's URL, so that URL
    /// says what the person was doing (the scheduling page's confirm form carries the chosen time in it). Endpoints that
    /// are not pages (the admin sign-out) still answer 400. A request re-executed for an error page (a POST to a path
    /// that does not exist) renders that page as a GET rather than failing the check again.</summary>
    public static WebApplication UseRtsExpiredForms(this WebApplication app)
    {
        app.Use(async (http, next) =>
        {
            if (http.Features.Get<IAntiforgeryValidationFeature>() is not { IsValid: false }
                || http.GetEndpoint()?.Metadata.GetMetadata<ComponentTypeMetadata>() is null)
            {
                await next(http);
                return;
            }
            if (http.Features.Get<IStatusCodeReExecuteFeature>() is not null)
            {
                var method = http.Request.Method;
                http.Request.Method = HttpMethods.Get;
                try
                {
                    await next(http);
                }
                finally
                {
                    http.Request.Method = method;
                }
                return;
            }
            SeeOther(http, ExpiredFormUrl(http.Request));
        });
        return app;
    }

    /// <summary>Where a refused form leads: its own URL with <c>notice=expired</c> (replacing any notice), and only ever a
    /// path of this site — <c>//host/…</c> would send the browser to another one (no page route matches such a path
    /// today; this keeps it so).</summary>
    internal static string ExpiredFormUrl(HttpRequest request)
    {
        var query = QueryHelpers.ParseQuery(request.QueryString.Value);
        query[NoticeParameter] = ExpiredNotice;
        var path = (request.PathBase + request.Path).ToUriComponent();
        if (!path.StartsWith('/') || path.StartsWith("//", StringComparison.Ordinal)) path = "/";
        return QueryHelpers.AddQueryString(path, query);
    }
}
