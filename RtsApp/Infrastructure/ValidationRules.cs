using FluentValidation;

namespace RtsApp.Infrastructure;

/// <summary>The rules every validator shares, each written once with its Cronofy error key and message.</summary>
public static class ValidationRules
{
    public const string RequiredMessage = "required";
    public const string UnknownZoneKey = "errors.unknown_time_zone";
    public const string UnknownZoneMessage = "is not a known IANA time zone";
    public const string EndBeforeStartKey = "errors.end_before_start";

    /// <summary>Present and, for strings and lists, not empty: <c>errors.required</c>.</summary>
    public static IRuleBuilderOptions<T, TProperty> Required<T, TProperty>(this IRuleBuilder<T, TProperty> rule) =>
        rule.NotEmpty().WithMessage(RequiredMessage);

    /// <summary>Present (not null; zero and empty values pass): <c>errors.required</c>.</summary>
    public static IRuleBuilderOptions<T, TProperty> Present<T, TProperty>(this IRuleBuilder<T, TProperty> rule) =>
        rule.NotNull().WithMessage(RequiredMessage);

    /// <summary>Absent, or an IANA id tzdb knows: <c>errors.unknown_time_zone</c>. An empty string is not absent: the
    /// code after validation reads a present tzid as a zone.</summary>
    public static IRuleBuilderOptions<T, string?> KnownZone<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(z => z is null || TzdbZones.IsKnown(z)).WithErrorCode(UnknownZoneKey).WithMessage(UnknownZoneMessage);

    /// <summary>Validates an optional child object with its own validator when present (null passes).</summary>
    public static IRuleBuilderOptions<T, TChild?> Child<T, TChild>(this IRuleBuilder<T, TChild?> rule, IValidator<TChild> validator)
        where TChild : class =>
        rule.SetValidator((IValidator<TChild?>)validator);

    public static readonly string WebUrlMessage = $"must be an absolute http or https URL of at most {WebUrls.MaxLength} characters (once non-ASCII characters are encoded), without control characters";

    /// <summary>An absolute http(s) URL that <see cref="WebUrls.Normalize"/> stores (CR/LF refused, an IDN host made
    /// punycode), of at most <see cref="WebUrls.MaxLength"/> characters: where the service sends a person's browser, in
    /// a <c>Location</c> header that must stay within what browsers and proxies take.</summary>
    public static IRuleBuilderOptions<T, string?> WebUrl<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(u => u?.Length <= WebUrls.MaxLength && WebUrls.Normalize(u) is { Length: <= WebUrls.MaxLength }).WithMessage(WebUrlMessage);

    /// <summary>No control characters (CR, LF, NUL, …): ids and names end up in headers, logs and calendar files.</summary>
    public static IRuleBuilderOptions<T, string?> NoControlCharacters<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(s => s is null || !HasControlCharacters(s, multiline: false)).WithMessage("must not contain control characters");

    /// <summary>Whether <paramref name="text"/> holds a control character a plain-text field may not: any at all in a
    /// one-line field; in a multi-line one (line breaks made LF by <see cref="Lines"/>), any but line feed and tab.</summary>
    public static bool HasControlCharacters(string text, bool multiline) => text.Any(c => char.IsControl(c) && !(multiline && c is '\n' or '\t'));

    /// <summary>Multi-line plain text as it is kept: a browser's CRLF line breaks made LF.</summary>
    public static string Lines(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal);
}

/// <summary>Reads a field the validator has already proven present. Used only where a validated request becomes its
/// spec, so that nothing downstream null-forgives: a null here is a missing rule, and fails loudly.</summary>
public static class Validated
{
    public static T Value<T>(T? value, string field) where T : struct =>
        value ?? throw new InvalidOperationException($"{field} was not validated as present.");

    public static T Value<T>(T? value, string field) where T : class =>
        value ?? throw new InvalidOperationException($"{field} was not validated as present.");
}
