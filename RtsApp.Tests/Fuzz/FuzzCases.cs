using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace RtsApp.Tests.Fuzz;

public enum Surface { Api, Page, PageForm, Admin }

public enum Auth { Secret, None, Wrong, AccountToken, BodySecret }

/// <summary>One generated request. <see cref="Form"/> is set for a scheduling-page POST (the fields as sent).</summary>
public sealed record FuzzCase(
    int Number, string Endpoint, string Mutation, Surface Surface, HttpMethod Method, string Path, byte[]? Body,
    string? ContentType = "application/json", Auth Auth = Auth.Secret, bool CrossTenant = false,
    IReadOnlyList<KeyValuePair<string, string>>? Form = null)
{
    public string Describe(int maxBody = 600)
    {
        var body = Form is not null
            ? string.Join("&", Form.Select(f => f.Key + "=" + Clip(f.Value, 120)))
            : Body is null ? "(none)" : Clip(Encoding.UTF8.GetString(Body), maxBody) + $" ({Body.Length} bytes)";
        return $"#{Number} {Endpoint} / {Mutation}{Environment.NewLine}  {Method} {Clip(Path, 400)}  auth={Auth}{Environment.NewLine}  body: {body}";
    }

    public static string Clip(string s, int max) =>
        (s.Length <= max ? s : s[..max] + $"…[{s.Length} chars]").Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}

/// <summary>Generates requests from a seed: valid bodies for every /v1 endpoint mutated field by field (types, null,
/// missing, extreme numbers, instants and offsets out of range, malformed instants, long strings, control characters,
/// lone surrogates, invalid UTF-8, reversed ranges, empty and oversized arrays, duplicate keys, deep nesting), raw
/// bodies that are not JSON objects, bad credentials, odd ids and query strings; the scheduling page's query and form
/// fields; and the dashboard's query parameters. The same seed gives the same requests.</summary>
public sealed class FuzzCases(FuzzWorld w, int seed)
{
    private readonly Random rng = new(seed);

    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    // Markers replaced in the serialized text (JsonNode cannot hold what they stand for).
    private const string LoneMarker = "@@LONE@@", Utf8Marker = "@@UTF8@@", DeepMarker = "@@DEEP@@", DupMarker = "@@DUP@@";
    private static readonly string[] RawTokens = ["1e400", "-0", "1E+308", "123456789012345678901234567890", "-9223372036854775809", "0.0000000000000000000001", "1.0"];

    public static readonly string[] Instants =
    [
        "0001-01-01T00:00:00Z", "1899-12-31T23:59:59Z", "1900-01-01T00:00:00Z", "2999-12-31T23:59:59Z", "3000-01-01T00:00:00Z",
        "9999-12-31T23:59:59Z", "9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00", "1900-01-01T00:00:00+14:00",
        "2999-12-31T23:59:59-14:00", "2026-03-23T09:00:00+18:00", "2026-03-23T09:00:00-18:00", "2026-03-23T09:00:00+18:01",
        "2026-03-23T09:00:00+23:59", "2026-03-23T09:00:00-23:59", "2026-03-23T09:00:00+14:00", "2026-03-23 09:00:00Z",
        "2026-03-23T09:00Z", "2026-03-23T09:00:00.123456789Z", "2026-03-23T09:00:00.1234567891Z", "2026-03-23T09:00:00",
        "2026-13-01T00:00:00Z", "2026-02-30T09:00:00Z", "2026-03-23T24:00:00Z", "2026-03-23T09:60:00Z", "2026-03-23T09:00:00ZZ",
        "+002026-03-23T09:00:00Z", "-2026-03-23T09:00:00Z", "2026-03-23T09:00:00+0100", "2026-03-23", "0000-00-00", "9999-12-31",
        "0001-01-01", "T", " ", "", "2026-03-23T09:00:00Z\n", "２０２６-03-23T09:00:00Z", "2026-03-23T09:00:00Z ",
        "2026-03-24T09:00:00Z", "2026-03-23T09:30:00Z", "2026-03-23T16:00:00Z", "2026-03-23T09:00:00+01:00",
    ];

