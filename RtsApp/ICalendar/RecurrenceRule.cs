using System.Globalization;
using NodaTime;
using NodaTime.Calendars;

namespace RtsApp.ICalendar;

internal enum Frequency { Secondly, Minutely, Hourly, Daily, Weekly, Monthly, Yearly }

/// <summary>A BYDAY entry: a weekday, and for MONTHLY and YEARLY rules an optional ordinal
/// (+1 the first, -1 the last in the month or year; 0 means every such weekday).</summary>
internal readonly record struct WeekdayNum(int Ordinal, IsoDayOfWeek Day);

/// <summary>The rule could not be read or expanded: the VEVENT or VTIMEZONE holding it is skipped.</summary>
internal sealed class IcsFormatException(string message) : Exception(message);

/// <summary>
/// A parsed RRULE (RFC 5545 §3.3.10). Expansion is in local (wall-clock) time: each period of the
/// frequency (a year, month, week, day, hour, minute or second, stepped by INTERVAL from DTSTART's
/// period) yields the local date-times that satisfy every BYxxx part present (a day must meet all of
/// them), with the RFC's defaults from DTSTART where none constrains the day, then BYSETPOS picks
/// among them. DTSTART is always the first instance and counts toward COUNT. Invalid dates (the 30th of
/// February) are never produced, so they are skipped rather than rolled over.
/// </summary>
internal sealed class RecurrenceRule
{
    /// <summary>Periods one expansion may visit before giving up: enough for a DAILY rule with COUNT from
    /// 1900, small enough that a hostile SECONDLY rule with COUNT cannot hold a thread for long.</summary>
    internal const int MaxPeriods = 400_000;

    /// <summary>Times a day may expand to through BYHOUR × BYMINUTE × BYSECOND.</summary>
    private const int MaxTimesPerDay = 1440;

    public required Frequency Frequency { get; init; }
    public int Interval { get; init; } = 1;
    public int? Count { get; init; }
    /// <summary>UNTIL, inclusive: a DATE, a UTC DATE-TIME, or (for floating DTSTARTs) a local DATE-TIME.</summary>
    public IcsDateTime? Until { get; init; }
    public IsoDayOfWeek WeekStart { get; init; } = IsoDayOfWeek.Monday;
    public IReadOnlyList<WeekdayNum> ByDay { get; init; } = [];
    public IReadOnlyList<int> ByMonthDay { get; init; } = [];
    public IReadOnlyList<int> ByMonth { get; init; } = [];
    public IReadOnlyList<int> ByYearDay { get; init; } = [];
    public IReadOnlyList<int> ByWeekNo { get; init; } = [];
    public IReadOnlyList<int> BySetPos { get; init; } = [];
    public IReadOnlyList<int> ByHour { get; init; } = [];
    public IReadOnlyList<int> ByMinute { get; init; } = [];
    public IReadOnlyList<int> BySecond { get; init; } = [];

    private static readonly Dictionary<string, IsoDayOfWeek> Days = new(StringComparer.Ordinal)
    {
        ["MO"] = IsoDayOfWeek.Monday,
        ["TU"] = IsoDayOfWeek.Tuesday,
        ["WE"] = IsoDayOfWeek.Wednesday,
        ["TH"] = IsoDayOfWeek.Thursday,
        ["FR"] = IsoDayOfWeek.Friday,
        ["SA"] = IsoDayOfWeek.Saturday,
        ["SU"] = IsoDayOfWeek.Sunday,
    };

