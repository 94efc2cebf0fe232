namespace RtsApp.Infrastructure;

/// <summary>Absolute http(s) URLs as the service stores and sends them (SPEC §8): ASCII only — an internationalized host
/// in punycode, other non-ASCII characters percent-encoded — so that a <c>Location</c> header can always be written.</summary>
public static class WebUrls
{
    /// <summary>The longest redirect URL a request may give (what it adds — a token, a state — is bounded too).</summary>
    public const int MaxLength = 2048;

    /// <summary>The ASCII form of <paramref name="url"/>, or null when it is not an absolute http or https URL or holds
    /// a control character (CR/LF would split a header).</summary>
    public static string? Normalize(string? url)
    {
        if (string.IsNullOrWhiteSpace(url) || url.Any(char.IsControl)) return null;
        if (!Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            return null;
        try
        {
            var ascii = new UriBuilder(uri) { Host = uri.IdnHost }.Uri.AbsoluteUri;
            return ascii.All(char.IsAscii) ? ascii : null;
        }
        catch (UriFormatException)
        {
            return null;
        }
    }

    /// <summary><paramref name="url"/> with <paramref name="query"/> (already encoded) appended.</summary>
    public static string WithQuery(string url, string query)
    {
        var hash = url.IndexOf('#', StringComparison.Ordinal);
        var (head, fragment) = hash < 0 ? (url, "") : (url[..hash], url[hash..]);
        return head + (head.Contains('?', StringComparison.Ordinal) ? "&" : "?") + query + fragment;
    }
}
