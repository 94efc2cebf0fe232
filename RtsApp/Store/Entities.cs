using NodaTime;

namespace RtsApp.Store;

/// <summary>An API client. Secrets are kept as a SHA-256 hash (for look-up) and Data-Protection-encrypted
/// (to sign callbacks); the plain secret is shown once and never stored.</summary>
public sealed class ApiApplication
{
    public required string Id { get; set; }
    public required string Name { get; set; }
    public required string ClientId { get; set; }
    public required string SecretHash { get; set; }
    public required string SecretProtected { get; set; }
    /// <summary>The secret replaced by the last rotation; valid until <see cref="PreviousSecretExpiresAt"/>.</summary>
    public string? PreviousSecretHash { get; set; }
    public string? PreviousSecretProtected { get; set; }
    public Instant? PreviousSecretExpiresAt { get; set; }
    public Instant CreatedAt { get; set; }
}

/// <summary>A person or resource whose calendars count (Cronofy's <c>sub</c>).</summary>
public sealed class Account
{
    public required string Id { get; set; }
    public required string ApplicationId { get; set; }
    public required string Name { get; set; }
    public string? Email { get; set; }
    public required string Tzid { get; set; }
    public required string AccessTokenHash { get; set; }
    public Instant CreatedAt { get; set; }
    /// <summary>Bumped by every booking that involves this account: the first statement of a booking transaction, so
    /// bookings touching the same people are serialized (a row lock on PostgreSQL, the write lock on SQLite).</summary>
    public long BookingVersion { get; set; }
}

public sealed class Calendar
{
    public required string Id { get; set; }
    public required string ApplicationId { get; set; }
    public required string AccountId { get; set; }
    public required string Name { get; set; }
    public bool IsPrimary { get; set; }
    public Instant CreatedAt { get; set; }
    /// <summary>The connection this calendar comes from (SPEC §13); null for a calendar of this service.</summary>
    public string? ConnectionId { get; set; }
    /// <summary>Events cannot be written into it through the API or by bookings (an ICS feed, a read-only CalDAV calendar).</summary>
    public bool ReadOnly { get; set; }
    /// <summary>A CalDAV calendar's collection URL (absolute, ending in '/'); null otherwise.</summary>
    public string? RemoteUrl { get; set; }
    /// <summary>A CalDAV calendar's sync state between runs (JSON: sync-collection offered, token, ctag, ETag per href).</summary>
    public string? SyncState { get; set; }
    /// <summary>A CalDAV calendar its server no longer has (the collection answers 404 or 410): its synced events are gone
    /// and the API reports <c>calendar_deleted: true</c>. Its syncs go on, so a calendar made again at that URL comes back.</summary>
    public bool Deleted { get; set; }
    /// <summary>Counts the changes to this calendar's events. Kept by database triggers on <c>events</c> (migration
    /// BusyVersions) in the same transaction as the change, whoever makes it; never written by the application. Busy time
    /// cached under one value is current for as long as the calendar still has it (<see cref="Features.Availability.BusyTimeCache"/>).</summary>
    public long BusyVersion { get; set; }
}

/// <summary>An event in a calendar. <see cref="Start"/>/<see cref="End"/> are the instants it occupies (half-open);
/// for an all-day event they are the starts of its first day and of the day after its last, in <see cref="Tzid"/>,
/// and <see cref="StartDate"/>/<see cref="EndDate"/> keep the dates as given.</summary>
public sealed class CalendarEvent
{
    public required string Id { get; set; }
    public required string ApplicationId { get; set; }
    public required string CalendarId { get; set; }
    public required string EventId { get; set; }
    public required string Summary { get; set; }
    public string? Description { get; set; }
    public Instant Start { get; set; }
    public Instant End { get; set; }
    public required string Tzid { get; set; }
    public LocalDate? StartDate { get; set; }
    public LocalDate? EndDate { get; set; }
    public string? LocationDescription { get; set; }
    /// <summary>Opaque events are busy time; transparent ones are not.</summary>
    public bool Transparent { get; set; }
    /// <summary>The link whose booking wrote this event (SPEC §8: no other link's booking may move or overwrite it).</summary>
    public string? LinkId { get; set; }
    /// <summary>The UID of the calendar object a connection's sync brought this event from; null for events written
    /// through the API or by bookings. A sync replaces exactly the events of its calendar that carry one.</summary>
    public string? SourceUid { get; set; }
    /// <summary>The href (absolute path) of the CalDAV object this event was expanded from: a changed or removed
    /// object replaces or deletes exactly its events. Null for ICS feeds and events of this service.</summary>
    public string? SourceHref { get; set; }
    public Instant CreatedAt { get; set; }
    public Instant UpdatedAt { get; set; }
}