    /// <summary>Parses a RECUR value; throws <see cref="IcsFormatException"/> when it is malformed or uses
    /// a combination the RFC forbids (ordinals in BYDAY outside MONTHLY/YEARLY or with BYWEEKNO).</summary>
    public static RecurrenceRule Parse(string text)
    {
        var parts = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0 || !parts.TryAdd(part[..eq].ToUpperInvariant(), part[(eq + 1)..].Trim()))
            {
                throw new IcsFormatException($"RRULE part '{part}' is malformed or repeated.");
            }
        }
        if (!parts.TryGetValue("FREQ", out var freqText) || !Enum.TryParse<Frequency>(freqText, ignoreCase: true, out var freq)
            || !Enum.IsDefined(freq) || !freqText.All(char.IsAsciiLetter))
        {
            throw new IcsFormatException("RRULE has no valid FREQ.");
        }
        if (parts.TryGetValue("RSCALE", out var scale) && !scale.Equals("GREGORIAN", StringComparison.OrdinalIgnoreCase))
        {
            throw new IcsFormatException($"RRULE RSCALE {scale} is not supported.");
        }
        IcsDateTime? until = null;
        if (parts.TryGetValue("UNTIL", out var untilText))
        {
            if (!IcsValues.TryParseDateTime(untilText, null, null, out var u))
            {
                throw new IcsFormatException($"RRULE UNTIL '{untilText}' is not a date or date-time.");
            }
            until = u;
        }
        var byDay = parts.TryGetValue("BYDAY", out var byDayText) ? byDayText.Split(',').Select(ParseWeekdayNum).ToList() : [];
        var rule = new RecurrenceRule
        {
            Frequency = freq,
            Interval = parts.TryGetValue("INTERVAL", out var interval) ? Number(interval, 1, 100_000, "INTERVAL") : 1,
            Count = parts.TryGetValue("COUNT", out var count) ? Number(count, 1, int.MaxValue, "COUNT") : null,
            Until = until,
            WeekStart = parts.TryGetValue("WKST", out var wkst) ? Days.GetValueOrDefault(wkst.ToUpperInvariant()) : IsoDayOfWeek.Monday,
            ByDay = byDay,
            ByMonthDay = List(parts, "BYMONTHDAY", 1, 31, signed: true),
            ByMonth = List(parts, "BYMONTH", 1, 12, signed: false),
            ByYearDay = List(parts, "BYYEARDAY", 1, 366, signed: true),
            ByWeekNo = List(parts, "BYWEEKNO", 1, 53, signed: true),
            BySetPos = List(parts, "BYSETPOS", 1, 366, signed: true),
            ByHour = List(parts, "BYHOUR", 0, 23, signed: false),
            ByMinute = List(parts, "BYMINUTE", 0, 59, signed: false),
            // Leap seconds are not kept by NodaTime: :60 reads as :59, as it does in DATE-TIME values.
            BySecond = [.. List(parts, "BYSECOND", 0, 60, signed: false).Select(s => Math.Min(s, 59)).Distinct().Order()],
        };
        if (rule.WeekStart == IsoDayOfWeek.None)
        {
            throw new IcsFormatException($"RRULE WKST '{wkst}' is not a weekday.");
        }
        if (byDay.Any(d => d.Ordinal != 0) && (freq is not (Frequency.Monthly or Frequency.Yearly) || rule.ByWeekNo.Count > 0))
        {
            throw new IcsFormatException("RRULE BYDAY ordinals are allowed only in MONTHLY and YEARLY rules without BYWEEKNO.");
        }
        if (rule.ByWeekNo.Count > 0 && freq != Frequency.Yearly)
        {
            throw new IcsFormatException("RRULE BYWEEKNO is allowed only in YEARLY rules.");
        }
        return rule;
    }

    private static WeekdayNum ParseWeekdayNum(string text)
    {
        text = text.Trim().ToUpperInvariant();
        if (text.Length < 2 || !Days.TryGetValue(text[^2..], out var day))
        {
            throw new IcsFormatException($"RRULE BYDAY '{text}' is not a weekday.");
        }
        var ordinal = text.Length == 2 ? 0 : Number(text[..^2], -53, 53, "BYDAY ordinal");
        return ordinal == 0 && text.Length > 2 ? throw new IcsFormatException("RRULE BYDAY ordinal 0.") : new WeekdayNum(ordinal, day);
    }

    private static List<int> List(Dictionary<string, string> parts, string name, int min, int max, bool signed)
    {
        if (!parts.TryGetValue(name, out var text))
        {
            return [];
        }
        var values = text.Split(',').Select(v => Number(v, signed ? -max : min, max, name)).Distinct().Order().ToList();
        return signed && values.Contains(0) ? throw new IcsFormatException($"RRULE {name} holds 0.") : values;
    }

    private static int Number(string text, int min, int max, string name) =>
        int.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? n : throw new IcsFormatException($"RRULE {name} '{text}' is out of range.");

    /// <summary>
    /// The rule's instances in increasing local order: <paramref name="start"/> (DTSTART) first, then
    /// every generated instance after it, until COUNT or UNTIL ends the rule or a period begins after
    /// <paramref name="stopAfter"/>. When the rule has no COUNT, whole periods that end before
    /// <paramref name="skipTo"/> are stepped over without being expanded (DTSTART is still yielded first).
    /// <paramref name="toInstant"/> maps a local instance to an instant for a UTC UNTIL.
    /// </summary>
    public IEnumerable<LocalDateTime> Expand(LocalDateTime start, Func<LocalDateTime, Instant> toInstant, LocalDateTime skipTo, LocalDateTime stopAfter)
    {
        if (!IsWithinUntil(start, toInstant))
        {
            yield break;
        }
        yield return start;
        var emitted = 1;
        if (Count is { } c && emitted >= c)
        {
            yield break;
        }
        var times = DayTimes(start);
        var first = Count is null ? FirstPeriodFor(start, skipTo) : 0L;
        var visited = 0;
        for (var k = first; ; k++)
        {
            if (++visited > MaxPeriods)
            {
                throw new IcsFormatException("RRULE needs too many periods to reach the window.");
            }
            var candidates = Candidates(start, k, times, out var periodStart);
            if (periodStart > stopAfter)
            {
                yield break;
            }
            foreach (var candidate in BySetPos.Count > 0 ? SelectSetPos(candidates) : candidates)
            {
                if (candidate <= start)
                {
                    continue;
                }
                if (!IsWithinUntil(candidate, toInstant))
                {
                    yield break;
                }
                yield return candidate;
                if (Count is { } n && ++emitted >= n)
                {
                    yield break;
                }
            }
        }
    }

    private bool IsWithinUntil(LocalDateTime candidate, Func<LocalDateTime, Instant> toInstant) => Until switch
    {
        null => true,
        { IsDate: true } u => candidate.Date <= u.Local.Date,
        { IsUtc: true } u => toInstant(candidate) <= u.Local.InUtc().ToInstant(),
        { } u => candidate <= u.Local,
    };

    private List<LocalDateTime> SelectSetPos(List<LocalDateTime> candidates)
    {
        var chosen = new SortedSet<LocalDateTime>();
        foreach (var pos in BySetPos)
        {
            var index = pos > 0 ? pos - 1 : candidates.Count + pos;
            if (index >= 0 && index < candidates.Count)
            {
                chosen.Add(candidates[index]);
            }
        }
        return [.. chosen];
    }

    /// <summary>The times of day each matching day expands to, for DAILY and coarser rules.</summary>
    private List<LocalTime> DayTimes(LocalDateTime start)
    {
        if (Frequency < Frequency.Daily)
        {
            return [];
        }
        var hours = ByHour.Count > 0 ? ByHour : [start.Hour];
        var minutes = ByMinute.Count > 0 ? ByMinute : [start.Minute];
        var seconds = BySecond.Count > 0 ? BySecond : [start.Second];
        if ((long)hours.Count * minutes.Count * seconds.Count > MaxTimesPerDay)
        {
            throw new IcsFormatException("RRULE expands to too many times a day.");
        }
        return [.. from h in hours from m in minutes from s in seconds select new LocalTime(h, m, s)];
    }

    /// <summary>The index of a period at or before the one holding <paramref name="skipTo"/>, a multiple of INTERVAL apart from DTSTART's.</summary>
    private long FirstPeriodFor(LocalDateTime start, LocalDateTime skipTo)
    {
        if (skipTo <= start)
        {
            return 0;
        }
        var units = Frequency switch
        {
            // One year less: a BYWEEKNO year can begin in the previous December.
            Frequency.Yearly => skipTo.Year - start.Year - 1L,
            Frequency.Monthly => ((skipTo.Year - start.Year) * 12L) + skipTo.Month - start.Month - 1,
            Frequency.Weekly => (Period.Between(WeekStartOf(start.Date), skipTo.Date, PeriodUnits.Days).Days / 7) - 1L,
            Frequency.Daily => Period.Between(start.Date, skipTo.Date, PeriodUnits.Days).Days - 1L,
            Frequency.Hourly => (Period.Between(start.Date, skipTo.Date, PeriodUnits.Days).Days * 24L) + skipTo.Hour - start.Hour - 1,
            Frequency.Minutely => (Period.Between(start.Date, skipTo.Date, PeriodUnits.Days).Days * 1440L)
                + ((skipTo.Hour * 60) + skipTo.Minute) - ((start.Hour * 60) + start.Minute) - 1,
            _ => (Period.Between(start.Date, skipTo.Date, PeriodUnits.Days).Days * 86400L)
                + skipTo.TickOfDay / NodaConstants.TicksPerSecond - start.TickOfDay / NodaConstants.TicksPerSecond - 1,
        };
        return Math.Max(0, units / Interval);
    }

    private LocalDate WeekStartOf(LocalDate date) => date.DayOfWeek == WeekStart ? date : date.Previous(WeekStart);

    private IWeekYearRule WeekRule => WeekYearRules.ForMinDaysInFirstWeek(4, WeekStart);

    /// <summary>Every local date-time of period <paramref name="k"/> that meets the BYxxx parts, in order.</summary>
    private List<LocalDateTime> Candidates(LocalDateTime start, long k, List<LocalTime> times, out LocalDateTime periodStart)
    {
        var step = k * Interval;
        var result = new List<LocalDateTime>();
        switch (Frequency)
        {
            case Frequency.Yearly:
                {
                    var year = start.Year + step;
                    if (year > 9999)
                    {
                        periodStart = LocalDateTime.MaxIsoValue;
                        return result;
                    }
                    var y = (int)year;
                    if (ByWeekNo.Count > 0)
                    {
                        var rule = WeekRule;
                        var first = rule.GetLocalDate(y, 1, WeekStart);
                        var weeks = rule.GetWeeksInWeekYear(y);
                        periodStart = first.AtMidnight();
                        foreach (var week in ByWeekNo.Select(w => w > 0 ? w : weeks + w + 1).Where(w => w >= 1 && w <= weeks).Distinct().Order())
                        {
                            AddDays(result, first.PlusWeeks(week - 1), 7, times, DayScope.Year, start);
                        }
                        return result;
                    }
                    periodStart = new LocalDate(y, 1, 1).AtMidnight();
                    var months = ByMonth.Count > 0 ? ByMonth : Enumerable.Range(1, 12);
                    foreach (var month in months)
                    {
                        var firstOfMonth = new LocalDate(y, month, 1);
                        AddDays(result, firstOfMonth, CalendarSystem.Iso.GetDaysInMonth(y, month), times, ByMonth.Count > 0 ? DayScope.Month : DayScope.Year, start);
                    }
                    return result;
                }
            case Frequency.Monthly:
                {
                    var monthIndex = (start.Year * 12L) + start.Month - 1 + step;
                    if (monthIndex / 12 > 9999)
                    {
                        periodStart = LocalDateTime.MaxIsoValue;
                        return result;
                    }
                    var firstOfMonth = new LocalDate((int)(monthIndex / 12), (int)(monthIndex % 12) + 1, 1);
                    periodStart = firstOfMonth.AtMidnight();
                    AddDays(result, firstOfMonth, CalendarSystem.Iso.GetDaysInMonth(firstOfMonth.Year, firstOfMonth.Month), times, DayScope.Month, start);
                    return result;
                }
            case Frequency.Weekly:
            case Frequency.Daily:
                {
                    var days = Frequency == Frequency.Weekly ? 7 : 1;
                    var origin = Frequency == Frequency.Weekly ? WeekStartOf(start.Date) : start.Date;
                    if (!TryPlusDays(origin, step * days, out var first))
                    {
                        periodStart = LocalDateTime.MaxIsoValue;
                        return result;
                    }
                    periodStart = first.AtMidnight();
                    AddDays(result, first, days, times, DayScope.None, start);
                    return result;
                }
            default:
                {
                    var unitSeconds = Frequency switch { Frequency.Hourly => 3600L, Frequency.Minutely => 60L, _ => 1L };
                    var truncated = start.Date + LocalTime.FromSecondsSinceMidnight((int)(start.TickOfDay / NodaConstants.TicksPerSecond / unitSeconds * unitSeconds));
                    var totalSeconds = step * unitSeconds;
                    if (!TryPlusDays(truncated.Date, totalSeconds / 86400, out _))
                    {
                        periodStart = LocalDateTime.MaxIsoValue;
                        return result;
                    }
                    periodStart = truncated.PlusSeconds(totalSeconds);
                    var date = periodStart.Date;
                    if (!DayMatches(date, DayScope.None) || (ByHour.Count > 0 && !ByHour.Contains(periodStart.Hour))
                        || (Frequency <= Frequency.Minutely && ByMinute.Count > 0 && !ByMinute.Contains(periodStart.Minute))
                        || (Frequency == Frequency.Secondly && BySecond.Count > 0 && !BySecond.Contains(periodStart.Second)))
                    {
                        return result;
                    }
                    var minutes = Frequency == Frequency.Hourly ? (ByMinute.Count > 0 ? ByMinute : [start.Minute]) : [periodStart.Minute];
                    var seconds = Frequency == Frequency.Secondly ? [periodStart.Second] : BySecond.Count > 0 ? BySecond : [start.Second];
                    foreach (var m in minutes)
                    {
                        foreach (var s in seconds)
                        {
                            result.Add(date + new LocalTime(periodStart.Hour, m, s));
                        }
                    }
                    return result;
                }
        }
    }

    private static bool TryPlusDays(LocalDate date, long days, out LocalDate result)
    {
        result = default;
        if (days > 3_000_000)
        {
            return false;
        }
        try
        {
            result = date.PlusDays((int)days);
            return true;
        }
        catch (ArgumentOutOfRangeException)
        {
            return false;
        }
        catch (OverflowException)
        {
            return false;
        }
    }

    /// <summary>What a BYDAY ordinal counts within: the month (MONTHLY, or YEARLY with BYMONTH) or the year.</summary>
    private enum DayScope { None, Month, Year }

    private void AddDays(List<LocalDateTime> result, LocalDate first, int count, List<LocalTime> times, DayScope scope, LocalDateTime start)
    {
        for (var i = 0; i < count; i++)
        {
            var date = first.PlusDays(i);
            if (DayMatches(date, scope) && DefaultDayMatches(date, start))
            {
                foreach (var time in times)
                {
                    result.Add(date + time);
                }
            }
        }
    }

    /// <summary>The RFC's defaults: with nothing that picks days, a MONTHLY rule keeps DTSTART's day of the
    /// month, a YEARLY rule DTSTART's month (unless BYMONTH) and day, and a WEEKLY rule DTSTART's weekday.</summary>
    private bool DefaultDayMatches(LocalDate date, LocalDateTime start)
    {
        var picksDays = ByDay.Count > 0 || ByMonthDay.Count > 0 || ByYearDay.Count > 0 || ByWeekNo.Count > 0;
        return Frequency switch
        {
            Frequency.Yearly => picksDays || (date.Day == start.Day && (ByMonth.Count > 0 || date.Month == start.Month)),
            Frequency.Monthly => picksDays || date.Day == start.Day,
            Frequency.Weekly => ByDay.Count > 0 || date.DayOfWeek == start.DayOfWeek,
            _ => true,
        };
    }

    /// <summary>Whether <paramref name="date"/> meets every day-level BYxxx part present.</summary>
    private bool DayMatches(LocalDate date, DayScope scope)
    {
        if (ByMonth.Count > 0 && !ByMonth.Contains(date.Month))
        {
            return false;
        }
        var daysInMonth = CalendarSystem.Iso.GetDaysInMonth(date.Year, date.Month);
        if (ByMonthDay.Count > 0 && !ByMonthDay.Contains(date.Day) && !ByMonthDay.Contains(date.Day - daysInMonth - 1))
        {
            return false;
        }
        var daysInYear = CalendarSystem.Iso.GetDaysInYear(date.Year);
        if (ByYearDay.Count > 0 && !ByYearDay.Contains(date.DayOfYear) && !ByYearDay.Contains(date.DayOfYear - daysInYear - 1))
        {
            return false;
        }
        if (ByDay.Count == 0)
        {
            return true;
        }
        foreach (var (ordinal, day) in ByDay)
        {
            if (day != date.DayOfWeek)
            {
                continue;
            }
            if (ordinal == 0)
            {
                return true;
            }
            var (index, length) = scope == DayScope.Month ? (date.Day, daysInMonth) : (date.DayOfYear, daysInYear);
            var nth = ordinal > 0 ? ((index - 1) / 7) + 1 : -(((length - index) / 7) + 1);
            if (nth == ordinal)
            {
                return true;
            }
        }
        return false;
    }
}
