using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;
using IPNetwork = System.Net.IPNetwork;

namespace RtsApp.Infrastructure;

/// <summary><c>Rts:ForwardedHeaders</c>: behind a reverse proxy (TLS terminated there), which proxies to believe about
/// the client's address (<c>X-Forwarded-For</c>) and scheme (<c>X-Forwarded-Proto</c>). Off by default: the headers are
/// then ignored, as they must be when clients can reach the service directly.</summary>
public sealed class ForwardedHeadersSettings
{
    /// <summary>Apply the headers (only when they come from a known proxy).</summary>
    public bool Enabled { get; set; }
    /// <summary>Proxy addresses, e.g. <c>10.0.0.5</c>. With neither list set, only loopback is trusted (a proxy on the
    /// same machine).</summary>
    public List<string> KnownProxies { get; set; } = [];
    /// <summary>Proxy networks in CIDR notation, e.g. <c>10.0.0.0/8</c>.</summary>
    public List<string> KnownNetworks { get; set; } = [];

    public static bool AreAddresses(List<string> values) => values.TrueForAll(v => IPAddress.TryParse(v, out _));
    public static bool AreNetworks(List<string> values) => values.TrueForAll(v => IPNetwork.TryParse(v, out _));
}

public static class ForwardedHeadersSetup
{
    public static IServiceCollection AddRtsForwardedHeaders(this IServiceCollection services)
    {
        services.AddOptions<ForwardedHeadersSettings>().BindConfiguration(ConfigKeys.ForwardedHeaders)
            .Validate(s => ForwardedHeadersSettings.AreAddresses(s.KnownProxies),
                $"{ConfigKeys.ForwardedHeaders}:{nameof(ForwardedHeadersSettings.KnownProxies)} must list IP addresses such as 10.0.0.5")
            .Validate(s => ForwardedHeadersSettings.AreNetworks(s.KnownNetworks),
                $"{ConfigKeys.ForwardedHeaders}:{nameof(ForwardedHeadersSettings.KnownNetworks)} must list CIDR networks such as 10.0.0.0/8")
            .ValidateOnStart();
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<ForwardedHeadersSettings>>((o, settings) =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            var s = settings.Value;
            if (s.KnownProxies.Count == 0 && s.KnownNetworks.Count == 0) return; // ASP.NET Core's default: loopback only
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            foreach (var proxy in s.KnownProxies) o.KnownProxies.Add(IPAddress.Parse(proxy));
            foreach (var network in s.KnownNetworks) o.KnownIPNetworks.Add(IPNetwork.Parse(network));
        });
        return services;
    }

    /// <summary>First in the pipeline, so that everything after it (the admin cookie's Secure flag, absolute URLs, the
    /// per-client sign-in limit) sees the client's scheme and address.</summary>
    public static WebApplication UseRtsForwardedHeaders(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<ForwardedHeadersSettings>>().Value.Enabled) app.UseForwardedHeaders();
        return app;
    }
}
