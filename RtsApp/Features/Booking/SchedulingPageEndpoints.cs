using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;

namespace RtsApp.Features.Booking;

/// <summary>The scheduling page's routes (SPEC §7), in one place: the page itself is a Razor component at
/// <see cref="PageRoute"/>; the booked event's calendar file is a minimal-API endpoint.</summary>
public static class SchedulingPageEndpoints
{
    public const string PageRoute = "/rts/{Token}";
    public const string IcsRoute = "/rts/{token}/event.ics";
    public const string IcsContentType = "text/calendar";

    public static string PageUrl(string token) => "/rts/" + Uri.EscapeDataString(token);
    public static string IcsUrl(string token) => PageUrl(token) + "/event.ics";

    public static IEndpointRouteBuilder MapSchedulingPage(this IEndpointRouteBuilder app)
    {
        app.MapGet(IcsRoute, DownloadIcs).ExcludeFromDescription();
        return app;
    }

    /// <summary>The booked event(s) as RFC 5545 text; 404 unless the link exists and is completed.</summary>
    public static async Task<Results<FileContentHttpResult, NotFound>> DownloadIcs(string token, BookingHandler booking, CancellationToken ct) =>
        await booking.IcsAsync(token, ct) is { } ics
            ? TypedResults.File(Encoding.UTF8.GetBytes(ics), IcsContentType + "; charset=utf-8", "event.ics")
            : TypedResults.NotFound();
}
