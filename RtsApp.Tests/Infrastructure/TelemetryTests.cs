using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using RtsApp.Infrastructure;
using RtsApp.Infrastructure.Telemetry;
using RtsApp.Tests.Features.Booking;
using RtsApp.Tests.Features.Callbacks;
using RtsApp.Tests.Features.Links;
using Outcomes = RtsApp.Infrastructure.Telemetry.RtsTelemetry.Outcomes;

namespace RtsApp.Tests.Infrastructure;

public sealed class TelemetryFixture : IDisposable
{
    public RtsAppFactory App { get; } = RtsAppFactory.With(CallbackTestApp.Settings());
    public void Dispose() => App.Dispose();
}

/// <summary>The instruments and spans an operator watches fire where they should, with their tags; then the same data
/// leaves the process over OTLP/HTTP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set.</summary>
[Collection(TelemetryCollection.Name)]
public sealed class TelemetryTests(TelemetryFixture fixture) : IClassFixture<TelemetryFixture>
{
    private RtsAppFactory App => fixture.App;

    private static object Query(string a, string b) => new
    {
        participants = new[] { new { members = new[] { new { sub = a }, new { sub = b } }, required = (object)1 } },
        required_duration = new { minutes = 60 },
        query_periods = new[] { new { start = "2026-03-27T09:00:00Z", end = "2026-03-27T11:00:00Z" } },
        response_format = "slots",
    };

    [Fact]
    public async Task Availability_RecordsDurationResultsAndSpanWithDatabaseChildren()
    {
        var w = await LinkWorld.CreateAsync(App);
        using var recorder = new TelemetryRecorder();

        var reply = await w.Api.PostOkAsync("/v1/availability", Query(w.A, w.B));
        var slots = reply["available_slots"]!.AsArray().Count;
        slots.ShouldBeGreaterThan(0);
        await ApiClient.ErrorAsync(await w.Api.PostAsync("/v1/availability", new { participants = "nobody" }), 422);

        var durations = recorder.Of("rts.availability.duration");
        durations.ShouldContain(m => m.Tag("operation") == "availability" && m.Tag("outcome") == Outcomes.Ok && m.Value >= 0);
        durations.ShouldContain(m => m.Tag("operation") == "availability" && m.Tag("outcome") == Outcomes.Invalid);
        recorder.Of("rts.availability.results").ShouldHaveSingleItem().Value.ShouldBe(slots);

        var span = recorder.Spans("availability.query").Single(a => a.GetTagItem("rts.outcome") is Outcomes.Ok);
        span.GetTagItem("rts.count").ShouldBe(slots);
        var commands = recorder.ChildrenOf(span).Where(a => a.GetTagItem("db.query.text") is not null).ToList();
        commands.ShouldNotBeEmpty("a span per database command, under the query's");
        commands.ShouldAllBe(c => c.Kind == ActivityKind.Client && c.GetTagItem("db.system.name") != null);
        commands.ShouldContain(c => c.OperationName == "SELECT");
        // The busy-time read runs outside EF Core (BusyTimeReader) and has its span too, with the rows it returned.
        commands.ShouldContain(c => ((string)c.GetTagItem("db.query.text")!).Contains("FROM events WHERE") && c.GetTagItem("db.response.returned_rows") is int);
        // The command text only: the accounts asked about are parameters, never in the span.
        commands.ShouldAllBe(c => !((string)c.GetTagItem("db.query.text")!).Contains(w.A) && !((string)c.GetTagItem("db.query.text")!).Contains(w.B));
    }

    [Fact]
    public async Task Availability_AFailedBusyRead_MarksItsSpanFailed()
    {
        await using var broken = new RtsAppFactory();
        var w = await LinkWorld.CreateAsync(broken);
        await using (var db = broken.Db()) await db.Database.ExecuteSqlRawAsync("ALTER TABLE events RENAME TO events_gone");
        using var recorder = new TelemetryRecorder();

        (await w.Api.PostAsync("/v1/availability", Query(w.A, w.B))).StatusCode.ShouldBe(System.Net.HttpStatusCode.InternalServerError);

        recorder.Spans("SELECT").ShouldContain(c => ((string)c.GetTagItem("db.query.text")!).Contains("FROM events WHERE")
                                                    && c.Status == ActivityStatusCode.Error && c.StatusDescription != null);
    }

