using NodaTime;
using RtsApp.Features.Booking;

namespace RtsApp.Tests.Features.Booking;

/// <summary>What a person on the scheduling page sees after an action: the outcome with the page shown next.</summary>
public abstract record PageResult
{
    public sealed record Booked(LinkPage Page, string? RedirectUrl) : PageResult;
    public sealed record Taken(LinkPage Page) : PageResult;
    public sealed record NotOpen(LinkPage Page) : PageResult;
    public sealed record Unconfirmed(LinkPage Page) : PageResult;
    public sealed record Unknown : PageResult;
}

/// <summary>Drives the scheduling page's handlers as the page does: an action, then the page as it now is.</summary>
public sealed class BookingDriver(LinkPages pages, BookingCommand command)
{
    public Task<LinkPage?> GetPageAsync(string token, CancellationToken ct) => pages.GetPageAsync(token, ct);

    public Task<string?> IcsAsync(string token, CancellationToken ct) => pages.IcsAsync(token, ct);

    /// <summary>"None of these times work", then the page; null for an unknown token.</summary>
    public async Task<LinkPage?> NoTimesSuitableAsync(string token, CancellationToken ct) =>
        await pages.NoTimesSuitableAsync(token, ct) ? await pages.GetPageAsync(token, ct) : null;

    public async Task<PageResult> BookAsync(string token, Instant start, string? userTzid, CancellationToken ct)
    {
        var result = await command.BookAsync(token, start, userTzid, ct);
        if (result is BookingResult.Unknown || await pages.GetPageAsync(token, ct) is not { } page) return new PageResult.Unknown();
        return result switch
        {
            BookingResult.Booked booked => new PageResult.Booked(page, booked.RedirectUrl),
            BookingResult.Taken => new PageResult.Taken(page),
            BookingResult.Unconfirmed => new PageResult.Unconfirmed(page),
            _ => new PageResult.NotOpen(page),
        };
    }
}
