using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using NodaTime;
using RtsApp.ICalendar;
using RtsApp.Infrastructure.Network;
using static RtsApp.Features.Connections.CalDav.CalDavXml;

namespace RtsApp.Features.Connections.CalDav;

/// <summary>A CalDAV client (RFC 4791) for one account on one server: discovery (RFC 6764 well-known, RFC 5397
/// current-user-principal, calendar-home-set, RFC 3744 privileges), incremental sync (RFC 6578 sync-collection, else
/// ctag + ETag comparison), time-range queries and write-back. Every public method returns a
/// <see cref="CalDavResult{T}"/>: a failure is a value naming what went wrong, never an exception — except
/// cancellation by the caller's token, which propagates. The <see cref="HttpClient"/> should come from
/// <see cref="CalDavHttp.CreateHandler"/> (no proxy, no automatic redirects, the SSRF guard at connect time).</summary>
public sealed partial class CalDavClient(HttpClient http, CalDavCredentials credentials, CalDavClientOptions options)
{
    private static readonly HttpMethod PropFind = new("PROPFIND");
    private static readonly HttpMethod Report = new("REPORT");
    private const string CredentialsRefused = "the server refused the credentials";
    private const string NotCalDavServer = "not a CalDAV server";

    private static readonly XName[] CalendarProps =
    [
        Dav + "resourcetype", Dav + "displayname", Cs + "getctag", Dav + "sync-token",
        Dav + "current-user-privilege-set", Cal + "supported-calendar-component-set", Dav + "supported-report-set",
    ];

    public CalDavClient(HttpClient http, CalDavCredentials credentials) : this(http, credentials, new CalDavClientOptions()) { }

    // ---- discovery ------------------------------------------------------------------------------------------------

    /// <summary>Finds the calendars behind <paramref name="serverUrl"/>: the server's root (then
    /// <c>/.well-known/caldav</c> is tried first), a principal URL, or one calendar collection's URL (then only that
    /// calendar is returned).</summary>
    public Task<CalDavResult<CalDavDiscovery>> DiscoverAsync(Uri serverUrl, CancellationToken cancel) =>
        Run(async () =>
        {
            ArgumentNullException.ThrowIfNull(serverUrl);
            if (PublicAddressGuard.CheckUrl(serverUrl.AbsoluteUri, options.AllowPrivateNetworks) is { } refusal)
                throw Fail(CalDavFailureKind.Unreachable, $"unreachable: the URL {refusal}");
            var pasted = EnsureSlash(serverUrl);
            var atRoot = pasted.AbsolutePath == "/";
            var context = atRoot ? await WellKnownAsync(pasted, cancel) ?? pasted : pasted;
            var found = await PrincipalAtAsync(context, cancel);
            if (found is null && !atRoot && await WellKnownAsync(pasted, cancel) is { } wellKnown)
                found = await PrincipalAtAsync(wellKnown, cancel);
            if (found is null) throw Fail(CalDavFailureKind.NotCalDav, $"{NotCalDavServer}: no current-user-principal at {context}");

            var (response, url) = found.Value;
            if (IsCalendar(response))
            {
                // A pasted calendar collection: that calendar alone.
                var calendar = await PropFindAsync(url, 0, CalendarProps, cancel);
                var one = calendar.Responses.Select(r => ToCalendar(url, r)).OfType<CalDavCalendarRef>().ToList();
                var principalOfCalendar = HrefIn(response.Prop(Dav + "current-user-principal")) is { } p ? Resolve(url, p) : url;
                return new CalDavDiscovery(principalOfCalendar, url, one);
            }
            var principal = HrefIn(response.Prop(Dav + "current-user-principal")) is { } href ? Resolve(url, href) : url;
            var home = HrefIn(response.Prop(Cal + "calendar-home-set"));
            if (home is null || principal != url)
            {
                var atPrincipal = await PropFindAsync(principal, 0, [Cal + "calendar-home-set"], cancel);
                home = atPrincipal.Responses.Select(r => HrefIn(r.Prop(Cal + "calendar-home-set"))).FirstOrDefault(h => h is not null);
            }
            if (home is null) throw Fail(CalDavFailureKind.NotCalDav, $"{NotCalDavServer}: the principal {principal.AbsolutePath} has no calendar-home-set");
            var homeUrl = EnsureSlash(Resolve(principal, home));
            var listing = await PropFindAsync(homeUrl, 1, CalendarProps, cancel);
            var calendars = listing.Responses.Select(r => ToCalendar(homeUrl, r)).OfType<CalDavCalendarRef>()
                .Where(c => c.Url != homeUrl).OrderBy(c => c.Url.AbsolutePath, StringComparer.Ordinal).ToList();
            return new CalDavDiscovery(principal, homeUrl, calendars);
        });

