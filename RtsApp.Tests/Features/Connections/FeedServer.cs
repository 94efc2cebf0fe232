using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace RtsApp.Tests.Features.Connections;

/// <summary>ICS feeds on a free loopback port (Kestrel), one per path, each changeable while the test runs: content with
/// an ETag (a matching If-None-Match gets 304), a status other than 200, a delay, a body beyond 10 MiB, HTML.</summary>
public sealed class FeedServer : IAsyncDisposable
{
    public sealed class Feed
    {
        private string body = "";
        private int requests, notModified;

        public string Body { get => Volatile.Read(ref body); set => Volatile.Write(ref body, value); }
        public string ContentType { get; set; } = "text/calendar; charset=utf-8";
        public int Status { get; set; } = 200;
        /// <summary>With a 3xx <see cref="Status"/>: the Location header, written as given (relative, another scheme…).</summary>
        public string? Location { get; set; }
        public TimeSpan Delay { get; set; }
        /// <summary>When set, the body is an endless-looking calendar of this many bytes, streamed.</summary>
        public long StreamBytes { get; set; }
        public int Requests => Volatile.Read(ref requests);
        public int NotModified => Volatile.Read(ref notModified);
        internal void CountRequest() => Interlocked.Increment(ref requests);
        internal void CountNotModified() => Interlocked.Increment(ref notModified);
        public string ETag => "\"" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Body)))[..16] + "\"";
    }

    private readonly WebApplication app;
    private readonly ConcurrentDictionary<string, Feed> feeds = new(StringComparer.Ordinal);
    private int next;

    private FeedServer(WebApplication app) => this.app = app;

    public string BaseUrl { get; private set; } = "";

    public static async Task<FeedServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var server = new FeedServer(builder.Build());
        server.app.Run(server.HandleAsync);
        await server.app.StartAsync();
        server.BaseUrl = server.app.Urls.Single();
        return server;
    }

    /// <summary>A new feed at a path of its own; its URL is <see cref="Url"/>.</summary>
    public (Feed Feed, string Url) Add(string body, string name = "feed")
    {
        var path = $"/{name}-{Interlocked.Increment(ref next)}.ics";
        var feed = new Feed { Body = body };
        feeds[path] = feed;
        return (feed, BaseUrl + path);
    }

    private async Task HandleAsync(HttpContext http)
    {
        if (!feeds.TryGetValue(http.Request.Path.Value ?? "", out var feed))
        {
            http.Response.StatusCode = 404;
            return;
        }
        feed.CountRequest();
        if (feed.Delay > TimeSpan.Zero)
        {
            try { await Task.Delay(feed.Delay, http.RequestAborted); }
            catch (OperationCanceledException) { return; }
        }
        if (feed.Status != 200)
        {
            http.Response.StatusCode = feed.Status;
            if (feed.Location is not null) http.Response.Headers.Location = feed.Location;
            return;
        }
        http.Response.ContentType = feed.ContentType;
        if (feed.StreamBytes > 0)
        {
            await StreamAsync(http, feed.StreamBytes);
            return;
        }
        var etag = feed.ETag;
        if (http.Request.Headers.IfNoneMatch.ToString() == etag)
        {
            feed.CountNotModified();
            http.Response.StatusCode = 304;
            return;
        }
        http.Response.Headers.ETag = etag;
        await http.Response.WriteAsync(feed.Body, http.RequestAborted);
    }

    private static async Task StreamAsync(HttpContext http, long bytes)
    {
        var line = Encoding.UTF8.GetBytes("X-FILLER:" + new string('x', 1000) + "\r\n");
        await http.Response.Body.WriteAsync(Encoding.UTF8.GetBytes("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"), http.RequestAborted);
        try
        {
            for (long sent = 0; sent < bytes; sent += line.Length)
                await http.Response.Body.WriteAsync(line, http.RequestAborted);
            await http.Response.Body.WriteAsync(Encoding.UTF8.GetBytes("END:VCALENDAR\r\n"), http.RequestAborted);
        }
        catch (OperationCanceledException) { }
        catch (IOException) { } // the client stopped reading at its limit
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}

/// <summary>Feed text for the tests: VEVENTs in a VCALENDAR.</summary>
public static class Feeds
{
    public static string Calendar(params string[] events) =>
        string.Join("\r\n", ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//RtsApp tests//EN", .. events, "END:VCALENDAR"]) + "\r\n";

    /// <summary>A VEVENT; start and end as iCalendar UTC times (<c>20260323T090000Z</c>), more properties appended.</summary>
    public static string Event(string uid, string start, string end, string summary = "Busy", params string[] more) =>
        string.Join("\r\n", ["BEGIN:VEVENT", "UID:" + uid, "DTSTAMP:20260101T000000Z", "DTSTART:" + start, "DTEND:" + end, "SUMMARY:" + summary, .. more, "END:VEVENT"]);

    /// <summary>A VEVENT that cannot be read (a DTSTART that is no date).</summary>
    public static string Malformed(string uid) =>
        string.Join("\r\n", "BEGIN:VEVENT", "UID:" + uid, "DTSTAMP:20260101T000000Z", "DTSTART:not-a-date", "SUMMARY:Broken", "END:VEVENT");
}
