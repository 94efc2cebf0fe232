using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using NodaTime;
using RtsApp.Features.Callbacks;
using RtsApp.Infrastructure;
using RtsApp.Store;
using RtsApp.Tests.Infrastructure;

namespace RtsApp.Tests.Features.Callbacks;

/// <summary>The app configured for fast callback tests: private targets allowed (the receiver is on 127.0.0.1), a
/// 3-second timeout, a 100 ms poll, and retries after 1 and 2 minutes of the fake clock. The timeout is short so that a
/// test forcing one stays quick, and not shorter, because on a loaded machine a fresh receiver's first answer can take
/// over a second (a 1-second timeout failed an unrelated test that way).</summary>
public static class CallbackTestApp
{
    public static readonly Duration FirstRetry = Duration.FromMinutes(1);

    public static Dictionary<string, string?> Settings(bool allowPrivateNetworks = true) => new()
    {
        [ConfigKeys.CallbackAllowPrivateNetworks] = allowPrivateNetworks ? "true" : "false",
        [ConfigKeys.CallbackRetryDelays + ":0"] = "00:01:00",
        [ConfigKeys.CallbackRetryDelays + ":1"] = "00:02:00",
        [ConfigKeys.CallbackTimeout] = "00:00:03",
        [ConfigKeys.CallbackPollInterval] = "00:00:00.1",
    };

    public static async Task<string> ApplicationIdAsync(this RtsAppFactory factory, string clientId)
    {
        await using var db = factory.Db();
        return await db.Applications.Where(a => a.ClientId == clientId).Select(a => a.Id).SingleAsync();
    }

    public static async Task<CallbackDelivery> EnqueueAsync(this RtsAppFactory factory, string applicationId, string url, object payload,
        Instant? createdAt = null, Action<CallbackDelivery>? adjust = null)
    {
        await using var db = factory.Db();
        var delivery = CallbackOutbox.Enqueue(db, applicationId, "sch_test", CallbackKinds.Completed, url, payload, createdAt ?? factory.Clock.Now);
        adjust?.Invoke(delivery);
        await db.SaveChangesAsync();
        return delivery;
    }

    public static async Task<CallbackDelivery> DeliveryAsync(this RtsAppFactory factory, string id)
    {
        await using var db = factory.Db();
        return await db.CallbackDeliveries.AsNoTracking().SingleAsync(d => d.Id == id);
    }

    public static Task<CallbackDelivery> DeliveryWhenAsync(this RtsAppFactory factory, string id, Func<CallbackDelivery, bool> condition, string what) =>
        Eventually.HoldsAsync(() => factory.DeliveryAsync(id), condition, what);

    public static Task<IReadOnlyList<ReceivedCallback>> ReceivedAsync(this CallbackReceiver receiver, int count) =>
        Eventually.HoldsAsync(() => receiver.Received, r => r.Count >= count, $"{count} request(s) received");

    /// <summary>The signature computed independently of the app's signer.</summary>
    public static string Hmac(byte[] body, string secret) =>
        Convert.ToBase64String(new HMACSHA256(Encoding.UTF8.GetBytes(secret)).ComputeHash(body));
}
