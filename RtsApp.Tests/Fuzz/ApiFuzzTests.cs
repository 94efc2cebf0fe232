using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using RtsApp.Tests.Components.Admin;
using RtsApp.Tests.Infrastructure;
using Xunit.Abstractions;

namespace RtsApp.Tests.Fuzz;

/// <summary>The issue "no input yields a 500, no booking loses its time", proven generatively: a few thousand requests
/// from <see cref="FuzzCases"/> against every /v1 endpoint, the scheduling page and the dashboard. Each must answer
/// only a documented status (SPEC §1: a 500 is always a bug), 4xx JSON in Cronofy's error shape, and log no error; the
/// sentinel application's data must be unchanged afterwards, and the booking invariants must hold.
/// <para>The seed is printed; replay a run with <c>RTS_FUZZ_SEED=&lt;seed&gt;</c> (and <c>RTS_FUZZ_CASES</c> to change
/// the count).</para></summary>
public sealed class ApiFuzzTests(ITestOutputHelper output)
{
    public const string SeedVariable = "RTS_FUZZ_SEED";
    public const string CasesVariable = "RTS_FUZZ_CASES";
    private const int DefaultCases = 3000;
    private const int MaxReported = 8;
    private static readonly TimeSpan TimeBudget = TimeSpan.FromSeconds(25);

    private static readonly int[] ApiStatuses = [200, 202, 400, 401, 404, 413, 422, 429];
    private static readonly int[] PageGetStatuses = [200, 303, 404];
    private static readonly int[] PagePostStatuses = [200, 303, 400, 404];

    /// <summary>Cases not sent, each with its reason. Admin dashboard 500s: fixed on branch harden — re-enable these
    /// (empty this list) when it is merged.</summary>
    private static readonly (string Reason, Func<FuzzCase, bool> Matches)[] KnownIssues =
    [
        // Empty: cases of a bug not yet fixed would be listed here, with the reason, so a run still checks everything else.
    ];


    [Fact]
    public async Task Fuzz_EveryEndpointPageAndDashboard_NoServerErrorNoLoggedErrorSentinelUnchanged()
    {
        var seed = Environment.GetEnvironmentVariable(SeedVariable) is { Length: > 0 } s ? int.Parse(s, CultureInfo.InvariantCulture) : Random.Shared.Next();
        // An explicit count runs every case (exact replay); the default stops early when the time budget is spent (on a
        // loaded machine), which still runs the same cases in the same order, only fewer.
        var explicitCount = Environment.GetEnvironmentVariable(CasesVariable) is { Length: > 0 } c ? int.Parse(c, CultureInfo.InvariantCulture) : (int?)null;
        var count = explicitCount ?? DefaultCases;
        var budget = explicitCount is null ? TimeBudget : TimeSpan.MaxValue;
        output.WriteLine($"{SeedVariable}={seed} {CasesVariable}={count}");

        var settings = AdminSession.Settings();
        // Errors are captured whatever the level; writing every request's information to the console would double the run.
        settings["Logging:LogLevel:Default"] = "Warning";
        using var factory = RtsAppFactory.With(settings);
        using var clock = factory.UseClock();
        var world = await FuzzWorld.CreateAsync(factory);
        var sentinelBefore = await world.Sentinel.SnapshotAsync(factory);
        factory.Logs.Entries.ShouldBeEmpty("errors logged while setting up");

        var cases = new FuzzCases(world, seed);
        var failures = new List<string>();
        var skipped = new Dictionary<string, int>();
        var statuses = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var time = new Dictionary<string, (int Count, TimeSpan Total)>();
        var watch = Stopwatch.StartNew();
        var run = 0;
        for (var i = 0; i < count && failures.Count < MaxReported && watch.Elapsed < budget; i++, run++)
        {
            var fuzz = cases.Next(i);
            if (KnownIssues.FirstOrDefault(k => k.Matches(fuzz)).Reason is { } reason)
            {
                skipped[reason] = skipped.GetValueOrDefault(reason) + 1;
                continue;
            }
            var logged = factory.Logs.Count;
            var started = watch.Elapsed;
            using var response = await SendAsync(world, fuzz);
            var body = await response.Content.ReadAsByteArrayAsync();
            var spent = time.GetValueOrDefault(fuzz.Endpoint);
            time[fuzz.Endpoint] = (spent.Count + 1, spent.Total + (watch.Elapsed - started));
            var status = (int)response.StatusCode;
            statuses[$"{fuzz.Surface} {status}"] = statuses.GetValueOrDefault($"{fuzz.Surface} {status}") + 1;
            var problem = Check(fuzz, response, body, factory.Logs.Since(logged));
            if (problem is not null) failures.Add(Report(seed, fuzz, response, body, problem, factory.Logs.Since(logged)));
        }
        watch.Stop();
        output.WriteLine($"{run} of {count} cases in {watch.Elapsed.TotalSeconds:0.0} s; statuses: {string.Join(", ", statuses.Select(x => $"{x.Key}×{x.Value}"))}");
        output.WriteLine("time per endpoint: " + string.Join(", ", time.OrderByDescending(t => t.Value.Total)
            .Select(t => $"{t.Key} {t.Value.Count}× {t.Value.Total.TotalSeconds:0.0} s")));
        foreach (var (reason, n) in skipped) output.WriteLine($"skipped {n} known: {reason}");

        failures.ShouldBeEmpty($"{SeedVariable}={seed}: {failures.Count} failing case(s) (first {MaxReported} shown)"
            + Environment.NewLine + string.Join(Environment.NewLine + Environment.NewLine, failures));
        var sentinelAfter = await world.Sentinel.SnapshotAsync(factory);
        sentinelAfter.ShouldBe(sentinelBefore, $"{SeedVariable}={seed}: the sentinel application's data changed");
        await BookingInvariants.AssertAsync(factory);
        factory.Logs.Entries.ShouldBeEmpty($"{SeedVariable}={seed}: errors logged");
    }

