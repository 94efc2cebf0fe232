using System.Threading.RateLimiting;
using FluentValidation;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
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
        services.AddSingleton<ApiRoutes>();
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
                await new ApiError(429, new Dictionary<string, List<ErrorDetail>>
                { ["rate_limit"] = [new ErrorDetail("errors.rate_limited", "too many requests")] })
                { RetryAfter = ApplicationRateLimits.RetryAfterSeconds(ctx.Lease) }
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

    /// <summary>Whether a request is for the /v1 API (JSON errors) rather than a page (HTML).</summary>
    public static bool IsApi(HttpContext http) => http.Request.Path.StartsWithSegments(ApiPrefix);

    /// <summary>Reads API bodies before authentication, turns any unexpected exception into a JSON 500, and gives an error
    /// that ends without a body (an unknown path, a method the path does not take) the API's JSON shape.</summary>
    public static WebApplication UseRtsApiBody(this WebApplication app)
    {
        app.UseWhen(IsApi, branch =>
        {
            branch.UseExceptionHandler(e => e.Run(http =>
                ApiError.Field(500, "server", "errors.internal", "an unexpected error occurred").ExecuteAsync(http)));
            branch.UseStatusCodePages(context => BodilessError(context.HttpContext).ExecuteAsync(context.HttpContext));
            branch.Use(ApiBody.ReadAsync);
        });
        return app;
    }

    /// <summary>Every other path under /v1, for any method: 404, or 405 with <c>Allow</c> when an API endpoint has the path
    /// but not the method, in the API's JSON shape. Without it a POST to an unknown /v1 path met the site's GET-only
    /// static-asset route (a 405), and then the HTML not-found page, whose antiforgery check refused it (an empty 400).</summary>
    public static void MapRtsApiFallback(this WebApplication app) =>
        app.Map(ApiPrefix + "/{**rest}", (HttpContext http, ApiRoutes routes) => routes.Unmatched(http))
            .ExcludeFromDescription();

    private static ApiError BodilessError(HttpContext http) => http.Response.StatusCode switch
    {
        404 => PathNotFound,
        405 => MethodNotAllowed(http),
        var status => ApiError.Field(status, "request", "errors.invalid",
            Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status).ToLowerInvariant()),
    };

    /// <summary>A /v1 path no endpoint has.</summary>
    internal static readonly ApiError PathNotFound = ApiError.Field(404, "path", "errors.not_found", "not found");

    /// <summary>A method the /v1 path does not take (the caller sets <c>Allow</c> when it knows the methods).</summary>
    internal static ApiError MethodNotAllowed(HttpContext http) =>
        ApiError.Field(405, "method", "errors.invalid", $"{HeadRequests.MethodOf(http)} is not allowed here");
}

