namespace RtsApp.Scheduling;

/// <summary>
/// Names the participants of a period or slot: every member of an "all" group, and the members of a
/// numeric group whose start set meets the window. Subs are de-duplicated in first-appearance order
/// (group order, then member order). Consecutive answers with the same members share one list, so a
/// long run of slots allocates one list, not one per slot.
/// </summary>
internal sealed class Participants(Evaluation evaluation)
{
    private readonly HashSet<string> seen = new(StringComparer.Ordinal);
    private readonly List<(int Group, int Member)> chosen = [];
    private readonly List<(int Group, int Member)> previousChosen = [];
    private IReadOnlyList<string>? previous;

    /// <summary>Everyone who can take part somewhere in <paramref name="window"/>.</summary>
    public IReadOnlyList<string> Within(ClosedRange window) => Resolve(window, limitToRequired: false);

    /// <summary>Everyone who can start at <paramref name="start"/>.</summary>
    public IReadOnlyList<string> At(NodaTime.Instant start) => Resolve(new ClosedRange(start, start), limitToRequired: false);

    /// <summary>For booking: numeric groups contribute only their first <c>Required</c> able members.</summary>
    public IReadOnlyList<string> Choose(NodaTime.Instant start) => Resolve(new ClosedRange(start, start), limitToRequired: true);

    private IReadOnlyList<string> Resolve(ClosedRange window, bool limitToRequired)
    {
        chosen.Clear();
        var groups = evaluation.Groups;
        for (var g = 0; g < groups.Count; g++)
        {
            var group = groups[g];
            var limit = limitToRequired && group.Required is { } required ? required : int.MaxValue;
            var taken = 0;
            for (var m = 0; m < group.Members.Count && taken < limit; m++)
            {
                if (group.RequiresAll || evaluation.MemberStarts[g][m].Intersects(window))
                {
                    chosen.Add((g, m));
                    taken++;
                }
            }
        }
        if (previous is not null && chosen.SequenceEqual(previousChosen))
        {
            return previous;
        }
        seen.Clear();
        var subs = new List<string>(chosen.Count);
        foreach (var (g, m) in chosen)
        {
            var sub = groups[g].Members[m].Sub;
            if (seen.Add(sub))
            {
                subs.Add(sub);
            }
        }
        previousChosen.Clear();
        previousChosen.AddRange(chosen);
        previous = subs;
        return subs;
    }
}
