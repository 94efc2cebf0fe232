using FluentValidation;
using RtsApp.Infrastructure;

namespace RtsApp.Features.Calendars;

/// <summary>The limits of an event's text fields (SPEC §3), one rule each: the events API, links, sequence steps and the
/// database schema all use these.</summary>
public static class EventFields
{
    public const int EventIdMaxLength = 256;
    /// <summary>A write into a calendar that cannot be written (SPEC §13: an ICS feed's).</summary>
    public const string CalendarReadonlyKey = "errors.calendar_readonly";
    public const string CalendarReadonlyMessage = "is read-only: its events come from a calendar connection";
    public const int SummaryMaxLength = 1024;
    public const int DescriptionMaxLength = 4096;
    public const int LocationMaxLength = 1024;
    public const string Opaque = "opaque";
    public const string Transparent = "transparent";

    public static IRuleBuilderOptions<T, string?> EventId<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Required().MaximumLength(EventIdMaxLength).NoControlCharacters();

    public static IRuleBuilderOptions<T, string?> Summary<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Required().MaximumLength(SummaryMaxLength);

    public static IRuleBuilderOptions<T, string?> Description<T>(this IRuleBuilder<T, string?> rule) =>
        rule.MaximumLength(DescriptionMaxLength);

    public static IRuleBuilderOptions<T, string?> Location<T>(this IRuleBuilder<T, string?> rule) =>
        rule.MaximumLength(LocationMaxLength);
}
