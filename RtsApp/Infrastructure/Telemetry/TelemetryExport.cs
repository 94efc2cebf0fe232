using System.Globalization;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace RtsApp.Infrastructure.Telemetry;

/// <summary>Where and how to export over OTLP, read from the standard <c>OTEL_*</c> variables (through configuration,
/// so a setting of the same name works too); null from <see cref="From"/> when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is
/// not set, which leaves export off.</summary>
public sealed record OtlpSettings(Uri Endpoint, OtlpExportProtocol Protocol, string ServiceName, string? Headers,
    int? MetricIntervalMilliseconds, int? TraceDelayMilliseconds)
{
    public const string DefaultServiceName = "rtsapp";
    public const string HttpProtobuf = "http/protobuf";
    public const string Grpc = "grpc";

    public static OtlpSettings? From(IConfiguration config)
    {
        var endpoint = config[ConfigKeys.OtlpEndpoint];
        if (string.IsNullOrWhiteSpace(endpoint)) return null;
        if (!Uri.TryCreate(endpoint.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw Bad(ConfigKeys.OtlpEndpoint, "must be an absolute http or https URL");
        var protocol = config[ConfigKeys.OtlpProtocol]?.Trim() switch
        {
            null or "" or HttpProtobuf => OtlpExportProtocol.HttpProtobuf,
            Grpc => OtlpExportProtocol.Grpc,
            _ => throw Bad(ConfigKeys.OtlpProtocol, $"must be {HttpProtobuf} or {Grpc}"),
        };
        var service = config[ConfigKeys.OtelServiceName] is { Length: > 0 } s ? s.Trim() : DefaultServiceName;
        return new OtlpSettings(uri, protocol, service, config[ConfigKeys.OtlpHeaders],
            Milliseconds(config, ConfigKeys.OtelMetricExportInterval), Milliseconds(config, ConfigKeys.OtelTraceExportDelay));
    }

    /// <summary>The URL a signal (<c>traces</c>, <c>metrics</c>) is sent to: for OTLP/HTTP the endpoint's path with
    /// <c>v1/traces</c> or <c>v1/metrics</c> appended, as the specification says of this variable; for gRPC the endpoint.</summary>
    public Uri SignalEndpoint(string signal) =>
        Protocol == OtlpExportProtocol.HttpProtobuf ? new Uri(Endpoint.AbsoluteUri.TrimEnd('/') + "/v1/" + signal) : Endpoint;

    private static int? Milliseconds(IConfiguration config, string key) =>
        config[key] is not { Length: > 0 } text ? null
        : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var ms) && ms > 0 ? ms
        : throw Bad(key, "must be a whole number of milliseconds, at least 1");

    private static InvalidOperationException Bad(string key, string rule) => new($"{key} {rule}.");
}

/// <summary>The OpenTelemetry SDK's tracer and meter providers, built when the host starts and only when
/// <see cref="OtlpSettings"/> says so (otherwise there are none, and no listener costs anything). They take the
/// <see cref="RtsTelemetry"/> source and meter plus what the framework emits natively: ASP.NET Core's request spans
/// and meters, HttpClient's spans and meters, the runtime's, EF Core's and Npgsql's meters. Registered before every
/// other hosted service, so it stops last: stopping disposes both providers, which flushes what is still buffered
/// after the workers are done.</summary>
public sealed class TelemetryExport : IHostedService, IDisposable
{
    /// <summary>Activity sources exported besides <see cref="RtsTelemetry.Source"/>.</summary>
    public static readonly string[] NativeSources = ["Microsoft.AspNetCore", "System.Net.Http"];

    /// <summary>Meters exported besides <see cref="RtsTelemetry.Meter"/>.</summary>
    public static readonly string[] NativeMeters =
    [
        "Microsoft.AspNetCore.*", "System.Net.Http", "System.Net.NameResolution", "System.Runtime",
        "Microsoft.EntityFrameworkCore", "Npgsql",
    ];

    public TelemetryExport(IConfiguration config)
    {
        Settings = OtlpSettings.From(config);
        if (Settings is null) return;
        var resource = ResourceBuilder.CreateDefault().AddService(Settings.ServiceName);
        Tracing = Sdk.CreateTracerProviderBuilder()
            .SetResourceBuilder(resource)
            .AddSource([RtsTelemetry.Name, .. NativeSources])
            .AddOtlpExporter(o =>
            {
                Configure(o, "traces");
                if (Settings.TraceDelayMilliseconds is { } delay) o.BatchExportProcessorOptions.ScheduledDelayMilliseconds = delay;
            })
            .Build();
        Metrics = Sdk.CreateMeterProviderBuilder()
            .SetResourceBuilder(resource)
            .AddMeter([RtsTelemetry.Name, .. NativeMeters])
            .AddOtlpExporter((o, reader) =>
            {
                Configure(o, "metrics");
                if (Settings.MetricIntervalMilliseconds is { } interval)
                    reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = interval;
            })
            .Build();
    }

    public OtlpSettings? Settings { get; }
    public TracerProvider? Tracing { get; }
    public MeterProvider? Metrics { get; }

    private void Configure(OtlpExporterOptions o, string signal)
    {
        o.Protocol = Settings!.Protocol;
        o.Endpoint = Settings.SignalEndpoint(signal);
        if (Settings.Headers is { Length: > 0 } headers) o.Headers = headers;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    private int disposed;

    /// <summary>Flushes and stops both providers, once (the host's stop and the container's dispose both call it). A
    /// provider that fails while flushing at shutdown must not fail the shutdown itself.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1) return;
        foreach (IDisposable? provider in new IDisposable?[] { Tracing, Metrics })
        {
            try
            {
                provider?.Dispose();
            }
            catch (Exception e) when (e is NullReferenceException or ObjectDisposedException or InvalidOperationException)
            {
                // Seen in OpenTelemetry 1.20.1 when an export is still in flight at shutdown; the data in it is lost.
            }
        }
    }
}

public static class TelemetrySetup
{
    /// <summary>OTLP export when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set. Call before anything that adds a hosted
    /// service, so that export starts first and stops last.</summary>
    public static IServiceCollection AddRtsTelemetry(this IServiceCollection services)
    {
        services.AddSingleton<TelemetryExport>();
        services.AddHostedService(sp => sp.GetRequiredService<TelemetryExport>());
        return services;
    }
}
