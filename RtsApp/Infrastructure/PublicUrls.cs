namespace RtsApp.Infrastructure;

/// <summary>Absolute URLs use <c>Rts:PublicBaseUrl</c> when set, else the request's scheme and host (SPEC §6).</summary>
public sealed class PublicUrls(Microsoft.Extensions.Options.IOptions<RtsOptions> options)
{
    public string Base(HttpRequest request) =>
        (options.Value.PublicBaseUrl is { Length: > 0 } configured ? configured : $"{request.Scheme}://{request.Host}").TrimEnd('/');

    public string Absolute(HttpRequest request, string pathAndQuery) => Base(request) + pathAndQuery;
}
