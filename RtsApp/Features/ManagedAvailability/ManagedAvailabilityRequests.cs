using System.Text.Json;
using System.Text.RegularExpressions;
using FluentValidation;
using NodaTime;
using RtsApp.Infrastructure;
using RtsApp.Scheduling;
using RtsApp.Store;

namespace RtsApp.Features.ManagedAvailability;

public sealed record WeeklyPeriodRequest(string? Day, string? StartTime, string? EndTime);

/// <summary><c>POST /v1/availability_rules</c>; <c>sub</c> only when the application calls (an account token implies it).</summary>
public sealed record UpsertRuleRequest(string? Sub, string? AvailabilityRuleId, string? Tzid, List<string>? CalendarIds,
    List<WeeklyPeriodRequest>? WeeklyPeriods);

/// <summary><c>POST /v1/available_periods</c>.</summary>
public sealed record UpsertAvailablePeriodRequest(string? Sub, string? AvailablePeriodId, Instant? Start, Instant? End);

/// <summary>The body a DELETE may carry: <c>sub</c>, and the period's id for <c>DELETE /v1/available_periods</c>.</summary>
public sealed record DeleteManagedRequest(string? Sub, string? AvailablePeriodId);

/// <summary>A weekly period as the API reads and writes it, and as a rule keeps it: <c>{"day": "monday",
/// "start_time": "09:00", "end_time": "17:00"}</c>.</summary>
public sealed record WeeklyPeriodView(string Day, string StartTime, string EndTime);

public sealed record AvailabilityRuleView(string AvailabilityRuleId, string Tzid, IReadOnlyList<string> CalendarIds,
    IReadOnlyList<WeeklyPeriodView> WeeklyPeriods);
public sealed record AvailabilityRuleReply(AvailabilityRuleView AvailabilityRule);
public sealed record AvailabilityRulesReply(IReadOnlyList<AvailabilityRuleView> AvailabilityRules);
public sealed record AvailablePeriodView(string AvailablePeriodId, Instant Start, Instant End);
public sealed record AvailablePeriodsReply(Calendars.Pages Pages, IReadOnlyList<AvailablePeriodView> AvailablePeriods);

/// <summary>A validated rule: calendar ids distinct, periods as given (each day, time and order checked).</summary>
public sealed record RuleSpec(string? Sub, string RuleId, string Tzid, IReadOnlyList<string> CalendarIds, IReadOnlyList<WeeklyPeriodView> WeeklyPeriods);

/// <summary>A validated available period.</summary>
public sealed record AvailablePeriodSpec(string? Sub, string PeriodId, Interval Period);

/// <summary>The limits and formats of SPEC §12, and the one mapping between a stored rule and the engine's
/// <see cref="WeeklyRule"/>.</summary>
public static partial class ManagedRules
{
    public const int MaxRulesPerAccount = 20;
    public const int MaxWeeklyPeriods = 50;
    public const int MaxCalendarIds = 50;
    public const string IdMessage = "must be 1 to 64 ASCII letters, digits, _ or -";
    public const string TooManyRulesKey = "errors.too_many_rules";

    /// <summary>Monday first, as <see cref="IsoDayOfWeek"/> numbers them (1 to 7).</summary>
    public static IReadOnlyList<string> Days => DayNames;