    public static readonly string[] Zones =
    [
        "Europe/London", "America/New_York", "Etc/UTC", "UTC", "Etc/GMT+14", "Etc/GMT-14", "Pacific/Kiritimati", "Mars/Olympus",
        "", " ", "europe/london", "../../etc/passwd", "Europe/London\u0000", "America/St_Johns", "Asia/Kathmandu", "Z", "+01:00",
    ];

    private static readonly string LongAscii = new('a', 100_000);
    private static readonly string LongWide = string.Concat(Enumerable.Repeat("é😀", 30_000));

    public static readonly string[] Texts =
    [
        "x", "", " ", "a\u0000b", "line\r\nInjected: yes", "\u0007\u001b[31m", "\u202eevil", "😀", "null", "true", "0", "-1",
        "2147483647", "1e308", "<script>alert(1)</script>", "'; DROP TABLE links; --", "%00", "sch_000000000000000000000000",
        "acc_000000000000000000000000", "cal_000000000000000000000000", "\\u0000", "${jndi:x}", "../..", "a/b?c#d",
    ];

    public FuzzCase Next(int n)
    {
        var roll = rng.Next(100);
        return roll switch
        {
            < 76 => Api(n),
            < 90 => Page(n),
            _ => Admin(n),
        };
    }

    // ---------------------------------------------------------------- the API

    private sealed record Endpoint(string Name, HttpMethod Method, Func<int, string> Path, Func<int, JsonObject>? Body,
        Func<int, List<KeyValuePair<string, string>>>? Query = null, bool AppOnly = false, string? PathId = null);

    private IReadOnlyList<Endpoint>? endpoints;
    private IReadOnlyList<Endpoint> Endpoints => endpoints ??= BuildEndpoints();

    private List<Endpoint> BuildEndpoints() =>
    [
        new("accounts.create", HttpMethod.Post, _ => "/v1/accounts", _ => Obj("""{"name": "Fuzz Person", "email": "fuzz@example.com", "tzid": "Europe/London"}"""), AppOnly: true),
        new("accounts.list", HttpMethod.Get, _ => "/v1/accounts", null),
        new("calendars.create", HttpMethod.Post, _ => "/v1/calendars", _ => Obj($$"""{"sub": "{{w.Q}}", "name": "Fuzz calendar"}""")),
        new("calendars.list", HttpMethod.Get, _ => "/v1/calendars", null),
        new("events.upsert", HttpMethod.Post, _ => $"/v1/calendars/{w.CalQ}/events", EventBody, PathId: w.CalQ),
        new("events.delete", HttpMethod.Delete, _ => $"/v1/calendars/{w.CalQ}/events", n => Obj($$"""{"event_id": "fuzz-{{n % 7}}"}"""), PathId: w.CalQ),
        new("events.delete?", HttpMethod.Delete, _ => $"/v1/calendars/{w.CalQ}/events", null, n => [new("event_id", $"fuzz-{n % 7}")], PathId: w.CalQ),
        new("events.read", HttpMethod.Get, _ => "/v1/events", null, _ => ReadQuery()),
        new("free_busy", HttpMethod.Get, _ => "/v1/free_busy", null, _ => ReadQuery()),
        new("availability", HttpMethod.Post, _ => "/v1/availability", _ => AvailabilityBody()),
        new("sequenced_availability", HttpMethod.Post, _ => "/v1/sequenced_availability", _ => SequencedBody()),
        new("real_time_scheduling", HttpMethod.Post, _ => "/v1/real_time_scheduling", n => LinkBody(n, sequencing: false), AppOnly: true),
        new("real_time_sequencing", HttpMethod.Post, _ => "/v1/real_time_sequencing", n => LinkBody(n, sequencing: true), AppOnly: true),
        new("link.by_id", HttpMethod.Get, _ => $"/v1/real_time_scheduling/{w.LinkId}", null, AppOnly: true, PathId: w.LinkId),
        new("link.by_token", HttpMethod.Get, _ => "/v1/real_time_scheduling", null, _ => [new("token", w.LinkToken)], AppOnly: true),
        new("link.disable", HttpMethod.Post, _ => $"/v1/real_time_scheduling/{w.LinkId}/disable", _ => Obj("""{"display_message": "Closed by the fuzzer."}"""), AppOnly: true, PathId: w.LinkId),
    ];

