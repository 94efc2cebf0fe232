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
}

public sealed class Calendar
{
    public required string Id { get; set; }
    public required string ApplicationId { get; set; }
    public required string AccountId { get; set; }
    public required string Name { get; set; }
    public bool IsPrimary { get; set; }
    public Instant CreatedAt { get; set; }
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