    private static readonly string[] DayNames = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];

    [GeneratedRegex(@"\A[A-Za-z0-9_-]{1,64}\z", RegexOptions.CultureInvariant)]
    private static partial Regex IdPattern();

    public static bool IsId(string? id) => id is not null && IdPattern().IsMatch(id);

    /// <summary>Minutes since midnight of a strict <c>HH:mm</c>: 00:00–23:59, and 24:00 when <paramref name="endOfDay"/>.</summary>
    public static int? Minutes(string? text, bool endOfDay)
    {
        if (text is not { Length: 5 } t || t[2] != ':' || !char.IsAsciiDigit(t[0]) || !char.IsAsciiDigit(t[1])
            || !char.IsAsciiDigit(t[3]) || !char.IsAsciiDigit(t[4])) return null;
        var hours = (t[0] - '0') * 10 + (t[1] - '0');
        var minutes = (t[3] - '0') * 10 + (t[4] - '0');
        if (minutes > 59) return null;
        if (hours < 24) return hours * 60 + minutes;
        return endOfDay && hours == 24 && minutes == 0 ? 24 * 60 : null;
    }

    public static AvailabilityRuleView View(AvailabilityRule row) =>
        new(row.RuleId, row.Tzid, CalendarIds(row), WeeklyPeriods(row));

    public static IReadOnlyList<string> CalendarIds(AvailabilityRule row) =>
        JsonSerializer.Deserialize<List<string>>(row.CalendarIdsJson, ApiJson.Options) ?? [];

    public static IReadOnlyList<WeeklyPeriodView> WeeklyPeriods(AvailabilityRule row) =>
        JsonSerializer.Deserialize<List<WeeklyPeriodView>>(row.WeeklyPeriodsJson, ApiJson.Options) ?? [];

    /// <summary>Takes calendars that no longer exist out of the rule's <c>calendar_ids</c> (in the transaction that deletes
    /// them), so that the rule reads back as one that can be stored again, and its busy time comes from the calendars it
    /// still names — or, naming none, from all the account's calendars (SPEC §12) — rather than from none. True when the
    /// rule named any of them.</summary>
    public static bool ForgetCalendars(AvailabilityRule row, IReadOnlyCollection<string> deleted, Instant now)
    {
        var ids = CalendarIds(row);
        if (!ids.Any(deleted.Contains)) return false;
        row.CalendarIdsJson = JsonSerializer.Serialize(ids.Where(id => !deleted.Contains(id)).ToList(), ApiJson.Options);
        row.UpdatedAt = now;
        return true;
    }

    /// <summary>Writes a validated rule into its row.</summary>
    public static void Apply(AvailabilityRule row, RuleSpec spec)
    {
        row.Tzid = spec.Tzid;
        row.CalendarIdsJson = JsonSerializer.Serialize(spec.CalendarIds, ApiJson.Options);
        row.WeeklyPeriodsJson = JsonSerializer.Serialize(spec.WeeklyPeriods, ApiJson.Options);
    }

    /// <summary>The engine's rule for a stored one (stored rules were validated, so every part reads).</summary>
    public static WeeklyRule ToWeeklyRule(AvailabilityRule row) =>
        new(TzdbZones.Get(row.Tzid), WeeklyPeriods(row).Select(p =>
        {
            var start = Validated.Value(Minutes(p.StartTime, endOfDay: false), "start_time");
            var end = Validated.Value(Minutes(p.EndTime, endOfDay: true), "end_time");
            return new WeeklyPeriod((IsoDayOfWeek)(DayIndex(p.Day) + 1), LocalTime.Midnight.PlusMinutes(start),
                end == 24 * 60 ? null : LocalTime.Midnight.PlusMinutes(end));
        }).ToList());

    private static int DayIndex(string day) =>
        Array.IndexOf(DayNames, day) is var i and >= 0 ? i : throw new InvalidOperationException($"'{day}' was not validated as a day.");

    public static RuleSpec ToSpec(this UpsertRuleRequest r) => new(
        string.IsNullOrEmpty(r.Sub) ? null : r.Sub,
        Validated.Value(r.AvailabilityRuleId, "availability_rule_id"),
        Validated.Value(r.Tzid, "tzid"),
        r.CalendarIds?.Distinct().ToList() ?? [],
        Validated.Value(r.WeeklyPeriods, "weekly_periods").Select(p => new WeeklyPeriodView(
            Validated.Value(p.Day, "day"), Validated.Value(p.StartTime, "start_time"), Validated.Value(p.EndTime, "end_time"))).ToList());

    public static AvailablePeriodSpec ToSpec(this UpsertAvailablePeriodRequest r) => new(
        string.IsNullOrEmpty(r.Sub) ? null : r.Sub,
        Validated.Value(r.AvailablePeriodId, "available_period_id"),
        new Interval(Validated.Value(r.Start, "start"), Validated.Value(r.End, "end")));

    /// <summary><c>availability_rule_id</c>, <c>available_period_id</c>: SPEC §12's id format.</summary>
    public static IRuleBuilderOptions<T, string?> ManagedId<T>(this IRuleBuilderInitial<T, string?> rule) =>
        rule.Cascade(CascadeMode.Stop).Required().Must(IsId).WithMessage(IdMessage);

    /// <summary><c>sub</c>: implied by an account token, required from the application.</summary>
    public static void SubRule<T>(AbstractValidator<T> v, Func<T, string?> sub, bool subImplied) =>
        v.RuleFor(x => sub(x)).Required().When(_ => !subImplied).OverridePropertyName("sub");
}

