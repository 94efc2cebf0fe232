using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using RtsApp.Infrastructure;
using RtsApp.Tests.Infrastructure;

namespace RtsApp.Tests.E2E.Infrastructure;

/// <summary>The app on a real Kestrel port on 127.0.0.1, and Debian's Chromium driven by Playwright, headless.
/// Each browser context has a fixed time zone and locale, so what the page shows does not depend on the machine.
/// The app is shared by every E2E test: tests never move its clock (<see cref="FakeClock"/>); one that must, starts a
/// <see cref="LiveServer"/> of its own with <see cref="StartOwnServer"/>.</summary>
public sealed class LiveApp : IAsyncLifetime
{
    public const string BrowserTimeZone = "Europe/London";
    public static readonly string ChromiumPath = Environment.GetEnvironmentVariable("RTS_CHROMIUM") ?? "/usr/bin/chromium";

    public const string AdminPassword = LiveServer.AdminPassword;

    private LiveServer? server;
    public LiveServer Server => server ?? throw new InvalidOperationException("The live app has not started.");
    public RtsAppFactory Factory => Server.Factory;
    public string BaseUrl => Server.BaseUrl;
    private IPlaywright? playwright;
    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        // Web-first assertions (Expect) wait as long as actions do (SetDefaultTimeout below), not Playwright's 5 s: on a
        // busy machine a redirect or a page load can take longer than that.
        Assertions.SetDefaultExpectTimeout(15_000);
        server = LiveServer.Start();
        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--disable-quic"],
        });
    }

    /// <summary>Another app like the shared one, on its own port and database, driven by the same browser: for a test
    /// that moves the app's clock (background workers read the default clock). Dispose it at the end of the test.</summary>
    public static LiveServer StartOwnServer() => LiveServer.Start();

    /// <summary>A fresh page (own cookies) at the given width, on the shared app unless <paramref name="on"/> says
    /// otherwise; JavaScript can be switched off.</summary>
    public async Task<IPage> NewPageAsync(int width = 1280, int height = 900, bool javaScript = true, string timeZone = BrowserTimeZone,
        LiveServer? on = null)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = (on ?? Server).BaseUrl,
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
        if (server is not null) await server.DisposeAsync();
    }
}

/// <summary>One app on a real Kestrel port on 127.0.0.1 (callbacks and calendar connections to private networks allowed, a short retry
/// schedule, a known admin password).</summary>
public sealed class LiveServer : IAsyncDisposable
{
    public const string AdminPassword = "live app admin password";

    private LiveServer(RtsAppFactory factory, string baseUrl)
    {
        Factory = factory;
        BaseUrl = baseUrl;
    }

    public RtsAppFactory Factory { get; }
    public string BaseUrl { get; }

    public static LiveServer Start()
    {
        var factory = RtsAppFactory.With(new Dictionary<string, string?>
        {
            [ConfigKeys.CallbackAllowPrivateNetworks] = "true",
            [ConfigKeys.ConnectionsAllowPrivateNetworks] = "true",
            [ConfigKeys.CallbackRetryDelays] = "00:00:01,00:00:01,00:00:02",
            [ConfigKeys.AdminPassword] = AdminPassword,
        });
        factory.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        factory.StartServer();
        var baseUrl = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
        return new LiveServer(factory, baseUrl);
    }

    public ValueTask DisposeAsync() => Factory.DisposeAsync();
}

[CollectionDefinition(Name)]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix", Justification = "An xunit collection definition.")]
public sealed class LiveAppCollection : ICollectionFixture<LiveApp>
{
    public const string Name = "live app";
}
