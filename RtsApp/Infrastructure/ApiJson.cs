using System.Text.Json;
using System.Text.Json.Serialization;
using NodaTime;
using NodaTime.Text;

namespace RtsApp.Infrastructure;

/// <summary>The API's JSON conventions (SPEC §1): snake_case, nulls omitted, unknown fields ignored, and the one place
/// NodaTime values are read from and written to JSON.</summary>
public static class ApiJson
{
    public static readonly JsonSerializerOptions Options = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    public static JsonSerializerOptions Configure(JsonSerializerOptions o)
    {
        o.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        o.DictionaryKeyPolicy = null;
        o.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        o.NumberHandling = JsonNumberHandling.AllowReadingFromString;
        o.Converters.Add(new InstantConverter());
        o.Converters.Add(new NullableDurationConverter());
        return o;
    }

    /// <summary>Writes what the server writes: UTC, whole seconds, <c>yyyy-MM-ddTHH:mm:ssZ</c>.</summary>
    public static string Format(Instant instant) => OutPattern.Format(instant.Minus(Duration.FromTicks(instant.ToUnixTimeTicks() % NodaConstants.TicksPerSecond)));

    private static readonly InstantPattern OutPattern = InstantPattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd'T'HH':'mm':'ss'Z'");

    private static readonly OffsetDateTimePattern[] InPatterns =
    [
        OffsetDateTimePattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd'T'HH':'mm':'ss;FFFFFFFFFo<G>"),
        OffsetDateTimePattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd'T'HH':'mm':'ss;FFFFFFFFFo<+HHmm>"),
        OffsetDateTimePattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd'T'HH':'mmo<G>"),
    ];

    /// <summary>Reads an ISO 8601 instant with <c>Z</c> or an offset, optional fractional seconds, and <c>T</c> or a
    /// space between date and time (official clients send <c>"2026-03-27 09:00:00Z"</c>).</summary>
    public static bool TryParseInstant(string? text, out Instant instant)
    {
        instant = default;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var s = text.Trim();
        if (s.Length > 10 && s[10] == ' ') s = string.Concat(s.AsSpan(0, 10), "T", s.AsSpan(11));
        foreach (var p in InPatterns)
        {
            var r = p.Parse(s);
            if (r.Success) { instant = r.Value.ToInstant(); return true; }
        }
        return false;
    }

    public static bool TryParseDate(string? text, out LocalDate date)
    {
        var r = LocalDatePattern.Iso.Parse(text?.Trim() ?? "");
        date = r.Success ? r.Value : default;
        return r.Success;
    }

    /// <summary>The time-zone for an IANA id, or null when tzdb does not know it.</summary>
    public static DateTimeZone? Zone(string? tzid) => string.IsNullOrWhiteSpace(tzid) ? null : DateTimeZoneProviders.Tzdb.GetZoneOrNull(tzid);

    private sealed class InstantConverter : JsonConverter<Instant>
    {
        public override Instant Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.String && TryParseInstant(reader.GetString(), out var i)
                ? i
                : throw new JsonException("must be an ISO 8601 time with Z or an offset");

        public override void Write(Utf8JsonWriter writer, Instant value, JsonSerializerOptions options) =>
            writer.WriteStringValue(Format(value));
    }

    /// <summary>A duration is <c>{"minutes": n}</c> and/or <c>{"hours": n}</c>, summed; <c>null</c> or <c>{}</c> means absent.</summary>
    private sealed class NullableDurationConverter : JsonConverter<Duration?>
    {
        public override bool HandleNull => true;

        public override Duration? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType == JsonTokenType.Null) return null;
            if (reader.TokenType != JsonTokenType.StartObject) throw new JsonException("must be an object such as {\"minutes\": 30}");
            long? minutes = null;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
            {
                var name = reader.GetString();
                reader.Read();
                if (name is "minutes" or "hours")
                {
                    if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out var n) || n < 0)
                        throw new JsonException($"{name} must be a whole number of at least 0");
                    minutes = (minutes ?? 0) + (name == "hours" ? n * 60L : n);
                }
                else reader.Skip();
            }
            return minutes is { } m ? Duration.FromMinutes(m) : null;
        }

        public override void Write(Utf8JsonWriter writer, Duration? value, JsonSerializerOptions options)
        {
            if (value is not { } d) { writer.WriteNullValue(); return; }
            writer.WriteStartObject();
            writer.WriteNumber("minutes", (long)d.TotalMinutes);
            writer.WriteEndObject();
        }
    }
}
