using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Options;
using RtsApp.Infrastructure.Network;

namespace RtsApp.Features.Connections;

/// <summary>One download of a feed: its text, or "not modified" (the validators matched), or a reason it failed that
/// a person can read. <see cref="ETag"/> and <see cref="LastModified"/> are the new validators.</summary>
public sealed record FeedDownload(string? Text, bool NotModified, string? ETag, string? LastModified, string? Error)
{
    public static FeedDownload Failed(string error) => new(null, false, null, null, error);
}

/// <summary>Downloads ICS feeds: a conditional GET (ETag / Last-Modified), at most <see cref="ConnectionOptions.MaxFeedBytes"/>
/// read, within a time limit, through the same address guard as callbacks (<see cref="CallbackUrlGuard"/>).</summary>
public sealed class IcsFeedClient(IHttpClientFactory httpClients, IOptions<ConnectionOptions> options)
{
    public const string HttpClientName = "RtsApp.Connections";

    private bool AllowPrivateNetworks => options.Value.AllowPrivateNetworks == true;

    /// <summary>Null when the guard lets <paramref name="url"/> through, else the refusal.</summary>
    public string? Refusal(string url) => PublicAddressGuard.CheckUrl(url, AllowPrivateNetworks) is { } refusal ? $"refused: the URL {refusal}" : null;

    /// <summary>How many redirects a download follows.</summary>
    public const int MaxRedirects = 5;

    public async Task<FeedDownload> DownloadAsync(string url, string? etag, string? lastModified, TimeSpan timeout, CancellationToken stop)
    {
        if (Refusal(url) is { } refused) return FeedDownload.Failed(refused);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(stop);
        limit.CancelAfter(timeout);
        try
        {
            var client = httpClients.CreateClient(HttpClientName);
            var target = new Uri(url);
            for (var redirects = 0; ; redirects++)
            {
                using var request = Request(target, etag, lastModified);
                using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, limit.Token);
                if (IsRedirect(response.StatusCode) && response.Headers.Location is { } location)
                {
                    if (redirects == MaxRedirects) return FeedDownload.Failed($"more than {MaxRedirects} redirects");
                    if (PublicAddressGuard.Follow(target, location) is not { } next)
                        return FeedDownload.Failed("refused: the feed redirects to a URL that is not http or https (or from https to http)");
                    if (PublicAddressGuard.CheckUrl(next.AbsoluteUri, AllowPrivateNetworks) is { } refusedRedirect)
                        return FeedDownload.Failed($"refused: the URL it redirects to {refusedRedirect}");
                    target = next;
                    continue;
                }
                if (response.StatusCode == HttpStatusCode.NotModified) return new FeedDownload(null, true, etag, lastModified, null);
                if (!response.IsSuccessStatusCode) return FeedDownload.Failed($"the server answered {(int)response.StatusCode}");
                if (response.Content.Headers.ContentLength > ConnectionOptions.MaxFeedBytes) return FeedDownload.Failed(TooLarge);
                var bytes = await ReadLimitedAsync(response.Content, limit.Token);
                if (bytes is null) return FeedDownload.Failed(TooLarge);
                return new FeedDownload(Decode(bytes, response.Content.Headers.ContentType), false,
                    response.Headers.ETag?.ToString(),
                    response.Content.Headers.LastModified?.ToString("R", CultureInfo.InvariantCulture), null);
            }
        }
        catch (OperationCanceledException) when (!stop.IsCancellationRequested)
        {
            return FeedDownload.Failed($"timed out after {timeout.TotalSeconds:0.###} s");
        }
        catch (HttpRequestException e)
        {
            var reason = PublicAddressGuard.Describe(e);
            return FeedDownload.Failed(reason.StartsWith("refused", StringComparison.Ordinal) ? reason : "unreachable: " + reason);
        }
        catch (Exception e) when (PublicAddressGuard.IsRefusedRequest(e))
        {
            // Whatever else a URL or a server's answer can make the HTTP stack refuse is the feed's failure, not ours.
            return FeedDownload.Failed("unreachable: " + e.Message);
        }
    }

    private static HttpRequestMessage Request(Uri target, string? etag, string? lastModified)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, target);
        request.Headers.Accept.ParseAdd("text/calendar");
        request.Headers.Accept.ParseAdd("*/*;q=0.5");
        if (etag is not null) request.Headers.TryAddWithoutValidation("If-None-Match", etag);
        if (lastModified is not null) request.Headers.TryAddWithoutValidation("If-Modified-Since", lastModified);
        return request;
    }

    private static bool IsRedirect(HttpStatusCode status) => status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found
        or HttpStatusCode.SeeOther or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;

    private static readonly string TooLarge = $"the feed is larger than {ConnectionOptions.MaxFeedBytes / (1024 * 1024)} MiB";

    /// <summary>The body, or null once it passes the limit (reading stops there).</summary>
    private static async Task<byte[]?> ReadLimitedAsync(HttpContent content, CancellationToken ct)
    {
        await using var body = await content.ReadAsStreamAsync(ct);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > ConnectionOptions.MaxFeedBytes) return null;
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    /// <summary>RFC 5545 text is UTF-8; a server that names another charset is taken at its word.</summary>
    private static string Decode(byte[] bytes, MediaTypeHeaderValue? type)
    {
        var encoding = Encoding.UTF8;
        if (type?.CharSet is { Length: > 0 } charset)
        {
            try { encoding = Encoding.GetEncoding(charset.Trim('"')); }
            catch (Exception e) when (e is ArgumentException or NotSupportedException) { } // unknown, or refused (UTF-7)
        }
        return encoding.GetString(bytes);
    }
}
