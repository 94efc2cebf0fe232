using System.Text.Json;
using System.Text.Json.Serialization;
using NodaTime;
using NodaTime.Text;
using NodaTime.TimeZones;
using RtsApp.Infrastructure;

namespace RtsApp.Features.Calendars;

/// <summary>An event's start or end as a client sends it (SPEC §1): an instant (<c>"2026-03-27T09:00:00Z"</c>), a date
/// (<c>"2026-03-27"</c>, all-day in the event's zone), or <c>{"time": ..., "tzid": ...}</c>, where a time without an
/// offset is a wall-clock time in that zone.</summary>
[JsonConverter(typeof(EventTimeConverter))]
public sealed record EventTime(Instant? Instant, LocalDate? Date, LocalDateTime? Local, string? Tzid)
{
    public bool IsDate => Date is not null;

    /// <summary>The instant this time denotes; <paramref name="zone"/> is used for dates and offset-less times.
    /// A skipped wall-clock time moves forward by the gap; an ambiguous one takes the earlier instant.</summary>
    public Instant Resolve(DateTimeZone zone) =>
        Instant ?? (Date is { } d ? zone.AtStartOfDay(d).ToInstant()
            : Local is { } local ? zone.ResolveLocal(local, Resolvers.LenientResolver).ToInstant()
            : throw new InvalidOperationException("An EventTime holds an instant, a date or a local time."));

    private static readonly LocalDateTimePattern LocalPattern = LocalDateTimePattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd'T'HH':'mm':'ss;FFFFFFFFF");

    public static EventTime? Parse(string? text, string? tzid)
    {
        if (ApiJson.TryParseInstant(text, out var i)) return new EventTime(i, null, null, tzid);
        if (ApiJson.TryParseDate(text, out var d)) return new EventTime(null, d, null, tzid);
        var s = text?.Trim().Replace(' ', 'T') ?? "";
        return tzid is not null && LocalPattern.Parse(s) is { Success: true } l && l.Value.Year is >= 1900 and <= 2999
            ? new EventTime(null, null, l.Value, tzid)
            : null;
    }

    private sealed class EventTimeConverter : JsonConverter<EventTime>
    {
        public override EventTime Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType == JsonTokenType.String)
                return Parse(reader.GetString(), null) ?? throw new JsonException(ApiJson.InstantMessage + ", or a date yyyy-MM-dd");
            if (reader.TokenType != JsonTokenType.StartObject)
                throw new JsonException("must be a time string or {\"time\", \"tzid\"}");
            string? time = null, tzid = null;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
            {
                var name = reader.GetString();
                reader.Read();
                if (name == "time" && reader.TokenType == JsonTokenType.String) time = reader.GetString();
                else if (name == "tzid" && reader.TokenType == JsonTokenType.String) tzid = reader.GetString();
                else reader.Skip();
            }
            if (tzid is not null && !TzdbZones.IsKnown(tzid)) throw new JsonException("tzid " + ValidationRules.UnknownZoneMessage);
            return Parse(time, tzid) ?? throw new JsonException("time must be an ISO 8601 time, or a date yyyy-MM-dd");
        }

        public override void Write(Utf8JsonWriter writer, EventTime value, JsonSerializerOptions options) =>
            throw new NotSupportedException("EventTime is read-only; replies write instants or dates.");
    }
}
