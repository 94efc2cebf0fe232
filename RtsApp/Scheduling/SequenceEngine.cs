using NodaTime;

namespace RtsApp.Scheduling;

/// <summary>
/// One step of a sequenced availability question (SPEC §5). Its start set is computed as in §4 with
/// its own groups, duration and interval, using its minimum buffers as the buffers. The gap to the
/// next step must lie between the larger of the two adjoining minimums and the smaller of the two
/// adjoining maximums (<c>null</c> maximum = unbounded). <paramref name="QueryPeriods"/> narrows the
/// shared query periods for this step; <c>null</c> uses the shared ones.
/// </summary>
public sealed record SequenceStep(
    string SequenceId,
    IReadOnlyList<ParticipantGroup> Groups,
    Duration RequiredDuration,
    Duration StartInterval,
    Duration BeforeMinimum,
    Duration? BeforeMaximum,
    Duration AfterMinimum,
    Duration? AfterMaximum,
    IReadOnlyList<Interval>? QueryPeriods)
{
    public string SequenceId { get; init; } = Guard.NotNull(SequenceId, nameof(SequenceId));

    public IReadOnlyList<ParticipantGroup> Groups { get; init; } = Guard.NotEmpty(Groups, nameof(Groups));

    public Duration RequiredDuration { get; init; } = Guard.Positive(RequiredDuration, nameof(RequiredDuration));

    public Duration StartInterval { get; init; } = Guard.StartInterval(StartInterval, nameof(StartInterval));

    public Duration BeforeMinimum { get; init; } = Guard.NonNegative(BeforeMinimum, nameof(BeforeMinimum));

    public Duration AfterMinimum { get; init; } = Guard.NonNegative(AfterMinimum, nameof(AfterMinimum));

    public IReadOnlyList<Interval>? QueryPeriods { get; init; } =
        QueryPeriods is null ? null : Guard.Bounded(QueryPeriods, nameof(QueryPeriods));
}

/// <summary>
/// A sequenced availability question: the steps in ordinal order, the shared query periods, and the
/// earliest start (now + minimum notice) that applies to every step.
/// </summary>
public sealed record SequenceQuery(
    IReadOnlyList<SequenceStep> Steps,
    IReadOnlyList<Interval> QueryPeriods,
    Instant EarliestStart,
    DateTimeZone Zone,
    int MaxResults)
{
    public IReadOnlyList<SequenceStep> Steps { get; init; } = Guard.NotEmpty(Steps, nameof(Steps));

    public IReadOnlyList<Interval> QueryPeriods { get; init; } = Guard.Bounded(QueryPeriods, nameof(QueryPeriods));

    public DateTimeZone Zone { get; init; } = Guard.NotNull(Zone, nameof(Zone));

    public int MaxResults { get; init; } = Guard.AtLeastOne(MaxResults, nameof(MaxResults));

    /// <summary>
    /// Step <paramref name="index"/> as a §4 question (minimum buffers as buffers). Booking uses it
    /// with <see cref="AvailabilityEngine.ChooseParticipants"/> to pick each step's participants.
    /// </summary>
    public AvailabilityQuery StepQuery(int index)
    {
        var step = Steps[index];
        return new AvailabilityQuery(
            step.Groups, step.RequiredDuration, step.QueryPeriods ?? QueryPeriods, step.StartInterval,
            step.BeforeMinimum, step.AfterMinimum, EarliestStart, Zone, MaxResults);
    }
}

/// <summary>One option: an aligned start for every step, in step order, every gap within its bounds.</summary>
public sealed record SequenceOption(IReadOnlyList<SequencedSlot> Steps);

/// <summary>One step of an option: the slot [Start, End) and the subs able to start it.</summary>
public sealed record SequencedSlot(string SequenceId, Instant Start, Instant End, IReadOnlyList<string> Participants);

/// <summary>Answers sequenced availability questions (SPEC §5).</summary>
public static class SequenceEngine
{
    /// <summary>
    /// For each aligned start of step 1 that begins at least one option, the option whose later steps
    /// start as early as possible; ordered by first start, at most <see cref="SequenceQuery.MaxResults"/>.
    /// </summary>
    public static IReadOnlyList<SequenceOption> Options(SequenceQuery q)
    {
        ArgumentNullException.ThrowIfNull(q);
        var plan = Plan.Of(q);
        var options = new List<SequenceOption>();
        foreach (var first in plan.Completable[0])
        {
            if (options.Count == q.MaxResults)
            {
                break;
            }
            options.Add(plan.EarliestCompletion(first));
        }
        return options;
    }