    private JsonObject EventBody(int n)
    {
        var ev = Obj($$"""
            {"event_id": "fuzz-{{n % 7}}", "summary": "Fuzz event", "description": "About things",
             "start": "2026-03-25T09:00:00Z", "end": "2026-03-25T10:00:00Z", "tzid": "Europe/London",
             "location": {"description": "Room 4"}, "transparency": "opaque"}
            """);
        switch (rng.Next(3))
        {
            case 1:
                ev["start"] = Obj("""{"time": "2026-03-25T09:00:00", "tzid": "Europe/London"}""");
                ev["end"] = Obj("""{"time": "2026-03-25T10:00:00", "tzid": "America/New_York"}""");
                break;
            case 2:
                ev["start"] = "2026-03-25";
                ev["end"] = "2026-03-26";
                break;
        }
        return ev;
    }

    private List<KeyValuePair<string, string>> ReadQuery() =>
        [new("from", "2026-03-20"), new("to", "2026-04-30"), new("tzid", "Europe/London"), new("calendar_ids[]", w.CalP), new("page", "1")];

    private static readonly string[] Formats = ["periods", "overlapping_slots", "slots"];

    private JsonObject AvailabilityBody() => Obj($$"""
        {"participants": [
            {"members": [{"sub": "{{w.P}}", "calendar_ids": ["{{w.CalP}}"]},
                         {"sub": "{{w.Q}}", "available_periods": [{"start": "2026-03-25T09:00:00Z", "end": "2026-03-25T13:00:00Z"}]}],
             "required": "all"},
            {"members": [{"sub": "{{w.P}}"}, {"sub": "{{w.Q}}"}], "required": 1}],
         "required_duration": {"minutes": 60},
         "query_periods": [{"start": "2026-03-25T09:00:00Z", "end": "2026-03-25T18:00:00Z"}],
         "start_interval": {"minutes": 30},
         "buffer": {"before": {"minutes": 15}, "after": {"minimum": {"minutes": 15} } },
         "minimum_notice": {"hours": 4},
         "tzid": "Europe/London",
         "max_results": 256,
         "response_format": "{{Pick(Formats)}}"}
        """);

    private JsonObject SequencedBody() => Obj($$"""
        {"sequence": [
           {"sequence_id": "123", "ordinal": 1, "participants": [{"members": [{"sub": "{{w.P}}"}], "required": "all"}],
            "required_duration": {"minutes": 60}, "start_interval": {"minutes": 30},
            "buffer": {"after": {"minimum": {"minutes": 0}, "maximum": {"minutes": 60} } } },
           {"sequence_id": 456, "ordinal": 2, "participants": [{"members": [{"sub": "{{w.Q}}"}], "required": "all"}],
            "required_duration": {"minutes": 30}, "query_periods": [{"start": "2026-03-25T09:00:00Z", "end": "2026-03-25T17:00:00Z"}]}],
         "query_periods": [{"start": "2026-03-25T09:00:00Z", "end": "2026-03-25T17:00:00Z"}],
         "minimum_notice": {"minutes": 30}, "tzid": "Europe/London", "max_results": 20}
        """);

    private JsonObject LinkBody(int n, bool sequencing)
    {
        var body = FuzzWorld.PoolLink(w.P, w.CalP, w.Q, w.CalQ, $"fz-{n}", sequencing);
        body["oauth"] = Obj("""{"redirect_uri": "https://app.example/after", "scope": "create_event", "state": "xyz"}""");
        body["callback_urls"] = Obj("""{"completed_url": "https://app.example/cb", "no_times_suitable_url": "https://app.example/none"}""");
        body["minimum_notice"] = Obj("""{"hours": 4}""");
        body["event_creation"] = "default";
        body["formatting"] = Obj("""{"hour_format": "h"}""");
        body["event"]!["description"] = "Video call";
        body["event"]!["location"] = Obj("""{"description": "Online"}""");
        if (!sequencing) body["availability"]!["buffer"] = Obj("""{"before": {"minutes": 15}}""");
        return body;
    }