    [Fact]
    public async Task PageRender_RecordsDurationAndCountByLinkStatus()
    {
        var w = await LinkWorld.CreateAsync(App);
        var link = await w.CreateAsync(w.Scheduling());
        using var recorder = new TelemetryRecorder();
        var http = App.CreateClient();

        (await http.GetAsync(new Uri(link.Url).PathAndQuery)).IsSuccessStatusCode.ShouldBeTrue();
        (await http.GetAsync("/rts/no-such-token")).StatusCode.ShouldBe(System.Net.HttpStatusCode.NotFound);

        var renders = recorder.Of("rts.page.renders");
        renders.Count(m => m.Tag("status") == "open").ShouldBe(1);
        renders.Count(m => m.Tag("status") == Outcomes.NotFound).ShouldBe(1);
        recorder.Of("rts.page.duration").Select(m => m.Tag("status")).Order().ShouldBe([Outcomes.NotFound, "open"]);
        recorder.Spans("page.render").Select(a => a.GetTagItem("rts.outcome")).ShouldContain("open");
    }

    [Fact]
    public async Task Booking_CountsBookedTakenAndNotOpen()
    {
        var w = await LinkWorld.CreateAsync(App);
        var first = await w.CreateAsync(w.Scheduling());
        var second = await w.CreateAsync(w.Scheduling());
        using var recorder = new TelemetryRecorder();

        (await w.Booking.BookAsync(first.Token, LinkWorld.Nine, null, default)).ShouldBeOfType<PageResult.Booked>();
        (await w.Booking.BookAsync(second.Token, LinkWorld.Nine, null, default)).ShouldBeOfType<PageResult.Taken>();
        (await w.Booking.BookAsync(first.Token, LinkWorld.Nine, null, default)).ShouldBeOfType<PageResult.NotOpen>();

        recorder.Of("rts.bookings").Select(m => (m.Tag("outcome"), m.Value)).Order()
            .ShouldBe([(Outcomes.Booked, 1d), (Outcomes.NotOpen, 1d), (Outcomes.Taken, 1d)]);
        recorder.Spans("booking").Select(a => (string?)a.GetTagItem("rts.outcome")).Order().ShouldBe([Outcomes.Booked, Outcomes.NotOpen, Outcomes.Taken]);
    }

    [Fact]
    public async Task CallbackDelivery_RecordsDurationFailuresAndSpanAroundTheHttpRequest()
    {
        await using var accepting = await CallbackReceiver.StartAsync();
        await using var refusing = await CallbackReceiver.StartAsync(new CallbackReceiver.Reply(500));
        var api = await App.CreateApiClientAsync();
        var appId = await App.ApplicationIdAsync(api.ClientId);
        using var recorder = new TelemetryRecorder();

        var delivered = await App.EnqueueAsync(appId, accepting.Url, new { n = 1 });
        var failed = await App.EnqueueAsync(appId, refusing.Url, new { n = 2 });

        // Spans end after the measurements are recorded, so once both spans are in, so are the measurements.
        var spans = await Eventually.HoldsAsync(() => recorder.Spans("callback.delivery"),
            l => l.Any(a => Of(a) == delivered.Id) && l.Any(a => Of(a) == failed.Id), "both deliveries' spans");
        var ok = spans.Single(a => Of(a) == delivered.Id);
        ok.GetTagItem("rts.outcome").ShouldBe(Outcomes.Delivered);
        spans.Single(a => Of(a) == failed.Id).Status.ShouldBe(ActivityStatusCode.Error);
        var durations = recorder.Of("rts.callback.duration");
        durations.ShouldContain(m => m.Tag("outcome") == Outcomes.Delivered && m.Tag("kind") == "completed");
        durations.ShouldContain(m => m.Tag("outcome") == Outcomes.Failed && m.Tag("kind") == "completed");
        recorder.Of("rts.callback.failures").ShouldHaveSingleItem().Tag("kind").ShouldBe("completed");
        // HttpClient's native span, under the delivery's.
        recorder.ChildrenOf(ok).ShouldContain(a => a.Source.Name == TelemetryRecorder.HttpClientSource);
    }

