using System.Diagnostics.CodeAnalysis;

namespace RtsApp.Infrastructure;

/// <summary>A value or the API error that stands in its place: what a handler step returns when the caller must answer
/// with the error as it is. Made only from one or the other (implicit conversions), so exactly one is set.</summary>
public readonly struct Outcome<T> where T : class
{
    private readonly T? value;
    private readonly ApiError? error;

    private Outcome(T? value, ApiError? error)
    {
        this.value = value;
        this.error = error;
    }

    public static implicit operator Outcome<T>(T value) => new(value ?? throw new ArgumentNullException(nameof(value)), null);

    public static implicit operator Outcome<T>(ApiError error) => new(null, error ?? throw new ArgumentNullException(nameof(error)));

    public bool TryGet([NotNullWhen(true)] out T? result, [NotNullWhen(false)] out ApiError? failure)
    {
        result = value;
        failure = error ?? (value is null ? ApiError.Field(500, "server", "errors.internal", "an empty outcome") : null);
        return value is not null;
    }
}
