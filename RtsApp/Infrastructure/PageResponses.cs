namespace RtsApp.Infrastructure;

/// <summary>How the server-rendered pages answer a form.</summary>
public static class PageResponses
{
    /// <summary>303 See Other: after a POST the browser follows with a GET (POST-redirect-GET). <paramref name="url"/> is
    /// the page's own path or a URL normalized to ASCII (<see cref="WebUrls"/>), so the header can always be written.</summary>
    public static void SeeOther(HttpContext http, string url)
    {
        http.Response.StatusCode = StatusCodes.Status303SeeOther;
        http.Response.Headers.Location = url;
    }
}
