using System.IO.Pipelines;
using Microsoft.AspNetCore.Http.Features;

namespace RtsApp.Infrastructure;

/// <summary>HEAD (RFC 9110 §9.3.2): the same status and headers as GET, without the body, wherever GET is answered — the
/// API's GET endpoints, the pages, the dashboard, the .ics download. Endpoints are mapped for GET only, so a HEAD request
/// is served as a GET whose body is thrown away; its own method is put back for the log.</summary>
public static class HeadRequests
{
    private static readonly object Marker = new();

    public static WebApplication UseRtsHeadAsGet(this WebApplication app)
    {
        app.Use(async (http, next) =>
        {
            if (!HttpMethods.IsHead(http.Request.Method))
            {
                await next(http);
                return;
            }
            var body = http.Features.GetRequiredFeature<IHttpResponseBodyFeature>();
            http.Features.Set<IHttpResponseBodyFeature>(new DiscardedBody(body));
            http.Items[Marker] = Marker;
            http.Request.Method = HttpMethods.Get;
            try
            {
                await next(http);
            }
            finally
            {
                http.Request.Method = HttpMethods.Head;
                http.Features.Set(body);
            }
        });
        return app;
    }

    /// <summary>The method the client sent: HEAD while a HEAD request is served as a GET.</summary>
    public static string MethodOf(HttpContext http) => http.Items.ContainsKey(Marker) ? HttpMethods.Head : http.Request.Method;

    /// <summary>Headers go out as they would for GET; whatever the endpoint writes is dropped.</summary>
    private sealed class DiscardedBody(IHttpResponseBodyFeature inner) : IHttpResponseBodyFeature
    {
        private PipeWriter? writer;

        public Stream Stream => Stream.Null;
        public PipeWriter Writer => writer ??= PipeWriter.Create(Stream.Null);
        public void DisableBuffering() => inner.DisableBuffering();
        public Task StartAsync(CancellationToken cancellationToken = default) => inner.StartAsync(cancellationToken);
        public Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default) => StartAsync(cancellationToken);
        public Task CompleteAsync() => inner.CompleteAsync();
    }
}
