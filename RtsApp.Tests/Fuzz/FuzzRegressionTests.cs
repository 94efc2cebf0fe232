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
}
