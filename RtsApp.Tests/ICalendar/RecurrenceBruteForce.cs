using NodaTime;

namespace RtsApp.Tests.ICalendar;

internal enum Freq { Daily, Weekly, Monthly, Yearly }

/// <summary>A recurrence rule as the property tests generate it, before it is written as RRULE text.</summary>
internal sealed record Rule(Freq Freq, int Interval, int? Count, LocalDateTime? UntilUtc, LocalDate? UntilDate, IsoDayOfWeek WeekStart,
    (int Ordinal, IsoDayOfWeek Day)[] ByDay, int[] ByMonthDay, int[] ByMonth, int[] ByYearDay, int[] ByWeekNo, int[] BySetPos, int[] ByHour)
{
    private static readonly string[] DayNames = ["", "MO", "TU", "WE", "TH", "FR", "SA", "SU"];

    public string ToRRule()
    {
        var parts = new List<string> { $"FREQ={Freq.ToString().ToUpperInvariant()}" };
        if (Interval != 1) parts.Add($"INTERVAL={Interval}");
        if (Count is { } c) parts.Add($"COUNT={c}");
        if (UntilUtc is { } u) parts.Add($"UNTIL={u:yyyyMMdd'T'HHmmss}Z");
        if (UntilDate is { } d) parts.Add($"UNTIL={d:yyyyMMdd}");
        if (WeekStart != IsoDayOfWeek.Monday) parts.Add($"WKST={DayNames[(int)WeekStart]}");
        if (ByDay.Length > 0) parts.Add("BYDAY=" + string.Join(",", ByDay.Select(x => (x.Ordinal == 0 ? "" : x.Ordinal.ToString(System.Globalization.CultureInfo.InvariantCulture)) + DayNames[(int)x.Day])));
        void Add(string name, int[] values) { if (values.Length > 0) parts.Add($"{name}={string.Join(",", values)}"); }
        Add("BYMONTHDAY", ByMonthDay);
        Add("BYMONTH", ByMonth);
        Add("BYYEARDAY", ByYearDay);
        Add("BYWEEKNO", ByWeekNo);
        Add("BYSETPOS", BySetPos);
        Add("BYHOUR", ByHour);
        return "RRULE:" + string.Join(";", parts);
    }
}

/// <summary>
/// The obvious reading of a rule: walk every day from DTSTART, decide from the rule's own words whether
/// the day is in a chosen period and meets every BYxxx part, collect each period's times, let BYSETPOS
/// choose, then apply DTSTART-first, COUNT and UNTIL, and map local times to instants by RFC 5545 §3.3.5
/// (a skipped time takes the offset before the gap, a repeated time the earlier offset). Slow and direct.
/// </summary>
internal static class RecurrenceBruteForce
{
    public static List<Instant> Starts(Rule rule, LocalDateTime dtstart, DateTimeZone zone, LocalDate lastDay)
    {
        var periods = new SortedDictionary<long, List<LocalDateTime>>();
        // From before DTSTART's period: BYSETPOS counts the days of a period that precede DTSTART too.
        for (var d = dtstart.Date.PlusDays(-Margin(rule)); d <= lastDay; d = d.PlusDays(1))
        {
            if (PeriodOf(rule, dtstart.Date, d) is not { } period || period < 0 || period % rule.Interval != 0 || !DayMatches(rule, dtstart, d))
            {
                continue;
            }
            if (!periods.TryGetValue(period, out var list))
            {
                periods[period] = list = [];
            }
            foreach (var hour in rule.ByHour.Length > 0 ? rule.ByHour : [dtstart.Hour])
            {
                list.Add(d + new LocalTime(hour, dtstart.Minute, dtstart.Second));
            }
        }
        var instances = new List<LocalDateTime> { dtstart };
        foreach (var list in periods.Values)
        {
            list.Sort();
            var chosen = rule.BySetPos.Length == 0 ? list
                : [.. rule.BySetPos.Select(p => p > 0 ? p - 1 : list.Count + p).Where(i => i >= 0 && i < list.Count).Select(i => list[i]).Distinct().Order()];
            instances.AddRange(chosen.Where(c => c > dtstart));
        }
        var result = new List<Instant>();
        foreach (var local in instances)
        {
            var instant = ToInstant(local, zone);
            if ((rule.UntilUtc is { } u && instant > u.InUtc().ToInstant()) || (rule.UntilDate is { } ud && local.Date > ud)
                || (rule.Count is { } c && result.Count >= c))
            {
                break;
            }
            result.Add(instant);
        }
        return result;
    }

    /// <summary>How far a period of the rule reaches: DTSTART's period starts at most this many days before it, and the
    /// window's last period ends at most this many days after the window.</summary>
    public static int Margin(Rule rule) => rule.Freq switch { Freq.Yearly => 380, Freq.Monthly => 32, Freq.Weekly => 8, _ => 1 };

