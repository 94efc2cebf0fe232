using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using RtsApp.Features.Links;

namespace RtsApp.Features.Booking;

/// <summary>The scheduling page's routes (SPEC §7), in one place: the page itself is a Razor component at
/// <see cref="LinkUrls.PageRoute"/>; the booked event's calendar file is a minimal-API endpoint.</summary>
public static class SchedulingPageEndpoints
{
    public const string IcsContentType = "text/calendar";

    public static IEndpointRouteBuilder MapSchedulingPage(this IEndpointRouteBuilder app)
    {
        app.MapGet(LinkUrls.IcsRoute, DownloadIcs).ExcludeFromDescription();
        return app;
    }

    /// <summary>The booked event(s) as RFC 5545 text; 404 unless the link exists and is completed.</summary>
    public static async Task<Results<FileContentHttpResult, NotFound>> DownloadIcs(string token, LinkPages pages, CancellationToken ct) =>
        await pages.IcsAsync(token, ct) is { } ics
            ? TypedResults.File(Encoding.UTF8.GetBytes(ics), IcsContentType + "; charset=utf-8", "event.ics")
            : TypedResults.NotFound();
}
