using RtsApp.Infrastructure;

namespace RtsApp.Tests.Infrastructure;

/// <summary>A bad setting stops the start with a message naming its key, before the service answers anything.</summary>
public sealed class StartupSettingsTests
{
    [Theory]
    [InlineData(ConfigKeys.RateLimitPerSecond, "-1")]
    [InlineData(ConfigKeys.RateLimitPerMinute, "-5")]
    [InlineData(ConfigKeys.PublicBaseUrl, "not a url")]
    [InlineData(ConfigKeys.DatabaseProvider, "Oracle")]
    [InlineData(ConfigKeys.CallbackRetryDelays, "soon")]
    [InlineData(ConfigKeys.CallbackTimeout, "-00:00:01")]
    [InlineData(ConfigKeys.ConnectionsSyncInterval, "00:00:00")]
    [InlineData(ConfigKeys.ConnectionsSyncInterval, "soon")]
    [InlineData(ConfigKeys.ConnectionsHorizon, "-1.00:00:00")]
    [InlineData(ConfigKeys.ConnectionsTimeout, "01:00:00")]
    [InlineData(ConfigKeys.ConnectionsAllowPrivateNetworks, "maybe")]
    [InlineData(ConfigKeys.AdminTimeZone, "Mars/Olympus")]
    public void Start_WithABadSetting_FailsNamingTheKey(string key, string value)
    {
        using var factory = RtsAppFactory.With(new Dictionary<string, string?> { [key] = value });
        var error = Should.Throw<Exception>(() => factory.CreateClient());
        Flatten(error).ShouldContain(key);
    }

    [Fact]
    public async Task Start_WithGoodSettings_Answers()
    {
        using var factory = RtsAppFactory.With(new Dictionary<string, string?>
        {
            [ConfigKeys.RateLimitPerSecond] = "0",
            [ConfigKeys.PublicBaseUrl] = "https://rts.example.com",
        });
        (await factory.CreateClient().GetAsync("/healthz")).IsSuccessStatusCode.ShouldBeTrue();
    }

    private static string Flatten(Exception e) => e.InnerException is null ? e.Message : e.Message + " / " + Flatten(e.InnerException);
}
