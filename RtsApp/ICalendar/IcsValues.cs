using NodaTime;

namespace RtsApp.ICalendar;

/// <summary>
/// A DATE or DATE-TIME value as written (RFC 5545 §3.3.4–5): a date (<see cref="IsDate"/>, time 00:00),
/// or a local date-time that is UTC (<c>Z</c>), floating (no zone), or in the zone named by the
/// property's TZID parameter. It becomes an instant only through an <see cref="IcsZones"/> lookup.
/// </summary>
internal readonly record struct IcsDateTime(LocalDateTime Local, bool IsDate, bool IsUtc, string? TzId)
{
    public bool IsFloating => !IsDate && !IsUtc && TzId is null;
}

/// <summary>
/// A DURATION value (RFC 5545 §3.3.6): whole days (weeks are seven days) are nominal — added to the
/// local date, so a day across a DST change is 23 or 25 hours — and the time part is exact.
/// </summary>
internal readonly record struct IcsDuration(bool Negative, int Days, Duration Time)
{
    public bool IsZero => Days == 0 && Time == Duration.Zero;
}

/// <summary>Parsers for the value types the reader uses; each returns false on anything malformed.</summary>
internal static class IcsValues
{
    /// <summary>Parses <c>yyyyMMdd</c> or <c>yyyyMMdd'T'HHmmss</c> with an optional <c>Z</c>. A leap second
    /// (:60) reads as :59. <paramref name="valueType"/> is the VALUE parameter; DATE forces the date form.</summary>
    public static bool TryParseDateTime(string text, string? valueType, string? tzId, out IcsDateTime value)
    {
        value = default;
        text = text.Trim();
        if (text.Length == 8 && valueType is null or "DATE")
        {
            if (!TryParseDate(text, out var date))
            {
                return false;
            }
            value = new IcsDateTime(date.AtMidnight(), IsDate: true, IsUtc: false, TzId: null);
            return true;
        }
        if (valueType is "DATE" || text.Length is not (15 or 16) || text[8] is not ('T' or 't'))
        {
            return false;
        }
        var utc = text.Length == 16;
        if (utc && text[15] is not ('Z' or 'z'))
        {
            return false;
        }
        if (!TryParseDate(text[..8], out var day) || !TryDigits(text, 9, 2, out var h) || !TryDigits(text, 11, 2, out var m)
            || !TryDigits(text, 13, 2, out var s) || h > 23 || m > 59 || s > 60)
        {
            return false;
        }
        value = new IcsDateTime(day + new LocalTime(h, m, Math.Min(s, 59)), IsDate: false, IsUtc: utc, TzId: utc ? null : tzId);
        return true;
    }

    public static bool TryParseDate(string text, out LocalDate date)
    {
        date = default;
        if (text.Length != 8 || !TryDigits(text, 0, 4, out var y) || !TryDigits(text, 4, 2, out var mo) || !TryDigits(text, 6, 2, out var d)
            || y < 1 || mo is < 1 or > 12 || d < 1 || d > CalendarSystem.Iso.GetDaysInMonth(y, mo))
        {
            return false;
        }
        date = new LocalDate(y, mo, d);
        return true;
    }

    /// <summary>Parses <c>[+|-]P…</c>: <c>nW</c>, or <c>nD</c> and/or <c>T</c> with <c>nH</c>, <c>nM</c>, <c>nS</c>
    /// (RFC 5545 §3.3.6; weeks combined with days are accepted too, as some producers write them).</summary>
    public static bool TryParseDuration(string text, out IcsDuration duration)
    {
        duration = default;
        text = text.Trim().ToUpperInvariant();
        var i = 0;
        var negative = false;
        if (i < text.Length && text[i] is '+' or '-')
        {
            negative = text[i] == '-';
            i++;
        }
        if (i >= text.Length || text[i] != 'P')
        {
            return false;
        }
        i++;
        long days = 0, seconds = 0;
        var inTime = false;
        var any = false;
        var last = ' ';
        while (i < text.Length)
        {
            if (text[i] == 'T')
            {
                if (inTime)
                {
                    return false;
                }
                inTime = true;
                i++;
                continue;
            }
            var start = i;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
            }
            if (i == start || i - start > 9 || i >= text.Length)
            {
                return false;
            }
            var n = long.Parse(text.AsSpan(start, i - start), System.Globalization.CultureInfo.InvariantCulture);
            var unit = text[i++];
            var order = "WDHMS".IndexOf(unit, StringComparison.Ordinal);
            if (order < 0 || (order >= 2) != inTime || order <= "WDHMS".IndexOf(last, StringComparison.Ordinal))
            {
                return false;
            }
            last = unit;
            any = true;
            switch (unit)
            {
                case 'W': days += n * 7; break;
                case 'D': days += n; break;
                case 'H': seconds += n * 3600; break;
                case 'M': seconds += n * 60; break;
                default: seconds += n; break;
            }
        }
        // A bare "PT" or "P" is not a duration; limits keep the arithmetic far from overflow.
        if (!any || days > 1_000_000 || seconds > 100_000L * 86_400)
        {
            return false;
        }
        duration = new IcsDuration(negative, (int)days, Duration.FromSeconds(seconds));
        return true;
    }

    /// <summary>Parses a UTC offset <c>(+|-)HHMM[SS]</c> (RFC 5545 §3.3.14).</summary>
    public static bool TryParseOffset(string text, out Offset offset)
    {
        offset = default;
        text = text.Trim();
        if (text.Length is not (5 or 7) || text[0] is not ('+' or '-') || !TryDigits(text, 1, 2, out var h) || !TryDigits(text, 3, 2, out var m)
            || h > 18 || m > 59)
        {
            return false;
        }
        var s = 0;
        if (text.Length == 7 && (!TryDigits(text, 5, 2, out s) || s > 59))
        {
            return false;
        }
        var total = (h * 3600) + (m * 60) + s;
        if (total > 18 * 3600)
        {
            return false;
        }
        offset = Offset.FromSeconds(text[0] == '-' ? -total : total);
        return true;
    }

    public static bool TryDigits(string text, int start, int count, out int value)
    {
        value = 0;
        if (start + count > text.Length)
        {
            return false;
        }
        for (var i = start; i < start + count; i++)
        {
            if (!char.IsAsciiDigit(text[i]))
            {
                return false;
            }
            value = (value * 10) + (text[i] - '0');
        }
        return true;
    }
}
