using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using RtsApp.Features.Applications;
using RtsApp.Features.Callbacks;
using RtsApp.Infrastructure;
using RtsApp.Store;
using RtsApp.Tests.Infrastructure;
using Reply = RtsApp.Tests.Features.Callbacks.CallbackReceiver.Reply;

namespace RtsApp.Tests.Features.Callbacks;

/// <summary>The worker against a real HTTP receiver. The worker reads the factory's default clock (not a test's own,
/// see <see cref="FakeClock"/>), and these tests move that clock to make retries and leases due, so each test owns its
/// app: no test's deliveries or clock moves can reach another's.</summary>
public sealed class CallbackDeliveryTests : IDisposable
{
    private RtsAppFactory App { get; } = RtsAppFactory.With(CallbackTestApp.Settings());

    public void Dispose() => App.Dispose();

    private static readonly object Payload = new
    {
        RealTimeScheduling = new { RealTimeSchedulingId = "sch_64b1859e8090ea21640c915f", Status = "completed" },
        User = new { Tzid = "Europe/London" },
        Note = "café — ünïcode",
        At = Instant.FromUtc(2026, 3, 27, 11, 0),
    };

    private async Task<(CreatedApplication Created, string Id)> NewApplicationAsync()
    {
        var created = await App.CreateApplicationAsync();
        return (created, await App.ApplicationIdAsync(created.ClientId));
    }

    [Fact]
    public async Task Delivery_PostsTheSignedPayload()
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        var (app, appId) = await NewApplicationAsync();

        var delivery = await App.EnqueueAsync(appId, receiver.Url, Payload);

        var request = (await receiver.ReceivedAsync(1)).Single();
        request.Method.ShouldBe("POST");
        request.Header("Content-Type").ShouldBe("application/json; charset=utf-8");
        request.Header("Rts-Delivery-Id").ShouldBe(delivery.Id);
        request.Header("Cronofy-HMAC-SHA256").ShouldBe(CallbackTestApp.Hmac(request.Body, app.ClientSecret));
        var json = Encoding.UTF8.GetString(request.Body);
        json.ShouldBe(JsonSerializer.Serialize(Payload, ApiJson.Options));
        json.ShouldBe(delivery.Payload);
        json.ShouldContain("\"real_time_scheduling_id\":\"sch_64b1859e8090ea21640c915f\"");
        json.ShouldContain("\"at\":\"2026-03-27T11:00:00Z\"");