/// <summary>SPEC §11's per-application request limits: a per-second and a per-minute fixed window (either switched off
/// by 0), used by the /v1 group's policy and by pages that act for an application. Counted where every process serving
/// the application sees them (<see cref="IThrottles"/>): in memory on SQLite (one process), in the database on
/// PostgreSQL, so that N processes behind a load balancer allow the configured limits, not N times them.</summary>
public sealed partial class ApplicationRateLimits(IOptions<RateLimitOptions> options, IOptions<DatabaseOptions> database,
    IDbContextFactory<RtsDbContext> dbFactory, IClock clock, ILogger<ApplicationRateLimits> log) : IDisposable
{
    /// <summary>How long the database may take to count a request before it is let through uncounted.</summary>
    internal static readonly TimeSpan CountTimeout = TimeSpan.FromSeconds(2);
    private static readonly Duration Second = Duration.FromSeconds(1);
    private static readonly Duration Minute = Duration.FromMinutes(1);
    private static readonly TimeSpan WarningInterval = TimeSpan.FromSeconds(10);

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, RateLimiter> limiters = new(StringComparer.Ordinal);
    private readonly MemoryThrottles? memory =
        database.Value.Provider.Equals(DatabaseProviders.Postgres, StringComparison.OrdinalIgnoreCase) ? null : new MemoryThrottles();
    private long lastWarning;

    /// <summary>The application's limiter, or null when no limit is set.</summary>
    public RateLimiter? For(string applicationId)
    {
        var (perSecond, perMinute) = (options.Value.PermitsPerSecond, options.Value.PermitsPerMinute);
        if (perSecond <= 0 && perMinute <= 0) return null;
        return limiters.GetOrAdd(applicationId, id => new Windows(this, "app:" + id, perSecond, perMinute));
    }

    /// <summary>Takes one permit of the application's: an acquired lease, or a refused one that says when to retry
    /// (<see cref="RetryAfterSeconds"/>).</summary>
    public async ValueTask<RateLimitLease> AcquireAsync(string applicationId, CancellationToken ct) =>
        For(applicationId) is { } limiter ? await limiter.AcquireAsync(1, ct) : Decided.Granted;

    /// <summary>The whole seconds a refused lease says to wait, at least 1 (the <c>Retry-After</c> header).</summary>
    public static int RetryAfterSeconds(RateLimitLease lease) =>
        Math.Max(1, lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? (int)Math.Ceiling(after.TotalSeconds) : 1);

    public void Dispose()
    {
        foreach (var limiter in limiters.Values) limiter.Dispose();
    }

    /// <summary>Counts in the database (PostgreSQL). If it does not answer within <see cref="CountTimeout"/>, or fails, the
    /// request is let through: the limit protects the service, it must not add a way to fail or to hang.</summary>
    private async ValueTask<RateLimitLease> TakeSharedAsync(string key, int perSecond, int perMinute, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(CountTimeout);
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(timeout.Token);
            await db.Database.OpenConnectionAsync(timeout.Token); // one connection for every statement below
            return await TakeAsync(new DatabaseThrottles(db), clock.GetCurrentInstant(), key, perSecond, perMinute, timeout.Token);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            var now = Environment.TickCount64;
            var last = Interlocked.Read(ref lastWarning);
            if ((last == 0 || now - last >= (long)WarningInterval.TotalMilliseconds) && Interlocked.CompareExchange(ref lastWarning, now, last) == last)
                LogUncounted(log, e, key);
            return Decided.Granted;
        }
    }

    /// <summary>Takes a permit of the per-second window, then of the per-minute one; a refusal by the minute gives the
    /// second's back, so a refused request counts in neither. Retry-After is the time left in the window that refused.</summary>
    private static async ValueTask<RateLimitLease> TakeAsync(IThrottles counts, Instant now, string key, int perSecond, int perMinute, CancellationToken ct)
    {
        var (secondKey, minuteKey) = (key + ":s", key + ":m");
        Instant? second = null;
        if (perSecond > 0 && (second = await counts.TryTakeAsync(secondKey, perSecond, Second, now, ct)) is null)
            return Decided.Refused(await counts.WindowStartAsync(secondKey, ct) + Second - now);
        if (perMinute > 0 && await counts.TryTakeAsync(minuteKey, perMinute, Minute, now, ct) is null)
        {
            if (second is { } start) await counts.GiveBackAsync(secondKey, start, ct);
            return Decided.Refused(await counts.WindowStartAsync(minuteKey, ct) + Minute - now);
        }
        return Decided.Granted;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rate limit of {Key} not counted (the database failed or did not answer within 2 s); requests are let through")]
    private static partial void LogUncounted(ILogger logger, Exception exception, string key);

    /// <summary>In memory the count completes at once: the lease, decided. Null when the count is in the database.</summary>
    private RateLimitLease? TakeNow(string key, int perSecond, int perMinute)
    {
        if (memory is null) return null;
        var pending = TakeAsync(memory, clock.GetCurrentInstant(), key, perSecond, perMinute, default);
        return pending.IsCompleted ? pending.Result : pending.AsTask().GetAwaiter().GetResult(); // always completed: MemoryThrottles never waits
    }

    private ValueTask<RateLimitLease> TakeAnyAsync(string key, int perSecond, int perMinute, CancellationToken ct) =>
        memory is null ? TakeSharedAsync(key, perSecond, perMinute, ct) : TakeAsync(memory, clock.GetCurrentInstant(), key, perSecond, perMinute, ct);

    /// <summary>One application's windows. In memory <see cref="RateLimiter.AttemptAcquire"/> decides. The database can
    /// only be asked asynchronously: AttemptAcquire answers "not now" without asking, and the rate-limiting middleware goes
    /// on to <see cref="RateLimiter.AcquireAsync"/>, which decides (the middleware's metrics count that as a queued
    /// wait).</summary>
    private sealed class Windows(ApplicationRateLimits owner, string key, int perSecond, int perMinute) : RateLimiter
    {
        public override TimeSpan? IdleDuration => null;
        public override RateLimiterStatistics? GetStatistics() => null;

        protected override RateLimitLease AttemptAcquireCore(int permitCount) => owner.TakeNow(key, perSecond, perMinute) ?? Decided.Undecided;

        protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken ct) =>
            owner.TakeAnyAsync(key, perSecond, perMinute, ct);
    }

    /// <summary>A lease that holds nothing: granted, refused with a time to wait, or not decided yet.</summary>
    private sealed class Decided(bool acquired, TimeSpan? retryAfter) : RateLimitLease
    {
        public static readonly Decided Granted = new(true, null);
        public static readonly Decided Undecided = new(false, null);
        public static Decided Refused(Duration? wait) => new(false, wait is { } w && w > Duration.Zero ? w.ToTimeSpan() : TimeSpan.FromSeconds(1));

        public override bool IsAcquired => acquired;
        public override IEnumerable<string> MetadataNames => retryAfter is null ? [] : [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = metadataName == MetadataName.RetryAfter.Name ? retryAfter : null;
            return metadata is not null;
        }
    }
}

