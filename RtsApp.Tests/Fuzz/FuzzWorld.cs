using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using AngleSharp.Html.Dom;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using RtsApp.Features.Booking;
using RtsApp.Infrastructure;
using RtsApp.Tests.Components.Admin;
using RtsApp.Tests.Components.Scheduling;
using RtsApp.Tests.Infrastructure;

namespace RtsApp.Tests.Fuzz;

/// <summary>What the fuzzer works on: the fuzzed application (accounts, calendars, a link to read and disable, a pool
/// of links the scheduling page may book, all sharing participant P), a signed-in dashboard session, and a
/// <em>sentinel</em> application whose data no fuzzed request may change (<see cref="SentinelSnapshotAsync"/>).</summary>
public sealed class FuzzWorld
{
    public const int PoolSize = 8;

    public required RtsAppFactory Factory { get; init; }
    public required ApiClient Api { get; init; }
    public required HttpClient Pages { get; init; }
    public required AdminSession Admin { get; init; }
    public required string ApplicationId { get; init; }
    public required string P { get; init; }
    public required string CalP { get; init; }
    public required string Q { get; init; }
    public required string CalQ { get; init; }
    public required string AccountToken { get; init; }
    public required string LinkId { get; init; }
    public required string LinkToken { get; init; }
    public required IReadOnlyList<string> PoolTokens { get; init; }
    /// <summary>The confirm form's fields (antiforgery token, form name, start, zone) as a browser would post them.</summary>
    public required IReadOnlyDictionary<string, string> ConfirmFields { get; init; }
    public required Sentinel Sentinel { get; init; }

    public static readonly JsonArray PoolPeriods = [
        new JsonObject { ["start"] = "2026-03-23T09:00:00Z", ["end"] = "2026-03-23T17:00:00Z" },
        new JsonObject { ["start"] = "2026-03-24T09:00:00Z", ["end"] = "2026-03-24T17:00:00Z" }];

    public static async Task<FuzzWorld> CreateAsync(RtsAppFactory factory)
    {
        var sentinel = await Sentinel.CreateAsync(factory);
        var app = await factory.CreateApplicationAsync("Fuzzed");
        var api = new ApiClient(factory.CreateClient(), app.ClientId, app.ClientSecret);
        var (p, token) = await api.CreateAccountAsync("Pat");
        var calP = await api.CreateCalendarAsync(p);
        var (q, _) = await api.CreateAccountAsync("Quinn");
        var calQ = await api.CreateCalendarAsync(q);
        await api.PutEventAsync(calP, new { event_id = "p-busy", summary = "Busy", start = "2026-03-23T12:00:00Z", end = "2026-03-23T13:00:00Z", tzid = "Etc/UTC" });

        var own = await api.PostOkAsync("/v1/real_time_scheduling", PoolLink(p, calP, q, calQ, "own-link", sequencing: false).ToJsonString());
        var pool = new List<string>();
        for (var i = 0; i < PoolSize + 1; i++)
        {
            var (g, _) = await api.CreateAccountAsync($"Guest {i}");
            var calG = await api.CreateCalendarAsync(g);
            var sequencing = i % 4 == 3;
            var reply = await api.PostOkAsync(sequencing ? "/v1/real_time_sequencing" : "/v1/real_time_scheduling",
                PoolLink(p, calP, g, calG, $"pool-{i}", sequencing).ToJsonString());
            pool.Add(TokenOf(reply));
        }
        // The last pool link is never booked: its confirm view gives the antiforgery token and field names.
        var anchor = pool[^1];
        pool.RemoveAt(pool.Count - 1);
        var pages = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var doc = await Html.GetAsync(pages, $"/rts/{anchor}?start=2026-03-23T09:00:00Z");
        var form = doc.QuerySelector("form:has(button[data-action=confirm])") ?? throw new InvalidOperationException("no confirm form on " + anchor);
        var fields = form.QuerySelectorAll("input[name]").Cast<IHtmlInputElement>().ToDictionary(i => i.Name!, i => i.Value);

        return new FuzzWorld
        {
            Factory = factory,
            Api = api,
            Pages = pages,
            Admin = await AdminSession.SignedInAsync(factory),
            ApplicationId = (await factory.Db().Applications.SingleAsync(a => a.ClientId == app.ClientId)).Id,
            P = p,
            CalP = calP,
            Q = q,
            CalQ = calQ,
            AccountToken = token,
            LinkId = own["real_time_scheduling"]!["real_time_scheduling_id"]!.GetValue<string>(),
            LinkToken = TokenOf(own),
            PoolTokens = pool,
            ConfirmFields = fields,
            Sentinel = sentinel,
        };
    }

