using System.Net.Http.Headers;
using System.Text;
using RtsApp.Infrastructure.Network;
using RtsApp.Store;

namespace RtsApp.Features.Callbacks;

/// <summary>The outcome of one attempt: delivered on a 2xx within the timeout; otherwise the status code (if any
/// response came) and a short reason, both kept on the delivery.</summary>
public sealed record CallbackAttempt(bool Delivered, int? StatusCode, string? Error);

/// <summary>Sends one delivery: POST of the stored payload bytes, signed with the application's valid secrets.</summary>
public sealed class CallbackSender(IHttpClientFactory httpClients, CallbackOptions options)
{
    public const string HttpClientName = "RtsApp.Callbacks";

    public async Task<CallbackAttempt> SendAsync(CallbackDelivery delivery, IReadOnlyList<string> secrets, CancellationToken stop)
    {
        if (CallbackUrlGuard.Check(delivery.Url, options.AllowPrivateNetworks) is { } refusal)
            return new CallbackAttempt(false, null, $"refused: the URL {refusal}");
        var body = Encoding.UTF8.GetBytes(delivery.Payload);
        using var request = new HttpRequestMessage(HttpMethod.Post, delivery.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.TryAddWithoutValidation(CallbackSigner.SignatureHeader, CallbackSigner.Header(body, secrets));
        request.Headers.TryAddWithoutValidation(CallbackSigner.DeliveryIdHeader, delivery.Id);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop);
        timeout.CancelAfter(options.Timeout);
        try
        {
            using var response = await httpClients.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var code = (int)response.StatusCode;
            return code is >= 200 and <= 299 ? new CallbackAttempt(true, code, null) : new CallbackAttempt(false, code, $"HTTP {code}");
        }
        catch (OperationCanceledException) when (!stop.IsCancellationRequested)
        {
            return new CallbackAttempt(false, null, $"timed out after {options.Timeout.TotalSeconds:0.###} s");
        }
        catch (HttpRequestException e)
        {
            return new CallbackAttempt(false, null, Describe(e));
        }
    }

    /// <summary>The handler behind <see cref="HttpClientName"/>: no proxy (it would hide the real target from the
    /// address check), no redirects (a 3xx is a failed attempt), and outside Development every resolved address is
    /// checked before connecting (<see cref="PublicAddressGuard.ConnectCallback"/>) — only public ones are used, so DNS
    /// cannot point a callback into the network.</summary>
    public static SocketsHttpHandler CreateHandler(CallbackOptions options) =>
        PublicAddressGuard.CreateHandler(options.AllowPrivateNetworks);

    private static string Describe(HttpRequestException e) => PublicAddressGuard.Describe(e);
}
