using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Text.Json;

namespace RtsApp.Infrastructure;

/// <summary>Reads a /v1 request body once, before authentication (body credentials take precedence, SPEC §2):
/// at most 1 MiB (413 beyond), parsed as JSON (400 when it is not), kept for the credential check and for binding.</summary>
public static class ApiBody
{
    public const int MaxBytes = 1024 * 1024;
    private const string DocumentKey = "rts.body.document";
    private const string ErrorKey = "rts.body.error";

    public static JsonElement? Document(HttpContext http) =>
        http.Items.TryGetValue(DocumentKey, out var d) && d is JsonDocument doc ? doc.RootElement : null;

    public static ApiError? Error(HttpContext http) => http.Items.TryGetValue(ErrorKey, out var e) ? e as ApiError : null;

    /// <summary>Middleware for the API: reads and parses the body, or answers 413 at once.</summary>
    public static async Task ReadAsync(HttpContext http, RequestDelegate next)
    {
        // No stored text can hold NUL (PostgreSQL refuses it in every text parameter), so no id or value with one exists.
        if (http.Request.Path.Value?.Contains('\0', StringComparison.Ordinal) == true
            || http.Request.Query.Any(q => q.Key.Contains('\0', StringComparison.Ordinal) || q.Value.Any(v => v?.Contains('\0', StringComparison.Ordinal) == true)))
        {
            await ApiError.Field(400, "url", ApiError.Invalid, "the URL must not hold a NUL character").ExecuteAsync(http);
            return;
        }
        if (http.Request.ContentLength > MaxBytes)
        {
            await ApiError.Field(413, "body", "errors.too_large", "the body is larger than 1 MiB").ExecuteAsync(http);
            return;
        }
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await http.Request.Body.ReadAsync(chunk, http.RequestAborted)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > MaxBytes)
            {
                await ApiError.Field(413, "body", "errors.too_large", "the body is larger than 1 MiB").ExecuteAsync(http);
                return;
            }
        }
        if (buffer.Length > 0)
        {
            var bytes = buffer.ToArray();
            // RFC 8259 §8.1 lets a parser ignore a byte order mark; some clients (Windows tools) send one.
            if (bytes.AsSpan().StartsWith(Utf8Bom)) bytes = bytes[Utf8Bom.Length..];
            try
            {
                var doc = JsonDocument.Parse(bytes);
                http.Response.RegisterForDispose(doc);
                // The parser checks structure, not the UTF-8 inside strings: that would throw later, wherever one is read.
                if (!System.Text.Unicode.Utf8.IsValid(bytes)) http.Items[ErrorKey] = ApiError.BadBody("the body is not valid UTF-8");
                else if (UnreadableText(bytes) is { } reason) http.Items[ErrorKey] = ApiError.BadBody("the body is not valid JSON: " + reason);
                else http.Items[DocumentKey] = doc;
            }
            catch (JsonException)
            {
                http.Items[ErrorKey] = ApiError.BadBody("the body is not valid JSON");
            }
        }
        await next(http);
    }

    private static readonly byte[] Utf8Bom = [0xEF, 0xBB, 0xBF];

    /// <summary>Why a string or property name cannot be used, or null: an escaped half surrogate pair (<c>"\ud800"</c>)
    /// parses but throws wherever it is read (refused as I-JSON, RFC 7493, does), and an escaped NUL (<c>"\u0000"</c>)
    /// cannot be stored (PostgreSQL refuses it). Only escaped tokens can hold either (raw bytes are checked as UTF-8
    /// first, and a raw control character fails the parse), so the rest is not read.</summary>
    private static string? UnreadableText(byte[] json)
    {
        var reader = new Utf8JsonReader(json);
        while (reader.Read())
        {
            if (reader.TokenType is not (JsonTokenType.String or JsonTokenType.PropertyName) || !reader.ValueIsEscaped) continue;
            try
            {
                if (reader.GetString()?.Contains('\0', StringComparison.Ordinal) == true) return "a string holds a NUL character (\\u0000)";
            }
            catch (InvalidOperationException)
            {
                return "a \\u escape is an unpaired surrogate";
            }
        }
        return null;
    }

    /// <summary>Deserializes the parsed body; a value of the wrong type is a 422 naming its JSON path.</summary>
    public static (T? Value, ApiError? Error) Bind<T>(HttpContext http) where T : class
    {
        if (Error(http) is { } e) return (null, e);
        var root = Document(http);
        if (root is { ValueKind: not JsonValueKind.Object } && root is { ValueKind: not JsonValueKind.Undefined })
            return (null, ApiError.BadBody("the body must be a JSON object"));
        try
        {
            var value = root is { } r ? r.Deserialize<T>(ApiJson.Options) : JsonSerializer.Deserialize<T>("{}", ApiJson.Options);
            return (value, null);
        }
        catch (JsonException ex)
        {
            return (null, ApiError.FromJson(ex));
        }
    }
}

/// <summary>A JSON request body bound from the parsed document; <see cref="Error"/> is set when it could not be read.</summary>
public sealed class Json<T> : Microsoft.AspNetCore.Http.Metadata.IEndpointParameterMetadataProvider where T : class
{
    public static void PopulateMetadata(ParameterInfo parameter, EndpointBuilder builder) =>
        builder.Metadata.Add(new JsonBodyMetadata(typeof(T)));

    public T? Value { get; private init; }
    public ApiError? Error { get; private init; }

    /// <summary>Parse once: the body read, validated by <paramref name="validator"/> and turned into its validated spec by
    /// <paramref name="toSpec"/>; or the body's error, or the validator's 422.</summary>
    public bool TryParse<TSpec>(FluentValidation.IValidator<T> validator, Func<T, TSpec> toSpec,
        [NotNullWhen(true)] out TSpec? spec, [NotNullWhen(false)] out ApiError? error)
    {
        spec = default;
        error = Error ?? (Value is null ? ApiError.BadBody("the body must be a JSON object") : ApiError.Validate(validator, Value));
        if (error is not null) return false;
        if (Value is null)
        {
            error = ApiError.BadBody("the body must be a JSON object");
            return false;
        }
        spec = toSpec(Value) ?? throw new InvalidOperationException("A spec conversion returned null.");
        return true;
    }

    public static ValueTask<Json<T>?> BindAsync(HttpContext http, ParameterInfo parameter)
    {
        var (value, error) = ApiBody.Bind<T>(http);
        return ValueTask.FromResult<Json<T>?>(new Json<T> { Value = value, Error = error });
    }
}
