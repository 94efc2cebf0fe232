using Microsoft.EntityFrameworkCore;
using NodaTime;
using RtsApp.Features.Links;
using RtsApp.Infrastructure;
using RtsApp.Store;

namespace RtsApp.Tests.Infrastructure;

/// <summary>What every booking must leave behind (SPEC §8), read straight from the database: every completed link's
/// events exist at its chosen time(s) in its target calendars, every event a link's booking owns is at that link's time,
/// no claimed event belongs to another link, and no two completed links hold overlapping time of one participant.
/// Call it at the end of any test that books.</summary>
public static class BookingInvariants
{
    private sealed record Hold(string LinkId, string Sub, Instant Start, Instant End);

    public static async Task AssertAsync(RtsAppFactory factory)
    {
        var problems = await CheckAsync(factory);
        problems.ShouldBeEmpty("booking invariants (SPEC §8) broken:" + Environment.NewLine + string.Join(Environment.NewLine, problems));
    }

    /// <summary>Every broken invariant as one line; empty when all hold.</summary>
    public static async Task<IReadOnlyList<string>> CheckAsync(RtsAppFactory factory)
    {
        await using var db = factory.Db();
        var links = await db.Links.AsNoTracking().Where(l => l.Status == LinkStatuses.Completed).ToListAsync();
        var linkIds = links.Select(l => l.Id).ToList();
        var owned = (await db.Events.AsNoTracking().Where(e => e.LinkId != null).ToListAsync()).ToLookup(e => e.LinkId!);
        var claims = (await db.LinkEventClaims.AsNoTracking().Where(c => linkIds.Contains(c.LinkId)).ToListAsync()).ToLookup(c => c.LinkId);
        var claimedCalendars = claims.SelectMany(c => c).Select(c => c.CalendarId).Distinct().ToList();
        var inClaimed = (await db.Events.AsNoTracking().Where(e => claimedCalendars.Contains(e.CalendarId)).ToListAsync())
            .ToDictionary(e => (e.CalendarId, e.EventId));

        var problems = new List<string>();
        var holds = new List<Hold>();
        foreach (var link in links)
        {
            var spec = LinkStore.Read(link);
            var chosen = LinkViews.Chosen(link);
            if (spec is null || chosen is null || link.ChosenStart is not { } start || link.ChosenEnd is not { } end)
            {
                problems.Add($"{link.Id}: completed without a spec, chosen times or ChosenJson");
                continue;
            }
            var parts = chosen.Sequence?.Select(s => (s.EventId, s.Start, s.End, Subs: (IReadOnlyList<string>)s.Participants)).ToList()
                ?? [(link.EventId, start, end, chosen.Participants)];
            if (parts.Count == 0 || parts.Min(p => p.Start) != start || parts.Max(p => p.End) != end)
                problems.Add($"{link.Id}: ChosenStart/ChosenEnd {Show(start, end)} are not the span of its chosen steps");
            var targets = spec.TargetCalendars.Select(t => t.CalendarId).ToHashSet();
            var mine = owned[link.Id].ToList();
            foreach (var (eventId, from, to, subs) in parts)
            {
                if (!mine.Any(e => e.EventId == eventId && targets.Contains(e.CalendarId) && e.Start == from && e.End == to))
                    problems.Add($"{link.Id}: no event {eventId} at {Show(from, to)} in any target calendar; its events: {Describe(mine)}");
                holds.AddRange(subs.Select(sub => new Hold(link.Id, sub, from, to)));
            }
            foreach (var e in mine)
            {
                if (!targets.Contains(e.CalendarId)) problems.Add($"{link.Id}: owns {e.EventId} in {e.CalendarId}, not a target calendar");
                if (!parts.Any(p => p.EventId == e.EventId && p.Start == e.Start && p.End == e.End))
                    problems.Add($"{link.Id}: its event {e.EventId} in {e.CalendarId} is at {Show(e.Start, e.End)}, not its chosen time");
            }
            foreach (var c in claims[link.Id])
            {
                if (inClaimed.TryGetValue((c.CalendarId, c.EventId), out var e) && e.LinkId is { } holder && holder != link.Id)
                    problems.Add($"{link.Id}: its claimed event {c.EventId} in {c.CalendarId} was written by {holder}'s booking");
            }
        }

        foreach (var bySub in holds.GroupBy(h => h.Sub))
        {
            var sorted = bySub.OrderBy(h => h.Start).ToList();
            for (var i = 0; i < sorted.Count; i++)
            {
                for (var j = i + 1; j < sorted.Count && sorted[j].Start < sorted[i].End; j++)
                {
                    if (sorted[j].LinkId != sorted[i].LinkId)
                        problems.Add($"{bySub.Key}: held by {sorted[i].LinkId} at {Show(sorted[i].Start, sorted[i].End)} and by {sorted[j].LinkId} at {Show(sorted[j].Start, sorted[j].End)}");
                }
            }
        }
        return problems;
    }

    private static string Show(Instant start, Instant end) => $"{ApiJson.Format(start)}–{ApiJson.Format(end)}";

    private static string Describe(IEnumerable<CalendarEvent> events) =>
        string.Join(", ", events.Select(e => $"{e.EventId}@{e.CalendarId} {Show(e.Start, e.End)}")) is { Length: > 0 } s ? s : "none";
}
