using Microsoft.Extensions.Options;

namespace RtsApp.Infrastructure;

/// <summary>The top-level <c>Rts</c> settings that belong to no feature.</summary>
public sealed class RtsOptions
{
    public const string Section = "Rts";

    /// <summary><c>Rts:PublicBaseUrl</c>: the scheme and host absolute URLs use (else the request's).</summary>
    public string? PublicBaseUrl { get; set; }
}

/// <summary><c>Rts:RateLimit</c>: per-application permits; 0 switches a window off (SPEC §11).</summary>
public sealed class RateLimitOptions
{
    public const string Section = "Rts:RateLimit";
    public int PermitsPerSecond { get; set; } = 50;
    public int PermitsPerMinute { get; set; } = 500;
}

public static class OptionsSetup
{
    /// <summary>Binds <typeparamref name="T"/> to <paramref name="section"/> and checks it when the service starts: a bad
    /// setting stops the start with a message naming its key.</summary>
    public static OptionsBuilder<T> AddRtsOptions<T>(this IServiceCollection services, string section, Func<T, bool> valid, string key, string rule)
        where T : class =>
        services.AddOptions<T>().BindConfiguration(section).Validate(valid, $"{key} {rule}").ValidateOnStart();

    /// <summary>The settings of <c>Rts</c> and <c>Rts:RateLimit</c>.</summary>
    public static IServiceCollection AddRtsCoreOptions(this IServiceCollection services)
    {
        services.AddRtsOptions<RtsOptions>(RtsOptions.Section,
            o => string.IsNullOrEmpty(o.PublicBaseUrl) || WebUrls.Normalize(o.PublicBaseUrl) is not null,
            ConfigKeys.PublicBaseUrl, "must be an absolute http or https URL");
        services.AddRtsOptions<RateLimitOptions>(RateLimitOptions.Section, o => o.PermitsPerSecond >= 0,
            ConfigKeys.RateLimitPerSecond, "must be a whole number of at least 0 (0: no limit)");
        services.AddOptions<RateLimitOptions>().Validate(o => o.PermitsPerMinute >= 0,
            $"{ConfigKeys.RateLimitPerMinute} must be a whole number of at least 0 (0: no limit)");
        return services;
    }

    /// <summary>Checks every options type registered with ValidateOnStart now, as the host would when it starts; for what
    /// runs before the host starts (migrations, the command line).</summary>
    public static void ValidateRtsOptions(this IServiceProvider services) =>
        services.GetService<IStartupValidator>()?.Validate();
}
