namespace RtsApp.Infrastructure;

/// <summary>Every configuration key the service reads, in one place (README lists them).</summary>
public static class ConfigKeys
{
    public const string ConnectionStringName = "Rts";
    // OpenTelemetry's standard variables (Observability in README.md); export is off unless the endpoint is set.
    public const string OtlpEndpoint = "OTEL_EXPORTER_OTLP_ENDPOINT";
    public const string OtlpProtocol = "OTEL_EXPORTER_OTLP_PROTOCOL";
    public const string OtlpHeaders = "OTEL_EXPORTER_OTLP_HEADERS";
    public const string OtelServiceName = "OTEL_SERVICE_NAME";
    public const string OtelMetricExportInterval = "OTEL_METRIC_EXPORT_INTERVAL";
    public const string OtelTraceExportDelay = "OTEL_BSP_SCHEDULE_DELAY";
    public const string DatabaseProvider = "Rts:Database:Provider";
    public const string PublicBaseUrl = "Rts:PublicBaseUrl";
    public const string RateLimitPerSecond = "Rts:RateLimit:PermitsPerSecond";
    public const string RateLimitPerMinute = "Rts:RateLimit:PermitsPerMinute";
    public const string BusyCacheIntervals = "Rts:Availability:BusyCacheIntervals";
    public const string CallbackRetryDelays = "Rts:Callbacks:RetryDelays";
    public const string CallbackAllowPrivateNetworks = "Rts:Callbacks:AllowPrivateNetworks";
    public const string CallbackTimeout = "Rts:Callbacks:Timeout";
    public const string CallbackPollInterval = "Rts:Callbacks:PollInterval";
    public const string CallbackLeaseDuration = "Rts:Callbacks:LeaseDuration";
    public const string AdminPassword = "Rts:Admin:Password";
    /// <summary>A section: <c>Enabled</c>, <c>KnownProxies</c>, <c>KnownNetworks</c> (<see cref="ForwardedHeadersSettings"/>).</summary>
    public const string ForwardedHeaders = "Rts:ForwardedHeaders";
    public const string ConnectionsSyncInterval = "Rts:Connections:SyncInterval";
    public const string ConnectionsHorizon = "Rts:Connections:Horizon";
    public const string ConnectionsAllowPrivateNetworks = "Rts:Connections:AllowPrivateNetworks";
    public const string ConnectionsTimeout = "Rts:Connections:Timeout";
    public const string ConnectionsBookingCheckTimeout = "Rts:Connections:BookingCheckTimeout";
    public const string AdminTimeZone = "Rts:Admin:TimeZone";
}