    private FuzzCase Api(int n)
    {
        var e = Endpoints[rng.Next(Endpoints.Count)];
        var path = e.Path(n);
        var query = e.Query?.Invoke(n);
        var body = e.Body?.Invoke(n);
        var auth = Auth.Secret;
        var crossTenant = false;
        string mutation;
        byte[]? raw = null;
        string? contentType = "application/json";

        var roll = rng.Next(100);
        if (roll < 8) mutation = "valid";
        else if (roll < 18) (auth, mutation) = MutateAuth(ref body);
        else if (roll < 28 && e.PathId is not null)
        {
            (path, mutation, crossTenant) = MutatePathId(path, e.PathId);
        }
        else if (body is null || (query is not null && rng.Next(3) == 0))
        {
            query ??= [];
            mutation = MutateQuery(query, e.Name == "events.read" || e.Name == "free_busy");
        }
        else if (roll < 45)
        {
            (raw, contentType, mutation) = RawBody(body);
        }
        else
        {
            var count = rng.Next(100) < 85 ? 1 : rng.Next(2, 4);
            var labels = new List<string>();
            for (var i = 0; i < count; i++) labels.Add(MutateField(body));
            mutation = string.Join(" + ", labels);
        }

        if (query is { Count: > 0 }) path += "?" + string.Join("&", query.Select(q => q.Key + "=" + q.Value));
        if (raw is null && body is not null) raw = Serialize(body);
        return new FuzzCase(n, e.Name, mutation, Surface.Api, e.Method, path, raw, contentType, auth, crossTenant);
    }

    private (Auth, string) MutateAuth(ref JsonObject? body)
    {
        switch (rng.Next(6))
        {
            case 0: return (Auth.None, "no credentials");
            case 1: return (Auth.Wrong, "wrong bearer");
            case 2: return (Auth.AccountToken, "account token");
            case 3:
                body ??= [];
                body["client_secret"] = w.Api.Secret;
                body["client_id"] = w.Api.ClientId;
                return (Auth.BodySecret, "body secret, junk header");
            case 4:
                body ??= [];
                body["client_secret"] = Pick<JsonNode?>([12345, true, new JsonObject(), new JsonArray(), null, "", "rts_sk_wrong"]);
                return (Auth.Secret, "body client_secret odd: " + Show(body["client_secret"]));
            default:
                body ??= [];
                body["client_secret"] = w.Api.Secret;
                body["client_id"] = Pick<JsonNode?>([w.Sentinel.ApplicationId, "rts_ci_nope", 7, null]);
                return (Auth.BodySecret, "body secret, client_id " + Show(body["client_id"]));
        }
    }

    private (string Path, string Mutation, bool CrossTenant) MutatePathId(string path, string id)
    {
        var sentinelId = id.StartsWith("cal_", StringComparison.Ordinal) ? w.Sentinel.CalendarId
            : rng.Next(2) == 0 ? w.Sentinel.OpenLinkId : w.Sentinel.CompletedLinkId;
        var choice = rng.Next(8);
        var replacement = choice switch
        {
            0 or 1 => sentinelId,
            2 => id.ToUpperInvariant(),
            3 => id[..4] + "000000000000000000000000",
            4 => new string('x', 3000),
            // (No dot segments: clients normalise them away before a server sees the path.)
            5 => Pick(["%00", "%E2%80%AE", "%C3%28", "%FF", "%20", "a%0D%0Ab"]),
            6 => id + "%20",
            _ => Uri.EscapeDataString(Pick(Texts) is { Length: > 0 } t ? t : "x"),
        };
        return (NoNul(path.Replace(id, replacement, StringComparison.Ordinal)), "path id " + FuzzCase.Clip(replacement, 60), choice <= 1);
    }

