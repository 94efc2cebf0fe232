namespace RtsApp.Infrastructure;

/// <summary>Every configuration key the service reads, in one place (README lists them).</summary>
public static class ConfigKeys
{
    public const string ConnectionStringName = "Rts";
    public const string DatabaseProvider = "Rts:Database:Provider";
    public const string PublicBaseUrl = "Rts:PublicBaseUrl";
    public const string RateLimitPerSecond = "Rts:RateLimit:PermitsPerSecond";
    public const string RateLimitPerMinute = "Rts:RateLimit:PermitsPerMinute";
    public const string CallbackRetryDelays = "Rts:Callbacks:RetryDelays";
    public const string CallbackAllowPrivateNetworks = "Rts:Callbacks:AllowPrivateNetworks";
    public const string CallbackTimeout = "Rts:Callbacks:Timeout";
    public const string CallbackPollInterval = "Rts:Callbacks:PollInterval";
    public const string CallbackLeaseDuration = "Rts:Callbacks:LeaseDuration";
    public const string AdminPassword = "Rts:Admin:Password";
    public const string AdminTimeZone = "Rts:Admin:TimeZone";
}