    [Fact]
    public async Task CallbackQueueDepth_IsWhatTheWorkerLastCounted()
    {
        var api = await App.CreateApiClientAsync();
        var appId = await App.ApplicationIdAsync(api.ClientId);
        using var recorder = new TelemetryRecorder();
        RtsTelemetry.CallbackQueueDepthObserved.ShouldBeTrue();

        // Pending, but not due for a day: it waits in the queue whatever the worker does meanwhile.
        await App.EnqueueAsync(appId, "https://receiver.example/cb", new { n = 3 },
            adjust: d => d.NextAttemptAt = App.Clock.Now + Duration.FromDays(1));

        await Eventually.HoldsAsync(() => recorder.Observe("rts.callback.queue_depth"), l => l.Count > 0 && l[^1].Value >= 1,
            "the queue depth counts the waiting delivery");
    }

    [Fact]
    public void Export_IsOffWithoutAnEndpoint()
    {
        var export = App.Services.GetRequiredService<TelemetryExport>();
        export.Settings.ShouldBeNull();
        export.Tracing.ShouldBeNull();
        export.Metrics.ShouldBeNull();
    }

    [Theory]
    [InlineData("http://collector:4318", "http://collector:4318/v1/traces")]
    [InlineData("http://collector:4318/", "http://collector:4318/v1/traces")]
    [InlineData("https://otel.example/ingest/", "https://otel.example/ingest/v1/traces")]
    public void SignalEndpoint_AppendsTheSignalPathForHttp(string endpoint, string traces)
    {
        var settings = OtlpSettings.From(Configuration(new() { [ConfigKeys.OtlpEndpoint] = endpoint }))!;
        settings.SignalEndpoint("traces").AbsoluteUri.ShouldBe(traces);
        settings.ServiceName.ShouldBe(OtlpSettings.DefaultServiceName);
    }

    [Fact]
    public void SignalEndpoint_IsTheEndpointForGrpc()
    {
        var settings = OtlpSettings.From(Configuration(new()
        {
            [ConfigKeys.OtlpEndpoint] = "http://collector:4317",
            [ConfigKeys.OtlpProtocol] = OtlpSettings.Grpc,
        }))!;
        settings.SignalEndpoint("metrics").AbsoluteUri.ShouldBe("http://collector:4317/");
    }

    [Theory]
    [InlineData(ConfigKeys.OtlpEndpoint, "collector:4318")]
    [InlineData(ConfigKeys.OtlpProtocol, "http/json")]
    [InlineData(ConfigKeys.OtelMetricExportInterval, "soon")]
    public void Start_WithABadOtlpSetting_FailsNamingTheKey(string key, string value)
    {
        var settings = CallbackTestApp.Settings();
        settings[ConfigKeys.OtlpEndpoint] = "http://127.0.0.1:4318";
        settings[key] = value;
        using var factory = RtsAppFactory.With(settings);
        Should.Throw<Exception>(() => factory.CreateClient()).ToString().ShouldContain(key);
    }

    [Fact]
    public async Task Otlp_ExportsTracesAndMetricsOverHttpProtobuf()
    {
        await using var collector = await OtlpReceiver.StartAsync();
        const string service = "rtsapp-otlp-test";
        var settings = CallbackTestApp.Settings();
        settings[ConfigKeys.OtlpEndpoint] = collector.Endpoint;
        settings[ConfigKeys.OtelServiceName] = service;
        settings[ConfigKeys.OtelMetricExportInterval] = "200";
        settings[ConfigKeys.OtelTraceExportDelay] = "200";
        using var app = RtsAppFactory.With(settings);
        var w = await LinkWorld.CreateAsync(app);
        app.Services.GetRequiredService<TelemetryExport>().Tracing.ShouldNotBeNull();

        await w.Api.PostOkAsync("/v1/availability", Query(w.A, w.B));

        await Eventually.HoldsAsync(() => collector.Received, r => r.Any(q => q.Path == OtlpReceiver.TracesPath
            && q.ContentType == OtlpReceiver.Protobuf && q.Holds(service) && q.Holds("availability.query")),
            "the availability span exported to /v1/traces");
        await Eventually.HoldsAsync(() => collector.Received, r => r.Any(q => q.Path == OtlpReceiver.MetricsPath
            && q.ContentType == OtlpReceiver.Protobuf && q.Holds(service) && q.Holds("rts.availability.duration")),
            "the availability duration exported to /v1/metrics");
    }

    private static string? Of(Activity delivery) => (string?)delivery.GetTagItem("rts.callback.delivery_id");

    private static IConfiguration Configuration(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();
}
