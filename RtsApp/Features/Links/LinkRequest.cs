using System.Text.Json;
using System.Text.Json.Serialization;
using FluentValidation;
using NodaTime;
using RtsApp.Features.Availability;
using RtsApp.Features.Calendars;
using RtsApp.Infrastructure;

namespace RtsApp.Features.Links;

public sealed record OAuthRequest(string? RedirectUri, string? Scope, string? State);
public sealed record TargetCalendarRequest(string? Sub, string? CalendarId);
public sealed record CallbackUrlsRequest(string? CompletedUrl, string? NoTimesSuitableUrl, string? NoTimesDisplayedUrl);
public sealed record RedirectUrlsRequest(string? CompletedUrl);
/// <summary><c>formatting</c>; <c>locale</c> is an RtsApp extension that forces the page's language (else Accept-Language).</summary>
public sealed record FormattingRequest(string? HourFormat, string? Locale = null);

/// <summary>RtsApp extension <c>invitee</c>: whether the page requires the person's name and email (both optional by default).</summary>
public sealed record InviteeRequest(bool? RequireName, bool? RequireEmail);

/// <summary>The event a link books. <c>start</c>/<c>end</c> must be absent: the person picks the time. <c>organizer</c> is an
/// RtsApp extension: the name the page shows as the host (else the application's name).</summary>
public sealed record LinkEventRequest(
    string? EventId, string? Summary, string? Description, string? Tzid, EventLocation? Location,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] JsonElement? Start,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] JsonElement? End,
    string? Organizer = null);

/// <summary>SPEC §6: the body of <c>POST /v1/real_time_scheduling</c> and <c>/v1/real_time_sequencing</c>. Stored (without
/// credentials) as the link's request, and read back whenever the page computes times.</summary>
public sealed class LinkRequest
{
    public OAuthRequest? Oauth { get; init; }
    public LinkEventRequest? Event { get; init; }
    /// <summary>Real-time scheduling: an availability query (SPEC §4).</summary>
    [JsonIgnore] public AvailabilityRequest? Availability { get; set; }
    /// <summary>Real-time sequencing: a sequence (SPEC §5).</summary>
    [JsonIgnore] public SequencedAvailabilityRequest? Sequence { get; set; }
    [JsonPropertyName("availability")] public JsonElement? AvailabilityJson { get; init; }
    /// <summary>Cronofy's misspelling, accepted for real-time sequencing.</summary>
    [JsonPropertyName("availablity")] public JsonElement? AvailablityJson { get; init; }
    public List<TargetCalendarRequest>? TargetCalendars { get; init; }
    public string? Tzid { get; init; }
    public string? CallbackUrl { get; init; }
    public CallbackUrlsRequest? CallbackUrls { get; init; }
    public RedirectUrlsRequest? RedirectUrls { get; init; }
    public Duration? MinimumNotice { get; init; }
    public string? EventCreation { get; init; }
    public FormattingRequest? Formatting { get; init; }
    public InviteeRequest? Invitee { get; init; }

    /// <summary>Reads the availability part for a link kind; an error when it cannot be read.</summary>
    public ApiError? ReadAvailability(bool sequencing)
    {
        var raw = AvailabilityJson is { ValueKind: not JsonValueKind.Null } a ? a : sequencing ? AvailablityJson : null;
        var name = AvailabilityJson is { ValueKind: not JsonValueKind.Null } || !sequencing ? "availability" : "availablity";
        if (raw is not { ValueKind: JsonValueKind.Object } obj) return ApiError.RequiredField("availability");
        try
        {
            if (sequencing) Sequence = obj.Deserialize<SequencedAvailabilityRequest>(ApiJson.Options);
            else Availability = obj.Deserialize<AvailabilityRequest>(ApiJson.Options);
            return null;
        }
        catch (JsonException ex)
        {
            return ApiError.FromJson(ex, name);
        }
    }

    /// <summary>The request as received, for the record (credentials are never part of it).</summary>
    public string ToJson(bool sequencing)
    {
        var node = JsonSerializer.SerializeToNode(this, ApiJson.Options)!.AsObject();
        node.Remove("availablity");
        node["availability"] = sequencing ? JsonSerializer.SerializeToNode(Sequence, ApiJson.Options) : JsonSerializer.SerializeToNode(Availability, ApiJson.Options);
        return node.ToJsonString(ApiJson.Options);
    }

    /// <summary>Reads a request stored by <see cref="ToJson"/>.</summary>
    public static LinkRequest? FromJson(string json, bool sequencing)
    {
        var request = JsonSerializer.Deserialize<LinkRequest>(json, ApiJson.Options);
        return request?.ReadAvailability(sequencing) is null ? request : null;
    }

