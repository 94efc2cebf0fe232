using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using RtsApp.Tests.Infrastructure;

namespace RtsApp.Tests.E2E.Infrastructure;

/// <summary>The app on a real Kestrel port on 127.0.0.1, and Debian's Chromium driven by Playwright, headless.
/// Each browser context has a fixed time zone and locale, so what the page shows does not depend on the machine.</summary>
public sealed class LiveApp : IAsyncLifetime
{
    public const string BrowserTimeZone = "Europe/London";
    public static readonly string ChromiumPath = Environment.GetEnvironmentVariable("RTS_CHROMIUM") ?? "/usr/bin/chromium";

    public RtsAppFactory Factory { get; } = RtsAppFactory.With(new Dictionary<string, string?>
    {
        ["Rts:Callbacks:AllowPrivateNetworks"] = "true",
        ["Rts:Callbacks:RetryDelays"] = "00:00:01,00:00:01,00:00:02",
        ["Rts:Admin:Password"] = AdminPassword,
    });

    public const string AdminPassword = "live app admin password";

    public string BaseUrl { get; private set; } = "";
    private IPlaywright? playwright;
    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Factory.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        Factory.StartServer();
        BaseUrl = Factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--disable-quic"],
        });
    }

    /// <summary>A fresh page (own cookies) at the given width; JavaScript can be switched off.</summary>
    public async Task<IPage> NewPageAsync(int width = 1280, int height = 900, bool javaScript = true, string timeZone = BrowserTimeZone)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseUrl,
            TimezoneId = timeZone,
            Locale = "en-GB",
            ViewportSize = new ViewportSize { Width = width, Height = height },
            JavaScriptEnabled = javaScript,
        });
        context.SetDefaultTimeout(15_000);
        return await context.NewPageAsync();
    }

    /// <summary>Saves a full-page screenshot under artifacts/screenshots/ at the repository root, for a person to look at.</summary>
    public static async Task<string> ScreenshotAsync(IPage page, string name)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "RtsApp.sln"))) dir = dir.Parent;
        var folder = Path.Combine(dir?.FullName ?? Path.GetTempPath(), "artifacts", "screenshots");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, name + ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        return path;
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        playwright?.Dispose();
        await Factory.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class LiveAppCollection : ICollectionFixture<LiveApp>
{
    public const string Name = "live app";
}
