using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace RtsApp.Tests.Features.Connections.CalDav;

/// <summary>A reverse proxy on a free loopback port in front of a real CalDAV server (same paths), so a test can count
/// what RtsApp asks the server (<see cref="Requests"/>) and take the server "down" (<see cref="Down"/>: every
/// connection is dropped before anything is forwarded, as an unreachable server looks to a client).</summary>
public sealed class CalDavProxy : IAsyncDisposable
{
    /// <summary>One request that reached the server: its method, path, and for a REPORT its kind (the body's root
    /// element: <c>sync-collection</c>, <c>calendar-query</c>, <c>calendar-multiget</c>).</summary>
    public sealed record Forwarded(string Method, string Path, string? Report);

    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Connection", "Keep-Alive", "Transfer-Encoding", "Content-Length", "Upgrade", "Proxy-Connection",
    };

    private readonly WebApplication app;
    private readonly Uri target;
    // No pooled connections: Radicale's HTTP/1.0 server closes each one (see OtherClient).
    private readonly HttpClient http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.Zero, AllowAutoRedirect = false })
    {
        Timeout = TimeSpan.FromSeconds(20),
    };
    private readonly ConcurrentQueue<Forwarded> requests = new();
    private volatile bool down;

    private CalDavProxy(WebApplication app, Uri target)
    {
        this.app = app;
        this.target = target;
    }

    /// <summary>The proxy's root: <c>http://127.0.0.1:port/</c>.</summary>
    public Uri Url { get; private set; } = null!;

    public bool Down { get => down; set => down = value; }

    public IReadOnlyList<Forwarded> Requests => [.. requests];

    /// <summary><paramref name="url"/> (on the real server) as seen through the proxy.</summary>
    public Uri Through(Uri url) => new(Url, url.PathAndQuery);

    public static async Task<CalDavProxy> StartAsync(Uri target)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var proxy = new CalDavProxy(builder.Build(), target);
        proxy.app.Run(proxy.ForwardAsync);
        await proxy.app.StartAsync();
        proxy.Url = new Uri(proxy.app.Urls.Single() + "/");
        return proxy;
    }

    private async Task ForwardAsync(HttpContext context)
    {
        if (down)
        {
            context.Abort();
            return;
        }
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        var bytes = body.ToArray();
        using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), new Uri(target, context.Request.Path + context.Request.QueryString));
        if (bytes.Length > 0 || context.Request.ContentLength is not null) request.Content = new ByteArrayContent(bytes);
        foreach (var (name, values) in context.Request.Headers)
        {
            if (HopByHop.Contains(name)) continue;
            if (!request.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values))
                request.Content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
        }
        requests.Enqueue(new Forwarded(context.Request.Method, context.Request.Path.Value ?? "/",
            context.Request.Method == "REPORT" ? ReportKind(System.Text.Encoding.UTF8.GetString(bytes)) : null));
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, context.RequestAborted);
        context.Response.StatusCode = (int)response.StatusCode;
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
            if (!HopByHop.Contains(name)) context.Response.Headers[name] = values.ToArray();
        await context.Response.Body.WriteAsync(await response.Content.ReadAsByteArrayAsync(context.RequestAborted), context.RequestAborted);
    }

    private static string? ReportKind(string xml)
    {
        foreach (var kind in new[] { "sync-collection", "calendar-multiget", "calendar-query" })
            if (xml.Contains(":" + kind, StringComparison.Ordinal) || xml.Contains("<" + kind, StringComparison.Ordinal)) return kind;
        return null;
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
        http.Dispose();
    }
}