    /// <summary>Parse once: reads the availability part, validates everything, and returns the link's spec.</summary>
    public Outcome<LinkSpec> Parse(bool sequencing, bool allowPrivateCallbacks)
    {
        if (ReadAvailability(sequencing) is { } unreadable) return unreadable;
        if (ApiError.Validate(LinkRequestValidator.For(sequencing, allowPrivateCallbacks), this) is { } invalid) return invalid;
        var ev = Validated.Value(Event, "event");
        var eventTzid = Validated.Value(ev.Tzid, "event.tzid");
        var display = Tzid ?? eventTzid;
        var displayZone = TzdbZones.Get(display);
        AvailabilitySpec? availability = null;
        SequenceSpec? sequence = null;
        // The top-level minimum notice applies to the availability query; slots align in availability.tzid, else the display zone (SPEC §6).
        if (sequencing)
        {
            var s = Validated.Value(Sequence, "availability").ToSpec(displayZone);
            sequence = MinimumNotice is { } n ? s with { MinimumNotice = n } : s;
        }
        else
        {
            var a = Validated.Value(Availability, "availability").ToSpec(displayZone);
            availability = MinimumNotice is { } n ? a with { MinimumNotice = n } : a;
        }
        var spec = new LinkSpec(
            new LinkEventSpec(Validated.Value(ev.EventId, "event.event_id"), Validated.Value(ev.Summary, "event.summary"),
                ev.Description, eventTzid, ev.Location?.Description, ev.Organizer),
            availability,
            sequence,
            Validated.Value(TargetCalendars, "target_calendars")
                .Select(t => new TargetCalendarSpec(Validated.Value(t.Sub, "sub"), Validated.Value(t.CalendarId, "calendar_id"))).ToList(),
            display,
            new LinkCallbackUrls(LinkCallbackUrls.Given(CallbackUrls?.CompletedUrl) ?? CallbackUrl, CallbackUrls?.NoTimesSuitableUrl,
                CallbackUrls?.NoTimesDisplayedUrl),
            new LinkRedirect(WebUrls.Normalize(RedirectUrls?.CompletedUrl), WebUrls.Normalize(Oauth?.RedirectUri), Oauth?.State),
            EventCreation == LinkLimits.SingleEvent,
            Formatting?.HourFormat != LinkLimits.TwelveHour,
            Invitee is { } invitee ? new InviteeRules(invitee.RequireName == true, invitee.RequireEmail == true) : null,
            Formatting?.Locale);
        return DuplicateStepEvent(spec) is { } clash ? clash : spec;
    }

    /// <summary>Each step books its own event, so no two steps may end up with one event_id: from their own
    /// <c>event</c>, or made of the link's event_id and the step's sequence_id (<see cref="LinkSpec.StepEvent"/>). The
    /// error names the step by its place in the request (the spec's steps are in ordinal order).</summary>
    private ApiError? DuplicateStepEvent(LinkSpec spec)
    {
        if (spec.Sequence is not { } sequence || Sequence?.Sequence is not { } requested) return null;
        var steps = sequence.Steps.ToDictionary(s => s.SequenceId, StringComparer.Ordinal); // sequence_ids are unique (validated)
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < requested.Count; i++)
            if (requested[i]?.Id is { } id && steps.TryGetValue(id, out var step) && !seen.Add(spec.StepEvent(step).EventId))
                return ApiError.Unprocessable(step.Event is null ? $"availability.sequence[{i}].sequence_id" : $"availability.sequence[{i}].event.event_id",
                    ApiError.Invalid, "must give the step an event_id no other step has (each step books its own event)");
        return null;
    }
}

/// <summary>The fixed values of a link request.</summary>
public static class LinkLimits
{
    public const string DefaultEvent = "default";
    public const string SingleEvent = "single";
    public const string TwelveHour = "h";
    public const string TwentyFourHour = "H";
    public const int MaxDisplayMessage = 500;
    public const int MaxOrganizer = 200;
    /// <summary>The state is echoed in the redirect after booking: bounded, so that the <c>Location</c> header stays small.</summary>
    public const int MaxOAuthState = 1024;
    public const string EventIdInUseKey = "errors.event_id_in_use";
}

public sealed class LinkEventValidator : AbstractValidator<LinkEventRequest>
{
    public static readonly LinkEventValidator Instance = new();