        var done = await App.DeliveryWhenAsync(delivery.Id, d => d.Status == CallbackStatuses.Delivered, "delivered");
        done.Attempts.ShouldBe(1);
        done.LastStatusCode.ShouldBe(200);
        done.LastError.ShouldBeNull();
        done.DeliveredAt.ShouldBe(App.Clock.Now);
        done.LeaseOwner.ShouldBeNull();
    }

    [Fact]
    public async Task Delivery_DuringRotation_SignsWithBothSecrets()
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        var (app, appId) = await NewApplicationAsync();
        var rotated = await App.Services.GetRequiredService<ApplicationsHandler>().RotateSecretAsync(app.ClientId);

        await App.EnqueueAsync(appId, receiver.Url, Payload);

        var request = (await receiver.ReceivedAsync(1)).Single();
        request.Header("Cronofy-HMAC-SHA256").Split(',').ShouldBe(
        [
            CallbackTestApp.Hmac(request.Body, rotated!.ClientSecret),
            CallbackTestApp.Hmac(request.Body, app.ClientSecret),
        ]);
    }

    [Fact]
    public async Task Delivery_After500_RetriedWithTheSameDeliveryId()
    {
        await using var receiver = await CallbackReceiver.StartAsync(new Reply(500));
        var (_, appId) = await NewApplicationAsync();

        var delivery = await App.EnqueueAsync(appId, receiver.Url, Payload);

        var failed = await App.DeliveryWhenAsync(delivery.Id, d => d.Attempts == 1, "first attempt recorded");
        failed.Status.ShouldBe(CallbackStatuses.Pending);
        failed.LastStatusCode.ShouldBe(500);
        failed.LastError.ShouldBe("HTTP 500");
        failed.LeaseOwner.ShouldBeNull();
        (failed.NextAttemptAt - App.Clock.Now).ShouldBeInRange(CallbackTestApp.FirstRetry * 0.8, CallbackTestApp.FirstRetry * 1.2);
        receiver.Received.Count.ShouldBe(1); // not due again until the clock moves

        App.Clock.Advance(CallbackTestApp.FirstRetry * 1.2);

        var done = await App.DeliveryWhenAsync(delivery.Id, d => d.Status == CallbackStatuses.Delivered, "delivered on retry");
        done.Attempts.ShouldBe(2);
        done.LastStatusCode.ShouldBe(200);
        var requests = receiver.Received;
        requests.Count.ShouldBe(2);
        requests.Select(r => r.Header("Rts-Delivery-Id")).ShouldAllBe(id => id == delivery.Id);
        requests[1].Body.ShouldBe(requests[0].Body);
    }

    [Fact]
    public async Task Delivery_Timeout_Retried()
    {
        await using var receiver = await CallbackReceiver.StartAsync(new Reply(200, Delay: TimeSpan.FromSeconds(10)));
        var (_, appId) = await NewApplicationAsync();

        var delivery = await App.EnqueueAsync(appId, receiver.Url, Payload);

        var timedOut = await App.DeliveryWhenAsync(delivery.Id, d => d.Attempts == 1, "first attempt recorded");
        timedOut.Status.ShouldBe(CallbackStatuses.Pending);
        timedOut.LastStatusCode.ShouldBeNull();
        timedOut.LastError!.ShouldContain("timed out");

        App.Clock.Advance(CallbackTestApp.FirstRetry * 1.2);

        var done = await App.DeliveryWhenAsync(delivery.Id, d => d.Status == CallbackStatuses.Delivered, "delivered on retry");
        done.Attempts.ShouldBe(2);
    }

    [Fact]
    public async Task Delivery_ScheduleExhausted_Failed_ThenResendDelivers()
    {
        await using var receiver = await CallbackReceiver.StartAsync(new Reply(503), new Reply(503), new Reply(503));
        var (_, appId) = await NewApplicationAsync();
        var delivery = await App.EnqueueAsync(appId, receiver.Url, Payload);

        await App.DeliveryWhenAsync(delivery.Id, d => d.Attempts == 1, "first attempt");
        App.Clock.Advance(Duration.FromMinutes(2));
        await App.DeliveryWhenAsync(delivery.Id, d => d.Attempts == 2, "second attempt");
        App.Clock.Advance(Duration.FromMinutes(3));
        var failed = await App.DeliveryWhenAsync(delivery.Id, d => d.Status == CallbackStatuses.Failed, "failed after the last retry");
        failed.Attempts.ShouldBe(3);
        failed.LastStatusCode.ShouldBe(503);
        failed.DeliveredAt.ShouldBeNull();

        var dbFactory = App.Services.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<RtsDbContext>>();
        (await CallbackOutbox.ResendAsync(dbFactory, delivery.Id, App.Clock.Now, default)).ShouldBeTrue();
        (await CallbackOutbox.ResendAsync(dbFactory, "cbd_unknown", App.Clock.Now, default)).ShouldBeFalse();

        var requests = await receiver.ReceivedAsync(4);
        var resentId = requests[3].Header("Rts-Delivery-Id");
        resentId.ShouldNotBe(delivery.Id);
        requests[3].Body.ShouldBe(requests[0].Body);
        var resent = await App.DeliveryWhenAsync(resentId, d => d.Status == CallbackStatuses.Delivered, "re-sent delivery delivered");
        resent.LinkId.ShouldBe(delivery.LinkId);
        resent.Url.ShouldBe(delivery.Url);
        (await App.DeliveryAsync(delivery.Id)).Status.ShouldBe(CallbackStatuses.Failed); // the record of what happened stays
    }

    [Fact]
    public async Task Delivery_FailingAfterTheRetryWindow_FailedAtOnce()
    {
        await using var receiver = await CallbackReceiver.StartAsync(new Reply(500));
        var (_, appId) = await NewApplicationAsync();

        var delivery = await App.EnqueueAsync(appId, receiver.Url, Payload, createdAt: App.Clock.Now - Duration.FromHours(25));

        var failed = await App.DeliveryWhenAsync(delivery.Id, d => d.Attempts == 1, "attempted");
        failed.Status.ShouldBe(CallbackStatuses.Failed); // retries remain in the schedule, but 24 h have passed
        failed.LastStatusCode.ShouldBe(500);
    }

    [Fact]
    public async Task Lease_ExpiredTakenOver_LiveNot()
    {
        await using var expiredReceiver = await CallbackReceiver.StartAsync();
        await using var liveReceiver = await CallbackReceiver.StartAsync();
        var (_, appId) = await NewApplicationAsync();
        var now = App.Clock.Now;

        CallbackDelivery live;
        CallbackDelivery expired;
        await using (var db = App.Db())
        {
            // One save, so every pass of the worker that sees one of them sees both.
            expired = CallbackOutbox.Enqueue(db, appId, null, CallbackKinds.NoTimesSuitable, expiredReceiver.Url, Payload, now);
            expired.LeaseOwner = "dead-process";
            expired.LeaseUntil = now - Duration.FromSeconds(1);
            live = CallbackOutbox.Enqueue(db, appId, null, CallbackKinds.NoTimesSuitable, liveReceiver.Url, Payload, now);
            live.LeaseOwner = "live-process";
            live.LeaseUntil = now + Duration.FromSeconds(30);
            await db.SaveChangesAsync();
        }

        await App.DeliveryWhenAsync(expired.Id, d => d.Status == CallbackStatuses.Delivered, "expired lease taken over");
        liveReceiver.Received.ShouldBeEmpty();
        var waiting = await App.DeliveryAsync(live.Id);
        waiting.Status.ShouldBe(CallbackStatuses.Pending);
        waiting.LeaseOwner.ShouldBe("live-process");
        waiting.Attempts.ShouldBe(0);

        App.Clock.Advance(Duration.FromSeconds(31)); // the live process died after all
        await App.DeliveryWhenAsync(live.Id, d => d.Status == CallbackStatuses.Delivered, "delivered once its lease ran out");
        liveReceiver.Received.Count.ShouldBe(1);
    }

    [Fact]
    public async Task TryClaim_OneOwnerAtATime_UntilTheLeaseExpires()
    {
        var (_, appId) = await NewApplicationAsync();
        var later = App.Clock.Now + Duration.FromDays(365); // far beyond anything this test's worker will see as due
        var delivery = await App.EnqueueAsync(appId, "http://127.0.0.1:9/never", Payload, createdAt: later);

        await using var db = App.Db();
        (await CallbackWorker.TryClaimAsync(db, delivery.Id, "a", later - Duration.FromSeconds(1), CallbackOptions.DefaultLeaseDuration, default)).ShouldBeFalse(); // not due yet
        (await CallbackWorker.TryClaimAsync(db, delivery.Id, "a", later, CallbackOptions.DefaultLeaseDuration, default)).ShouldBeTrue();
        (await CallbackWorker.TryClaimAsync(db, delivery.Id, "b", later + Duration.FromSeconds(59), CallbackOptions.DefaultLeaseDuration, default)).ShouldBeFalse();
        (await App.DeliveryAsync(delivery.Id)).LeaseOwner.ShouldBe("a");
        (await CallbackWorker.TryClaimAsync(db, delivery.Id, "b", later + CallbackOptions.DefaultLeaseDuration + Duration.FromSeconds(1), CallbackOptions.DefaultLeaseDuration, default)).ShouldBeTrue();
        (await App.DeliveryAsync(delivery.Id)).LeaseOwner.ShouldBe("b");
    }
}
