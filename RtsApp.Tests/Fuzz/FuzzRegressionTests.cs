using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using RtsApp.Infrastructure;
using RtsApp.Tests.Components.Scheduling;
using RtsApp.Tests.Infrastructure;

namespace RtsApp.Tests.Fuzz;

/// <summary>Bugs the API fuzzer found, each pinned by a focused test.</summary>
public sealed class FuzzRegressionTests(RtsAppFactory factory) : IClassFixture<RtsAppFactory>
{
    /// <summary>NodaTime's offset parser throws (instead of failing) for +18:01 … ±23:59, which made every reader of
    /// instants a 500: event times, query strings and the scheduling page's ?start=.</summary>
    [Theory]
    [InlineData("2026-03-23T09:00:00+18:01")]
    [InlineData("2026-03-23T09:00:00-23:59")]
    [InlineData("2026-03-23 09:00:00+19:00")]
    [InlineData("2026-03-23T09:00-20:00")]
    public async Task OffsetBeyond18Hours_Is422_NotAnException(string instant)
    {
        ApiJson.TryParseInstant(instant, out _).ShouldBeFalse();
        ApiJson.TryParseInstant("2026-03-23T09:00:00+18:00", out _).ShouldBeTrue();

        var api = await factory.CreateApiClientAsync();
        var (sub, _) = await api.CreateAccountAsync();
        var cal = await api.CreateCalendarAsync(sub);
        var ev = await ApiClient.ErrorAsync(await api.PostAsync($"/v1/calendars/{cal}/events",
            new { event_id = "e", summary = "S", start = instant, end = "2026-03-23T23:00:00Z", tzid = "Etc/UTC" }), 422);
        ev["errors"]!["start"].ShouldNotBeNull();
        var read = await ApiClient.ErrorAsync(await api.GetAsync("/v1/events?from=" + Uri.EscapeDataString(instant)), 422);
        read["errors"]!["from"].ShouldNotBeNull();
        var availability = await api.PostAsync("/v1/availability", $$"""
            {"participants": [{"members": [{"sub": "{{sub}}"}]}], "required_duration": {"minutes": 30},
             "query_periods": [{"start": "{{instant}}", "end": "2026-03-24T09:00:00Z"}]}
            """);
        ((int)availability.StatusCode).ShouldBe(422, await availability.Content.ReadAsStringAsync());
        factory.Logs.Entries.ShouldBeEmpty();
    }

    /// <summary>A <c>\ud800</c> escape parses, but reading it as a string throws: in fields kept raw (<c>required</c>,
    /// <c>sequence_id</c>) and in body credentials that was a 500. Now the body is refused once, as not valid JSON.</summary>
    [Theory]
    [InlineData("/v1/availability", """{"participants": [{"members": [{"sub": "acc_x"}], "required": "a\ud800b"}]}""")]
    [InlineData("/v1/sequenced_availability", """{"sequence": [{"sequence_id": "\udc00", "participants": []}]}""")]
    [InlineData("/v1/accounts", """{"client_secret": "\ud800", "name": "Ann"}""")]
    [InlineData("/v1/accounts", """{"name": "Ann", "\ud83d": 1}""")]
    public async Task UnpairedSurrogateEscape_Is400Body_NotAnException(string path, string body)
    {
        var api = await factory.CreateApiClientAsync();
        var error = await ApiClient.ErrorAsync(await api.PostAsync(path, body), 400);
        error["errors"]!["body"]!.AsArray()[0]!["key"]!.GetValue<string>().ShouldBe(ApiError.Invalid);
        // A pair is a character like any other.
        await api.PostOkAsync("/v1/accounts", """{"name": "Ann \ud83d\ude00"}""");
        factory.Logs.Entries.ShouldBeEmpty();
    }

    [Fact]
    public async Task SchedulingPage_StartWithOffsetBeyond18Hours_ShowsTheTimes()
    {
        var link = await SchedulingLinks.CreateAsync(await factory.CreateApiClientAsync());
        var http = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var doc = await Html.GetAsync(http, link.Path + "?start=" + Uri.EscapeDataString("2026-03-23T09:00:00+18:01"), HttpStatusCode.OK);

        doc.QuerySelector("[data-action=confirm]").ShouldBeNull();
        Html.SlotStarts(doc).ShouldNotBeEmpty();
        factory.Logs.Entries.ShouldBeEmpty();
    }

    /// <summary>{"hours": 2147483647} is a whole number of at least 0, but 60 times it is past NodaTime's Duration range:
    /// a 500 in every duration field (minimum_notice, required_duration, start_interval, buffers) until durations were bounded.</summary>
    [Theory]
    [InlineData("minimum_notice", """{"hours": 2147483647}""")]
    [InlineData("start_interval", """{"minutes": 2147483647, "hours": 2147483647}""")]
    public async Task HugeDuration_Is422_NotAnException(string field, string duration)
    {
        var api = await factory.CreateApiClientAsync();
        var (sub, _) = await api.CreateAccountAsync();
        var body = $$"""
            {"participants": [{"members": [{"sub": "{{sub}}"}]}], "required_duration": {"minutes": 30},
             "query_periods": [{"start": "2026-03-23T09:00:00Z", "end": "2026-03-24T09:00:00Z"}], "{{field}}": {{duration}}}
            """;
        var error = await ApiClient.ErrorAsync(await api.PostAsync("/v1/availability", body), 422);
        error["errors"]![field].ShouldNotBeNull();
        factory.Logs.Entries.ShouldBeEmpty();
    }

    /// <summary>Invalid UTF-8 inside a JSON string parses (the parser checks structure only) and throws when read: a
    /// 500 from sequence_id and other raw fields until the body's bytes were checked once, as a 400.</summary>
    [Fact]
    public async Task InvalidUtf8InAString_Is400Body_NotAnException()
    {
        var api = await factory.CreateApiClientAsync();
        var prefix = System.Text.Encoding.UTF8.GetBytes("{\"sequence\": [{\"sequence_id\": \"a");
        var suffix = System.Text.Encoding.UTF8.GetBytes("\", \"participants\": []}], \"query_periods\": []}");
        byte[] body = [.. prefix, 0xC3, 0x28, .. suffix];
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/sequenced_availability") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Authorization = new("Bearer", api.Secret);
        var error = await ApiClient.ErrorAsync(await api.Http.SendAsync(request), 400);
        error["errors"]!["body"].ShouldNotBeNull();
        factory.Logs.Entries.ShouldBeEmpty();
    }

    /// <summary>A 404 under a link is re-executed as the not-found page; deciding its language decoded the original path
    /// a second time, so "%2500" (a "%00" once decoded) threw: a 500 for an unknown link's calendar file.</summary>
    [Theory]
    [InlineData("/rts/%2500/event.ics")]
    [InlineData("/rts/%2500")]
    [InlineData("/connect/%2500/unknown")]
    public async Task PathThatDecodesToAnEscapedNul_Is404_NotAnException(string path)
    {
        var response = await factory.CreateClient().GetAsync(path);
        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        factory.Logs.Entries.ShouldBeEmpty();
    }
}