    /// <summary>Where <c>/.well-known/caldav</c> leads (RFC 6764 §5), following up to five redirects on the same host
    /// (never from https down to http: the credentials go with every request); null when the server has no such entry
    /// point.</summary>
    private async Task<Uri?> WellKnownAsync(Uri server, CancellationToken cancel)
    {
        var url = new Uri(server, "/.well-known/caldav");
        for (var hop = 0; hop < 5; hop++)
        {
            using var response = await SendAsync(PropFind, url, PropFind(Dav + "current-user-principal"), depth: 0, cancel);
            ThrowIfUnauthorized(response, discovery: true);
            var code = (int)response.StatusCode;
            if (code == 207) return url;
            if (code is < 300 or > 399 || response.Headers.Location is not { } location) return null;
            if (PublicAddressGuard.Follow(url, location) is not { } next || !string.Equals(next.Host, url.Host, StringComparison.OrdinalIgnoreCase)) return null;
            url = next;
        }
        return null;
    }

    /// <summary>PROPFIND Depth 0 for the principal, the home and the resource type at <paramref name="url"/>; null
    /// when the answer is not a multistatus naming a principal (or a calendar collection).</summary>
    private async Task<(DavResponse Response, Uri Url)?> PrincipalAtAsync(Uri url, CancellationToken cancel)
    {
        using var response = await SendAsync(PropFind, url,
            PropFind(Dav + "current-user-principal", Cal + "calendar-home-set", Dav + "resourcetype"), depth: 0, cancel);
        ThrowIfUnauthorized(response, discovery: true);
        if ((int)response.StatusCode != 207) return null;
        var multistatus = ReadMultistatus(TryLoad(await ReadBodyAsync(response, cancel)));
        var own = multistatus?.Responses.FirstOrDefault(r => SamePath(PathOf(url, r.Href), url.AbsolutePath)) ?? (multistatus?.Responses.Count > 0 ? multistatus.Responses[0] : null);
        if (own is null) return null;
        var isPrincipal = own.Prop(Dav + "resourcetype")?.Element(Dav + "principal") is not null;
        return own.Prop(Dav + "current-user-principal") is not null || isPrincipal || IsCalendar(own) ? (own, url) : null;
    }

    private static bool IsCalendar(DavResponse response) => response.Prop(Dav + "resourcetype")?.Element(Cal + "calendar") is not null;

    /// <summary>A calendar collection that can hold VEVENTs, or null for anything else.</summary>
    private static CalDavCalendarRef? ToCalendar(Uri baseUrl, DavResponse response)
    {
        if (!IsCalendar(response)) return null;
        if (response.Prop(Cal + "supported-calendar-component-set") is { } components
            && !components.Elements(Cal + "comp").Any(c => string.Equals((string?)c.Attribute("name"), "VEVENT", StringComparison.OrdinalIgnoreCase)))
            return null;
        var url = EnsureSlash(Resolve(baseUrl, response.Href));
        var privileges = response.Prop(Dav + "current-user-privilege-set");
        var writable = privileges is null
            || privileges.Elements(Dav + "privilege").Elements().Any(p => p.Name == Dav + "write" || p.Name == Dav + "write-content" || p.Name == Dav + "all");
        var syncToken = response.PropText(Dav + "sync-token");
        var offersSync = syncToken is not null
            || response.Prop(Dav + "supported-report-set")?.Descendants(Dav + "sync-collection").Any() == true;
        var name = response.PropText(Dav + "displayname") ?? Uri.UnescapeDataString(url.Segments[^1].TrimEnd('/'));
        return new CalDavCalendarRef(url, name, !writable, response.PropText(Cs + "getctag"), syncToken, offersSync);
    }

