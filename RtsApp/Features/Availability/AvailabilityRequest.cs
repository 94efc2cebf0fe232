using System.Text.Json;
using System.Text.Json.Serialization;
using NodaTime;

namespace RtsApp.Features.Availability;

/// <summary>A query period or available period: <c>{"start", "end"}</c>.</summary>
public sealed record PeriodRequest(Instant? Start, Instant? End);

/// <summary><c>available_periods</c> is an alias of <c>query_periods</c> at the query and step level (SPEC §1), and an
/// empty list means absent: the first non-empty of the two, else null.</summary>
internal static class PeriodAlias
{
    public static List<PeriodRequest>? Pick(List<PeriodRequest>? query, List<PeriodRequest>? available) =>
        query is { Count: > 0 } ? query : available is { Count: > 0 } ? available : null;
}

/// <summary>A member of a participant group. <c>available_periods: []</c> means absent (SPEC §1). With
/// <c>managed_availability</c> the member is managed (SPEC §12) by <c>availability_rule_ids</c>, else all its account's rules.</summary>
public sealed record MemberRequest(string? Sub, List<string>? CalendarIds, List<PeriodRequest>? AvailablePeriods,
    bool? ManagedAvailability = null, List<string>? AvailabilityRuleIds = null);

/// <summary><c>required</c> is <c>"all"</c> or a number of members (kept raw so a wrong type is a clear 422).</summary>
public sealed record GroupRequest(List<MemberRequest>? Members, JsonElement? Required)
{
    /// <summary>null for "all" (and when absent: Cronofy's default), the number otherwise; see the validator for the rules.</summary>
    [JsonIgnore]
    public int? RequiredCount => Required is { ValueKind: JsonValueKind.Number } n && n.TryGetInt32(out var k) ? k
        : Required is { ValueKind: JsonValueKind.String } s && int.TryParse(s.GetString(), out var k2) ? k2 : null;

    [JsonIgnore]
    public bool RequiredIsValid => Required is null or { ValueKind: JsonValueKind.Null }
        || (Required is { ValueKind: JsonValueKind.String } s && s.GetString() == "all")
        || (RequiredCount is { } k && k >= 1 && k <= (Members?.Count ?? 0));
}

/// <summary>One side of a buffer: <c>{"minutes": n}</c> (a minimum) or <c>{"minimum": {…}, "maximum": {…}}</c>;
/// <c>{}</c> or null means absent.</summary>
[JsonConverter(typeof(BufferSideConverter))]
public sealed record BufferSide(Duration? Minimum, Duration? Maximum)
{
    private sealed class BufferSideConverter : JsonConverter<BufferSide>
    {
        public override BufferSide? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType != JsonTokenType.StartObject) throw new JsonException("must be an object such as {\"minutes\": 15}");
            using var doc = JsonDocument.ParseValue(ref reader);
            var o = doc.RootElement;
            Duration? Read(JsonElement e)
            {
                // Rethrown without the inner document's path, so the serializer reports this property's full path.
                try { return e.Deserialize<Duration?>(options); }
                catch (JsonException ex) { throw new JsonException(ex.Message.Split(" Path:")[0]); }
            }
            Duration? min = o.TryGetProperty("minimum", out var mi) ? Read(mi) : null;
            Duration? max = o.TryGetProperty("maximum", out var ma) ? Read(ma) : null;
            if (o.TryGetProperty("minutes", out _) || o.TryGetProperty("hours", out _)) min = Read(o);
            return min is null && max is null ? null : new BufferSide(min, max);
        }

        public override void Write(Utf8JsonWriter writer, BufferSide value, JsonSerializerOptions options)
        {
            writer.WriteStartObject();
            if (value.Minimum is { } min) { writer.WritePropertyName("minimum"); JsonSerializer.Serialize(writer, (Duration?)min, options); }
            if (value.Maximum is { } max) { writer.WritePropertyName("maximum"); JsonSerializer.Serialize(writer, (Duration?)max, options); }
            writer.WriteEndObject();
        }
    }
}

public sealed record BufferRequest(BufferSide? Before, BufferSide? After);

/// <summary>SPEC §4: <c>POST /v1/availability</c>, and the <c>availability</c> of a real-time scheduling link.
/// <c>include_member_statuses</c> (SPEC §13) applies to <c>POST /v1/availability</c> only.</summary>
public sealed record AvailabilityRequest(
    List<GroupRequest>? Participants,
    Duration? RequiredDuration,
    List<PeriodRequest>? QueryPeriods,
    List<PeriodRequest>? AvailablePeriods,
    Duration? StartInterval,
    BufferRequest? Buffer,
    Duration? MinimumNotice,
    string? Tzid,
    int? MaxResults,
    string? ResponseFormat,
    bool? IncludeMemberStatuses = null)
{
    /// <summary><c>available_periods</c> is an alias of <c>query_periods</c> at this level; an empty list is absent.</summary>
    [JsonIgnore] public List<PeriodRequest>? Periods => PeriodAlias.Pick(QueryPeriods, AvailablePeriods);
}

/// <summary>The event a sequence step books (real-time sequencing).</summary>
public sealed record StepEventRequest(string? EventId, string? Summary, string? Description);

public sealed record SequenceStepRequest(
    JsonElement? SequenceId,
    int? Ordinal,
    List<GroupRequest>? Participants,
    Duration? RequiredDuration,
    Duration? StartInterval,
    BufferRequest? Buffer,
    List<PeriodRequest>? QueryPeriods,
    List<PeriodRequest>? AvailablePeriods,
    StepEventRequest? Event)
{
    /// <summary><c>sequence_id</c> may arrive as a number; it is echoed as a string.</summary>
    [JsonIgnore]
    public string? Id => SequenceId switch
    {
        { ValueKind: JsonValueKind.String } s => s.GetString(),
        { ValueKind: JsonValueKind.Number } n => n.GetRawText(),
        _ => null,
    };

    [JsonIgnore] public List<PeriodRequest>? Periods => PeriodAlias.Pick(QueryPeriods, AvailablePeriods);
}

/// <summary>SPEC §5: <c>POST /v1/sequenced_availability</c>, and the <c>availability</c> of a real-time sequencing link.</summary>
public sealed record SequencedAvailabilityRequest(
    List<SequenceStepRequest>? Sequence,
    List<PeriodRequest>? QueryPeriods,
    List<PeriodRequest>? AvailablePeriods,
    Duration? MinimumNotice,
    string? Tzid,
    int? MaxResults)
{
    [JsonIgnore] public List<PeriodRequest>? Periods => PeriodAlias.Pick(QueryPeriods, AvailablePeriods);

    /// <summary>Steps in <c>ordinal</c> order; steps without one follow in array order (SPEC §5).</summary>
    [JsonIgnore]
    public IReadOnlyList<SequenceStepRequest> OrderedSteps =>
        (Sequence ?? []).Select((s, i) => (s, i)).OrderBy(x => x.s.Ordinal is null ? 1 : 0).ThenBy(x => x.s.Ordinal ?? 0).ThenBy(x => x.i)
            .Select(x => x.s).ToList();
}