    private static string TokenOf(JsonNode reply)
    {
        var url = reply["url"]!.GetValue<string>();
        return url[(url.LastIndexOf('/') + 1)..];
    }

    /// <summary>A link over P and one other account, written into both calendars (so a booking makes both busy).</summary>
    public static JsonObject PoolLink(string p, string calP, string g, string calG, string eventId, bool sequencing)
    {
        JsonObject Group(string sub) => new() { ["members"] = new JsonArray(new JsonObject { ["sub"] = sub }), ["required"] = "all" };
        JsonNode availability = sequencing
            ? new JsonObject
            {
                ["sequence"] = new JsonArray(
                    new JsonObject
                    {
                        ["sequence_id"] = "first",
                        ["ordinal"] = 1,
                        ["participants"] = new JsonArray(Group(p)),
                        ["required_duration"] = new JsonObject { ["minutes"] = 60 },
                        ["event"] = new JsonObject { ["event_id"] = eventId + "-a", ["summary"] = "First" },
                        ["buffer"] = new JsonObject { ["after"] = new JsonObject { ["maximum"] = new JsonObject { ["minutes"] = 60 } } },
                    },
                    new JsonObject
                    {
                        ["sequence_id"] = "second",
                        ["ordinal"] = 2,
                        ["participants"] = new JsonArray(Group(g)),
                        ["required_duration"] = new JsonObject { ["minutes"] = 30 },
                        ["event"] = new JsonObject { ["event_id"] = eventId + "-b", ["summary"] = "Second" },
                    }),
                ["query_periods"] = PoolPeriods.DeepClone(),
            }
            : new JsonObject
            {
                ["participants"] = new JsonArray(new JsonObject
                {
                    ["members"] = new JsonArray(new JsonObject { ["sub"] = p }, new JsonObject { ["sub"] = g }),
                    ["required"] = "all",
                }),
                ["required_duration"] = new JsonObject { ["minutes"] = 60 },
                ["start_interval"] = new JsonObject { ["minutes"] = 30 },
                ["query_periods"] = PoolPeriods.DeepClone(),
            };
        return new JsonObject
        {
            ["event"] = new JsonObject { ["event_id"] = eventId, ["summary"] = "Fuzz " + eventId, ["tzid"] = "Europe/London" },
            ["availability"] = availability,
            ["target_calendars"] = new JsonArray(new JsonObject { ["sub"] = p, ["calendar_id"] = calP }, new JsonObject { ["sub"] = g, ["calendar_id"] = calG }),
            ["tzid"] = "Europe/London",
            ["redirect_urls"] = new JsonObject { ["completed_url"] = "https://app.example/done" },
        };
    }
}

/// <summary>Another application's data, made before fuzzing: accounts, calendars, events, and an open, a completed and a
/// disabled link. Nothing the fuzzer sends (with the fuzzed application's credentials) may change any of it.</summary>
public sealed record Sentinel(ApiClient Api, string ApplicationId, string Sub, string CalendarId, string OpenLinkId, string OpenToken, string CompletedLinkId)
{
    public static async Task<Sentinel> CreateAsync(RtsAppFactory factory)
    {
        var app = await factory.CreateApplicationAsync("Sentinel");
        var api = new ApiClient(factory.CreateClient(), app.ClientId, app.ClientSecret);
        var (a, _) = await api.CreateAccountAsync("Sentinel A");
        var calA = await api.CreateCalendarAsync(a);
        var (b, _) = await api.CreateAccountAsync("Sentinel B");
        var calB = await api.CreateCalendarAsync(b, "Home");
        await api.PutEventAsync(calA, new { event_id = "s-1", summary = "Sentinel meeting", start = "2026-03-23T10:00:00Z", end = "2026-03-23T11:00:00Z", tzid = "Europe/London" });
        await api.PutEventAsync(calA, new { event_id = "s-2", summary = "All day", start = "2026-03-25", end = "2026-03-26", tzid = "Europe/London" });
        await api.PutEventAsync(calB, new { event_id = "s-3", summary = "Free", start = "2026-03-24T10:00:00Z", end = "2026-03-24T11:00:00Z", tzid = "Etc/UTC", transparency = "transparent" });
        var ids = new List<(string Id, string Token)>();
        foreach (var name in new[] { "s-open", "s-done", "s-off" })
        {
            var reply = await api.PostOkAsync("/v1/real_time_scheduling", FuzzWorld.PoolLink(a, calA, b, calB, name, sequencing: false).ToJsonString());
            var url = reply["url"]!.GetValue<string>();
            ids.Add((reply["real_time_scheduling"]!["real_time_scheduling_id"]!.GetValue<string>(), url[(url.LastIndexOf('/') + 1)..]));
        }
        var booked = await factory.Services.GetRequiredService<BookingCommand>().BookAsync(ids[1].Token, Instant.FromUtc(2026, 3, 24, 13, 0), null, default);
        booked.ShouldBeOfType<BookingResult.Booked>();
        await api.PostOkAsync($"/v1/real_time_scheduling/{ids[2].Id}/disable", new { display_message = "Closed." });
        var appId = (await factory.Db().Applications.SingleAsync(x => x.ClientId == app.ClientId)).Id;
        return new Sentinel(api, appId, a, calA, ids[0].Id, ids[0].Token, ids[1].Id);
    }

