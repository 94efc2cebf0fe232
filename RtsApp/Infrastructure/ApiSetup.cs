using System.Threading.RateLimiting;
using FluentValidation;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.RateLimiting;
using NodaTime;
using RtsApp.Store;

namespace RtsApp.Infrastructure;

/// <summary>The /v1 API's plumbing: credentials, JSON, rate limits, errors, and the route table.</summary>
public static class ApiSetup
{
    public const string ApiPrefix = "/v1";
    private const string RateLimitPolicy = "rts.api.rate";

    public static IServiceCollection AddRtsApi(this IServiceCollection services)
    {
        services.AddSingleton<IClock>(NodaTime.SystemClock.Instance);
        services.AddRtsCoreOptions();
        services.AddSingleton<PublicUrls>();
        services.ConfigureHttpJsonOptions(o => ApiJson.Configure(o.SerializerOptions));
        ValidatorOptions.Global.DisplayNameResolver = (_, member, _) => member is null ? null : ApiError.JsonPath(member.Name);
        services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, ApiAuthenticationHandler>(ApiAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(ApiAuthorization.AnyCaller, p => p.AddAuthenticationSchemes(ApiAuthenticationHandler.SchemeName).RequireClaim(Caller.ApplicationClaim))
            .AddPolicy(ApiAuthorization.ApplicationOnly, p => p.AddAuthenticationSchemes(ApiAuthenticationHandler.SchemeName)
                .RequireClaim(Caller.ApplicationClaim).RequireAssertion(c => !c.User.HasClaim(x => x.Type == Caller.AccountClaim)));
        services.AddSingleton<ApplicationRateLimits>();
        services.AddRateLimiter(o =>
        {
            o.AddPolicy(RateLimitPolicy, http =>
            {
                // The application's own limiter, shared with the pages that act for it (the connect page).
                var app = Caller.From(http.User)?.ApplicationId;
                var limiter = app is null ? null : http.RequestServices.GetRequiredService<ApplicationRateLimits>().For(app);
                return limiter is null ? RateLimitPartition.GetNoLimiter("") : RateLimitPartition.Get(app!, _ => limiter);
            });
            o.OnRejected = async (ctx, ct) =>
            {
                var retry = ctx.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? (int)Math.Ceiling(after.TotalSeconds) : 1;
                await new ApiError(429, new Dictionary<string, List<ErrorDetail>>
                { ["rate_limit"] = [new ErrorDetail("errors.rate_limited", "too many requests")] })
                { RetryAfter = Math.Max(1, retry) }
                    .ExecuteAsync(ctx.HttpContext);
            };
        });
        return services;
    }

    /// <summary>The /v1 route group every feature maps its API into: authenticated, rate-limited.</summary>
    public static RouteGroupBuilder MapRtsApiGroup(this WebApplication app) =>
        app.MapGroup(ApiPrefix)
            .RequireAuthorization(ApiAuthorization.AnyCaller)
            .RequireRateLimiting(RateLimitPolicy)
            .WithTags("api");

    /// <summary>Reads API bodies before authentication and turns any unexpected exception into a JSON 500.</summary>
    public static WebApplication UseRtsApiBody(this WebApplication app)
    {
        app.UseWhen(c => c.Request.Path.StartsWithSegments(ApiPrefix), branch =>
        {
            branch.UseExceptionHandler(e => e.Run(http =>
                ApiError.Field(500, "server", "errors.internal", "an unexpected error occurred").ExecuteAsync(http)));
            branch.Use(ApiBody.ReadAsync);
        });
        return app;
    }
}

/// <summary>SPEC §11's per-application request limits: one limiter per application (a per-second and a per-minute fixed
/// window, either switched off by 0), used by the /v1 group's policy and by pages that act for an application.</summary>
public sealed class ApplicationRateLimits(Microsoft.Extensions.Options.IOptions<RateLimitOptions> options) : IDisposable
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, RateLimiter> limiters = new(StringComparer.Ordinal);

    /// <summary>The application's limiter, or null when no limit is set.</summary>
    public RateLimiter? For(string applicationId)
    {
        var (perSecond, perMinute) = (options.Value.PermitsPerSecond, options.Value.PermitsPerMinute);
        return perSecond <= 0 && perMinute <= 0 ? null : limiters.GetOrAdd(applicationId, _ => new ChainedWindows(perSecond, perMinute));
    }

    /// <summary>Takes one permit of the application's; false when it has none left now.</summary>
    public bool TryAcquire(string applicationId)
    {
        if (For(applicationId) is not { } limiter) return true;
        using var lease = limiter.AttemptAcquire();
        return lease.IsAcquired;
    }

    public void Dispose()
    {
        foreach (var limiter in limiters.Values) limiter.Dispose();
    }

    private sealed class ChainedWindows(int perSecond, int perMinute) : RateLimiter
    {
        private readonly RateLimiter? second = perSecond > 0 ? Window(perSecond, TimeSpan.FromSeconds(1)) : null;
        private readonly RateLimiter? minute = perMinute > 0 ? Window(perMinute, TimeSpan.FromMinutes(1)) : null;

        private static FixedWindowRateLimiter Window(int permits, TimeSpan window) =>
            new(new FixedWindowRateLimiterOptions { PermitLimit = permits, Window = window, QueueLimit = 0, AutoReplenishment = true });

        public override TimeSpan? IdleDuration => null;
        public override RateLimiterStatistics? GetStatistics() => null;

        protected override RateLimitLease AttemptAcquireCore(int permitCount)
        {
            var a = second?.AttemptAcquire(permitCount);
            if (a is { IsAcquired: false }) return a;
            var b = minute?.AttemptAcquire(permitCount);
            if (b is { IsAcquired: false }) { a?.Dispose(); return b; }
            return new Both(a, b);
        }

        protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken ct) =>
            ValueTask.FromResult(AttemptAcquireCore(permitCount));

        protected override void Dispose(bool disposing)
        {
            second?.Dispose();
            minute?.Dispose();
            base.Dispose(disposing);
        }

        private sealed class Both(RateLimitLease? a, RateLimitLease? b) : RateLimitLease
        {
            public override bool IsAcquired => true;
            public override IEnumerable<string> MetadataNames => [];
            public override bool TryGetMetadata(string metadataName, out object? metadata) { metadata = null; return false; }
            protected override void Dispose(bool disposing)
            {
                a?.Dispose();
                b?.Dispose();
                base.Dispose(disposing);
            }
        }
    }
}
