using NodaTime;
namespace RtsApp.Features.Connections;

/// <summary><c>Rts:Connections</c>: how calendar connections are checked and kept in sync (SPEC §13). Durations are
/// <c>hh:mm:ss</c> (<c>d.hh:mm:ss</c> for days).</summary>
public sealed class ConnectionOptions
{
    public const string Section = "Rts:Connections";

    /// <summary>How often each connection is synced.</summary>
    public TimeSpan SyncInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How far ahead a sync keeps events; the window kept starts a day before now.</summary>
    public TimeSpan Horizon { get; set; } = TimeSpan.FromDays(400);

    /// <summary>One download's time limit (connecting, headers and body). Creating a connection waits at most
    /// <see cref="CreateCheckLimit"/> whatever this says.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>SPEC §13 (a): how long a booking waits for the connected calendars' servers to confirm the time.</summary>
    public TimeSpan BookingCheckTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Allows calendar servers on loopback and private networks. Unset: true in Development only (the
    /// default is filled in by <see cref="ConnectionsSetup"/>).</summary>
    public bool? AllowPrivateNetworks { get; set; }

    /// <summary>SPEC §13: creating a connection checks it synchronously, 15 s at most.</summary>
    public static readonly TimeSpan CreateCheckLimit = TimeSpan.FromSeconds(15);

    /// <summary>The most a feed may weigh; reading stops beyond it.</summary>
    public const int MaxFeedBytes = 10 * 1024 * 1024;

    /// <summary>The most occurrences one sync keeps for one calendar.</summary>
    public const int MaxInstances = 50_000;

    public static readonly TimeSpan MaxHorizon = TimeSpan.FromDays(3660);

    /// <summary>How long a full read stays enough: the sync window moves with the clock, and unchanged recurring events
    /// must get their occurrences in the part it has moved into (<see cref="Store.CalendarConnection.ExpandedAt"/>).</summary>
    public static readonly Duration ReExpandAfter = Duration.FromDays(1);

    /// <summary>Whether the next sync of a connection last expanded at <paramref name="expandedAt"/> must read everything.</summary>
    public static bool MustReExpand(Instant? expandedAt, Instant now) => expandedAt is not { } at || now - at >= ReExpandAfter;

    /// <summary>The retry delay after <paramref name="failures"/> failed syncs in a row: the interval doubled per
    /// failure, at most an hour (or the interval, if longer), ±20 % jitter (<paramref name="random"/> in [0, 1)) so that
    /// many feeds failing together are not retried together.</summary>
    public TimeSpan RetryDelay(int failures, double random)
    {
        var cap = SyncInterval > TimeSpan.FromHours(1) ? SyncInterval : TimeSpan.FromHours(1);
        var doubled = SyncInterval.TotalSeconds * Math.Pow(2, Math.Clamp(failures - 1, 0, 30));
        var delay = Math.Min(doubled, cap.TotalSeconds);
        return TimeSpan.FromSeconds(delay * (0.8 + 0.4 * Math.Clamp(random, 0, 1)));
    }

    /// <summary>How long a worker owns a connection it claimed: longer than a download, a parse and a write can take.</summary>
    public TimeSpan LeaseDuration => Timeout + Timeout + TimeSpan.FromMinutes(2);
}
