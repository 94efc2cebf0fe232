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
        o.Converters.Add(new DurationConverter());
        o.Converters.Add(new IntervalConverter());
        o.Converters.Add(new ZoneConverter());
        return o;
    }

    /// <summary>The earliest instant read (SPEC §1).</summary>
    public static readonly Instant MinInstant = Instant.FromUtc(1900, 1, 1, 0, 0);
    /// <summary>The latest instant read (SPEC §1).</summary>
    public static readonly Instant MaxInstant = Instant.FromUtc(2999, 12, 31, 23, 59, 59);
    /// <summary>The largest offset read (SPEC §1).</summary>
    public static readonly Offset MaxOffset = Offset.FromHours(18);
    /// <summary>The longest duration read: 100 years, far past every limit the API sets, well inside NodaTime's range.</summary>
    public const long MaxDurationMinutes = 100L * 366 * 24 * 60;
    public const string InstantMessage = "must be an ISO 8601 time with Z or an offset, from 1900 to 2999";

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
            ParseResult<OffsetDateTime> r;
            try
            {
                r = p.Parse(s);
            }
            catch (ArgumentOutOfRangeException)
            {
                // NodaTime's offset parser throws, rather than failing, for an offset past ±18:00 such as +18:01 or -23:59.
                return false;
            }
            if (!r.Success) continue;
            // Checked before converting: a year-9999 local time with a negative offset is past Instant's range.
            var value = r.Value;
            if (Math.Abs(value.Offset.Seconds) > MaxOffset.Seconds || value.Year < 1899 || value.Year > 3000) return false;
            instant = value.ToInstant();
            return instant >= MinInstant && instant <= MaxInstant;
        }
        return false;
    }

    /// <summary>Reads <c>yyyy-MM-dd</c> within the years SPEC §1 accepts.</summary>
    public static bool TryParseDate(string? text, out LocalDate date)
    {
        var r = LocalDatePattern.Iso.Parse(text?.Trim() ?? "");
        date = r.Success ? r.Value : default;
        return r.Success && date.Year is >= 1900 and <= 2999;
    }

    private sealed class InstantConverter : JsonConverter<Instant>
    {
        public override Instant Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.String && TryParseInstant(reader.GetString(), out var i)
                ? i
                : throw new JsonException(InstantMessage);

        public override void Write(Utf8JsonWriter writer, Instant value, JsonSerializerOptions options) =>
            writer.WriteStringValue(Format(value));
    }

    /// <summary>A required duration, as <see cref="NullableDurationConverter"/> reads and writes it.</summary>
    private sealed class DurationConverter : JsonConverter<Duration>
    {
        private static readonly NullableDurationConverter Inner = new();

        public override Duration Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            Inner.Read(ref reader, typeof(Duration?), options) ?? throw new JsonException("must be an object such as {\"minutes\": 30}");

        public override void Write(Utf8JsonWriter writer, Duration value, JsonSerializerOptions options) => Inner.Write(writer, value, options);
    }

    /// <summary>A half-open interval as <c>{"start", "end"}</c> (validated specs as links store them).</summary>
    private sealed class IntervalConverter : JsonConverter<Interval>
    {
        public override Interval Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType != JsonTokenType.StartObject) throw new JsonException("must be an object {\"start\", \"end\"}");
            Instant? start = null, end = null;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
            {
                var name = reader.GetString();
                reader.Read();
                if (name == "start") start = JsonSerializer.Deserialize<Instant>(ref reader, options);
                else if (name == "end") end = JsonSerializer.Deserialize<Instant>(ref reader, options);
                else reader.Skip();
            }
            return start is { } s && end is { } e && e > s ? new Interval(s, e) : throw new JsonException("must have a start before its end");
        }

        public override void Write(Utf8JsonWriter writer, Interval value, JsonSerializerOptions options)
        {
            writer.WriteStartObject();
            writer.WriteString("start", Format(value.Start));
            writer.WriteString("end", Format(value.End));
            writer.WriteEndObject();
        }
    }

    /// <summary>A tzdb zone as its id.</summary>
    private sealed class ZoneConverter : JsonConverter<DateTimeZone>
    {
        public override DateTimeZone Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            TzdbZones.Find(reader.GetString()) ?? throw new JsonException(ValidationRules.UnknownZoneMessage);

        public override void Write(Utf8JsonWriter writer, DateTimeZone value, JsonSerializerOptions options) => writer.WriteStringValue(value.Id);
    }

    /// <summary>A duration is <c>{"minutes": n}</c> and/or <c>{"hours": n}</c>, the two summed; <c>null</c> or <c>{}</c>
    /// means absent. Each is a whole number, or a string holding one (as every number may be, SPEC §1); a key given twice
    /// counts once, the last one, as everywhere else in a body.</summary>
    private sealed class NullableDurationConverter : JsonConverter<Duration?>
    {
        public override bool HandleNull => true;

        public override Duration? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType == JsonTokenType.Null) return null;
            if (reader.TokenType != JsonTokenType.StartObject) throw new JsonException("must be an object such as {\"minutes\": 30}");
            long? minutes = null, hours = null;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
            {
                var name = reader.GetString();
                reader.Read();
                if (name is "minutes" or "hours")
                {
                    var n = WholeNumber(ref reader) ?? throw new JsonException($"{name} must be a whole number of at least 0");
                    if (name == "hours") hours = n;
                    else minutes = n;
                }
                else reader.Skip();
            }
            if (minutes is null && hours is null) return null;
            var total = (minutes ?? 0) + (hours ?? 0) * 60;
            // No duration the API takes is longer than a year; far beyond that one would not even fit a Duration.
            if (total > MaxDurationMinutes) throw new JsonException($"must be at most {MaxDurationMinutes} minutes (100 years)");
            return Duration.FromMinutes(total);
        }

        /// <summary>A whole number from 0 to <see cref="int.MaxValue"/>, as a number or as a string of digits; else null.</summary>
        private static long? WholeNumber(ref Utf8JsonReader reader)
        {
            if (reader.TokenType == JsonTokenType.Number) return reader.TryGetInt32(out var n) && n >= 0 ? n : null;
            return reader.TokenType == JsonTokenType.String
                   && int.TryParse(reader.GetString(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var s)
                ? s : null;
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
