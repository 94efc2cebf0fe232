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

    /// <summary>Headers go out as they would for GET, when GET's would (at the first write, or at the end); whatever the
    /// endpoint writes is dropped.</summary>
    private sealed class DiscardedBody(IHttpResponseBodyFeature inner) : IHttpResponseBodyFeature
    {
        private Discarding? stream;
        private PipeWriter? writer;

        public Stream Stream => stream ??= new Discarding(inner);
        public PipeWriter Writer => writer ??= PipeWriter.Create(Stream, new StreamPipeWriterOptions(leaveOpen: true));
        public void DisableBuffering() => inner.DisableBuffering();
        public Task StartAsync(CancellationToken cancellationToken = default) => inner.StartAsync(cancellationToken);
        public Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default) => StartAsync(cancellationToken);

        public async Task CompleteAsync()
        {
            if (writer is not null) await writer.CompleteAsync();
            await inner.CompleteAsync();
        }
    }

    /// <summary>A body stream that starts the response on the first write, as a real one does, and keeps nothing.</summary>
    private sealed class Discarding(IHttpResponseBodyFeature inner) : Stream
    {
        private bool started;

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) { }
        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => StartOnceAsync(cancellationToken);
        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => await StartOnceAsync(cancellationToken);
        public override Task FlushAsync(CancellationToken cancellationToken) => StartOnceAsync(cancellationToken);

        private Task StartOnceAsync(CancellationToken cancellationToken)
        {
            if (started) return Task.CompletedTask;
            started = true;
            return inner.StartAsync(cancellationToken);
        }
    }
}