/// <summary>An ASP.NET Core Data Protection key, kept in the database so that every process and every restart
/// can read the secrets encrypted with it.</summary>
public sealed class DataProtectionKey
{
    public int Id { get; set; }
    public string? FriendlyName { get; set; }
    public required string Xml { get; set; }
}

/// <summary>A real-time scheduling or sequencing link (<c>sch_…</c>). The token in its URL is kept as a look-up hash
/// and encrypted (to rebuild the URL). <see cref="SpecJson"/> is the validated link (what the page, booking, the status
/// call and the dashboard read); <see cref="RequestJson"/> is the request as received, kept for the record only.</summary>
public sealed class SchedulingLink
{
    public required string Id { get; set; }
    public required string ApplicationId { get; set; }
    /// <summary><see cref="LinkKinds"/>.</summary>
    public required string Kind { get; set; }
    public required string TokenHash { get; set; }
    public required string TokenProtected { get; set; }
    /// <summary><see cref="LinkStatuses"/>: open, completed or disabled; "expired" is derived from <see cref="ExpiresAt"/>.</summary>
    public required string Status { get; set; }
    public required string EventId { get; set; }
    public required string Summary { get; set; }
    public required string DisplayTzid { get; set; }
    public required string RequestJson { get; set; }
    /// <summary>The validated link spec as JSON; filled for links of earlier versions by the start-up upgrade.</summary>
    public required string SpecJson { get; set; }
    /// <summary>The end of the link's last query period: an open link is expired from then on.</summary>
    public Instant ExpiresAt { get; set; }
    public string? DisplayMessage { get; set; }
    /// <summary>The booking: chosen times, participants and the user's zone, as JSON.</summary>
    public string? ChosenJson { get; set; }
    public Instant? ChosenStart { get; set; }
    public Instant? ChosenEnd { get; set; }
    public Instant? CompletedAt { get; set; }
    public Instant? DisabledAt { get; set; }
    /// <summary>When the page first showed no times: the mark that queues the no_times_displayed callback once.</summary>
    public Instant? NoTimesDisplayedAt { get; set; }
    /// <summary>When the person first said none of the times work: the mark that queues the no_times_suitable callback
    /// once, however often the form is sent.</summary>
    public Instant? NoTimesSuitableAt { get; set; }
    public Instant CreatedAt { get; set; }
}

/// <summary>An event_id a link's booking will write into a target calendar, recorded at creation so that two open or
/// completed links cannot claim the same event (SPEC §8, <c>errors.event_id_in_use</c>).</summary>
public sealed class LinkEventClaim
{
    public required string LinkId { get; set; }
    public required string ApplicationId { get; set; }
    public required string CalendarId { get; set; }
    public required string EventId { get; set; }
}

public static class LinkKinds
{
    public const string Scheduling = "scheduling";
    public const string Sequencing = "sequencing";
}

public static class LinkStatuses
{
    public const string Open = "open";
    public const string Completed = "completed";
    public const string Disabled = "disabled";
    public const string Expired = "expired";
}

/// <summary>One callback to send (the outbox): the exact body bytes, signed when sent. At least once; the
/// <see cref="Id"/> is the <c>Rts-Delivery-Id</c> header, stable across retries.</summary>
public sealed class CallbackDelivery : ILeased
{
    public required string Id { get; set; }
    public required string ApplicationId { get; set; }
    public string? LinkId { get; set; }
    /// <summary>completed, no_times_suitable or no_times_displayed.</summary>
    public required string Kind { get; set; }
    public required string Url { get; set; }
    public required string Payload { get; set; }
    /// <summary><see cref="CallbackStatuses"/>.</summary>
    public required string Status { get; set; }
    public int Attempts { get; set; }
    public Instant NextAttemptAt { get; set; }
    public Instant? LastAttemptAt { get; set; }
    public int? LastStatusCode { get; set; }
    public string? LastError { get; set; }
    /// <summary>A worker's lease: another process may take the delivery once it has passed.</summary>
    public Instant? LeaseUntil { get; set; }
    public string? LeaseOwner { get; set; }
    public Instant CreatedAt { get; set; }
    public Instant? DeliveredAt { get; set; }
}

