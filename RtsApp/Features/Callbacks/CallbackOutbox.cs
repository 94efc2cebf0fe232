using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using NodaTime;
using RtsApp.Infrastructure;
using RtsApp.Store;

namespace RtsApp.Features.Callbacks;

/// <summary>What a callback reports (the <see cref="CallbackDelivery.Kind"/>).</summary>
public static class CallbackKinds
{
    public const string Completed = "completed";
    public const string NoTimesSuitable = "no_times_suitable";
    public const string NoTimesDisplayed = "no_times_displayed";

    public static bool IsKnown(string kind) => kind is Completed or NoTimesSuitable or NoTimesDisplayed;
}

/// <summary>The callback outbox: deliveries are rows written in the same transaction as the change they report, and
/// sent later by <see cref="CallbackWorker"/> — so a callback is never lost to a crash or restart, and never sent for a
/// change that was rolled back.</summary>
public static class CallbackOutbox
{
    public const string IdPrefix = "cbd_";

    /// <summary>Adds a pending delivery to the (tracked) context; the caller saves it in its own transaction. Payload is
    /// serialized once with <see cref="ApiJson.Options"/> and those exact UTF-8 bytes are what is signed and sent on
    /// every attempt. Once the context has saved, this process's worker is woken at once.</summary>
    public static CallbackDelivery Enqueue(RtsDbContext db, string applicationId, string? linkId, string kind, string url, object payload, Instant now)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(applicationId);
        ArgumentException.ThrowIfNullOrWhiteSpace(url);
        ArgumentNullException.ThrowIfNull(payload);
        if (!CallbackKinds.IsKnown(kind)) throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a CallbackKinds value");
        var delivery = NewDelivery(applicationId, linkId, kind, url, JsonSerializer.Serialize(payload, payload.GetType(), ApiJson.Options), now);
        db.CallbackDeliveries.Add(delivery);
        WakeWorkerAfterSave(db);
        return delivery;
    }

    /// <summary>Re-sends a delivered or failed delivery (admin dashboard) as a NEW pending delivery with the same
    /// application, link, kind, URL and payload bytes, and a new id. A new row, not a reset, because the old row is the
    /// record of what happened (attempts, last status, error) that the dashboard shows, and because a receiver that
    /// de-duplicates on <c>Rts-Delivery-Id</c> would drop a re-send of a delivery it already took: an operator re-sends
    /// precisely because the receiver needs it again. False when the id is unknown or the delivery is still pending
    /// (it will be sent anyway).</summary>
    public static async Task<bool> ResendAsync(IDbContextFactory<RtsDbContext> dbFactory, string deliveryId, Instant now, CancellationToken ct,
        string? linkId = null)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var original = await db.CallbackDeliveries.AsNoTracking().FirstOrDefaultAsync(d => d.Id == deliveryId, ct);
        if (original is null || original.Status == CallbackStatuses.Pending || (linkId is not null && original.LinkId != linkId)) return false;
        db.CallbackDeliveries.Add(NewDelivery(original.ApplicationId, original.LinkId, original.Kind, original.Url, original.Payload, now));
        WakeWorkerAfterSave(db);
        await db.SaveChangesAsync(ct);
        return true;
    }

    private static CallbackDelivery NewDelivery(string applicationId, string? linkId, string kind, string url, string payload, Instant now) => new()
    {
        Id = Ids.New(IdPrefix),
        ApplicationId = applicationId,
        LinkId = linkId,
        Kind = kind,
        Url = url,
        Payload = payload,
        Status = CallbackStatuses.Pending,
        NextAttemptAt = now,
        CreatedAt = now,
    };

    /// <summary>Wakes the worker after the save rather than now, when the row is not yet visible to it. Inside an
    /// explicit transaction the save precedes the commit, so the worker may still miss it then; it finds the row on
    /// its next poll.</summary>
    private static void WakeWorkerAfterSave(RtsDbContext db)
    {
        void OnSaved(object? sender, SavedChangesEventArgs e)
        {
            db.SavedChanges -= OnSaved;
            CallbackSignal.Notify();
        }
        db.SavedChanges += OnSaved;
    }
}

/// <summary>Wakes every callback worker in this process (<see cref="WorkSignal"/>).</summary>
internal static class CallbackSignal
{
    private static readonly WorkSignal Signal = new();

    public static Task Next => Signal.Next;

    public static void Notify() => Signal.Notify();
}
