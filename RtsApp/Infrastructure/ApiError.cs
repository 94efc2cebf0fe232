using System.Text.Json;
using System.Text.Json.Serialization;
using FluentValidation;
using FluentValidation.Results;
using Microsoft.AspNetCore.Http.Metadata;

namespace RtsApp.Infrastructure;

/// <summary>One error detail in Cronofy's shape: <c>{"key": "errors.required", "description": "required"}</c>.</summary>
public sealed record ErrorDetail(string Key, string Description);

/// <summary>Every 4xx the API writes, in Cronofy's shape: <c>{"errors": {"json.path": [{"key", "description"}]}}</c>.</summary>
public sealed class ApiError : IResult, IStatusCodeHttpResult, IEndpointMetadataProvider
{
    public const string Required = "errors.required";
    public const string Invalid = "errors.invalid";
    public const string NotFound = "errors.not_found";
    /// <summary>Something an open link uses (a connection's calendar, an availability rule) cannot be deleted.</summary>
    public const string InUse = "errors.in_use";

    public ApiError(int statusCode, IReadOnlyDictionary<string, List<ErrorDetail>> errors)
    {
        StatusCode = statusCode;
        Errors = errors;
    }

    public int StatusCode { get; }
    int? IStatusCodeHttpResult.StatusCode => StatusCode;
    public IReadOnlyDictionary<string, List<ErrorDetail>> Errors { get; }
    /// <summary>Seconds, for a 429.</summary>
    public int? RetryAfter { get; init; }

    public static ApiError Field(int status, string field, string key, string description) =>
        new(status, new Dictionary<string, List<ErrorDetail>> { [field] = [new ErrorDetail(key, description)] });

    public static ApiError Unprocessable(string field, string key, string description) => Field(422, field, key, description);
    public static ApiError RequiredField(string field) => Unprocessable(field, Required, ValidationRules.RequiredMessage);
    public static ApiError BadBody(string description) => Field(400, "body", Invalid, description);

    /// <summary>A JSON value of the wrong type or shape, as a 422 at its JSON path under <paramref name="prefix"/>
    /// (<c>null</c> for the body itself). The one mapping of <see cref="JsonException"/> to the API's shape.</summary>
    public static ApiError FromJson(JsonException ex, string? prefix = null)
    {
        var inner = ex.Path is null or "$" ? null : ex.Path.StartsWith("$.", StringComparison.Ordinal) ? ex.Path[2..] : ex.Path.TrimStart('$');
        var path = (prefix, inner) switch
        {
            (null, null) => "body",
            (null, _) => inner,
            (_, null) => prefix,
            _ => prefix + "." + inner,
        };
        var message = ex.InnerException is null ? ex.Message.Split(" Path:")[0] : "has the wrong type";
        if (message.StartsWith("The JSON value could not be converted", StringComparison.Ordinal)) message = "has the wrong type";
        return Unprocessable(path, Invalid, message);
    }

    /// <summary>Maps FluentValidation failures to the 422 shape, naming each field by its JSON path.</summary>
    public static ApiError From(ValidationResult result)
    {
        var errors = new Dictionary<string, List<ErrorDetail>>();
        foreach (var f in result.Errors)
        {
            var path = JsonPath(f.PropertyName);
            if (!errors.TryGetValue(path, out var list)) errors[path] = list = [];
            var key = f.ErrorCode is "NotEmptyValidator" or "NotNullValidator" ? Required
                : f.ErrorCode?.StartsWith("errors.", StringComparison.Ordinal) == true ? f.ErrorCode : Invalid;
            list.Add(new ErrorDetail(key, f.ErrorMessage));
        }
        return new ApiError(422, errors);
    }

    /// <summary>Validates explicitly (DESIGN: no auto-validation); null when valid.</summary>
    public static ApiError? Validate<T>(IValidator<T> validator, T value)
    {
        var result = validator.Validate(value);
        return result.IsValid ? null : From(result);
    }

    /// <summary>"Participants[0].Members[1].Sub" → "participants[0].members[1].sub".</summary>
    public static string JsonPath(string propertyPath)
    {
        var parts = propertyPath.Split('.');
        for (var i = 0; i < parts.Length; i++)
        {
            var p = parts[i];
            var bracket = p.IndexOf('[');
            parts[i] = bracket < 0
                ? JsonNamingPolicy.SnakeCaseLower.ConvertName(p)
                : JsonNamingPolicy.SnakeCaseLower.ConvertName(p[..bracket]) + p[bracket..];
        }
        return string.Join('.', parts);
    }

    public async Task ExecuteAsync(HttpContext http)
    {
        http.Response.StatusCode = StatusCode;
        if (StatusCode == 401) http.Response.Headers.WWWAuthenticate = "Bearer";
        if (RetryAfter is { } s) http.Response.Headers.RetryAfter = s.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await http.Response.WriteAsJsonAsync(new Body(Errors), ApiJson.Options);
    }

    private sealed record Body([property: JsonPropertyName("errors")] IReadOnlyDictionary<string, List<ErrorDetail>> Errors);

    public static void PopulateMetadata(System.Reflection.MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(422, typeof(object), ["application/json"]));
}