public static class CallbackStatuses
{
    public const string Pending = "pending";
    public const string Delivered = "delivered";
    public const string Failed = "failed";
}

/// <summary>The admin dashboard's one sign-in (SPEC §10): the password only as a hash. The sign-in limits are in
/// <see cref="ThrottleWindow"/>.</summary>
public sealed class AdminCredential
{
    /// <summary>There is one row; its id is <see cref="SingleId"/>.</summary>
    public const string SingleId = "admin";

    public required string Id { get; set; }
    /// <summary>ASP.NET Core Identity's <c>PasswordHasher</c> format (PBKDF2 with a random salt).</summary>
    public required string PasswordHash { get; set; }
    /// <summary>No longer used (the one global lockout, replaced by <see cref="ThrottleWindow"/>); the column stays so
    /// that the schema only grows and older processes keep working during a rolling upgrade.</summary>
    public int FailedAttempts { get; set; }
    /// <summary>No longer used, like <see cref="FailedAttempts"/>.</summary>
    public Instant? LockedUntil { get; set; }
    public Instant UpdatedAt { get; set; }
}

/// <summary>An admin session ended by signing out (its id is the session cookie's <c>rts:admin_session</c> claim): its
/// cookie is refused until <see cref="Until"/>, by when it would have expired anyway, so a copy of the cookie kept from
/// before the sign-out opens nothing.</summary>
public sealed class AdminSignedOutSession
{
    public required string SessionId { get; set; }
    public Instant Until { get; set; }
}

/// <summary>One fixed window of a limit counted in the database (<see cref="DatabaseThrottles"/>), for one <see cref="Key"/>:
/// admin sign-in attempts per client (<c>ip:…</c>) and overall (<c>*</c>), and on PostgreSQL each application's API
/// requests per second and per minute (<c>app:…</c>). <see cref="Attempts"/> counts what was let through since
/// <see cref="WindowStart"/>. The table keeps the name it got when only the sign-in used it
/// (<c>admin_sign_in_throttles</c>), so that the schema only grows.</summary>
public sealed class ThrottleWindow
{
    public required string Key { get; set; }
    public Instant WindowStart { get; set; }
    public int Attempts { get; set; }
}

/// <summary>An account's weekly working hours (SPEC §12), addressed by the client's own <see cref="RuleId"/>, unique per
/// account. The weekly periods and calendar ids are kept as JSON in their wire shape: they are always read whole.</summary>
public sealed class AvailabilityRule
{
    public required string AccountId { get; set; }
    /// <summary>The client's <c>availability_rule_id</c>.</summary>
    public required string RuleId { get; set; }
    public required string Tzid { get; set; }
    /// <summary><c>["cal_…"]</c>; <c>[]</c> when the rule names no calendars.</summary>
    public required string CalendarIdsJson { get; set; }
    /// <summary><c>[{"day", "start_time", "end_time"}]</c>, as validated.</summary>
    public required string WeeklyPeriodsJson { get; set; }
    public Instant CreatedAt { get; set; }
    public Instant UpdatedAt { get; set; }
}

/// <summary>A one-off period when an account is available (SPEC §12), half-open, addressed by the client's own
/// <see cref="PeriodId"/>, unique per account.</summary>
public sealed class AvailablePeriodRow
{
    public required string AccountId { get; set; }
    /// <summary>The client's <c>available_period_id</c>.</summary>
    public required string PeriodId { get; set; }
    public Instant Start { get; set; }
    public Instant End { get; set; }
    public Instant CreatedAt { get; set; }
}