    private static async Task<HttpResponseMessage> SendAsync(FuzzWorld w, FuzzCase c)
    {
        var http = c.Surface switch
        {
            Surface.Api => w.Api.Http,
            Surface.Admin => w.Admin.Http,
            _ => w.Pages,
        };
        using var request = new HttpRequestMessage(c.Method, c.Path);
        if (c.Form is not null) request.Content = new FormUrlEncodedContent(c.Form);
        else if (c.Body is not null)
        {
            request.Content = new ByteArrayContent(c.Body);
            if (c.ContentType is not null) request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(c.ContentType);
        }
        if (c.Surface == Surface.Api)
        {
            var bearer = c.Auth switch
            {
                Auth.Secret => w.Api.Secret,
                Auth.AccountToken => w.AccountToken,
                Auth.Wrong => "rts_sk_not-a-secret",
                Auth.BodySecret => "undefined",
                _ => null,
            };
            if (bearer is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }
        return await http.SendAsync(request);
    }

    /// <summary>What is wrong with the answer, or null.</summary>
    private static string? Check(FuzzCase c, HttpResponseMessage response, byte[] body, IReadOnlyList<CapturedLog> logs)
    {
        var status = (int)response.StatusCode;
        if (logs.Count > 0) return $"logged {logs.Count} error(s)";
        switch (c.Surface)
        {
            case Surface.Api:
                var allowed = c.Auth == Auth.AccountToken ? [.. ApiStatuses, 403] : ApiStatuses;
                if (!allowed.Contains(status)) return $"status {status} is not one of {string.Join("/", allowed)}";
                if (c.CrossTenant && status is >= 200 and < 300) return $"status {status} for another application's id";
                if (status == 202 && body.Length > 0) return "a 202 with a body";
                if (status == 200 && !IsJson(body, out _)) return "a 200 whose body is not JSON";
                if (status >= 400 && ErrorShape(body) is { } shape) return shape;
                return null;
            case Surface.PageForm:
                return PagePostStatuses.Contains(status) ? null : $"status {status} is not one of {string.Join("/", PagePostStatuses)}";
            default:
                return PageGetStatuses.Contains(status) ? null : $"status {status} is not one of {string.Join("/", PageGetStatuses)}";
        }
    }

    private static bool IsJson(byte[] body, out JsonDocument? doc)
    {
        doc = null;
        try
        {
            doc = JsonDocument.Parse(body);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>Null when the body is <c>{"errors": {"path": [{"key", "description"}, …], …}}</c>.</summary>
    private static string? ErrorShape(byte[] body)
    {
        if (!IsJson(body, out var doc)) return "a 4xx whose body is not JSON";
        using (doc)
        {
            var root = doc!.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("errors", out var errors) || errors.ValueKind != JsonValueKind.Object)
                return "a 4xx without an \"errors\" object";
            var any = false;
            foreach (var field in errors.EnumerateObject())
            {
                any = true;
                if (field.Value.ValueKind != JsonValueKind.Array || field.Value.GetArrayLength() == 0) return $"errors.{field.Name} is not a non-empty array";
                foreach (var d in field.Value.EnumerateArray())
                {
                    if (d.ValueKind != JsonValueKind.Object
                        || !d.TryGetProperty("key", out var key) || key.ValueKind != JsonValueKind.String
                        || !d.TryGetProperty("description", out var description) || description.ValueKind != JsonValueKind.String)
                        return $"errors.{field.Name} has a detail without a string key and description";
                }
            }
            return any ? null : "a 4xx with an empty \"errors\" object";
        }
    }

    private static string Report(int seed, FuzzCase c, HttpResponseMessage response, byte[] body, string problem, IReadOnlyList<CapturedLog> logs)
    {
        var s = new StringBuilder();
        s.AppendLine(CultureInfo.InvariantCulture, $"[{SeedVariable}={seed}] {problem}");
        s.AppendLine(c.Describe());
        s.AppendLine(CultureInfo.InvariantCulture, $"  → {(int)response.StatusCode} {response.Content.Headers.ContentType}: {FuzzCase.Clip(Encoding.UTF8.GetString(body), 400)}");
        foreach (var log in logs.Take(2)) s.AppendLine("  log: " + FuzzCase.Clip(log.ToString(), 1500));
        return s.ToString();
    }
}