/// <summary>The /v1 endpoints' paths and methods, for the answer to a request none of them took
/// (<see cref="ApiSetup.MapRtsApiFallback"/>).</summary>
public sealed class ApiRoutes(EndpointDataSource endpoints)
{
    private (Microsoft.AspNetCore.Routing.Template.TemplateMatcher Path, IReadOnlyList<string> Methods)[]? routes;

    /// <summary>404 when no API endpoint has the path; 405 with <c>Allow</c> when some have it for other methods.</summary>
    public ApiError Unmatched(HttpContext http)
    {
        routes ??= [.. endpoints.Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.PathSegments is [{ Parts: [Microsoft.AspNetCore.Routing.Patterns.RoutePatternLiteralPart { Content: "v1" }] }, ..]
                        && !e.RoutePattern.Parameters.Any(p => p.IsCatchAll))
            .Select(e => (new Microsoft.AspNetCore.Routing.Template.TemplateMatcher(new Microsoft.AspNetCore.Routing.Template.RouteTemplate(e.RoutePattern),
                new RouteValueDictionary(e.RoutePattern.Defaults)), e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? []))];
        // The path alone (route constraints are not checked): when a route has the method too, its constraints refused the
        // path, so the path is not found.
        var allowed = routes.Where(r => r.Path.TryMatch(http.Request.Path, [])).SelectMany(r => r.Methods).Distinct().ToList();
        if (allowed.Contains(HttpMethods.Get)) allowed.Add(HttpMethods.Head); // served as GET (HeadRequests)
        if (allowed.Count == 0 || allowed.Contains(http.Request.Method, StringComparer.OrdinalIgnoreCase)) return ApiSetup.PathNotFound;
        http.Response.Headers.Allow = string.Join(", ", allowed);
        return ApiSetup.MethodNotAllowed(http);
    }
}