    private LinkEventValidator()
    {
        RuleFor(x => x.EventId).EventId();
        RuleFor(x => x.Summary).Summary();
        RuleFor(x => x.Description).Description();
        RuleFor(x => x.Location == null ? null : x.Location.Description).Location().OverridePropertyName("location.description");
        RuleFor(x => x.Tzid).Required().KnownZone();
        RuleFor(x => x.Organizer).MaximumLength(LinkLimits.MaxOrganizer).WithMessage($"must be at most {LinkLimits.MaxOrganizer} characters")
            .NoControlCharacters();
        RuleFor(x => x.Start).Must(s => s is null or { ValueKind: JsonValueKind.Null }).WithMessage("must be absent: the person picks the time");
        RuleFor(x => x.End).Must(s => s is null or { ValueKind: JsonValueKind.Null }).WithMessage("must be absent: the person picks the time");
    }
}

public sealed class LinkRequestValidator : AbstractValidator<LinkRequest>
{
    private static readonly LinkRequestValidator[] Cache =
        [new(false, false), new(false, true), new(true, false), new(true, true)];

    /// <summary>The validator for a link kind and callback policy, built once.</summary>
    public static LinkRequestValidator For(bool sequencing, bool allowPrivateCallbacks) => Cache[(sequencing ? 2 : 0) + (allowPrivateCallbacks ? 1 : 0)];

    private LinkRequestValidator(bool sequencing, bool allowPrivateCallbacks)
    {
        RuleFor(x => x.Event).Present().Child(LinkEventValidator.Instance);
        if (sequencing)
            RuleFor(x => x.Sequence).Child(SequencedAvailabilityValidator.Instance).OverridePropertyName("availability");
        else
            RuleFor(x => x.Availability).Child(AvailabilityValidator.ForLinks).OverridePropertyName("availability");
        RuleFor(x => x.TargetCalendars).Required();
        RuleForEach(x => x.TargetCalendars).Present().ChildRules(t =>
        {
            t.RuleFor(c => c.Sub).Required();
            t.RuleFor(c => c.CalendarId).Required();
        });
        // RtsApp extension: both redirects are optional; without either the person lands on the confirmation page.
        RuleFor(x => x.Oauth == null ? null : x.Oauth.RedirectUri).WebUrl().When(x => !string.IsNullOrEmpty(x.Oauth?.RedirectUri))
            .OverridePropertyName("oauth.redirect_uri");
        RuleFor(x => x.Oauth == null ? null : x.Oauth.State)
            .Must(s => s is null || (s.Length <= LinkLimits.MaxOAuthState && Uri.EscapeDataString(s).Length <= LinkLimits.MaxOAuthState))
            .WithMessage($"must be at most {LinkLimits.MaxOAuthState} characters once URL-encoded").OverridePropertyName("oauth.state");
        RuleFor(x => x.RedirectUrls == null ? null : x.RedirectUrls.CompletedUrl).WebUrl().When(x => !string.IsNullOrEmpty(x.RedirectUrls?.CompletedUrl))
            .OverridePropertyName("redirect_urls.completed_url");
        foreach (var (get, name) in new (Func<LinkRequest, string?>, string)[]
                 {
                     (x => x.CallbackUrl, "callback_url"), (x => x.CallbackUrls?.CompletedUrl, "callback_urls.completed_url"),
                     (x => x.CallbackUrls?.NoTimesSuitableUrl, "callback_urls.no_times_suitable_url"),
                     (x => x.CallbackUrls?.NoTimesDisplayedUrl, "callback_urls.no_times_displayed_url"),
                 })
        {
            RuleFor(x => get(x)).Must(u => Callbacks.CallbackUrlGuard.Check(u ?? "", allowPrivateCallbacks) is null)
                .When(x => !string.IsNullOrEmpty(get(x)))
                .WithMessage((_, u) => Callbacks.CallbackUrlGuard.Check(u ?? "", allowPrivateCallbacks) ?? "invalid").OverridePropertyName(name);
        }
        RuleFor(x => x.Tzid).KnownZone();
        RuleFor(x => x.MinimumNotice).Must(n => n <= AvailabilityLimits.MaxNotice).When(x => x.MinimumNotice is not null).WithMessage("must be at most 365 days");
        RuleFor(x => x.EventCreation).Must(e => e is LinkLimits.DefaultEvent or LinkLimits.SingleEvent).When(x => x.EventCreation is not null)
            .WithMessage("must be default or single");
        RuleFor(x => x.Formatting == null ? null : x.Formatting.HourFormat).Must(h => h is LinkLimits.TwelveHour or LinkLimits.TwentyFourHour)
            .When(x => x.Formatting?.HourFormat is not null).WithMessage("must be h or H").OverridePropertyName("formatting.hour_format");
        RuleFor(x => x.Formatting == null ? null : x.Formatting.Locale).Must(PageCultures.IsKnown)
            .When(x => x.Formatting?.Locale is not null).WithMessage("must be a known culture name such as en, de-DE, fr or es")
            .OverridePropertyName("formatting.locale");
    }
}
