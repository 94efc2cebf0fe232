using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace RtsApp.Tests.Features.Callbacks;

/// <summary>One request as the receiver saw it: the raw body bytes, exactly as sent.</summary>
public sealed record ReceivedCallback(string Method, string Path, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public string Header(string name) => Headers.TryGetValue(name, out var v) ? v : throw new ShouldAssertException($"no {name} header");
}

/// <summary>A real HTTP endpoint on a free loopback port (Kestrel) that records every request and answers with a
/// scripted sequence of replies, then 200 once the script is used up.</summary>
public sealed class CallbackReceiver : IAsyncDisposable
{
    /// <summary>A status code, answered after <paramref name="Delay"/> (longer than the app's timeout forces one).</summary>
    public sealed record Reply(int Status, TimeSpan Delay = default);

    private readonly WebApplication app;
    private readonly ConcurrentQueue<Reply> script;
    private readonly ConcurrentQueue<ReceivedCallback> received = new();

    private CallbackReceiver(WebApplication app, IEnumerable<Reply> replies)
    {
        this.app = app;
        script = new ConcurrentQueue<Reply>(replies);
    }

    public IReadOnlyList<ReceivedCallback> Received => received.ToArray();
    public string Url { get; private set; } = "";

    public static async Task<CallbackReceiver> StartAsync(params Reply[] replies)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var receiver = new CallbackReceiver(builder.Build(), replies);
        receiver.app.Run(receiver.HandleAsync);
        await receiver.app.StartAsync();
        receiver.Url = receiver.app.Urls.Single() + "/callback";
        return receiver;
    }

    private async Task HandleAsync(HttpContext http)
    {
        using var body = new MemoryStream();
        await http.Request.Body.CopyToAsync(body);
        received.Enqueue(new ReceivedCallback(http.Request.Method, http.Request.Path,
            http.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase), body.ToArray()));
        var reply = script.TryDequeue(out var next) ? next : new Reply(200);
        if (reply.Delay > TimeSpan.Zero)
        {
            try { await Task.Delay(reply.Delay, http.RequestAborted); }
            catch (OperationCanceledException) { return; }
        }
        http.Response.StatusCode = reply.Status;
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
