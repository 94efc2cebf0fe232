using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using NodaTime;
using RtsApp.Features.Callbacks;
using RtsApp.Infrastructure;

namespace RtsApp.Tests.Features.Callbacks;

public sealed class CallbackOptionsTests
{
    private static readonly Instant Created = Instant.FromUtc(2026, 3, 20, 12, 0);

    private static CallbackOptions From(Dictionary<string, string?> settings, string environment = "Production") =>
        CallbackOptions.From(new ConfigurationBuilder().AddInMemoryCollection(settings).Build(), new Environment(environment));

    private sealed class Environment(string name) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = name;
        public string ApplicationName { get; set; } = "RtsApp";
        public string ContentRootPath { get; set; } = "";
        public Microsoft.Extensions.FileProviders.IFileProvider ContentRootFileProvider { get; set; } = null!;
    }

    [Fact]
    public void DefaultSchedule_IsExponentialAndSpansAlmostTheWholeWindow()
    {
        var delays = CallbackOptions.DefaultRetryDelays;
        delays.Zip(delays.Skip(1)).ShouldAllBe(p => p.Second >= p.First);
        var total = delays.Aggregate(Duration.Zero, (a, b) => a + b);
        total.ShouldBeGreaterThan(Duration.FromHours(23));
        total.ShouldBeLessThanOrEqualTo(CallbackOptions.RetryWindow);
    }

    [Fact]
    public void From_Defaults()
    {
        var o = From([]);
        o.RetryDelays.ShouldBe(CallbackOptions.DefaultRetryDelays);
        o.Timeout.ShouldBe(TimeSpan.FromSeconds(10));
        o.AllowPrivateNetworks.ShouldBeFalse();
        From([], "Development").AllowPrivateNetworks.ShouldBeTrue();
        From(new() { [ConfigKeys.CallbackAllowPrivateNetworks] = "true" }).AllowPrivateNetworks.ShouldBeTrue();
    }

    [Fact]
    public void From_RetryDelays_AsArrayOrCommaSeparated()
    {
        From(new() { [ConfigKeys.CallbackRetryDelays + ":0"] = "00:00:01", [ConfigKeys.CallbackRetryDelays + ":1"] = "00:02:00" })
            .RetryDelays.ShouldBe([Duration.FromSeconds(1), Duration.FromMinutes(2)]);
        From(new() { [ConfigKeys.CallbackRetryDelays] = "00:00:01, 01:00:00" })
            .RetryDelays.ShouldBe([Duration.FromSeconds(1), Duration.FromHours(1)]);
    }

    [Theory]
    [InlineData(ConfigKeys.CallbackRetryDelays, "soon")]
    [InlineData(ConfigKeys.CallbackTimeout, "0")]
    [InlineData(ConfigKeys.CallbackPollInterval, "-00:00:01")]
    public void From_InvalidDuration_Throws(string key, string value) =>
        Should.Throw<InvalidOperationException>(() => From(new() { [key] = value })).Message.ShouldContain(key);

    [Theory]
    [InlineData(0.0, 0.8)]
    [InlineData(0.5, 1.0)]
    [InlineData(0.999999, 1.2)]
    public void NextAttempt_JitterWithinTwentyPercent(double random, double factor)
    {
        var o = new CallbackOptions { RetryDelays = [Duration.FromMilliseconds(100), Duration.FromMinutes(10)] };
        var now = Created + Duration.FromMinutes(1);
        var next = o.NextAttempt(Created, 2, now, random)!.Value;
        (next - now).TotalSeconds.ShouldBe(600 * factor, tolerance: 0.001);
        (o.NextAttempt(Created, 1, now, random)!.Value - now).TotalMilliseconds.ShouldBe(100 * factor, tolerance: 0.001);
    }

    [Fact]
    public void NextAttempt_ScheduleExhausted_Null()
    {
        var o = new CallbackOptions { RetryDelays = [Duration.FromSeconds(1), Duration.FromSeconds(2)] };
        o.NextAttempt(Created, 2, Created, 0.5).ShouldNotBeNull();
        o.NextAttempt(Created, 3, Created, 0.5).ShouldBeNull();
    }

    [Fact]
    public void NextAttempt_NeverAfterTheWindow_AndNullOnceItIsOver()
    {
        var o = new CallbackOptions();
        var deadline = Created + CallbackOptions.RetryWindow;
        o.NextAttempt(Created, 11, deadline - Duration.FromHours(1), 0.999).ShouldBe(deadline);
        o.NextAttempt(Created, 3, deadline, 0.5).ShouldBeNull();
    }
}
