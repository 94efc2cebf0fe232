using RtsApp.Tests.Infrastructure;

namespace RtsApp.Tests.Features.Calendars;

public sealed class CalendarsApiTests : IClassFixture<RtsAppFactory>
{
    private readonly RtsAppFactory factory;
    public CalendarsApiTests(RtsAppFactory factory) => this.factory = factory;

    [Fact]
    public async Task CreateCalendar_RepliesWithEveryField()
    {
        var api = await factory.CreateApiClientAsync();
        var (sub, _) = await api.CreateAccountAsync("Cal Owner");
        var reply = await api.PostOkAsync("/v1/calendars", new { sub, name = "Interviews" });
        var c = reply["calendar"]!;
        c["calendar_id"]!.GetValue<string>().ShouldMatch("^cal_[0-9a-f]{24}$");
        c["sub"]!.GetValue<string>().ShouldBe(sub);
        c["calendar_name"]!.GetValue<string>().ShouldBe("Interviews");
        c["calendar_readonly"]!.GetValue<bool>().ShouldBeFalse();
        c["calendar_deleted"]!.GetValue<bool>().ShouldBeFalse();
        c["calendar_primary"]!.GetValue<bool>().ShouldBeTrue();
        c["profile_id"]!.GetValue<string>().ShouldStartWith("pro_");
        c["profile_name"]!.GetValue<string>().ShouldBe("cal.owner@example.com");
        c["provider_name"]!.GetValue<string>().ShouldBe("rtsapp");
    }

    [Fact]
    public async Task ListCalendars_SecondCalendarIsNotPrimary()
    {
        using var clock = factory.UseClock(RtsAppFactory.DefaultNow);
        var api = await factory.CreateApiClientAsync();
        var (sub, _) = await api.CreateAccountAsync();
        var first = await api.CreateCalendarAsync(sub, "First");
        clock.Advance(NodaTime.Duration.FromSeconds(1));
        var second = await api.CreateCalendarAsync(sub, "Second");
        var list = (await api.GetOkAsync("/v1/calendars"))["calendars"]!.AsArray();
        list.Select(c => c!["calendar_id"]!.GetValue<string>()).ShouldBe([first, second]);
        list.Select(c => c!["calendar_primary"]!.GetValue<bool>()).ShouldBe([true, false]);
        list.ShouldAllBe(c => c!["provider_name"]!.GetValue<string>() == "rtsapp");
    }

    [Fact]
    public async Task CreateCalendar_MissingFields_Is422()
    {
        var api = await factory.CreateApiClientAsync();
        var error = await ApiClient.ErrorAsync(await api.PostAsync("/v1/calendars", new { }), 422);
        error["errors"]!["sub"].ShouldNotBeNull();
        error["errors"]!["name"].ShouldNotBeNull();
    }

    [Fact]
    public async Task CreateCalendar_UnknownSub_Is404()
    {
        var api = await factory.CreateApiClientAsync();
        await ApiClient.ErrorAsync(await api.PostAsync("/v1/calendars", new { sub = "acc_000000000000000000000000", name = "X" }), 404);
    }
}
