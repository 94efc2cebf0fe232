using System.Globalization;
using System.Xml;
using System.Xml.Linq;
using NodaTime;
using NodaTime.Text;

namespace RtsApp.Features.Connections.CalDav;

/// <summary>The WebDAV/CalDAV XML this client speaks: request bodies and a reader for <c>DAV:multistatus</c>.
/// Parsing never processes a DTD or resolves anything external.</summary>
internal static class CalDavXml
{
    public static readonly XNamespace Dav = "DAV:";
    public static readonly XNamespace Cal = "urn:ietf:params:xml:ns:caldav";
    public static readonly XNamespace Cs = "http://calendarserver.org/ns/";

    private static readonly XmlReaderSettings SafeReading = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        MaxCharactersFromEntities = 0,
    };

    /// <summary>The document, or null when <paramref name="body"/> is not well-formed XML.</summary>
    public static XDocument? TryLoad(byte[] body)
    {
        try
        {
            using var stream = new MemoryStream(body, writable: false);
            using var reader = XmlReader.Create(stream, SafeReading);
            return XDocument.Load(reader);
        }
        catch (XmlException)
        {
            return null;
        }
    }

    public static string Serialize(XElement root) =>
        new XDeclaration("1.0", "utf-8", null) + Environment.NewLine + root.ToString(SaveOptions.DisableFormatting);

    public static string PropFind(params XName[] props) =>
        Serialize(new XElement(Dav + "propfind", NamespaceDeclarations(), new XElement(Dav + "prop", props.Select(p => new XElement(p)))));

    public static string SyncCollection(string? token) =>
        Serialize(new XElement(Dav + "sync-collection", NamespaceDeclarations(),
            new XElement(Dav + "sync-token", token ?? ""),
            new XElement(Dav + "sync-level", "1"),
            new XElement(Dav + "prop", new XElement(Dav + "getetag"))));

    /// <summary>A <c>calendar-query</c> for VEVENT objects: ETags only, or with their calendar data; optionally only those
    /// overlapping [start, end) (RFC 4791 §9.9 time-range, UTC) and only those having a property (§9.7.2 prop-filter).</summary>
    public static string CalendarQuery(bool withData, (Instant Start, Instant End)? range, string? requiredProperty = null)
    {
        var eventFilter = new XElement(Cal + "comp-filter", new XAttribute("name", "VEVENT"));
        if (range is { } r)
            eventFilter.Add(new XElement(Cal + "time-range", new XAttribute("start", Utc(r.Start)), new XAttribute("end", Utc(r.End))));
        if (requiredProperty is not null)
            eventFilter.Add(new XElement(Cal + "prop-filter", new XAttribute("name", requiredProperty)));
        return Serialize(new XElement(Cal + "calendar-query", NamespaceDeclarations(),
            ObjectProps(withData),
            new XElement(Cal + "filter", new XElement(Cal + "comp-filter", new XAttribute("name", "VCALENDAR"), eventFilter))));
    }

    public static string CalendarMultiget(IEnumerable<string> hrefs) =>
        Serialize(new XElement(Cal + "calendar-multiget", NamespaceDeclarations(),
            ObjectProps(withData: true),
            hrefs.Select(h => new XElement(Dav + "href", h))));

    private static XElement ObjectProps(bool withData) =>
        new(Dav + "prop", new XElement(Dav + "getetag"), withData ? new XElement(Cal + "calendar-data") : null);

    private static object[] NamespaceDeclarations() =>
    [
        new XAttribute(XNamespace.Xmlns + "d", Dav.NamespaceName),
        new XAttribute(XNamespace.Xmlns + "c", Cal.NamespaceName),
        new XAttribute(XNamespace.Xmlns + "cs", Cs.NamespaceName),
    ];

    private static readonly InstantPattern UtcPattern = InstantPattern.CreateWithInvariantCulture("uuuuMMdd'T'HHmmss'Z'");

    private static string Utc(Instant t) => UtcPattern.Format(t);

    /// <summary>The <c>DAV:response</c> elements of a multistatus and its top-level <c>sync-token</c>, or null when
    /// <paramref name="doc"/> is not a multistatus.</summary>
    public static Multistatus? ReadMultistatus(XDocument? doc)
    {
        if (doc?.Root is not { } root || root.Name != Dav + "multistatus") return null;
        var responses = root.Elements(Dav + "response").Select(ReadResponse).OfType<DavResponse>().ToList();
        return new Multistatus(responses, Text(root.Element(Dav + "sync-token")));
    }

    private static DavResponse? ReadResponse(XElement response)
    {
        var href = Text(response.Element(Dav + "href"));
        if (href is null) return null;
        var found = new Dictionary<XName, XElement>();
        foreach (var propstat in response.Elements(Dav + "propstat"))
        {
            if (StatusCode(Text(propstat.Element(Dav + "status"))) is not (>= 200 and <= 299)) continue;
            foreach (var prop in propstat.Elements(Dav + "prop").Elements())
                found[prop.Name] = prop;
        }
        return new DavResponse(href, StatusCode(Text(response.Element(Dav + "status"))), found);
    }

    /// <summary>200 from "HTTP/1.1 200 OK".</summary>
    private static int? StatusCode(string? statusLine)
    {
        var parts = statusLine?.Split(' ', 3, StringSplitOptions.RemoveEmptyEntries);
        return parts is { Length: >= 2 } && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var code) ? code : null;
    }

    public static string? Text(XElement? e) => e is null || string.IsNullOrWhiteSpace(e.Value) ? null : e.Value.Trim();

    /// <summary>The first <c>DAV:href</c> inside a property such as <c>current-user-principal</c>.</summary>
    public static string? HrefIn(XElement? property) => Text(property?.Element(Dav + "href"));
}

/// <summary>A parsed <c>DAV:multistatus</c>.</summary>
internal sealed record Multistatus(IReadOnlyList<DavResponse> Responses, string? SyncToken);

/// <summary>One <c>DAV:response</c>: the href, the response-level status (sync-collection's removals carry 404 here),
/// and the properties found (propstats with a 2xx status).</summary>
internal sealed record DavResponse(string Href, int? Status, IReadOnlyDictionary<XName, XElement> Props)
{
    public XElement? Prop(XName name) => Props.GetValueOrDefault(name);

    public string? PropText(XName name) => CalDavXml.Text(Prop(name));
}