    /// <summary>Everything the sentinel application has, read from the database and through its own API, as text.</summary>
    public async Task<string> SnapshotAsync(RtsAppFactory factory)
    {
        var s = new StringBuilder();
        await using (var db = factory.Db())
        {
            var app = await db.Applications.AsNoTracking().SingleAsync(x => x.Id == ApplicationId);
            s.AppendLine(CultureInfo.InvariantCulture, $"app {app.Name} {app.ClientId} {app.SecretHash} {app.PreviousSecretHash}");
            foreach (var x in (await db.Accounts.AsNoTracking().Where(x => x.ApplicationId == ApplicationId).ToListAsync()).OrderBy(x => x.Id, StringComparer.Ordinal))
                s.AppendLine(CultureInfo.InvariantCulture, $"account {x.Id} {x.Name} {x.Email} {x.Tzid} {x.AccessTokenHash} {x.BookingVersion}");
            foreach (var x in (await db.Calendars.AsNoTracking().Where(x => x.ApplicationId == ApplicationId).ToListAsync()).OrderBy(x => x.Id, StringComparer.Ordinal))
                s.AppendLine(CultureInfo.InvariantCulture, $"calendar {x.Id} {x.AccountId} {x.Name} {x.IsPrimary}");
            foreach (var x in (await db.Events.AsNoTracking().Where(x => x.ApplicationId == ApplicationId).ToListAsync()).OrderBy(x => x.Id, StringComparer.Ordinal))
                s.AppendLine(CultureInfo.InvariantCulture, $"event {x.Id} {x.CalendarId} {x.EventId} {x.Summary} {x.Description} {x.Start} {x.End} {x.Tzid} {x.StartDate} {x.EndDate} {x.LocationDescription} {x.Transparent} {x.LinkId} {x.UpdatedAt}");
            foreach (var x in (await db.Links.AsNoTracking().Where(x => x.ApplicationId == ApplicationId).ToListAsync()).OrderBy(x => x.Id, StringComparer.Ordinal))
                s.AppendLine(CultureInfo.InvariantCulture, $"link {x.Id} {x.Status} {x.EventId} {x.Summary} {x.DisplayMessage} {x.ChosenJson} {x.ChosenStart} {x.ChosenEnd} {x.CompletedAt} {x.DisabledAt} {x.NoTimesDisplayedAt} {x.SpecJson}");
            foreach (var x in (await db.LinkEventClaims.AsNoTracking().Where(x => x.ApplicationId == ApplicationId).ToListAsync()).OrderBy(x => x.LinkId + x.CalendarId + x.EventId, StringComparer.Ordinal))
                s.AppendLine(CultureInfo.InvariantCulture, $"claim {x.LinkId} {x.CalendarId} {x.EventId}");
            foreach (var x in (await db.CallbackDeliveries.AsNoTracking().Where(x => x.ApplicationId == ApplicationId).ToListAsync()).OrderBy(x => x.Id, StringComparer.Ordinal))
                s.AppendLine(CultureInfo.InvariantCulture, $"callback {x.Id} {x.Kind} {x.Url} {x.Payload}");
        }
        s.AppendLine((await Api.GetOkAsync("/v1/accounts")).ToJsonString());
        s.AppendLine((await Api.GetOkAsync("/v1/calendars")).ToJsonString());
        s.AppendLine((await Api.GetOkAsync("/v1/events?from=2026-01-01&to=2026-12-31&tzid=Etc/UTC")).ToJsonString());
        s.AppendLine((await Api.GetOkAsync("/v1/real_time_scheduling/" + OpenLinkId)).ToJsonString());
        s.AppendLine((await Api.GetOkAsync("/v1/real_time_scheduling/" + CompletedLinkId)).ToJsonString());
        return s.ToString();
    }
}