    // ---- sync -----------------------------------------------------------------------------------------------------

    /// <summary>The changes in <paramref name="calendar"/> since <paramref name="previous"/> (null: everything). With
    /// <c>sync-collection</c> when the calendar offers it (a token the server no longer accepts means a full listing),
    /// else a ctag check and a <c>calendar-query</c> of every VEVENT's ETag; changed objects are then fetched with
    /// <c>calendar-multiget</c>.</summary>
    public Task<CalDavResult<CalDavSyncResult>> SyncAsync(CalDavCalendarRef calendar, CalDavSyncState? previous, CancellationToken cancel) =>
        Run(async () =>
        {
            ArgumentNullException.ThrowIfNull(calendar);
            var known = previous?.ETags ?? new Dictionary<string, string>();
            return options.UseSyncCollection && calendar.SupportsSyncCollection
                ? await SyncCollectionAsync(calendar, previous, known, cancel)
                : await CompareETagsAsync(calendar, previous, known, cancel);
        });

    private async Task<CalDavSyncResult> SyncCollectionAsync(CalDavCalendarRef calendar, CalDavSyncState? previous,
        IReadOnlyDictionary<string, string> known, CancellationToken cancel)
    {
        var token = previous?.SyncToken;
        var full = token is null;
        Multistatus listing;
        using (var response = await SendAsync(Report, calendar.Url, SyncCollection(token), depth: 0, cancel))
        {
            ThrowIfUnauthorized(response, discovery: false);
            if (full) ThrowIfGone(response); // with a token, a 404/410 may be the token's: asked again without it below
            if ((int)response.StatusCode == 207)
                listing = await MultistatusOf(response, cancel);
            else if (!full)
            {
                // RFC 6578 §3.2: 403/409 with valid-sync-token; some servers answer an unknown token with a 500.
                full = true;
                listing = await FullSyncCollectionAsync(calendar.Url, cancel);
            }
            else throw Rejected(response);
        }
        var etags = full ? new Dictionary<string, string>(StringComparer.Ordinal) : new Dictionary<string, string>(known, StringComparer.Ordinal);
        var toFetch = new List<string>();
        var removed = new List<string>();
        foreach (var item in listing.Responses)
        {
            var href = PathOf(calendar.Url, item.Href);
            if (href == calendar.Url.AbsolutePath) continue;
            if (item.Status == 404 || item.PropText(Dav + "getetag") is not { } etag)
            {
                if (etags.Remove(href) || (!full && known.ContainsKey(href))) removed.Add(href);
                continue;
            }
            etags[href] = etag;
            if (!known.TryGetValue(href, out var before) || before != etag) toFetch.Add(href);
        }
        if (full) removed.AddRange(known.Keys.Where(k => !etags.ContainsKey(k) && !removed.Contains(k)));
        var changed = await MultigetAsync(calendar.Url, toFetch, etags, removed, cancel);
        var newToken = listing.SyncToken ?? token;
        return new CalDavSyncResult(changed, removed, new CalDavSyncState(newToken, previous?.CTag ?? calendar.CTag, etags), full);
    }

    private async Task<Multistatus> FullSyncCollectionAsync(Uri url, CancellationToken cancel)
    {
        using var response = await SendAsync(Report, url, SyncCollection(null), depth: 0, cancel);
        ThrowIfUnauthorized(response, discovery: false);
        ThrowIfGone(response);
        return (int)response.StatusCode == 207 ? await MultistatusOf(response, cancel) : throw Rejected(response);
    }

