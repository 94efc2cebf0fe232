using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc.Testing;
using RtsApp.Features.Callbacks;
using RtsApp.Infrastructure;
using RtsApp.Store;
using RtsApp.Tests.Components.Scheduling;
using RtsApp.Tests.Infrastructure;

namespace RtsApp.Tests.Components.Admin;

/// <summary>The dashboard's lists and link detail: people by name (linking to their account), who booked, one display zone
/// for every time (labelled), callback results written once, pending retries not counted as failing, the links list's
/// date filter, invitee search and copy-link buttons, stacked-row markup.</summary>
public sealed class AdminListsTests(AdminPagesFixture fixture) : IClassFixture<AdminPagesFixture>
{
    private RtsAppFactory App => fixture.App;

    /// <summary>A scheduling link booked through its page by Grace Hopper.</summary>
    private async Task<TestLink> BookedLinkAsync(string summary)
    {
        var link = await SchedulingLinks.CreateAsync(await App.CreateApiClientAsync(), (body, _) => body["event"]!["summary"] = summary);
        var http = App.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var confirm = await Html.GetAsync(http, link.Path + "?start=2026-03-23T10:00:00Z");
        (await Html.SubmitWithAsync(http, confirm.QuerySelector("form:has(button[data-action=confirm])")!, new Dictionary<string, string>
        {
            ["Confirm.Name"] = "Grace Hopper",
            ["Confirm.Email"] = "grace@example.com",
            ["Confirm.Notes"] = "Ring the bell",
        })).StatusCode.ShouldBe(HttpStatusCode.SeeOther);
        return link;
    }

    [Fact]
    public async Task LinksList_NamesParticipants_ShowsWhoBooked_AndCopiesLinks()
    {
        var link = await BookedLinkAsync("Quokka chat");
        var session = await AdminSession.SignedInAsync(App);

        var page = await session.PageAsync("/admin/links?q=quokka");
        var row = page.QuerySelector($"tr[data-link-id='{link.Id}']")!;
        var person = row.QuerySelector("[data-test=participants] a")!;
        person.TextContent.ShouldBe("Ann");
        person.GetAttribute("href").ShouldBe("/admin/accounts/" + link.Sub);
        row.QuerySelector("[data-test=participants]")!.TextContent.ShouldNotContain("acc_");
        row.QuerySelector("[data-test=booked]")!.TextContent.ShouldContain("Mon 23 Mar 2026, 10:00 UTC");
        row.QuerySelector("[data-test=booked]")!.TextContent.ShouldContain("by Grace Hopper");
        row.QuerySelector("button[data-copy]")!.GetAttribute("data-copy").ShouldBe("http://localhost" + link.Path);
        row.QuerySelectorAll("td").ShouldAllBe(td => td.HasAttribute("data-label"));
        page.QuerySelector("table.table-stack").ShouldNotBeNull();
        page.QuerySelector($"script[src*='admin']").ShouldNotBeNull();
    }

    [Fact]
    public async Task LinksList_SearchesTheInvitee_AndFiltersByCreationDay()
    {
        var link = await BookedLinkAsync("Wombat review");
        var session = await AdminSession.SignedInAsync(App);

        (await session.PageAsync("/admin/links?q=grace%40example.com")).QuerySelector($"tr[data-link-id='{link.Id}']").ShouldNotBeNull();
        (await session.PageAsync("/admin/links?q=hopper")).QuerySelector($"tr[data-link-id='{link.Id}']").ShouldNotBeNull();
        // Links are created at the fake clock's 2026-03-20T12:00Z.
        (await session.PageAsync("/admin/links?q=wombat&from=2026-03-20&to=2026-03-20")).QuerySelectorAll("tr[data-link-id]").Length.ShouldBe(1);
        (await session.PageAsync("/admin/links?q=wombat&from=2026-03-21")).QuerySelector("[data-test=no-links]").ShouldNotBeNull();
        (await session.PageAsync("/admin/links?q=wombat&to=2026-03-19")).QuerySelector("[data-test=no-links]").ShouldNotBeNull();
        (await session.PageAsync("/admin/links?q=wombat&from=nonsense")).QuerySelectorAll("tr[data-link-id]").Length.ShouldBe(1);
    }