    private string MutateQuery(List<KeyValuePair<string, string>> query, bool reads)
    {
        var keys = reads ? new[] { "from", "to", "tzid", "calendar_ids[]", "calendar_ids", "page" } : query.Select(q => q.Key).DefaultIfEmpty("token").ToArray();
        var key = Pick(keys);
        var value = rng.Next(10) switch
        {
            < 3 => Uri.EscapeDataString(Pick(Instants)),
            3 => Uri.EscapeDataString(Pick(Zones)),
            4 => Pick(["0", "-1", "2147483647", "2147483648", "1000000", "1000001", "1.5", "1e308", "abc", "", "%20"]),
            5 => Pick(["%ZZ", "%C3%28", "%FF%FE", "%00", "%ED%A0%80", "%F4%90%80%80", "+", "%2B14:00"]),
            6 => Uri.EscapeDataString(Pick(Texts)),
            7 => new string('9', 5000),
            8 => Pick([w.Sentinel.CalendarId, w.Sentinel.OpenToken, w.CalQ, w.LinkToken]),
            _ => Uri.EscapeDataString(Pick(Instants)),
        };
        var mode = rng.Next(6);
        var label = $"query {key}={FuzzCase.Clip(value, 60)}";
        if (mode == 0) { query.RemoveAll(q => q.Key == key); return $"query {key} removed"; }
        if (mode == 1) { query.Add(new(key, value)); return label + " (repeated)"; }
        if (mode == 2 && reads)
        {
            // A reversed range.
            query.RemoveAll(q => q.Key is "from" or "to");
            query.Add(new("from", "2026-04-30"));
            query.Add(new("to", Pick(["2026-03-20", "2026-04-30", "2026-04-29T23:59:59Z"])));
            return "query reversed range";
        }
        query.RemoveAll(q => q.Key == key);
        query.Add(new(key, value));
        return label;
    }

    private (byte[], string?, string) RawBody(JsonObject body)
    {
        var text = body.ToJsonString(Relaxed);
        return rng.Next(16) switch
        {
            0 => ([], "application/json", "empty body"),
            1 => (Utf8("null"), "application/json", "body null"),
            2 => (Utf8("[" + text + "]"), "application/json", "body array"),
            3 => (Utf8(Pick(["123", "\"text\"", "true", "1e308"])), "application/json", "body scalar"),
            4 => (Utf8(text[..(text.Length / 2)]), "application/json", "body truncated"),
            5 => (Utf8(text + "x"), "application/json", "trailing garbage"),
            6 => (Utf8(text.Replace("\"", "'", StringComparison.Ordinal)), "application/json", "single quotes"),
            7 => ([0xEF, 0xBB, 0xBF, .. Utf8(text)], "application/json", "UTF-8 BOM"),
            8 => (Encoding.Unicode.GetBytes(text), "application/json", "UTF-16 body"),
            9 => (Utf8(text.Insert(1, "\"pad\": \"" + new string('p', ApiBodyMax + 10) + "\", ")), "application/json", "body over 1 MiB"),
            10 => (Utf8(new string('[', 2000) + new string(']', 2000)), "application/json", "2000-deep array body"),
            11 => (Utf8(string.Concat(Enumerable.Repeat("{\"a\":", 2000)) + "1" + new string('}', 2000)), "application/json", "2000-deep object body"),
            12 => (Utf8(text), "text/plain", "text/plain content type"),
            13 => (Utf8(text), null, "no content type"),
            14 => ([.. Utf8(text[..^1]), 0xFF, 0xFE, (byte)'}'], "application/json", "invalid UTF-8 after the object"),
            _ => (Utf8("{\"a\": 1, /* c */ \"b\": 2}"), "application/json", "comment"),
        };
    }

    private const int ApiBodyMax = 1024 * 1024;

    // ---------------------------------------------------------------- field mutations

    private sealed record Slot(JsonNode Parent, string? Key, int Index, string Path)
    {
        public JsonNode? Value => Key is not null ? Parent.AsObject()[Key] : Parent.AsArray()[Index];

        public void Set(JsonNode? value)
        {
            if (Key is not null) Parent.AsObject()[Key] = value;
            else Parent.AsArray()[Index] = value;
        }

        public void Remove()
        {
            if (Key is not null) Parent.AsObject().Remove(Key);
            else Parent.AsArray().RemoveAt(Index);
        }
    }

    private static List<Slot> Slots(JsonNode root)
    {
        var slots = new List<Slot>();
        void Walk(JsonNode node, string path)
        {
            if (node is JsonObject o)
            {
                foreach (var (k, v) in o.ToList())
                {
                    var p = path.Length == 0 ? k : path + "." + k;
                    slots.Add(new Slot(o, k, -1, p));
                    if (v is not null) Walk(v, p);
                }
            }
            else if (node is JsonArray a)
            {
                for (var i = 0; i < a.Count; i++)
                {
                    var p = $"{path}[{i}]";
                    slots.Add(new Slot(a, null, i, p));
                    if (a[i] is { } v) Walk(v, p);
                }
            }
        }
        Walk(root, "");
        return slots;
    }

