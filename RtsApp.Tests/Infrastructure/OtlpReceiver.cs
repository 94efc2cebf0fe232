using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace RtsApp.Tests.Infrastructure;

/// <summary>One OTLP/HTTP export request as it arrived.</summary>
public sealed record OtlpRequest(string Path, string? ContentType, byte[] Body)
{
    /// <summary>Whether the protobuf body holds <paramref name="text"/> (a string field is stored as its UTF-8 bytes).</summary>
    public bool Holds(string text) => Body.AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes(text)) >= 0;
}

/// <summary>The smallest OTLP/HTTP collector: Kestrel on a free loopback port, accepting POST /v1/traces and
/// /v1/metrics, recording each body and answering 200 with an empty (so valid) protobuf response.</summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    public const string TracesPath = "/v1/traces";
    public const string MetricsPath = "/v1/metrics";
    public const string Protobuf = "application/x-protobuf";

    private readonly WebApplication app;
    private readonly ConcurrentQueue<OtlpRequest> received = new();

    private OtlpReceiver(WebApplication app) => this.app = app;

    public IReadOnlyList<OtlpRequest> Received => received.ToArray();

    /// <summary>The base URL, as <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> takes it.</summary>
    public string Endpoint { get; private set; } = "";

    public static async Task<OtlpReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var receiver = new OtlpReceiver(builder.Build());
        receiver.app.MapPost(TracesPath, receiver.HandleAsync);
        receiver.app.MapPost(MetricsPath, receiver.HandleAsync);
        await receiver.app.StartAsync();
        receiver.Endpoint = receiver.app.Urls.Single();
        return receiver;
    }

    private async Task HandleAsync(HttpContext http)
    {
        using var body = new MemoryStream();
        await http.Request.Body.CopyToAsync(body);
        received.Enqueue(new OtlpRequest(http.Request.Path, http.Request.ContentType, body.ToArray()));
        http.Response.StatusCode = 200;
        http.Response.ContentType = Protobuf;
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
