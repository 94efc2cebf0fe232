using System.Globalization;

namespace RtsApp.Features.Admin;

/// <summary>How the dashboard reads values from its URLs (query strings, route ids), which anyone can edit: nothing
/// there may fail a page (SPEC §1), so a bad value counts as absent and a number is clamped.</summary>
public static class AdminInput
{
    /// <summary>Longest search text or filter value used; the rest is ignored.</summary>
    public const int MaxText = 256;

    /// <summary>A page number: 1 when absent or not a whole number, <see cref="int.MaxValue"/> (so the last page) when too
    /// large, at least 1.</summary>
    public static int Page(string? text)
    {
        var trimmed = text?.Trim();
        if (int.TryParse(trimmed, NumberStyles.None, CultureInfo.InvariantCulture, out var page)) return Math.Max(1, page);
        return trimmed is { Length: > 0 } && trimmed.All(char.IsAsciiDigit) ? int.MaxValue : 1;
    }

    /// <summary>The text without control characters, trimmed and cut to <see cref="MaxText"/> (never inside a surrogate
    /// pair); null when nothing is left.</summary>
    public static string? Text(string? text)
    {
        if (string.IsNullOrEmpty(text)) return null;
        var clean = string.Concat(text.Where(c => !char.IsControl(c))).Trim();
        if (clean.Length > MaxText) clean = clean[..(char.IsHighSurrogate(clean[MaxText - 1]) ? MaxText - 1 : MaxText)].TrimEnd();
        return clean.Length > 0 ? clean : null;
    }

    /// <summary>Whether <paramref name="id"/> can be an id at all (ids are short and printable); one that cannot is simply
    /// not found, without asking the database.</summary>
    public static bool IsPlausibleId(string? id) => id is { Length: > 0 and <= MaxText } && !id.Any(char.IsControl);
}
