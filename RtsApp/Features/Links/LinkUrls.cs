namespace RtsApp.Features.Links;

/// <summary>Where a link's scheduling page lives (SPEC §6–7): <c>/rts/{token}</c>, and its booked event's calendar file.</summary>
public static class LinkUrls
{
    public const string PathPrefix = "/rts/";
    /// <summary>The prefix as a path segment, for middleware that applies to the page only.</summary>
    public const string PagePrefix = "/rts";
    public const string PageRoute = PathPrefix + "{Token}";
    public const string IcsRoute = PathPrefix + "{token}/event.ics";

    public static string Page(string token) => PathPrefix + Uri.EscapeDataString(token);

    public static string Ics(string token) => Page(token) + "/event.ics";

    public static string Absolute(string baseUrl, string token) => baseUrl.TrimEnd('/') + Page(token);
}