/// <summary>A calendar connection (SPEC §13, <c>con_…</c>): an account's calendars elsewhere, kept in sync by the
/// connection worker, which leases the row while it syncs.</summary>
public sealed class CalendarConnection : ILeased
{
    public required string Id { get; set; }
    public required string ApplicationId { get; set; }
    public required string AccountId { get; set; }
    /// <summary><see cref="ConnectionProviders"/>.</summary>
    public required string Provider { get; set; }
    public required string Url { get; set; }
    /// <summary><see cref="ConnectionStatuses"/>.</summary>
    public required string Status { get; set; }
    /// <summary>Why the last sync failed, for people; null while active.</summary>
    public string? Error { get; set; }
    /// <summary>When the connection last had the server's current content (downloaded, or confirmed unchanged).</summary>
    public Instant? LastSyncedAt { get; set; }
    /// <summary>Objects the last read sync could not read (SPEC §13: counted, never fatal).</summary>
    public int SkippedObjects { get; set; }
    /// <summary>Failed syncs in a row: the retry backoff grows with it.</summary>
    public int Failures { get; set; }
    /// <summary>The validators of the last good download, for a conditional GET.</summary>
    public string? ETag { get; set; }
    public string? LastModified { get; set; }
    /// <summary>When the whole feed or calendar was last read and expanded over the sync window (not a 304 or an
    /// incremental sync): a recurring event unchanged on the server has occurrences only up to that read's horizon, so
    /// after <see cref="Features.Connections.ConnectionOptions.ReExpandAfter"/> the next sync reads everything again.</summary>
    public Instant? ExpandedAt { get; set; }
    /// <summary>A CalDAV connection's user name (null: no credentials sent).</summary>
    public string? Username { get; set; }
    /// <summary>A CalDAV connection's password, protected with ASP.NET Core Data Protection; never returned.</summary>
    public string? PasswordProtected { get; set; }
    /// <summary>When a worker should sync next; "sync now" sets it to the distant past.</summary>
    public Instant NextSyncAt { get; set; }
    public Instant? LeaseUntil { get; set; }
    public string? LeaseOwner { get; set; }
    public Instant CreatedAt { get; set; }
}

/// <summary>SPEC §13 "Connect page": a link (<c>/connect/{token}</c>) where one account's person connects a calendar. The
/// token is kept only as its look-up hash (<see cref="Infrastructure.Ids.Hash"/>); the page acts for
/// <see cref="AccountId"/> alone until <see cref="ExpiresAt"/>.</summary>
public sealed class ConnectLink
{
    public required string Id { get; set; }
    public required string ApplicationId { get; set; }
    public required string AccountId { get; set; }
    public required string TokenHash { get; set; }
    /// <summary>Where "Done" sends the person (with <c>?sub=</c>): an ASCII absolute http(s) URL, or null.</summary>
    public string? RedirectUri { get; set; }
    public Instant ExpiresAt { get; set; }
    public Instant CreatedAt { get; set; }
}

/// <summary>SPEC §13 (c): one booked event to write into a CalDAV calendar, kept until the server accepted it (a durable
/// outbox like callbacks', leased the same way). <see cref="IcsText"/> is fixed when the booking commits, so every
/// attempt PUTs the same object with the same UID.</summary>
public sealed class CalDavWriteBack : ILeased
{
    public required string Id { get; set; }
    public required string ApplicationId { get; set; }
    public required string LinkId { get; set; }
    public required string CalendarId { get; set; }
    public required string EventId { get; set; }
    public required string Uid { get; set; }
    public required string IcsText { get; set; }
    /// <summary><see cref="CallbackStatuses"/>: pending until delivered.</summary>
    public required string Status { get; set; }
    public int Attempts { get; set; }
    public string? LastError { get; set; }
    /// <summary>The object's href once written.</summary>
    public string? Href { get; set; }
    public Instant NextAttemptAt { get; set; }
    public Instant? DeliveredAt { get; set; }
    public Instant? LeaseUntil { get; set; }
    public string? LeaseOwner { get; set; }
    public Instant CreatedAt { get; set; }
}

public static class ConnectionProviders
{
    public const string Ics = "ics";
    public const string CalDav = "caldav";
}

public static class ConnectionStatuses
{
    public const string Active = "active";
    public const string Error = "error";
}
