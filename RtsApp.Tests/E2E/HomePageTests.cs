using RtsApp.Tests.E2E.Infrastructure;

namespace RtsApp.Tests.E2E;

[Collection(LiveAppCollection.Name)]
public sealed class HomePageTests(LiveApp app)
{
    [Fact]
    public async Task HomePage_RendersInChromium_WithLinksToDashboardAndApi()
    {
        var page = await app.NewPageAsync();
        var response = await page.GotoAsync("/");
        response!.Status.ShouldBe(200);
        (await page.Locator("h1").InnerTextAsync()).ShouldBe("RtsApp");
        (await page.Locator("a[href='/admin']").CountAsync()).ShouldBeGreaterThan(0);
        (await page.Locator("a[href='/openapi/v1.json']").CountAsync()).ShouldBeGreaterThan(0);
        await LiveApp.ScreenshotAsync(page, "home-1280");
    }
}
