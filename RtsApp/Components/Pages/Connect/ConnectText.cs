namespace RtsApp.Components.Pages.Connect;

/// <summary>The connect page's own text: <c>ConnectText.resx</c> (English) and its German, French and Spanish translations
/// beside it, read in the request's UI culture as the scheduling page's are (<see cref="Features.Booking.PageLocalization"/>).</summary>
public sealed class ConnectText;
