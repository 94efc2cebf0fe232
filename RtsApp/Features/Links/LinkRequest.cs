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
public sealed record FormattingRequest(string? HourFormat);

/// <summary>The event a link books. <c>start</c>/<c>end</c> must be absent: the person picks the time.</summary>
public sealed record LinkEventRequest(
    string? EventId, string? Summary, string? Description, string? Tzid, EventLocation? Location,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] JsonElement? Start,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] JsonElement? End);

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

    /// <summary>Where the page is shown: <c>tzid</c>, else <c>event.tzid</c>.</summary>
    [JsonIgnore] public string DisplayTzid => Tzid ?? Event?.Tzid ?? "Etc/UTC";
    [JsonIgnore] public string? CompletedCallbackUrl => CallbackUrls?.CompletedUrl ?? CallbackUrl;
    [JsonIgnore] public bool TwentyFourHour => Formatting?.HourFormat != "h";

    /// <summary>Reads the availability part for a link kind; null with an error when it cannot be read.</summary>
    public ApiError? ReadAvailability(bool sequencing)
    {
        var raw = AvailabilityJson is { ValueKind: not JsonValueKind.Null } a ? a : sequencing ? AvailablityJson : null;
        var name = AvailabilityJson is { ValueKind: not JsonValueKind.Null } || !sequencing ? "availability" : "availablity";
        if (raw is not { ValueKind: JsonValueKind.Object } obj) return ApiError.Unprocessable("availability", ApiError.Required, "required");
        try
        {
            if (sequencing) Sequence = obj.Deserialize<SequencedAvailabilityRequest>(ApiJson.Options);
            else Availability = obj.Deserialize<AvailabilityRequest>(ApiJson.Options);
            return null;
        }
        catch (JsonException ex)
        {
            var path = ex.Path is null or "$" ? name : name + "." + ex.Path.TrimStart('$', '.');
            return ApiError.Unprocessable(path, ApiError.Invalid, ex.InnerException is null ? ex.Message.Split(" Path:")[0] : "has the wrong type");
        }
    }

    /// <summary>The instant after which an open link is expired: the end of its last query period.</summary>
    public Instant ExpiresAt() => Sequence is { } s
        ? s.Periods!.Concat(s.Sequence!.SelectMany(st => st.Periods ?? [])).Max(p => p.End!.Value)
        : Availability!.Periods!.Max(p => p.End!.Value);

    public string ToJson(bool sequencing)
    {
        var node = JsonSerializer.SerializeToNode(this, ApiJson.Options)!.AsObject();
        node.Remove("availablity");
        node["availability"] = sequencing ? JsonSerializer.SerializeToNode(Sequence, ApiJson.Options) : JsonSerializer.SerializeToNode(Availability, ApiJson.Options);
        return node.ToJsonString(ApiJson.Options);
    }

    public static LinkRequest FromJson(string json, bool sequencing)
    {
        var request = JsonSerializer.Deserialize<LinkRequest>(json, ApiJson.Options)!;
        request.ReadAvailability(sequencing);
        return request;
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
        RuleFor(x => x.Event).NotNull().WithMessage("required");
        When(x => x.Event is not null, () =>
        {
            RuleFor(x => x.Event!.EventId).NotEmpty().WithMessage("required").MaximumLength(256).OverridePropertyName("event.event_id");
            RuleFor(x => x.Event!.Summary).NotEmpty().WithMessage("required").MaximumLength(1024).OverridePropertyName("event.summary");
            RuleFor(x => x.Event!.Description).MaximumLength(4096).OverridePropertyName("event.description");
            RuleFor(x => x.Event!.Location!.Description).MaximumLength(1024).When(x => x.Event!.Location is not null).OverridePropertyName("event.location.description");
            RuleFor(x => x.Event!.Tzid).NotEmpty().WithMessage("required").OverridePropertyName("event.tzid");
            RuleFor(x => x.Event!.Tzid).Must(z => ApiJson.Zone(z) is not null).When(x => !string.IsNullOrEmpty(x.Event!.Tzid))
                .WithErrorCode("errors.unknown_time_zone").WithMessage("is not a known IANA time zone").OverridePropertyName("event.tzid");
            RuleFor(x => x.Event!.Start).Null().When(x => x.Event!.Start is { ValueKind: not JsonValueKind.Null })
                .WithMessage("must be absent: the person picks the time").OverridePropertyName("event.start");
            RuleFor(x => x.Event!.End).Null().When(x => x.Event!.End is { ValueKind: not JsonValueKind.Null })
                .WithMessage("must be absent: the person picks the time").OverridePropertyName("event.end");
        });
        if (sequencing)
            RuleFor(x => x.Sequence!).SetValidator(SequencedAvailabilityValidator.Instance).OverridePropertyName("availability");
        else
            RuleFor(x => x.Availability!).SetValidator(AvailabilityValidator.ForLinks).OverridePropertyName("availability");
        RuleFor(x => x.TargetCalendars).NotEmpty().WithMessage("required");
        RuleForEach(x => x.TargetCalendars).NotNull().WithMessage("required").ChildRules(t =>
        {
            t.RuleFor(c => c.Sub).NotEmpty().WithMessage("required");
            t.RuleFor(c => c.CalendarId).NotEmpty().WithMessage("required");
        });
        // Not x.Oauth!.RedirectUri: FluentValidation evaluates the expression even when oauth is absent.
        RuleFor(x => x.Oauth == null ? null : x.Oauth.RedirectUri).NotEmpty()
            .When(x => string.IsNullOrEmpty(x.RedirectUrls?.CompletedUrl))
            .WithMessage("oauth.redirect_uri or redirect_urls.completed_url is required").OverridePropertyName("oauth.redirect_uri");
        RuleFor(x => x.Oauth!.RedirectUri).Must(IsWebUrl).When(x => !string.IsNullOrEmpty(x.Oauth?.RedirectUri))
            .WithMessage("must be an absolute http or https URL").OverridePropertyName("oauth.redirect_uri");
        RuleFor(x => x.RedirectUrls!.CompletedUrl).Must(IsWebUrl).When(x => !string.IsNullOrEmpty(x.RedirectUrls?.CompletedUrl))
            .WithMessage("must be an absolute http or https URL").OverridePropertyName("redirect_urls.completed_url");
        foreach (var (get, name) in new (Func<LinkRequest, string?>, string)[]
                 {
                     (x => x.CallbackUrl, "callback_url"), (x => x.CallbackUrls?.CompletedUrl, "callback_urls.completed_url"),
                     (x => x.CallbackUrls?.NoTimesSuitableUrl, "callback_urls.no_times_suitable_url"),
                     (x => x.CallbackUrls?.NoTimesDisplayedUrl, "callback_urls.no_times_displayed_url"),
                 })
        {
            RuleFor(x => get(x)).Must(u => Callbacks.CallbackUrlGuard.Check(u!, allowPrivateCallbacks) is null)
                .When(x => !string.IsNullOrEmpty(get(x)))
                .WithMessage((_, u) => Callbacks.CallbackUrlGuard.Check(u!, allowPrivateCallbacks) ?? "invalid").OverridePropertyName(name);
        }
        RuleFor(x => x.Tzid).Must(z => ApiJson.Zone(z) is not null).When(x => x.Tzid is not null)
            .WithErrorCode("errors.unknown_time_zone").WithMessage("is not a known IANA time zone");
        RuleFor(x => x.MinimumNotice).Must(n => n <= AvailabilityLimits.MaxNotice).When(x => x.MinimumNotice is not null).WithMessage("must be at most 365 days");
        RuleFor(x => x.EventCreation).Must(e => e is "default" or "single").When(x => x.EventCreation is not null).WithMessage("must be default or single");
        RuleFor(x => x.Formatting!.HourFormat).Must(h => h is "h" or "H").When(x => x.Formatting?.HourFormat is not null)
            .WithMessage("must be h or H").OverridePropertyName("formatting.hour_format");
    }

    private static bool IsWebUrl(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var u) && (u.Scheme == Uri.UriSchemeHttp || u.Scheme == Uri.UriSchemeHttps);
}