    /// <summary>For booking a sequence: the option whose first step starts at <paramref name="firstStart"/> (recomputed), or <c>null</c>.</summary>
    public static SequenceOption? OptionStartingAt(SequenceQuery q, Instant firstStart)
    {
        ArgumentNullException.ThrowIfNull(q);
        var plan = Plan.Of(q);
        return plan.Completable[0].BinarySearch(firstStart) >= 0 ? plan.EarliestCompletion(firstStart) : null;
    }

    /// <summary>
    /// The aligned starts of every step after the backward pass: <see cref="Completable"/>[i] holds the
    /// starts of step i from which some start of each later step can follow within the gaps. A greedy
    /// forward pass over these lists cannot get stuck, and taking the earliest next start at each step
    /// also makes every later start as early as it can be (the earliest completable start after an
    /// instant only moves later as that instant does).
    /// </summary>
    private sealed class Plan
    {
        private readonly SequenceQuery query;
        private readonly Evaluation[] evaluations;
        private readonly (Duration Minimum, Duration? Maximum)[] gaps;

        private Plan(SequenceQuery query, Evaluation[] evaluations, (Duration, Duration?)[] gaps, List<Instant>[] completable)
        {
            this.query = query;
            this.evaluations = evaluations;
            this.gaps = gaps;
            Completable = completable;
        }

        public List<Instant>[] Completable { get; }

        public static Plan Of(SequenceQuery q)
        {
            var steps = q.Steps;
            var evaluations = new Evaluation[steps.Count];
            var completable = new List<Instant>[steps.Count];
            var gaps = new (Duration, Duration?)[Math.Max(0, steps.Count - 1)];
            for (var i = 0; i < steps.Count; i++)
            {
                evaluations[i] = Evaluation.Of(q.StepQuery(i));
            }
            for (var i = 0; i + 1 < steps.Count; i++)
            {
                gaps[i] = Gap(steps[i], steps[i + 1]);
            }
            for (var i = steps.Count - 1; i >= 0; i--)
            {
                var starts = Alignment.AlignedStarts(evaluations[i].Starts, q.Zone, steps[i].StartInterval).ToList();
                completable[i] = i == steps.Count - 1
                    ? starts
                    : starts.FindAll(t => FirstFollower(completable[i + 1], t + steps[i].RequiredDuration, gaps[i]) is not null);
            }
            return new Plan(q, evaluations, gaps, completable);
        }

        private static (Duration Minimum, Duration? Maximum) Gap(SequenceStep step, SequenceStep next)
        {
            var minimum = step.AfterMinimum > next.BeforeMinimum ? step.AfterMinimum : next.BeforeMinimum;
            Duration? maximum = (step.AfterMaximum, next.BeforeMaximum) switch
            {
                (null, var b) => b,
                (var a, null) => a,
                ({ } a, { } b) => a < b ? a : b,
            };
            return (minimum, maximum);
        }

        /// <summary>The earliest of <paramref name="starts"/> (sorted) whose gap after <paramref name="end"/> is within bounds.</summary>
        private static Instant? FirstFollower(List<Instant> starts, Instant end, (Duration Minimum, Duration? Maximum) gap)
        {
            var earliest = end + gap.Minimum;
            var index = starts.BinarySearch(earliest);
            if (index < 0)
            {
                index = ~index;
            }
            if (index == starts.Count)
            {
                return null;
            }
            var candidate = starts[index];
            return gap.Maximum is { } maximum && candidate - end > maximum ? null : candidate;
        }

        /// <summary>The option starting at <paramref name="first"/>, which must be completable.</summary>
        public SequenceOption EarliestCompletion(Instant first)
        {
            var steps = query.Steps;
            var slots = new SequencedSlot[steps.Count];
            var start = first;
            for (var i = 0; ; i++)
            {
                var end = start + steps[i].RequiredDuration;
                slots[i] = new SequencedSlot(steps[i].SequenceId, start, end, new Participants(evaluations[i]).At(start));
                if (i + 1 == steps.Count)
                {
                    break;
                }
                start = FirstFollower(Completable[i + 1], end, gaps[i])
                    ?? throw new InvalidOperationException("The backward pass kept a start that cannot be completed.");
            }
            return new SequenceOption(slots);
        }
    }
}
