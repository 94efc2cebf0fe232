using FluentValidation;
using NodaTime;
using RtsApp.Features.Calendars;
using RtsApp.Infrastructure;

namespace RtsApp.Features.Availability;

/// <summary>The limits of SPEC §4–5, each failure named by its JSON path.</summary>
public static class AvailabilityLimits
{
    public const int MaxGroups = 10;
    public const int MaxMembers = 50;
    public const int MaxPeriods = 50;
    public const int MaxSteps = 10;
    public static readonly Duration MaxWindow = Duration.FromDays(35);
    public static readonly Duration MaxDuration = Duration.FromHours(24);
    public static readonly Duration MaxBuffer = Duration.FromDays(35);
    public static readonly Duration MaxNotice = Duration.FromDays(365);
    public static readonly int[] StartIntervals = [5, 10, 15, 20, 30, 60];
    public static readonly Duration DefaultStartInterval = Duration.FromMinutes(30);
    public const int DefaultMaxResults = 256;
    public const int MaxMaxResults = 512;
    public const int DefaultMaxSequences = 20;
    public const int MaxMaxSequences = 128;
    public const string Periods = "periods";
    public const string OverlappingSlots = "overlapping_slots";
    public const string Slots = "slots";

    internal static bool WithinWindow(List<PeriodRequest>? periods)
    {
        var valid = (periods ?? []).Where(p => p is { Start: not null, End: not null }).ToList();
        return valid.Count == 0 || valid.Max(p => p.End.GetValueOrDefault()) - valid.Min(p => p.Start.GetValueOrDefault()) <= MaxWindow;
    }
}

public sealed class PeriodValidator : AbstractValidator<PeriodRequest>
{
    public PeriodValidator()
    {
        RuleFor(x => x.Start).Present();
        RuleFor(x => x.End).Present();
        RuleFor(x => x.End).Must((p, end) => end > p.Start).When(p => p.Start is not null && p.End is not null)
            .WithErrorCode(ValidationRules.EndBeforeStartKey).WithMessage("must be after start");
    }
}

/// <summary>A sequence step's own event (absent: the link's, see the booking).</summary>
public sealed class StepEventValidator : AbstractValidator<StepEventRequest>
{
    public StepEventValidator()
    {
        RuleFor(x => x.EventId).EventId();
        RuleFor(x => x.Summary).Summary();
        RuleFor(x => x.Description).Description();
    }
}

public sealed class GroupValidator : AbstractValidator<GroupRequest>
{
    public GroupValidator()
    {
        RuleFor(x => x.Members).Cascade(CascadeMode.Stop).Required()
            .Must(m => m?.Count <= AvailabilityLimits.MaxMembers).WithMessage($"at most {AvailabilityLimits.MaxMembers} members");
        RuleForEach(x => x.Members).Present().ChildRules(member =>
        {
            member.RuleFor(m => m.Sub).Required();
            member.RuleFor(m => m.AvailablePeriods).Must(p => p?.Count <= AvailabilityLimits.MaxPeriods)
                .When(m => m.AvailablePeriods is not null).WithMessage($"at most {AvailabilityLimits.MaxPeriods} periods");
            member.RuleForEach(m => m.AvailablePeriods).Present().SetValidator(new PeriodValidator());
            member.RuleFor(m => m.CalendarIds).Must(c => c?.All(id => !string.IsNullOrEmpty(id)) != false)
                .When(m => m.CalendarIds is not null).WithMessage("must be calendar ids");
            member.RuleFor(m => m.AvailabilityRuleIds).Cascade(CascadeMode.Stop)
                .Must(ids => ids!.All(id => !string.IsNullOrEmpty(id))).WithMessage("must be availability rule ids")
                .Must((m, _) => m.ManagedAvailability == true).WithMessage("applies only with \"managed_availability\": true")
                .When(m => m.AvailabilityRuleIds is { Count: > 0 });
        });
        RuleFor(x => x.Required).Must((g, _) => g.RequiredIsValid)
            .WithMessage(g => $"must be \"all\" or a number from 1 to {g.Members?.Count ?? 0}");
    }
}

/// <summary>Rules shared by the single query and each sequence step.</summary>
internal static class SharedRules
{
    public static void Participants<T>(AbstractValidator<T> v, Func<T, List<GroupRequest>?> participants)
    {
        v.RuleFor(x => participants(x)).Cascade(CascadeMode.Stop).Required()
            .Must(p => p?.Count <= AvailabilityLimits.MaxGroups).WithMessage($"at most {AvailabilityLimits.MaxGroups} groups")
            .OverridePropertyName("participants");
        v.RuleForEach(x => participants(x)).Present().SetValidator(new GroupValidator()).OverridePropertyName("participants");
    }

    public static void RequiredDuration<T>(AbstractValidator<T> v, System.Linq.Expressions.Expression<Func<T, Duration?>> duration)
    {
        v.RuleFor(duration).Present()
            .Must(d => d >= Duration.FromMinutes(1) && d <= AvailabilityLimits.MaxDuration).WithMessage("must be from 1 minute to 24 hours");
    }

    public static void StartInterval<T>(AbstractValidator<T> v, System.Linq.Expressions.Expression<Func<T, Duration?>> interval)
    {
        v.RuleFor(interval).Must(i => i is null || (i.Value.TotalMinutes % 1 == 0 && AvailabilityLimits.StartIntervals.Contains((int)i.Value.TotalMinutes)))
            .WithMessage("must be 5, 10, 15, 20, 30 or 60 minutes");
    }

