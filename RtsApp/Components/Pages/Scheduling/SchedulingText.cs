namespace RtsApp.Components.Pages.Scheduling;

/// <summary>The scheduling page's own text: <c>SchedulingText.resx</c> (English) and its German, French and Spanish
/// translations beside it, read through <c>IStringLocalizer&lt;SchedulingText&gt;</c> in the request's UI culture
/// (<see cref="Features.Booking.PageLocalization"/>). Date patterns are text too, so each language orders its dates.</summary>
public sealed class SchedulingText;
