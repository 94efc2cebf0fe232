using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using RtsApp.Features.Booking;
using RtsApp.Infrastructure;
using RtsApp.Tests.Infrastructure;

namespace RtsApp.Tests.Store;

/// <summary>A link stored by the version before links kept their validated spec still opens and books after the upgrade.</summary>
public sealed class LinkSpecUpgradeTests
{
    private const string PreviousMigration = "20261122000000_AdminCredentials";
    private const string Token = "old-link-token-0123456789abcdefghijklmnopqrstuvwxyz";

    /// <summary>The request as the previous version stored it (LinkRequest.ToJson: snake_case, availability normalized).</summary>
    private const string OldRequestJson = """
        {"oauth":{"redirect_uri":"https://app.example/after","state":"s1"},"event":{"event_id":"old-1","summary":"Old interview","description":"Kept","tzid":"Europe/London"},"target_calendars":[{"sub":"acc_1","calendar_id":"cal_1"}],"tzid":"Europe/London","availability":{"participants":[{"members":[{"sub":"acc_1"}],"required":"all"}],"required_duration":{"minutes":60},"query_periods":[{"start":"2026-03-27T09:00:00Z","end":"2026-03-27T11:00:00Z"}]}}
        """;

    [Fact]
    public async Task LinkOfThePreviousVersion_OpensAndBooks_AfterTheUpgrade()
    {
        using var database = TestDatabase.Create();
        await using (var db = database.Context())
        {
            db.GetService<IMigrator>().Migrate(PreviousMigration);
            var hash = Ids.Hash(Token);
            var expires = Instant.FromUtc(2026, 3, 27, 11, 0).ToUnixTimeTicks();
            var created = RtsAppFactory.DefaultNow.ToUnixTimeTicks();
            db.Database.ExecuteSqlRaw("""
                INSERT INTO "applications" ("Id", "Name", "ClientId", "SecretHash", "SecretProtected", "CreatedAt") VALUES ('app_1', 'Old', 'ci_1', 'h1', 'p1', 0);
                INSERT INTO "accounts" ("Id", "ApplicationId", "Name", "Tzid", "AccessTokenHash", "CreatedAt", "BookingVersion") VALUES ('acc_1', 'app_1', 'Ann', 'Europe/London', 'th1', 0, 0);
                INSERT INTO "calendars" ("Id", "ApplicationId", "AccountId", "Name", "IsPrimary", "CreatedAt") VALUES ('cal_1', 'app_1', 'acc_1', 'Work', TRUE, 0);
                INSERT INTO "links" ("Id", "ApplicationId", "Kind", "TokenHash", "TokenProtected", "Status", "EventId", "Summary", "DisplayTzid", "RequestJson", "ExpiresAt", "CreatedAt")
                  VALUES ('sch_1', 'app_1', 'scheduling', {0}, 'unused', 'open', 'old-1', 'Old interview', 'Europe/London', {1}, {2}, {3});
                """, hash, OldRequestJson.Trim(), expires, created);
        }

        using var app = RtsAppFactory.On(database);
        var pages = app.Services.GetRequiredService<LinkPages>();
        var page = (await pages.GetPageAsync(Token, default)).ShouldNotBeNull();
        page.Status.ShouldBe("open");
        page.Description.ShouldBe("Kept");
        page.Times.Select(t => t.Start).ShouldBe([Instant.FromUtc(2026, 3, 27, 9, 0), Instant.FromUtc(2026, 3, 27, 9, 30), Instant.FromUtc(2026, 3, 27, 10, 0)]);

        var result = await app.Services.GetRequiredService<BookingCommand>().BookAsync(Token, Instant.FromUtc(2026, 3, 27, 9, 30), null, default);

        result.ShouldBe(new BookingResult.Booked("https://app.example/after?state=s1&token=" + Token));
        await using var check = app.Db();
        var ev = await check.Events.SingleAsync();
        (ev.EventId, ev.CalendarId, ev.LinkId, ev.Start).ShouldBe(("old-1", "cal_1", "sch_1", Instant.FromUtc(2026, 3, 27, 9, 30)));
        (await check.Links.SingleAsync()).Status.ShouldBe("completed");
        (await check.LinkEventClaims.SingleAsync()).EventId.ShouldBe("old-1");
    }
}