    public static Instant ToInstant(LocalDateTime local, DateTimeZone zone)
    {
        var mapping = zone.MapLocal(local);
        return mapping.Count switch
        {
            1 => mapping.Single().ToInstant(),
            2 => mapping.First().ToInstant(),
            _ => local.WithOffset(mapping.EarlyInterval.WallOffset).ToInstant(),
        };
    }

    private static long? PeriodOf(Rule rule, LocalDate start, LocalDate d) => rule.Freq switch
    {
        Freq.Daily => Period.Between(start, d, PeriodUnits.Days).Days,
        Freq.Weekly => Period.Between(WeekStartOf(start, rule.WeekStart), WeekStartOf(d, rule.WeekStart), PeriodUnits.Days).Days / 7,
        Freq.Monthly => ((d.Year - start.Year) * 12) + d.Month - start.Month,
        _ => (rule.ByWeekNo.Length > 0 ? WeekYear(d, rule.WeekStart).Year : d.Year) - start.Year,
    };

    private static LocalDate WeekStartOf(LocalDate d, IsoDayOfWeek weekStart)
    {
        while (d.DayOfWeek != weekStart)
        {
            d = d.PlusDays(-1);
        }
        return d;
    }

    /// <summary>Week 1 of a year is the week (from WKST) holding at least four of its days, which is the week holding 4 January.</summary>
    private static LocalDate FirstWeek(int year, IsoDayOfWeek weekStart) => WeekStartOf(new LocalDate(year, 1, 4), weekStart);

    private static (int Year, int Week, int Weeks) WeekYear(LocalDate d, IsoDayOfWeek weekStart)
    {
        var year = d.Year + 1;
        while (FirstWeek(year, weekStart) > d)
        {
            year--;
        }
        var first = FirstWeek(year, weekStart);
        var weeks = Period.Between(first, FirstWeek(year + 1, weekStart), PeriodUnits.Days).Days / 7;
        return (year, (Period.Between(first, d, PeriodUnits.Days).Days / 7) + 1, weeks);
    }

    private static bool DayMatches(Rule rule, LocalDateTime dtstart, LocalDate d)
    {
        var daysInMonth = CalendarSystem.Iso.GetDaysInMonth(d.Year, d.Month);
        var daysInYear = CalendarSystem.Iso.GetDaysInYear(d.Year);
        if (rule.ByMonth.Length > 0 && !rule.ByMonth.Contains(d.Month)) return false;
        if (rule.ByMonthDay.Length > 0 && !rule.ByMonthDay.Any(v => v > 0 ? d.Day == v : d.Day == daysInMonth + v + 1)) return false;
        if (rule.ByYearDay.Length > 0 && !rule.ByYearDay.Any(v => v > 0 ? d.DayOfYear == v : d.DayOfYear == daysInYear + v + 1)) return false;
        if (rule.ByWeekNo.Length > 0)
        {
            var (_, week, weeks) = WeekYear(d, rule.WeekStart);
            if (!rule.ByWeekNo.Any(v => v > 0 ? week == v : week == weeks + v + 1)) return false;
        }
        if (rule.ByDay.Length > 0 && !rule.ByDay.Any(x => x.Day == d.DayOfWeek && (x.Ordinal == 0 || Nth(rule, d, x.Ordinal)))) return false;
        var picksDays = rule.ByDay.Length + rule.ByMonthDay.Length + rule.ByYearDay.Length + rule.ByWeekNo.Length > 0;
        return rule.Freq switch
        {
            Freq.Weekly => rule.ByDay.Length > 0 || d.DayOfWeek == dtstart.DayOfWeek,
            Freq.Monthly => picksDays || d.Day == dtstart.Day,
            Freq.Yearly => picksDays || (d.Day == dtstart.Day && (rule.ByMonth.Length > 0 || d.Month == dtstart.Month)),
            _ => true,
        };
    }

    /// <summary>Whether <paramref name="d"/> is the <paramref name="ordinal"/>th of its weekday in its month (MONTHLY, or
    /// YEARLY with BYMONTH) or year, counted by stepping a week at a time to the edge of that month or year.</summary>
    private static bool Nth(Rule rule, LocalDate d, int ordinal)
    {
        var inMonth = rule.Freq == Freq.Monthly || rule.ByMonth.Length > 0;
        bool Same(LocalDate x) => x.Year == d.Year && (!inMonth || x.Month == d.Month);
        var n = 0;
        for (var x = d; Same(x); x = x.PlusDays(ordinal > 0 ? -7 : 7))
        {
            n++;
        }
        return n == Math.Abs(ordinal);
    }
}