public sealed class UpsertRuleValidator : AbstractValidator<UpsertRuleRequest>
{
    private static readonly UpsertRuleValidator WithSub = new(false), SubImplied = new(true);

    public static UpsertRuleValidator For(bool subImplied) => subImplied ? SubImplied : WithSub;

    private UpsertRuleValidator(bool subImplied)
    {
        ManagedRules.SubRule(this, x => x.Sub, subImplied);
        RuleFor(x => x.AvailabilityRuleId).ManagedId();
        RuleFor(x => x.Tzid).Cascade(CascadeMode.Stop).Required().KnownZone();
        RuleFor(x => x.CalendarIds).Must(c => c!.Count <= ManagedRules.MaxCalendarIds).When(x => x.CalendarIds is not null)
            .WithMessage($"at most {ManagedRules.MaxCalendarIds} calendars");
        RuleForEach(x => x.CalendarIds).Required();
        RuleFor(x => x.WeeklyPeriods).Cascade(CascadeMode.Stop).Required()
            .Must(p => p!.Count <= ManagedRules.MaxWeeklyPeriods).WithMessage($"at most {ManagedRules.MaxWeeklyPeriods} weekly periods");
        RuleForEach(x => x.WeeklyPeriods).Present().ChildRules(p =>
        {
            p.RuleFor(x => x.Day).Cascade(CascadeMode.Stop).Required().Must(d => ManagedRules.Days.Contains(d))
                .WithMessage("must be monday, tuesday, wednesday, thursday, friday, saturday or sunday");
            p.RuleFor(x => x.StartTime).Cascade(CascadeMode.Stop).Required().Must(t => ManagedRules.Minutes(t, endOfDay: false) is not null)
                .WithMessage("must be HH:mm from 00:00 to 23:59");
            p.RuleFor(x => x.EndTime).Cascade(CascadeMode.Stop).Required().Must(t => ManagedRules.Minutes(t, endOfDay: true) is not null)
                .WithMessage("must be HH:mm from 00:00 to 24:00");
            p.RuleFor(x => x.EndTime)
                .Must((x, end) => ManagedRules.Minutes(end, endOfDay: true) > ManagedRules.Minutes(x.StartTime, endOfDay: false))
                .When(x => ManagedRules.Minutes(x.StartTime, endOfDay: false) is not null && ManagedRules.Minutes(x.EndTime, endOfDay: true) is not null)
                .WithErrorCode(ValidationRules.EndBeforeStartKey).WithMessage("must be after start_time");
        });
    }
}

public sealed class UpsertAvailablePeriodValidator : AbstractValidator<UpsertAvailablePeriodRequest>
{
    private static readonly UpsertAvailablePeriodValidator WithSub = new(false), SubImplied = new(true);

    public static UpsertAvailablePeriodValidator For(bool subImplied) => subImplied ? SubImplied : WithSub;

    private UpsertAvailablePeriodValidator(bool subImplied)
    {
        ManagedRules.SubRule(this, x => x.Sub, subImplied);
        RuleFor(x => x.AvailablePeriodId).ManagedId();
        RuleFor(x => x.Start).Present();
        RuleFor(x => x.End).Present();
        RuleFor(x => x.End).Must((p, end) => end > p.Start).When(p => p.Start is not null && p.End is not null)
            .WithErrorCode(ValidationRules.EndBeforeStartKey).WithMessage("must be after start");
    }
}
