using NodaTime;
using RtsApp.Infrastructure;

namespace RtsApp.Features.Calendars;

/// <summary>The query of a ranged, paged read (<c>GET /v1/events</c>, <c>/v1/free_busy</c>, <c>/v1/available_periods</c>):
/// what overlaps [<see cref="From"/>, <see cref="To"/>), <c>from</c> and <c>to</c> given as instants or as dates in
/// <c>tzid</c> (their midnights), Cronofy's defaults when absent, and the 1-based <see cref="Page"/>.</summary>
public sealed record RangeQuery(Instant From, Instant To, int Page)
{
    public const int PageSize = 100;
    /// <summary>Beyond this a page's offset would overflow; no read has that many rows.</summary>
    public const int MaxPage = 1_000_000;
    /// <summary>Cronofy's defaults for a read without <c>from</c> / <c>to</c>: 16 days back, 201 days ahead.</summary>
    public static readonly Duration DefaultPast = Duration.FromDays(16);
    public static readonly Duration DefaultFuture = Duration.FromDays(201);
    private const string BoundMessage = "must be a date yyyy-MM-dd or an ISO 8601 time, from 1900 to 2999";

    /// <summary>Rows to skip before this page.</summary>
    public int Skip => (Page - 1) * PageSize;

    public static Outcome<RangeQuery> Read(IQueryCollection q, Instant now)
    {
        var tzid = q["tzid"].ToString();
        var zone = string.IsNullOrEmpty(tzid) ? DateTimeZone.Utc : TzdbZones.Find(tzid);
        if (zone is null) return ApiError.Unprocessable("tzid", ValidationRules.UnknownZoneKey, ValidationRules.UnknownZoneMessage);
        if (!TryBound(q["from"], zone, now - DefaultPast, out var from)) return ApiError.Unprocessable("from", ApiError.Invalid, BoundMessage);
        if (!TryBound(q["to"], zone, now + DefaultFuture, out var to)) return ApiError.Unprocessable("to", ApiError.Invalid, BoundMessage);
        if (to <= from) return ApiError.Unprocessable("to", ApiError.Invalid, "must be after from");
        var pageText = q["page"].ToString();
        var page = 1;
        if (pageText.Length > 0 && (!int.TryParse(pageText, out page) || page < 1 || page > MaxPage))
            return ApiError.Unprocessable("page", ApiError.Invalid, $"must be a whole number from 1 to {MaxPage}");
        return new RangeQuery(from, to, page);
    }

    /// <summary>The reply's <c>pages</c> for <paramref name="count"/> rows in all; <c>next_page</c> is this request's URL
    /// with the next page number.</summary>
    public Pages Pages(HttpRequest request, PublicUrls urls, int count)
    {
        var total = Math.Max(1, (count + PageSize - 1) / PageSize);
        string? next = null;
        if (Page < total)
        {
            var query = request.Query.Where(q => q.Key != "page")
                .SelectMany(q => q.Value.Select(v => Uri.EscapeDataString(q.Key) + "=" + Uri.EscapeDataString(v ?? "")))
                .Append("page=" + (Page + 1));
            next = urls.Absolute(request, request.Path + "?" + string.Join('&', query));
        }
        return new Pages(Page, total, next);
    }

    private static bool TryBound(string? text, DateTimeZone zone, Instant fallback, out Instant bound)
    {
        bound = fallback;
        if (string.IsNullOrEmpty(text)) return true;
        if (ApiJson.TryParseInstant(text, out bound)) return true;
        if (ApiJson.TryParseDate(text, out var date)) { bound = zone.AtStartOfDay(date).ToInstant(); return bound >= ApiJson.MinInstant && bound <= ApiJson.MaxInstant; }
        return false;
    }
}
