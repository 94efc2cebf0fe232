using System.Text;

namespace RtsApp.ICalendar;

/// <summary>
/// One unfolded RFC 5545 content line: <c>name *(";" param) ":" value</c>. The name and parameter
/// names are upper-cased (they are case-insensitive); parameter values have their quotes removed and
/// RFC 6868 <c>^</c> escapes decoded; the value is raw (TEXT escapes are decoded only by
/// <see cref="IcsText.Unescape"/>, because other value types give <c>\</c> and <c>,</c> other meanings).
/// </summary>
internal sealed record ContentLine(string Name, IReadOnlyDictionary<string, string> Parameters, string Value)
{
    public string? Parameter(string name) => Parameters.TryGetValue(name, out var v) ? v : null;

    /// <summary>Splits text into unfolded logical lines: a line break (CRLF, LF or CR) followed by one space or tab
    /// continues the previous line. A leading byte order mark is dropped; blank lines are skipped.</summary>
    public static IEnumerable<string> Unfold(string text)
    {
        var start = text.Length > 0 && text[0] == '\uFEFF' ? 1 : 0;
        var current = new StringBuilder();
        var i = start;
        while (i < text.Length)
        {
            var c = text[i];
            if (c is '\r' or '\n')
            {
                var next = c == '\r' && i + 1 < text.Length && text[i + 1] == '\n' ? i + 2 : i + 1;
                if (next < text.Length && text[next] is ' ' or '\t')
                {
                    i = next + 1;
                    continue;
                }
                if (Trimmed(current) is { Length: > 0 } line)
                {
                    yield return line;
                }
                current.Clear();
                i = next;
                continue;
            }
            current.Append(c);
            i++;
        }
        if (Trimmed(current) is { Length: > 0 } last)
        {
            yield return last;
        }
    }

    // Whitespace-only lines are dropped; trailing whitespace is kept, as a TEXT value may end in a space: every other
    // value's reader trims it.
    private static string Trimmed(StringBuilder sb) => sb.ToString() is var line && string.IsNullOrWhiteSpace(line) ? "" : line;

    /// <summary>Parses one unfolded line, or returns null when it is not a content line (no name, no colon,
    /// an unterminated quoted parameter value).</summary>
    public static ContentLine? Parse(string line)
    {
        var i = 0;
        var name = ReadName(line, ref i);
        if (name.Length == 0)
        {
            return null;
        }
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        while (i < line.Length && line[i] == ';')
        {
            i++;
            var paramName = ReadName(line, ref i);
            if (paramName.Length == 0 || i >= line.Length || line[i] != '=')
            {
                return null;
            }
            i++;
            var values = new List<string>();
            while (true)
            {
                if (i < line.Length && line[i] == '"')
                {
                    var close = line.IndexOf('"', i + 1);
                    if (close < 0)
                    {
                        return null;
                    }
                    values.Add(DecodeCaret(line[(i + 1)..close]));
                    i = close + 1;
                }
                else
                {
                    var end = i;
                    while (end < line.Length && line[end] is not (';' or ':' or ',' or '"'))
                    {
                        end++;
                    }
                    values.Add(DecodeCaret(line[i..end]));
                    i = end;
                }
                if (i < line.Length && line[i] == ',')
                {
                    i++;
                    continue;
                }
                break;
            }
            // A repeated parameter keeps its first value: RFC 5545 allows each of the ones read here once.
            parameters.TryAdd(paramName, string.Join(',', values));
        }
        if (i >= line.Length || line[i] != ':')
        {
            return null;
        }
        return new ContentLine(name, parameters, line[(i + 1)..]);
    }

    private static string ReadName(string line, ref int i)
    {
        var start = i;
        while (i < line.Length && (char.IsAsciiLetterOrDigit(line[i]) || line[i] == '-'))
        {
            i++;
        }
        return line[start..i].ToUpperInvariant();
    }

    // RFC 6868: ^n is a newline, ^' a double quote, ^^ a caret; any other ^ stays as it is.
    private static string DecodeCaret(string value) =>
        !value.Contains('^', StringComparison.Ordinal) ? value
            : value.Replace("^^", "\u0000", StringComparison.Ordinal).Replace("^n", "\n", StringComparison.Ordinal)
                .Replace("^'", "\"", StringComparison.Ordinal).Replace("\u0000", "^", StringComparison.Ordinal);
}

/// <summary>TEXT values (RFC 5545 §3.3.11): escaping of backslash, semicolon, comma and newlines.</summary>
internal static class IcsText
{
    public static string Escape(string text) =>
        text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace(";", "\\;", StringComparison.Ordinal)
            .Replace(",", "\\,", StringComparison.Ordinal).Replace("\r\n", "\\n", StringComparison.Ordinal)
            .Replace("\n", "\\n", StringComparison.Ordinal).Replace("\r", "\\n", StringComparison.Ordinal);

    /// <summary>Decodes <c>\n \N \, \; \\</c>; a backslash before any other character is kept as it is.</summary>
    public static string Unescape(string value)
    {
        if (!value.Contains('\\', StringComparison.Ordinal))
        {
            return value;
        }
        var sb = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '\\' && i + 1 < value.Length)
            {
                var next = value[i + 1];
                var decoded = next switch { 'n' or 'N' => "\n", ',' => ",", ';' => ";", '\\' => "\\", _ => null };
                if (decoded is not null)
                {
                    sb.Append(decoded);
                    i++;
                    continue;
                }
            }
            sb.Append(value[i]);
        }
        return sb.ToString();
    }
}
