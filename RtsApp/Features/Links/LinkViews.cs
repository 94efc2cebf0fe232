using NodaTime;
using RtsApp.Features.Availability;
using RtsApp.Features.Calendars;
using RtsApp.Infrastructure;
using RtsApp.Store;

namespace RtsApp.Features.Links;

/// <summary>A time with the zone it is meant in: <c>{"time": "…Z", "tzid": "Europe/London"}</c>.</summary>
public sealed record ZonedTimeView(Instant Time, string Tzid);
public sealed record LinkEventView(string EventId, string Summary, string? Description, string Tzid, EventLocation? Location, ZonedTimeView? Start, ZonedTimeView? End);
/// <summary>A booked sequence step as callbacks and the status call write it (plain-string times inside <c>sequence</c>).</summary>
public sealed record StepEventView(string EventId, string Summary, Instant Start, Instant End);
public sealed record SequenceStepView(string SequenceId, StepEventView Event, IReadOnlyList<SubView> Participants);
public sealed record LinkView(string RealTimeSchedulingId, string Url, LinkEventView Event, string Status, IReadOnlyList<SequenceStepView>? Sequence, string? DisplayMessage);
public sealed record LinkCreatedReply(string Url, LinkView RealTimeScheduling);
public sealed record LinkReply(LinkView RealTimeScheduling);

/// <summary>What a booking chose, kept on the link as JSON.</summary>
public sealed record ChosenStep(string SequenceId, string EventId, string Summary, Instant Start, Instant End, List<string> Participants);
/// <summary>What a booking chose. <see cref="Invitee"/>: what the person told about themselves on the page (null when
/// nothing, and in bookings made before the page asked).</summary>
public sealed record ChosenBooking(string UserTzid, List<string> Participants, List<ChosenStep>? Sequence, InviteeDetails? Invitee = null);

/// <summary>The person who booked, as they gave it on the page: each field trimmed, validated, null when left empty.</summary>
public sealed record InviteeDetails(string? Name, string? Email, string? Notes)
{
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsEmpty => Name is null && Email is null && Notes is null;
}

/// <summary>Builds the link's status object and its callback payloads from one place.</summary>
public static class LinkViews
{
    public static ChosenBooking? Chosen(SchedulingLink link) =>
        link.ChosenJson is null ? null : System.Text.Json.JsonSerializer.Deserialize<ChosenBooking>(link.ChosenJson, ApiJson.Options);

    public static LinkView View(SchedulingLink link, LinkSpec spec, string url, Instant now)
    {
        var chosen = Chosen(link);
        var tz = spec.Event.Tzid;
        var ev = new LinkEventView(link.EventId, link.Summary, spec.Event.Description, tz,
            spec.Event.Location is { } location ? new EventLocation(location) : null,
            link.ChosenStart is { } s ? new ZonedTimeView(s, tz) : null, link.ChosenEnd is { } e ? new ZonedTimeView(e, tz) : null);
        var status = LinkStatus.Of(link, now);
        return new LinkView(link.Id, url, ev, status, Sequence(chosen), status == LinkStatuses.Disabled ? link.DisplayMessage : null);
    }

    public static IReadOnlyList<SequenceStepView>? Sequence(ChosenBooking? chosen) =>
        chosen?.Sequence?.Select(s => new SequenceStepView(s.SequenceId, new StepEventView(s.EventId, s.Summary, s.Start, s.End),
            AvailabilityApi.Subs(s.Participants))).ToList();

    public sealed record LinkRef(string RealTimeSchedulingId, string Status);
    public sealed record NotificationView(string Type);
    public sealed record NotificationPayload(NotificationView Notification, LinkRef RealTimeScheduling);
    public sealed record UserView(string Tzid);
    /// <summary>RtsApp extension of the completed callback: who booked, all three fields written (null when not given).</summary>
    public sealed record InviteeView(
        [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.Never)] string? Name,
        [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.Never)] string? Email,
        [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.Never)] string? Notes);
    public sealed record CompletedPayload(LinkEventView Event, IReadOnlyList<SubView> Participants, UserView User,
        LinkRef RealTimeScheduling, IReadOnlyList<SequenceStepView>? Sequence, InviteeView? Invitee = null);

    /// <summary>SPEC §9's completed callback.</summary>
    public static CompletedPayload Completed(SchedulingLink link, LinkSpec spec, ChosenBooking chosen, Instant start, Instant end)
    {
        var tz = spec.Event.Tzid;
        var ev = new LinkEventView(link.EventId, link.Summary, null, tz, null, new ZonedTimeView(start, tz), new ZonedTimeView(end, tz));
        return new CompletedPayload(ev, AvailabilityApi.Subs(chosen.Participants), new UserView(chosen.UserTzid),
            new LinkRef(link.Id, LinkStatuses.Completed), Sequence(chosen),
            chosen.Invitee is { IsEmpty: false } who ? new InviteeView(who.Name, who.Email, who.Notes) : null);
    }

    public static NotificationPayload Notification(SchedulingLink link, string type, Instant now) =>
        new(new NotificationView(type), new LinkRef(link.Id, LinkStatus.Of(link, now)));
}