    private string MutateField(JsonObject body)
    {
        var slots = Slots(body);
        if (slots.Count == 0) return "no fields";
        var slot = slots[rng.Next(slots.Count)];
        var old = slot.Value;
        var kind = rng.Next(100);
        switch (kind)
        {
            case < 8:
                slot.Remove();
                return $"{slot.Path} missing";
            case < 14:
                slot.Set(null);
                return $"{slot.Path} = null";
            case < 32:
                {
                    var v = TypeSwap(old);
                    slot.Set(v);
                    return $"{slot.Path} = {Show(v)}";
                }
            case < 42:
                {
                    JsonNode v = Pick(Instants);
                    if (rng.Next(4) == 0) v = new JsonObject { ["time"] = Pick(Instants), ["tzid"] = Pick(Zones) };
                    slot.Set(v);
                    return $"{slot.Path} = {Show(v)}";
                }
            case < 46:
                {
                    JsonNode v = Pick(Zones);
                    slot.Set(v);
                    return $"{slot.Path} = {Show(v)}";
                }
            case < 54:
                {
                    JsonNode v = Pick(Texts);
                    if (rng.Next(3) == 0) v = rng.Next(2) == 0 ? LongAscii : LongWide;
                    slot.Set(v);
                    return $"{slot.Path} = {Show(v)}";
                }
            case < 58:
                slot.Set(LoneMarker);
                return $"{slot.Path} = lone surrogate";
            case < 61:
                slot.Set(Utf8Marker);
                return $"{slot.Path} = invalid UTF-8";
            case < 64:
                slot.Set(DeepMarker);
                return $"{slot.Path} = 2000-deep nesting";
            case < 67:
                {
                    var token = RawTokens[rng.Next(RawTokens.Length)];
                    slot.Set("@@RAW" + token + "@@");
                    return $"{slot.Path} = raw number {token}";
                }
            case < 72:
                {
                    var v = Duration();
                    slot.Set(v);
                    return $"{slot.Path} = {Show(v)}";
                }
            case < 80:
                {
                    // Reversed or empty range: swap start and end of the nearest object that has both.
                    var range = RangeObject(body, slots);
                    if (range is null) goto default;
                    var (s, e) = (range["start"], range["end"]);
                    var equal = rng.Next(3) == 0;
                    range["start"] = e?.DeepClone();
                    range["end"] = (equal ? e : s)?.DeepClone();
                    return equal ? "range with end = start" : "reversed range";
                }
            case < 86:
                {
                    // Arrays: empty, or 1000 members.
                    var array = old as JsonArray ?? slots.Select(x => x.Value).OfType<JsonArray>().FirstOrDefault();
                    if (array is null) goto default;
                    if (rng.Next(3) == 0) { array.Clear(); return "an array emptied"; }
                    var first = array.Count > 0 ? array[0] : JsonValue.Create("x");
                    while (array.Count < 1000) array.Add(first?.DeepClone());
                    return "an array of 1000 members";
                }
            case < 92:
                {
                    var parent = old as JsonObject ?? slot.Parent as JsonObject;
                    if (parent is null || parent.Count == 0) goto default;
                    var first = parent.First().Key;
                    parent[DupMarker + first] = TypeSwap(parent[first]);
                    return $"duplicate key {first}";
                }
            default:
                {
                    var v = Pick<JsonNode?>([0, -1, int.MaxValue, long.MaxValue, 1e308, 1.5, -1e308, 5, 1000, 60, 1441, "20"]);
                    slot.Set(v);
                    return $"{slot.Path} = {Show(v)}";
                }
        }
    }

    private JsonObject? RangeObject(JsonObject body, List<Slot> slots) =>
        slots.Select(s => s.Value).OfType<JsonObject>().Append(body).Where(o => o.ContainsKey("start") && o.ContainsKey("end"))
            .ToList() is { Count: > 0 } ranges ? ranges[rng.Next(ranges.Count)] : null;

