using Microsoft.EntityFrameworkCore;
using NodaTime;
using RtsApp.Features.Callbacks;
using RtsApp.Infrastructure;
using RtsApp.Store;
using RtsApp.Tests.Infrastructure;

namespace RtsApp.Tests.Features.Callbacks;

/// <summary>Deliveries outlive the process that queued them, and targets inside the network are refused outside
/// Development. Each test builds its own app(s).</summary>
public sealed class CallbackRestartTests
{
    [Fact]
    public async Task Delivery_QueuedWhileNoWorkerRuns_SentByTheNextProcess()
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        // One database for both processes, on the run's provider.
        using var shared = TestDatabase.Create();
        var settings = CallbackTestApp.Settings();
        foreach (var (key, value) in shared.Settings) settings[key] = value;

        string appId, secret;
        using (var first = RtsAppFactory.With(settings))
        {
            var app = await first.CreateApplicationAsync();
            (appId, secret) = (await first.ApplicationIdAsync(app.ClientId), app.ClientSecret);
        }

        string deliveryId;
        await using (var db = shared.Context())
        {
            deliveryId = CallbackOutbox.Enqueue(db, appId, "sch_restart", CallbackKinds.Completed, receiver.Url, new { Restart = true }, RtsAppFactory.DefaultNow).Id;
            await db.SaveChangesAsync();
        }
        receiver.Received.ShouldBeEmpty();

        using var second = RtsAppFactory.With(settings);
        _ = second.Services; // starts the host, and with it the worker
        var request = (await receiver.ReceivedAsync(1)).Single();
        request.Header("Rts-Delivery-Id").ShouldBe(deliveryId);
        request.Header("Cronofy-HMAC-SHA256").ShouldBe(CallbackTestApp.Hmac(request.Body, secret)); // keys live in the database
        await second.DeliveryWhenAsync(deliveryId, d => d.Status == CallbackStatuses.Delivered, "delivered after the restart");
    }

    [Theory]
    [InlineData("http://127.0.0.1:{0}/callback")]
    [InlineData("http://localhost:{0}/callback")]
    [InlineData("http://{1}:{0}/callback")] // the machine's own host name resolves to its interface addresses
    public async Task Delivery_ToThisMachine_RefusedOutsideDevelopment(string template)
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        var port = new Uri(receiver.Url).Port;
        using var app = RtsAppFactory.With(CallbackTestApp.Settings(allowPrivateNetworks: false));
        var created = await app.CreateApplicationAsync();

        var url = string.Format(System.Globalization.CultureInfo.InvariantCulture, template, port, System.Net.Dns.GetHostName());
        var delivery = await app.EnqueueAsync(await app.ApplicationIdAsync(created.ClientId), url, new { Refused = true });

        var attempted = await app.DeliveryWhenAsync(delivery.Id, d => d.Attempts == 1, "attempted");
        attempted.Status.ShouldBe(CallbackStatuses.Pending); // a refusal is a failed attempt like any other
        attempted.LastStatusCode.ShouldBeNull();
        attempted.LastError!.ShouldContain("refused");
        receiver.Received.ShouldBeEmpty();
    }

    /// <summary>The address check after DNS, below the URL check: a name that resolves into the network is refused.</summary>
    [Fact]
    public async Task Handler_NameResolvingToLoopback_RefusedUnlessAllowed()
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        var byName = receiver.Url.Replace("127.0.0.1", "localhost");

        using var strict = new HttpClient(CallbackSender.CreateHandler(new CallbackOptions { AllowPrivateNetworks = false }));
        var refused = await Should.ThrowAsync<HttpRequestException>(() => strict.PostAsync(byName, null));
        refused.InnerException!.Message.ShouldContain("refused: localhost resolves only to loopback, private-network or other non-public addresses");
        receiver.Received.ShouldBeEmpty();

        using var allowed = new HttpClient(CallbackSender.CreateHandler(new CallbackOptions { AllowPrivateNetworks = true }));
        (await allowed.PostAsync(byName, null)).IsSuccessStatusCode.ShouldBeTrue();
        receiver.Received.Count.ShouldBe(1);
    }

    /// <summary>A callback to the machine's own host name: whatever its interface addresses are, every one is checked,
    /// and only an approved one would be connected to — the receiver on loopback is never reached.</summary>
    [Fact]
    public async Task Handler_MachinesOwnHostName_RefusedUnlessAllowed()
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        var host = System.Net.Dns.GetHostName();
        var byName = receiver.Url.Replace("127.0.0.1", host, StringComparison.Ordinal);
        var addresses = await System.Net.Dns.GetHostAddressesAsync(host);

        using var strict = new HttpClient(CallbackSender.CreateHandler(new CallbackOptions { AllowPrivateNetworks = false }));
        var refused = await Should.ThrowAsync<HttpRequestException>(() => strict.PostAsync(byName, null));
        if (addresses.All(RtsApp.Infrastructure.Network.PublicAddressGuard.IsRefused))
            refused.InnerException!.Message.ShouldContain($"refused: {host} resolves only to");
        receiver.Received.ShouldBeEmpty();
    }
}
