using System.Globalization;

namespace RtsApp.Infrastructure;

/// <summary>The languages the scheduling page speaks (its text in resx, its dates through the culture): English, German,
/// French and Spanish. Region variants read as their language (de-AT as de).</summary>
public static class PageCultures
{
    public const string Default = "en-GB";
    public static readonly string[] Languages = ["en", "de", "fr", "es"];
    /// <summary>en-GB first (the default: day-month order, Monday first), en-US for its own conventions, then each language.</summary>
    public static readonly string[] Supported = [Default, "en-US", "en", "de", "fr", "es"];

    /// <summary>Whether <paramref name="name"/> is a culture .NET knows in one of the page's <see cref="Languages"/>.</summary>
    public static bool IsKnown(string? name)
    {
        if (string.IsNullOrWhiteSpace(name)) return false;
        try
        {
            return Languages.Contains(CultureInfo.GetCultureInfo(name, predefinedOnly: true).TwoLetterISOLanguageName);
        }
        catch (CultureNotFoundException)
        {
            return false;
        }
    }
}