    [Fact]
    public async Task LinkDetail_NamesParticipants_AndWhoBooked()
    {
        var link = await BookedLinkAsync("Numbat interview");
        var session = await AdminSession.SignedInAsync(App);
        var page = await session.PageAsync("/admin/links/" + link.Id);

        page.QuerySelector("[data-test=booked-participants] a")!.GetAttribute("href").ShouldBe("/admin/accounts/" + link.Sub);
        page.QuerySelector("[data-test=booked-participants]")!.TextContent.ShouldContain("Ann");
        var who = page.QuerySelector("[data-test=invitee]")!.TextContent;
        who.ShouldContain("Grace Hopper");
        who.ShouldContain("grace@example.com");
        who.ShouldContain("Ring the bell");
        page.QuerySelector("dd a[href='/admin/accounts/" + link.Sub + "']").ShouldNotBeNull();
    }

    [Fact]
    public async Task Callbacks_ResultWrittenOnce_AndPendingRetriesAreNotFailing()
    {
        var (_, _, _, linkId) = await AdminPagesTests.SeedAsync(App, "Retry App", "Retry link");
        string failedId, pendingId;
        await using (var db = App.Db())
        {
            var appId = db.Links.Single(l => l.Id == linkId).ApplicationId;
            var failed = CallbackOutbox.Enqueue(db, appId, linkId, CallbackKinds.Completed, "http://127.0.0.1:9/a", new { x = 1 }, App.Clock.Now);
            (failed.Status, failed.Attempts, failed.LastStatusCode, failed.LastError) = (CallbackStatuses.Failed, 9, 503, "HTTP 503");
            var pending = CallbackOutbox.Enqueue(db, appId, linkId, CallbackKinds.NoTimesSuitable, "http://127.0.0.1:9/b", new { x = 1 }, App.Clock.Now);
            // Its next attempt is an hour away, so the worker leaves it alone during the test.
            (pending.Status, pending.Attempts, pending.LastError, pending.NextAttemptAt) =
                (CallbackStatuses.Pending, 2, "timed out after 10 s", App.Clock.Now + NodaTime.Duration.FromHours(1));
            await db.SaveChangesAsync();
            (failedId, pendingId) = (failed.Id, pending.Id);
        }
        var session = await AdminSession.SignedInAsync(App);

        var overview = await session.PageAsync("/admin");
        overview.QuerySelector($"tr[data-delivery-id='{failedId}']").ShouldNotBeNull();
        overview.QuerySelector($"tr[data-delivery-id='{pendingId}']").ShouldBeNull();
        overview.QuerySelector("[data-test=retrying]")!.TextContent.ShouldContain("will be retried");

        var detail = await session.PageAsync("/admin/links/" + linkId);
        detail.QuerySelector($"tr[data-delivery-id='{failedId}'] [data-test=last-result]")!.TextContent.Trim().ShouldBe("503");
        detail.QuerySelector($"tr[data-delivery-id='{pendingId}'] [data-test=last-result]")!.TextContent.Trim().ShouldBe("timed out after 10 s");
    }

    [Fact]
    public async Task AdminTimeZone_LabelsEveryTime()
    {
        using var app = RtsAppFactory.With(new Dictionary<string, string?>(AdminSession.Settings()) { [ConfigKeys.AdminTimeZone] = "Europe/Berlin" });
        var (_, _, _, linkId) = await AdminPagesTests.SeedAsync(app, "Zone App", "Zone link");
        var session = await AdminSession.SignedInAsync(app);

        var list = await session.PageAsync("/admin/links");
        // Created at the fake clock's 12:00Z: 13:00 in Berlin.
        list.QuerySelector($"tr[data-link-id='{linkId}'] td[data-label=Created]")!.TextContent.ShouldBe("Fri 20 Mar 2026, 13:00 Europe/Berlin");
        var detail = await session.PageAsync("/admin/links/" + linkId);
        detail.Body!.TextContent.ShouldContain("Fri 20 Mar 2026, 13:00 Europe/Berlin");
        (await session.PageAsync("/admin")).QuerySelector("caption")!.TextContent.ShouldContain("Europe/Berlin");
    }
}