    public static void Periods<T>(AbstractValidator<T> v, Func<T, List<PeriodRequest>?> periods, string name, bool required)
    {
        v.RuleFor(x => periods(x)).Required().When(_ => required).OverridePropertyName(name);
        v.RuleFor(x => periods(x)).Must(p => p is null || p.Count <= AvailabilityLimits.MaxPeriods)
            .WithMessage($"at most {AvailabilityLimits.MaxPeriods} periods").OverridePropertyName(name);
        v.RuleFor(x => periods(x)).Must(AvailabilityLimits.WithinWindow)
            .WithErrorCode("errors.window_too_large").WithMessage("all periods must lie within 35 days of the earliest start").OverridePropertyName(name);
        v.RuleForEach(x => periods(x)).Present().SetValidator(new PeriodValidator()).OverridePropertyName(name);
    }

    public static void Buffer<T>(AbstractValidator<T> v, System.Linq.Expressions.Expression<Func<T, BufferRequest?>> buffer)
    {
        var read = buffer.Compile();
        v.RuleFor(buffer).ChildRules(b =>
        {
            foreach (var (side, name) in new (Func<BufferRequest?, BufferSide?>, string)[] { (x => x?.Before, "before"), (x => x?.After, "after") })
            {
                b.RuleFor(x => side(x)).Must(s => s is null || ((s.Minimum ?? Duration.Zero) <= AvailabilityLimits.MaxBuffer && (s.Maximum ?? Duration.Zero) <= AvailabilityLimits.MaxBuffer))
                    .WithMessage("must be at most 35 days").OverridePropertyName(name);
                b.RuleFor(x => side(x)).Must(s => s is null || s.Maximum is null || s.Maximum >= (s.Minimum ?? Duration.Zero))
                    .WithMessage("maximum must not be less than minimum").OverridePropertyName(name);
            }
        }).When(x => read(x) is not null);
    }

    public static void Common<T>(AbstractValidator<T> v, Func<T, Duration?> notice, Func<T, string?> tzid, Func<T, int?> maxResults, int max)
    {
        v.RuleFor(x => notice(x)).Must(n => n is null || n <= AvailabilityLimits.MaxNotice).WithMessage("must be at most 365 days").OverridePropertyName("minimum_notice");
        v.RuleFor(x => tzid(x)).KnownZone().OverridePropertyName("tzid");
        v.RuleFor(x => maxResults(x)).Must(m => m is null || (m >= 1 && m <= max)).WithMessage($"must be from 1 to {max}").OverridePropertyName("max_results");
    }
}

public sealed class AvailabilityValidator : AbstractValidator<AvailabilityRequest>
{
    /// <summary><c>POST /v1/availability</c>.</summary>
    public static readonly AvailabilityValidator Instance = new(allowResponseFormat: true);
    /// <summary>A link's <c>availability</c>, where <c>response_format</c> does not apply.</summary>
    public static readonly AvailabilityValidator ForLinks = new(allowResponseFormat: false);

    private AvailabilityValidator(bool allowResponseFormat)
    {
        SharedRules.Participants(this, x => x.Participants);
        SharedRules.RequiredDuration(this, x => x.RequiredDuration);
        SharedRules.Periods(this, x => x.Periods, "query_periods", required: true);
        SharedRules.StartInterval(this, x => x.StartInterval);
        SharedRules.Buffer(this, x => x.Buffer);
        SharedRules.Common(this, x => x.MinimumNotice, x => x.Tzid, x => x.MaxResults, AvailabilityLimits.MaxMaxResults);
        RuleFor(x => x.ResponseFormat)
            .Must(f => f is null or AvailabilityLimits.Periods or AvailabilityLimits.OverlappingSlots or AvailabilityLimits.Slots)
            .When(_ => allowResponseFormat)
            .WithMessage("must be periods, overlapping_slots or slots");
    }
}

public sealed class SequencedAvailabilityValidator : AbstractValidator<SequencedAvailabilityRequest>
{
    public static readonly SequencedAvailabilityValidator Instance = new();

    private SequencedAvailabilityValidator()
    {
        RuleFor(x => x.Sequence).Cascade(CascadeMode.Stop).Required()
            .Must(s => s?.Count <= AvailabilityLimits.MaxSteps).WithMessage($"at most {AvailabilityLimits.MaxSteps} steps");
        RuleForEach(x => x.Sequence).Present().ChildRules(step =>
        {
            SharedRules.Participants(step, s => s.Participants);
            SharedRules.RequiredDuration(step, s => s.RequiredDuration);
            SharedRules.StartInterval(step, s => s.StartInterval);
            SharedRules.Buffer(step, s => s.Buffer);
            SharedRules.Periods(step, s => s.Periods, "query_periods", required: false);
            step.RuleFor(s => s.Id).Required().MaximumLength(256).OverridePropertyName("sequence_id");
            step.RuleFor(s => s.Event).Child(new StepEventValidator());
        });
        // Steps are told apart by sequence_id (in the reply, and in a link's offers and booking), 1 and "1" alike.
        RuleFor(x => x.Sequence).Custom((steps, context) =>
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < (steps?.Count ?? 0); i++)
                if (steps![i]?.Id is { } id && !seen.Add(id))
                    context.AddFailure(new FluentValidation.Results.ValidationFailure($"{context.PropertyPath}[{i}].sequence_id",
                        "must differ from every other step's sequence_id")
                    { ErrorCode = ApiError.Invalid });
        });
        SharedRules.Periods(this, x => x.Periods, "query_periods", required: true);
        SharedRules.Common(this, x => x.MinimumNotice, x => x.Tzid, x => x.MaxResults, AvailabilityLimits.MaxMaxSequences);
    }
}