    private JsonNode? TypeSwap(JsonNode? old) => old switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.String => Pick<JsonNode?>([1, 0, true, new JsonObject(), new JsonArray(), new JsonArray("x")]),
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => Pick<JsonNode?>(["12", "abc", true, new JsonObject(), new JsonArray(1)]),
        JsonValue => Pick<JsonNode?>(["true", 1, new JsonObject()]),
        JsonObject => Pick<JsonNode?>(["{}", 1, true, new JsonArray(), new JsonArray(new JsonObject())]),
        JsonArray a => Pick<JsonNode?>([a.Count > 0 ? a[0]?.DeepClone() : "x", "[]", 0, new JsonObject(), false]),
        _ => Pick<JsonNode?>(["x", 1, false, new JsonObject(), new JsonArray()]),
    };

    private JsonObject Duration() => rng.Next(10) switch
    {
        0 => Obj("""{"minutes": 2147483647}"""),
        1 => Obj("""{"hours": 2147483647}"""),
        2 => Obj("""{"hours": 2147483647, "minutes": 2147483647}"""),
        3 => Obj("""{"minutes": -1}"""),
        4 => Obj("""{"minutes": 1.5}"""),
        5 => Obj("""{"minutes": "30"}"""),
        6 => Obj("""{"minutes": 1e308}"""),
        7 => Obj("""{"minimum": {"minutes": 2147483647}, "maximum": {"minutes": 0}}"""),
        8 => Obj("""{"hours": 24, "minutes": 1}"""),
        _ => Obj("""{"minutes": 0}"""),
    };

    private static byte[] Serialize(JsonObject body)
    {
        var text = body.ToJsonString(Relaxed);
        text = text.Replace($"\"{LoneMarker}\"", "\"a\\ud800b\"", StringComparison.Ordinal)
            .Replace($"\"{DeepMarker}\"", new string('[', 2000) + new string(']', 2000), StringComparison.Ordinal)
            .Replace($"\"{DupMarker}", "\"", StringComparison.Ordinal);
        foreach (var t in RawTokens) text = text.Replace($"\"@@RAW{t}@@\"", t, StringComparison.Ordinal);
        var parts = text.Split($"\"{Utf8Marker}\"");
        var bytes = new List<byte>();
        for (var i = 0; i < parts.Length; i++)
        {
            if (i > 0) bytes.AddRange([(byte)'"', (byte)'a', 0xC3, 0x28, 0xFF, 0xED, 0xA0, 0x80, (byte)'"']);
            bytes.AddRange(Utf8(parts[i]));
        }
        return [.. bytes];
    }

    // ---------------------------------------------------------------- the scheduling page

    private FuzzCase Page(int n)
    {
        var token = PageToken();
        if (rng.Next(100) < 45)
        {
            // The confirm POST, with the antiforgery token and form name of a real confirm view.
            var fields = w.ConfirmFields.ToDictionary(f => f.Key, f => f.Value);
            fields["Confirm.Start"] = $"2026-03-2{3 + rng.Next(2)}T{9 + rng.Next(7):00}:{(rng.Next(2) == 0 ? "00" : "30")}:00Z";
            var labels = new List<string>();
            var edits = rng.Next(100) < 30 ? 0 : rng.Next(1, 3);
            for (var i = 0; i < edits; i++)
            {
                var key = Pick(["Confirm.Start", "Confirm.Start", "Confirm.Tz", "__RequestVerificationToken", "_handler"]);
                var mode = rng.Next(5);
                if (mode == 0) { fields.Remove(key); labels.Add(key + " removed"); continue; }
                var value = key switch
                {
                    "Confirm.Start" => mode == 1 ? Pick(Texts) : Pick(Instants),
                    "Confirm.Tz" => mode == 1 ? Pick(Texts) : Pick(Zones),
                    "_handler" => Pick(["no-times", "bogus", "", "sign-in", "confirm\u0000"]),
                    _ => Pick(["", "x", "CfDJ8" + new string('A', 200), LongAscii[..5000]]),
                };
                fields[key] = value;
                labels.Add($"{key}={FuzzCase.Clip(value, 40)}");
            }
            var mutation = labels.Count == 0 ? "valid confirm" : string.Join(" + ", labels);
            return new FuzzCase(n, "page.confirm", mutation, Surface.PageForm, HttpMethod.Post, NoNul("/rts/" + token), null, null, Form: [.. fields]);
        }
        if (rng.Next(10) == 0)
            return new FuzzCase(n, "page.ics", "token " + FuzzCase.Clip(token, 40), Surface.Page, HttpMethod.Get, NoNul($"/rts/{token}/event.ics"), null, null);
        var query = new List<string>();
        if (rng.Next(3) > 0) query.Add("start=" + Uri.EscapeDataString(rng.Next(3) == 0 ? Pick(Texts) : Pick(Instants)));
        if (rng.Next(2) > 0) query.Add("tz=" + Uri.EscapeDataString(Pick(Zones)));
        if (rng.Next(6) == 0) query.Add(Pick(["notice=no-times", "start=%ZZ", "tz=%C3%28", "start=" + new string('9', 5000), "tz=" + LongAscii[..5000]]));
        var path = NoNul($"/rts/{token}") + (query.Count > 0 ? "?" + string.Join("&", query) : "");
        return new FuzzCase(n, "page.get", FuzzCase.Clip(path, 120), Surface.Page, HttpMethod.Get, path, null, null);
    }

    private string PageToken() => rng.Next(10) switch
    {
        < 7 => w.PoolTokens[rng.Next(w.PoolTokens.Count)],
        7 => w.LinkToken,
        8 => Pick(["no-such-token", new string('A', 3000), "%00", "%C3%28", "..", "%2e%2e%2fadmin"]),
        _ => Uri.EscapeDataString(Pick(Texts) is { Length: > 0 } t ? t : "x"),
    };

    // ---------------------------------------------------------------- the dashboard

    private FuzzCase Admin(int n)
    {
        string P(string name, string[] values) => rng.Next(3) == 0 ? "" : $"{name}={Uri.EscapeDataString(Pick(values))}";
        string[] pages = ["1", "2", "0", "-1", "2147483647", "99999999999", "1.5", "abc", "", " 1", "1e3"];
        string[] apps = [w.ApplicationId, w.Sentinel.ApplicationId, "app_nope", "", "x"];
        var (name, path) = rng.Next(7) switch
        {
            0 or 1 => ("admin.links", "/admin/links?" + string.Join("&", new[]
            {
                P("page", pages), P("status", ["open", "completed", "disabled", "expired", "OPEN", "", "bogus"]), P("app", apps),
                P("q", [.. Texts, "Fuzz", w.LinkId, "%", "_", LongAscii[..3000]]),
            }.Where(x => x.Length > 0))),
            2 => ("admin.accounts", "/admin/accounts?" + string.Join("&", new[] { P("page", pages), P("app", apps) }.Where(x => x.Length > 0))),
            3 => ("admin.link", $"/admin/links/{Pick([w.LinkId, w.Sentinel.CompletedLinkId, "sch_nope", "%01", new string('x', 3000)])}"
                + (rng.Next(2) == 0 ? "?done=" + Uri.EscapeDataString(Pick(Texts)) : "")),
            4 => ("admin.account", $"/admin/accounts/{Pick([w.P, w.Sentinel.Sub, "acc_nope", "%C3%28"])}"),
            5 => ("admin.applications", "/admin/applications"),
            _ => ("admin.overview", "/admin"),
        };
        return new FuzzCase(n, name, FuzzCase.Clip(path, 160), Surface.Admin, HttpMethod.Get, path, null, null);
    }

    // ---------------------------------------------------------------- helpers

    private T Pick<T>(T[] values) => values[rng.Next(values.Length)];

    /// <summary>A NUL in a path is refused by the server before the app sees it (Kestrel: 400; the test server: an
    /// exception in the client), so paths carry %01 instead.</summary>
    private static string NoNul(string path) => path.Replace("%00", "%01", StringComparison.OrdinalIgnoreCase);

    private static JsonObject Obj(string json) => JsonNode.Parse(json)!.AsObject();

    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    private static string Show(JsonNode? v) => v is null ? "null" : FuzzCase.Clip(v.ToJsonString(Relaxed), 60);
}
