using System.Diagnostics.CodeAnalysis;

namespace RtsApp.Features.Connections.CalDav;

/// <summary>Why a CalDAV call failed, coarse enough to tell the user what to do about it (SPEC §13).</summary>
public enum CalDavFailureKind
{
    /// <summary>401 (or 403 during discovery): "the server refused the credentials".</summary>
    Credentials,
    /// <summary>The URL answers, but not as a CalDAV server: no multistatus, no principal, no calendar home, 404/405.</summary>
    NotCalDav,
    /// <summary>No HTTP answer: connection refused, DNS, TLS, timeout, or an address the SSRF rule refuses.</summary>
    Unreachable,
    /// <summary>A CalDAV server that answered a request with an error status or a body this client cannot use
    /// (too large, malformed XML).</summary>
    Rejected,
    /// <summary>A calendar collection that answers 404 or 410: perhaps deleted on the server since it was found (a sync
    /// confirms it with discovery before it believes it).</summary>
    Gone,
}

/// <summary>A failed call: the kind and a sentence for the connection's <c>error</c> field.</summary>
public sealed record CalDavFailure(CalDavFailureKind Kind, string Reason);

/// <summary>A value or the failure in its place; exactly one is set.</summary>
public readonly struct CalDavResult<T> where T : class
{
    private CalDavResult(T? value, CalDavFailure? failure)
    {
        Value = value;
        Failure = failure;
    }

    public T? Value { get; }
    public CalDavFailure? Failure { get; }

    [MemberNotNullWhen(true, nameof(Value))]
    [MemberNotNullWhen(false, nameof(Failure))]
    public bool Succeeded => Value is not null;

    public static CalDavResult<T> Success(T value) => new(value ?? throw new ArgumentNullException(nameof(value)), null);

    public static CalDavResult<T> Failed(CalDavFailure failure) => new(null, failure ?? throw new ArgumentNullException(nameof(failure)));

    public override string ToString() => Succeeded ? $"ok: {Value}" : $"{Failure.Kind}: {Failure.Reason}";
}

/// <summary>Basic-auth credentials; a null or empty <see cref="Username"/> sends no Authorization header (Xandikos
/// and other servers behind their own front door).</summary>
public sealed record CalDavCredentials(string? Username, string? Password)
{
    public static readonly CalDavCredentials None = new(null, null);

    // The password is never printed (records print every property by default).
    public override string ToString() => $"CalDavCredentials {{ Username = {Username} }}";
}

/// <summary>One calendar collection found by discovery. <see cref="Url"/> is absolute and ends in '/';
/// <see cref="ReadOnly"/> is true when <c>current-user-privilege-set</c> lacks write, write-content and all;
/// <see cref="SupportsSyncCollection"/> when the collection has a <c>sync-token</c> or lists the
/// <c>sync-collection</c> report.</summary>
public sealed record CalDavCalendarRef(Uri Url, string DisplayName, bool ReadOnly, string? CTag, string? SyncToken, bool SupportsSyncCollection);

/// <summary>What discovery found: the principal, its calendar home, and the calendars there that can hold VEVENTs.</summary>
public sealed record CalDavDiscovery(Uri Principal, Uri CalendarHome, IReadOnlyList<CalDavCalendarRef> Calendars);

/// <summary>What a sync remembers between runs: the RFC 6578 token (null when not used), the CalendarServer ctag,
/// and the ETag of every object, by href (the absolute path).</summary>
public sealed record CalDavSyncState(string? SyncToken, string? CTag, IReadOnlyDictionary<string, string> ETags);

/// <summary>One calendar object resource: its href (absolute path), ETag, and iCalendar text.</summary>
public sealed record CalDavObject(string Href, string ETag, string IcsText);

/// <summary>Objects fetched by href: those the server has, and the hrefs it no longer has.</summary>
public sealed record CalDavFetched(IReadOnlyList<CalDavObject> Objects, IReadOnlyList<string> Gone);

/// <summary>The changes since the previous state: objects added or changed (with their text), hrefs removed, and the
/// state to store for next time. <see cref="FullResync"/> is true when everything was listed again (first sync, or
/// the server no longer accepted the token); the removals are then the previously known hrefs that are gone.</summary>
public sealed record CalDavSyncResult(IReadOnlyList<CalDavObject> Changed, IReadOnlyList<string> Removed, CalDavSyncState State, bool FullResync)
{
    /// <summary>The calendar is no longer on the server: nothing of it is kept (an empty full resync).</summary>
    public static CalDavSyncResult Gone { get; } = new([], [], new CalDavSyncState(null, null, new Dictionary<string, string>()), true) { IsGone = true };

    public bool IsGone { get; private init; }
}

/// <summary>How a write-back PUT ended: <see cref="Created"/> (201/204), or <see cref="AlreadyExists"/> — the calendar
/// already holds an object with this UID, which is what a retry after a lost response finds.</summary>
public enum CalDavPutOutcome
{
    Created,
    AlreadyExists,
}

/// <summary>The result of <see cref="CalDavClient.PutEventAsync"/>: the outcome and the object's href.</summary>
public sealed record CalDavPut(CalDavPutOutcome Outcome, string Href);

/// <summary>Limits and switches of one <see cref="CalDavClient"/>.</summary>
public sealed record CalDavClientOptions
{
    /// <summary>A response body larger than this is refused (a calendar server is not a download site).</summary>
    public long MaxResponseBytes { get; init; } = 10 * 1024 * 1024;
    /// <summary>How many hrefs one <c>calendar-multiget</c> asks for.</summary>
    public int MultigetBatchSize { get; init; } = 100;
    /// <summary>Each HTTP request ends after this long (on top of the caller's token).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(15);
    /// <summary>False forces the ctag + <c>calendar-query</c> ETag comparison even where <c>sync-collection</c> is offered.</summary>
    public bool UseSyncCollection { get; init; } = true;
    /// <summary>Loopback and private-network server URLs are refused unless this is true
    /// (<c>Rts:Connections:AllowPrivateNetworks</c>); the HTTP handler checks resolved addresses again.</summary>
    public bool AllowPrivateNetworks { get; init; }
}