    private async Task<CalDavSyncResult> CompareETagsAsync(CalDavCalendarRef calendar, CalDavSyncState? previous,
        IReadOnlyDictionary<string, string> known, CancellationToken cancel)
    {
        var props = await PropFindAsync(calendar.Url, 0, [Cs + "getctag"], cancel, collection: true);
        var ctag = props.Responses.Select(r => r.PropText(Cs + "getctag")).FirstOrDefault(c => c is not null);
        if (previous is not null && ctag is not null && ctag == previous.CTag)
            return new CalDavSyncResult([], [], previous with { SyncToken = null }, false);

        Multistatus listing;
        using (var response = await SendAsync(Report, calendar.Url, CalendarQuery(withData: false, range: null), depth: 1, cancel))
        {
            ThrowIfUnauthorized(response, discovery: false);
            listing = (int)response.StatusCode == 207 ? await MultistatusOf(response, cancel) : throw Rejected(response);
        }
        var etags = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var item in listing.Responses)
        {
            var href = PathOf(calendar.Url, item.Href);
            if (href != calendar.Url.AbsolutePath && item.PropText(Dav + "getetag") is { } etag) etags[href] = etag;
        }
        var toFetch = etags.Where(e => !known.TryGetValue(e.Key, out var before) || before != e.Value).Select(e => e.Key).ToList();
        var removed = known.Keys.Where(k => !etags.ContainsKey(k)).ToList();
        var changed = await MultigetAsync(calendar.Url, toFetch, etags, removed, cancel);
        return new CalDavSyncResult(changed, removed, new CalDavSyncState(null, ctag, etags), previous is null);
    }

    /// <summary>The objects at <paramref name="hrefs"/>, in batches. An href the server no longer has is dropped from
    /// <paramref name="etags"/> and added to <paramref name="removed"/>; the ETag the multiget returns wins (the object
    /// may have changed since it was listed).</summary>
    private async Task<List<CalDavObject>> MultigetAsync(Uri collection, List<string> hrefs, Dictionary<string, string> etags,
        List<string> removed, CancellationToken cancel)
    {
        var objects = new List<CalDavObject>();
        foreach (var batch in hrefs.Chunk(Math.Max(1, options.MultigetBatchSize)))
        {
            Multistatus result;
            using (var response = await SendAsync(Report, collection, CalendarMultiget(batch), depth: 1, cancel))
            {
                ThrowIfUnauthorized(response, discovery: false);
                result = (int)response.StatusCode == 207 ? await MultistatusOf(response, cancel) : throw Rejected(response);
            }
            var returned = new HashSet<string>(StringComparer.Ordinal);
            foreach (var item in result.Responses)
            {
                var href = PathOf(collection, item.Href);
                if (item.PropText(Cal + "calendar-data") is not { } data) continue;
                returned.Add(href);
                var etag = item.PropText(Dav + "getetag") ?? etags.GetValueOrDefault(href) ?? "";
                etags[href] = etag;
                objects.Add(new CalDavObject(href, etag, data));
            }
            foreach (var gone in batch.Where(h => !returned.Contains(h)))
                if (etags.Remove(gone)) removed.Add(gone);
        }
        return objects;
    }

    // ---- time range ---------------------------------------------------------------------------------------------

    /// <summary>The objects with a VEVENT (or an instance of one) overlapping [<paramref name="start"/>,
    /// <paramref name="end"/>): a <c>calendar-query</c> time-range REPORT, plus every object with an RRULE that starts
    /// before <paramref name="end"/> — some servers (Xandikos 0.2) match a recurring event's time range against its
    /// first instance only, so a weekly meeting would be missed from its second week on. Whole objects come back
    /// (servers differ in what they expand), so the caller expands them with <see cref="IcsReader"/> to find what is
    /// busy.</summary>
    public Task<CalDavResult<IReadOnlyList<CalDavObject>>> QueryTimeRangeAsync(CalDavCalendarRef calendar, Instant start, Instant end, CancellationToken cancel) =>
        Run<IReadOnlyList<CalDavObject>>(async () =>
        {
            ArgumentNullException.ThrowIfNull(calendar);
            if (end <= start) throw new ArgumentOutOfRangeException(nameof(end), "end must be after start");
            var inRange = await ObjectsAsync(calendar.Url, CalendarQuery(withData: true, (start, end)), cancel);
            var recurring = await ObjectsAsync(calendar.Url, CalendarQuery(withData: true, (RecurrenceHorizon, end), requiredProperty: "RRULE"), cancel);
            return inRange.Concat(recurring).DistinctBy(o => o.Href).ToList();
        });

    /// <summary>The objects at <paramref name="hrefs"/> as the server holds them now (<c>calendar-multiget</c>), and the
    /// hrefs it no longer has.</summary>
    public Task<CalDavResult<CalDavFetched>> FetchAsync(CalDavCalendarRef calendar, IReadOnlyList<string> hrefs, CancellationToken cancel) =>
        Run(async () =>
        {
            ArgumentNullException.ThrowIfNull(calendar);
            var etags = hrefs.ToDictionary(h => h, _ => "", StringComparer.Ordinal);
            var gone = new List<string>();
            var objects = await MultigetAsync(calendar.Url, [.. hrefs], etags, gone, cancel);
            return new CalDavFetched(objects, gone);
        });

    /// <summary>Recurring events that started before this are not looked for (a REPORT needs some start).</summary>
    private static readonly Instant RecurrenceHorizon = Instant.FromUtc(1900, 1, 1, 0, 0);

    private async Task<IEnumerable<CalDavObject>> ObjectsAsync(Uri collection, string query, CancellationToken cancel)
    {
        using var response = await SendAsync(Report, collection, query, depth: 1, cancel);
        ThrowIfUnauthorized(response, discovery: false);
        var result = (int)response.StatusCode == 207 ? await MultistatusOf(response, cancel) : throw Rejected(response);
        return result.Responses
            .Select(r => (r.Href, ETag: r.PropText(Dav + "getetag"), Data: r.PropText(Cal + "calendar-data")))
            .Where(r => r.Data is not null)
            .Select(r => new CalDavObject(PathOf(collection, r.Href), r.ETag ?? "", r.Data!));
    }

    // ---- write-back -----------------------------------------------------------------------------------------------

    /// <summary>Creates the event <paramref name="icsText"/> (a VCALENDAR whose VEVENT has <paramref name="uid"/>) at
    /// <c>{calendar}/{uid-safe}.ics</c> with <c>If-None-Match: *</c>, so it never overwrites. When something is already
    /// there (412), or the server reports the UID in use elsewhere in the calendar, the event counts as written
    /// (<see cref="CalDavPutOutcome.AlreadyExists"/>) if the existing object has this UID — a retry after a lost
    /// response must not create a second object — and as a failure otherwise.</summary>
    public Task<CalDavResult<CalDavPut>> PutEventAsync(CalDavCalendarRef calendar, string uid, string icsText, CancellationToken cancel) =>
        Run(async () =>
        {
            ArgumentNullException.ThrowIfNull(calendar);
            ArgumentException.ThrowIfNullOrEmpty(uid);
            ArgumentException.ThrowIfNullOrEmpty(icsText);
            var url = ObjectUrl(calendar, uid);
            using (var response = await SendAsync(() =>
                   {
                       var request = Request(HttpMethod.Put, url);
                       request.Headers.IfNoneMatch.Add(EntityTagHeaderValue.Any);
                       request.Content = new StringContent(icsText, new UTF8Encoding(false), "text/calendar");
                       return request;
                   }, cancel))
            {
                ThrowIfUnauthorized(response, discovery: false);
                var code = (int)response.StatusCode;
                if (code is 201 or 204) return new CalDavPut(CalDavPutOutcome.Created, url.AbsolutePath);
                if (code != 412 && !await IsUidConflictAsync(response, cancel)) throw Rejected(response, "PUT");
            }
            // Already there: ours, if it has this UID.
            using var get = await SendAsync(() => Request(HttpMethod.Get, url), cancel);
            ThrowIfUnauthorized(get, discovery: false);
            if (get.StatusCode == HttpStatusCode.NotFound)
                return new CalDavPut(CalDavPutOutcome.AlreadyExists, url.AbsolutePath); // the UID lives at another href
            if (!get.IsSuccessStatusCode) throw Rejected(get, "GET");
            var existing = Encoding.UTF8.GetString(await ReadBodyAsync(get, cancel));
            return IcsReader.Parse(existing, DateTimeZone.Utc).Objects.Any(o => o.Uid == uid)
                ? new CalDavPut(CalDavPutOutcome.AlreadyExists, url.AbsolutePath)
                : throw Fail(CalDavFailureKind.Rejected, $"another event already exists at {url.AbsolutePath}");
        });

    /// <summary>RFC 4791 §5.3.2.1 no-uid-conflict: the calendar already holds this UID under another name (Radicale:
    /// 409 with the precondition; Xandikos: a 207 naming it).</summary>
    private async Task<bool> IsUidConflictAsync(HttpResponseMessage response, CancellationToken cancel)
    {
        if ((int)response.StatusCode is not (409 or 207 or 403)) return false;
        var doc = TryLoad(await ReadBodyAsync(response, cancel));
        return doc?.Descendants(Cal + "no-uid-conflict").Any() == true;
    }

    /// <summary>The href for a UID: the UID itself when it is made of URL-safe characters, else a hash of it, so one UID
    /// always maps to one href (which makes the PUT idempotent).</summary>
    public static Uri ObjectUrl(CalDavCalendarRef calendar, string uid)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        var name = SafeName().IsMatch(uid) ? uid : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(uid)));
        return new Uri(calendar.Url, name + ".ics");
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")]
    private static partial Regex SafeName();

    // ---- HTTP -----------------------------------------------------------------------------------------------------

    private HttpRequestMessage Request(HttpMethod method, Uri url)
    {
        var request = new HttpRequestMessage(method, url);
        if (!string.IsNullOrEmpty(credentials.Username))
        {
            var pair = Encoding.UTF8.GetBytes($"{credentials.Username}:{credentials.Password}");
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(pair));
        }
        return request;
    }

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, Uri url, string xml, int depth, CancellationToken cancel) =>
        SendAsync(() =>
        {
            var request = Request(method, url);
            request.Headers.TryAddWithoutValidation("Depth", depth == 0 ? "0" : "1");
            request.Content = new StringContent(xml, new UTF8Encoding(false), "application/xml");
            return request;
        }, cancel);

    /// <summary>Sends with <see cref="CalDavClientOptions.RequestTimeout"/>; no answer is <see cref="CalDavFailureKind.Unreachable"/>.
    /// A connection that ends before any answer is tried once more on a new one: SocketsHttpHandler pools the
    /// connections of HTTP/1.0 servers that close after every response (Radicale's built-in server), and a request can
    /// race that close. Every request this client makes may be repeated (reads, and a PUT with If-None-Match).</summary>
    private async Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> build, CancellationToken cancel)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        timeout.CancelAfter(options.RequestTimeout);
        using var request = build();
        try
        {
            try
            {
                return await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            }
            catch (HttpRequestException e) when (e.HttpRequestError == HttpRequestError.ResponseEnded)
            {
                using var again = build();
                return await http.SendAsync(again, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            }
        }
        catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
        {
            throw Fail(CalDavFailureKind.Unreachable, $"unreachable: no answer from {request.RequestUri?.Authority} within {options.RequestTimeout.TotalSeconds:0.#} s");
        }
        catch (HttpRequestException e)
        {
            throw Fail(CalDavFailureKind.Unreachable, $"unreachable: {Describe(e)}");
        }
        catch (Exception e) when (PublicAddressGuard.IsRefusedRequest(e))
        {
            throw Fail(CalDavFailureKind.Unreachable, $"unreachable: {e.Message}");
        }
    }

    private static string Describe(HttpRequestException e)
    {
        var innermost = e.GetBaseException();
        return innermost == e || string.IsNullOrWhiteSpace(innermost.Message) ? e.Message : $"{e.Message} ({innermost.Message})";
    }

    /// <summary>The body, refusing more than <see cref="CalDavClientOptions.MaxResponseBytes"/>.</summary>
    private async Task<byte[]> ReadBodyAsync(HttpResponseMessage response, CancellationToken cancel)
    {
        var limit = options.MaxResponseBytes;
        if (response.Content.Headers.ContentLength > limit) throw TooLarge(response);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        timeout.CancelAfter(options.RequestTimeout);
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(timeout.Token);
            using var buffer = new MemoryStream();
            var chunk = new byte[81920];
            int read;
            while ((read = await stream.ReadAsync(chunk, timeout.Token)) > 0)
            {
                if (buffer.Length + read > limit) throw TooLarge(response);
                buffer.Write(chunk, 0, read);
            }
            return buffer.ToArray();
        }
        catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
        {
            throw Fail(CalDavFailureKind.Unreachable, $"unreachable: the answer from {response.RequestMessage?.RequestUri?.Authority} did not complete within {options.RequestTimeout.TotalSeconds:0.#} s");
        }
        catch (HttpRequestException e)
        {
            throw Fail(CalDavFailureKind.Unreachable, $"unreachable: {Describe(e)}");
        }
    }

    private CalDavFailureException TooLarge(HttpResponseMessage response) =>
        Fail(CalDavFailureKind.Rejected, $"the answer to {response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.AbsolutePath} is larger than {options.MaxResponseBytes} bytes");

    private async Task<Multistatus> MultistatusOf(HttpResponseMessage response, CancellationToken cancel) =>
        ReadMultistatus(TryLoad(await ReadBodyAsync(response, cancel)))
        ?? throw Fail(CalDavFailureKind.Rejected, $"the answer to {response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.AbsolutePath} is not a WebDAV multistatus");

    /// <summary>PROPFIND; a non-multistatus answer means the URL is not a WebDAV resource (404, 405, an HTML page) — or,
    /// for a known calendar's <paramref name="collection"/>, a 404/410 that it is gone.</summary>
    private async Task<Multistatus> PropFindAsync(Uri url, int depth, XName[] props, CancellationToken cancel, bool collection = false)
    {
        using var response = await SendAsync(PropFind, url, PropFind(props), depth, cancel);
        ThrowIfUnauthorized(response, discovery: true);
        if (collection) ThrowIfGone(response);
        if ((int)response.StatusCode != 207)
            throw Fail(CalDavFailureKind.NotCalDav, $"{NotCalDavServer}: PROPFIND {url.AbsolutePath} answered HTTP {(int)response.StatusCode}");
        return ReadMultistatus(TryLoad(await ReadBodyAsync(response, cancel)))
            ?? throw Fail(CalDavFailureKind.NotCalDav, $"{NotCalDavServer}: PROPFIND {url.AbsolutePath} did not answer a WebDAV multistatus");
    }

    /// <summary>A known calendar's collection answering 404 or 410 (to a request without a sync token: a token's refusal
    /// may use any status) may have been deleted on the server; the caller confirms it (<see cref="CalDavFailureKind.Gone"/>).</summary>
    private static void ThrowIfGone(HttpResponseMessage response)
    {
        if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Gone)
            throw Fail(CalDavFailureKind.Gone, $"the calendar {response.RequestMessage?.RequestUri?.AbsolutePath} no longer exists on the server (HTTP {(int)response.StatusCode})");
    }

    /// <summary>401 always means the credentials; 403 does during discovery (some servers answer a wrong password with
    /// it), but later it is a refusal of that one request (say a PUT into a read-only calendar).</summary>
    private static void ThrowIfUnauthorized(HttpResponseMessage response, bool discovery)
    {
        if (response.StatusCode == HttpStatusCode.Unauthorized || (discovery && response.StatusCode == HttpStatusCode.Forbidden))
            throw Fail(CalDavFailureKind.Credentials, CredentialsRefused);
    }

    private static CalDavFailureException Rejected(HttpResponseMessage response, string? verb = null) =>
        Fail(CalDavFailureKind.Rejected,
            $"the server answered HTTP {(int)response.StatusCode} {response.ReasonPhrase} to {verb ?? response.RequestMessage?.Method.Method} {response.RequestMessage?.RequestUri?.AbsolutePath}");

    private static CalDavFailureException Fail(CalDavFailureKind kind, string reason) => new(new CalDavFailure(kind, reason));

    private static async Task<CalDavResult<T>> Run<T>(Func<Task<T>> call) where T : class
    {
        try
        {
            return CalDavResult<T>.Success(await call());
        }
        catch (CalDavFailureException e)
        {
            return CalDavResult<T>.Failed(e.Failure);
        }
    }

    // ---- URLs -----------------------------------------------------------------------------------------------------

    /// <summary>An href the server gave, resolved against the URL it came from, to be sent a request: only http and https,
    /// and never from https down to http (<see cref="PublicAddressGuard.Follow"/>: the credentials go with every request);
    /// anything else fails the call as a server this client cannot use, rather than reaching the HTTP stack (which
    /// throws on other schemes and on unparsable hosts). An absolute http href for the https server's own host (a
    /// server behind a TLS proxy that does not know it is) is taken on the server's https address.</summary>
    internal static Uri Resolve(Uri baseUrl, string href)
    {
        if (Uri.TryCreate(baseUrl, href, out var url) && url.Scheme == Uri.UriSchemeHttp && baseUrl.Scheme == Uri.UriSchemeHttps
            && string.Equals(url.Host, baseUrl.Host, StringComparison.OrdinalIgnoreCase) && url.IsDefaultPort)
            url = new UriBuilder(url) { Scheme = Uri.UriSchemeHttps, Port = baseUrl.Port }.Uri;
        return url is not null && PublicAddressGuard.Follow(baseUrl, url) is { } usable
            ? usable
            : throw Unusable(href);
    }

    /// <summary>The key an object is known by: the absolute path of its href, resolved against the collection. Only the
    /// path is kept, so the href's scheme does not matter (a proxied server may name its objects with http URLs).</summary>
    private static string PathOf(Uri collection, string href) =>
        Uri.TryCreate(collection, href, out var url)
            ? url.AbsolutePath
            : throw Unusable(href);

    private static CalDavFailureException Unusable(string href) =>
        Fail(CalDavFailureKind.Rejected, $"the server named a URL this client cannot use: {(href.Length > 100 ? href[..100] + "…" : href)}");

    private static bool SamePath(string a, string b) => a.TrimEnd('/') == b.TrimEnd('/');

    private static Uri EnsureSlash(Uri url) =>
        url.AbsolutePath.EndsWith('/') ? url : new UriBuilder(url) { Path = url.AbsolutePath + "/" }.Uri;

    /// <summary>Carries a failure out of the nested calls to <see cref="Run{T}"/>, which turns it into a result.</summary>
    private sealed class CalDavFailureException(CalDavFailure failure) : Exception(failure.Reason)
    {
        public CalDavFailure Failure { get; } = failure;
    }
}

/// <summary>The HTTP handler for calendar servers: the one SSRF guard (PublicAddressGuard) (no proxy, no automatic redirects, every
/// resolved address checked at connect time unless private networks are allowed).</summary>
public static class CalDavHttp
{
    public const string HttpClientName = "RtsApp.CalDav";

    public static SocketsHttpHandler CreateHandler(bool allowPrivateNetworks) =>
        PublicAddressGuard.CreateHandler(allowPrivateNetworks);
}
