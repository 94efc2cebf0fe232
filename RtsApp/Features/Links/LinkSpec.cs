using System.Text.Json.Serialization;
using NodaTime;
using RtsApp.Features.Availability;
using RtsApp.Infrastructure;

namespace RtsApp.Features.Links;

/// <summary>The event a link books: validated, its zone a known tzdb id. <see cref="Organizer"/> is the host's display
/// name (null: the application's name).</summary>
public sealed record LinkEventSpec(string EventId, string Summary, string? Description, string Tzid, string? Location, string? Organizer = null);

/// <summary>What the page asks of the person booking: name and email are optional unless required here.</summary>
public sealed record InviteeRules(bool RequireName, bool RequireEmail);

public sealed record TargetCalendarSpec(string Sub, string CalendarId);

/// <summary>Where callbacks go; each null when not requested. An empty string is none, also in a link stored before
/// requests said so (it used to be stored, and the page and the booking then failed to queue a callback to it).</summary>
public sealed record LinkCallbackUrls(string? Completed, string? NoTimesSuitable, string? NoTimesDisplayed)
{
    public string? Completed { get; init; } = Given(Completed);
    public string? NoTimesSuitable { get; init; } = Given(NoTimesSuitable);
    public string? NoTimesDisplayed { get; init; } = Given(NoTimesDisplayed);

    /// <summary>An optional URL as the request validator reads it: null or empty is none.</summary>
    public static string? Given(string? url) => string.IsNullOrEmpty(url) ? null : url;
}

/// <summary>Where the person goes after booking (SPEC §7): ASCII absolute URLs, or none (the confirmation page).</summary>
public sealed record LinkRedirect(string? CompletedUrl, string? OAuthRedirectUri, string? OAuthState)
{
    /// <summary><c>redirect_urls.completed_url?token=</c>, else <c>oauth.redirect_uri?state=&amp;token=</c>, else null.</summary>
    public string? For(string token)
    {
        var tokenQuery = "token=" + Uri.EscapeDataString(token);
        if (CompletedUrl is { } done) return WebUrls.WithQuery(done, tokenQuery);
        if (OAuthRedirectUri is { } redirect)
            return WebUrls.WithQuery(redirect, (OAuthState is { } state ? "state=" + Uri.EscapeDataString(state) + "&" : "") + tokenQuery);
        return null;
    }
}

/// <summary>A validated real-time scheduling or sequencing link (SPEC §6), as stored with the link and read by the page,
/// booking, the status call and the dashboard. Exactly one of <see cref="Availability"/> (scheduling) and
/// <see cref="Sequence"/> (sequencing) is set; each already carries the link's minimum notice and alignment zone.
/// Fields added later are optional, so a spec stored by an earlier version still reads: <see cref="Invitee"/> null asks
/// for nothing, <see cref="Locale"/> null follows the person's browser.</summary>
public sealed record LinkSpec(
    LinkEventSpec Event,
    AvailabilitySpec? Availability,
    SequenceSpec? Sequence,
    IReadOnlyList<TargetCalendarSpec> TargetCalendars,
    string DisplayTzid,
    LinkCallbackUrls Callbacks,
    LinkRedirect Redirect,
    bool SingleEvent,
    bool TwentyFourHour,
    InviteeRules? Invitee = null,
    string? Locale = null)
{
    [JsonIgnore]
    public bool IsSequencing => Sequence is not null;

    /// <summary>The instant after which an open link is expired: the end of its last query period.</summary>
    [JsonIgnore]
    public Instant ExpiresAt => (Sequence?.AllPeriods ?? Availability?.QueryPeriods ?? []).Max(p => p.End);

    /// <summary>How long a booking lasts: the duration, or every step's summed.</summary>
    [JsonIgnore]
    public Duration Duration => Sequence?.TotalDuration ?? Availability?.RequiredDuration ?? Duration.Zero;

    [JsonIgnore]
    public Duration MinimumNotice => Sequence?.MinimumNotice ?? Availability?.MinimumNotice ?? Duration.Zero;

    /// <summary>Every participant group, of every step.</summary>
    [JsonIgnore]
    public IEnumerable<GroupSpec> Groups => Sequence?.Steps.SelectMany(s => s.Participants) ?? Availability?.Participants ?? [];

    /// <summary>Every account a booking of this link can touch, sorted: the lock order.</summary>
    [JsonIgnore]
    public IEnumerable<string> InvolvedAccounts =>
        Groups.SelectMany(g => g.Members).Select(m => m.Sub).Concat(TargetCalendars.Select(t => t.Sub)).Distinct().Order(StringComparer.Ordinal);

    /// <summary>Every event_id a booking of this link writes.</summary>
    [JsonIgnore]
    public IEnumerable<string> EventIds => Sequence?.Steps.Select(s => StepEvent(s).EventId) ?? [Event.EventId];

    /// <summary>Each step's event: its own <c>event</c>, else the link's summary with <c>event_id-sequence_id</c>.</summary>
    public StepEventSpec StepEvent(SequenceStepSpec step) =>
        step.Event ?? new StepEventSpec($"{Event.EventId}-{step.SequenceId}", Event.Summary, null);

    /// <summary>The description of the event a step books (<paramref name="sequenceId"/>; null for a scheduling link):
    /// the step's own event's, else the link's.</summary>
    public string? DescriptionOf(string? sequenceId) =>
        (sequenceId is null ? null : Sequence?.Steps.FirstOrDefault(s => s.SequenceId == sequenceId)?.Event?.Description) ?? Event.Description;
}
