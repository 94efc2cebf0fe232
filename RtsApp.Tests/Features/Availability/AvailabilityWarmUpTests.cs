using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using RtsApp.Features.Availability;
using RtsApp.Infrastructure;
using RtsApp.Tests.Infrastructure;

namespace RtsApp.Tests.Features.Availability;

/// <summary>The start-up warm-up runs all its rounds in the background without touching the data or logging an error,
/// and the service answers while and after it runs.</summary>
public sealed class AvailabilityWarmUpTests
{
    [Fact]
    public async Task WarmUp_RunsEveryRound_AndLeavesTheDataAlone()
    {
        await using var factory = RtsAppFactory.With(new Dictionary<string, string?> { [ConfigKeys.AvailabilityWarmUp] = "true" });
        var api = await factory.CreateApiClientAsync();
        var warmUp = factory.Services.GetServices<IHostedService>().OfType<AvailabilityWarmUp>().Single();
        await (warmUp.ExecuteTask ?? Task.CompletedTask).WaitAsync(Eventually.Limit);

        warmUp.RoundsDone.ShouldBe(AvailabilityWarmUp.Rounds);
        factory.Logs.Entries.ShouldBeEmpty();
        await using var db = factory.Db();
        (await db.Accounts.CountAsync()).ShouldBe(0);
        (await db.Calendars.CountAsync()).ShouldBe(0);
        (await db.Events.CountAsync()).ShouldBe(0);
        factory.Services.GetRequiredService<BusyTimeCache>().Count.ShouldBe(0, "it asked about calendars that do not exist");
        var (sub, _) = await api.CreateAccountAsync();
        (await api.PostOkAsync("/v1/availability", new
        {
            participants = new[] { new { members = new[] { new { sub } } } },
            required_duration = new { minutes = 30 },
            query_periods = new[] { new { start = "2026-03-23T09:00:00Z", end = "2026-03-23T10:00:00Z" } },
        }))["available_periods"]!.AsArray().Count.ShouldBe(1);
    }
}
