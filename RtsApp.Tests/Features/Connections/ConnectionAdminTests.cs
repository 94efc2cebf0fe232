using System.Net;
using RtsApp.Tests.Components.Admin;
using RtsApp.Tests.Infrastructure;
using static RtsApp.Tests.Features.Connections.ConnectionCalls;

namespace RtsApp.Tests.Features.Connections;

/// <summary>The admin account page lists the account's connections and can sync one now (an antiforgery-protected form).</summary>
public sealed class ConnectionAdminTests
{
    [Fact]
    public async Task AccountPage_ListsConnections_SyncNowShowsTheResult()
    {
        await using var feeds = await FeedServer.StartAsync();
        await using var app = RtsAppFactory.With(new Dictionary<string, string?>(ConnectionsFixture.Settings.Concat(AdminSession.Settings())));
        var api = await app.CreateApiClientAsync();
        var (sub, _) = await api.CreateAccountAsync();
        var (feed, url) = feeds.Add(Feeds.Calendar(Feeds.Event("a", "20260323T090000Z", "20260323T100000Z"), Feeds.Event("b", "20260324T090000Z", "20260324T100000Z")));
        var connection = await ConnectAsync(api, sub, url);
        var session = await AdminSession.SignedInAsync(app);
        var path = "/admin/accounts/" + sub;

        var page = await session.PageAsync(path);
        var row = page.QuerySelector($"tr[data-connection-id='{Id(connection)}']").ShouldNotBeNull();
        row.GetAttribute("data-status").ShouldBe("active");
        row.QuerySelectorAll("td")[3].TextContent.Trim().ShouldBe("2");
        row.TextContent.ShouldContain("127.0.0.1");

        feed.Status = 404;
        var submitted = await session.SubmitAsync(page, "sync-connection", new() { ["SyncConnectionId"] = Id(connection) }, path);
        submitted.StatusCode.ShouldBe(HttpStatusCode.Redirect, await submitted.Content.ReadAsStringAsync());
        submitted.Headers.Location!.ToString().ShouldEndWith("?done=sync");

        var failed = await Eventually.HoldsAsync(() => session.PageAsync(path),
            p => p.QuerySelector($"tr[data-connection-id='{Id(connection)}']")?.GetAttribute("data-status") == "error", "the page shows the failed sync");
        failed.QuerySelector(".connection-error")!.TextContent.ShouldBe("the server answered 404");
        failed.QuerySelector($"tr[data-connection-id='{Id(connection)}']")!.QuerySelectorAll("td")[3].TextContent.Trim().ShouldBe("2"); // last good events kept

        var forged = await session.Http.PostAsync(path, new FormUrlEncodedContent(new Dictionary<string, string>
        { ["_handler"] = "sync-connection", ["SyncConnectionId"] = Id(connection) }));
        forged.StatusCode.ShouldBe(HttpStatusCode.SeeOther); // no antiforgery token: the page again, nothing done
        forged.Headers.Location!.ToString().ShouldBe(path + "?notice=expired");
        (await session.PageAsync(forged.Headers.Location.ToString())).QuerySelector("[data-test=form-expired]").ShouldNotBeNull();
    }
}
