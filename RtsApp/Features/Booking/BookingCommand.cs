using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using NodaTime;
using RtsApp.Features.Availability;
using RtsApp.Features.Calendars;
using RtsApp.Features.Callbacks;
using RtsApp.Features.Connections;
using RtsApp.Features.Links;
using RtsApp.Infrastructure;
using RtsApp.Infrastructure.Telemetry;
using RtsApp.Store;

namespace RtsApp.Features.Booking;

/// <summary>What a booking attempt did; the page shows the link's current state for every outcome but a redirect.</summary>
public abstract record BookingResult
{
    /// <summary>Booked; <see cref="RedirectUrl"/> is where to send the person, or null to show the confirmation.</summary>
    public sealed record Booked(string? RedirectUrl) : BookingResult;
    /// <summary>The time was taken meanwhile: nothing was booked.</summary>
    public sealed record Taken : BookingResult;
    /// <summary>The link is completed, disabled or expired: it can never book.</summary>
    public sealed record NotOpen : BookingResult;
    /// <summary>A connected calendar's server did not confirm the time in time (SPEC §13 (a)): nothing was booked.</summary>
    public sealed record Unconfirmed : BookingResult;
    public sealed record Unknown : BookingResult;
}

/// <summary>Books a chosen time of a link (SPEC §8) in one transaction.
/// <para>Concurrency: a booking's first statements bump <see cref="Account.BookingVersion"/> of every account the link
/// involves, one row at a time in id order. On PostgreSQL those are row locks held to commit, so two bookings that share
/// a member run one after the other, across processes, without deadlock (same order), and under READ COMMITTED the
/// re-check after the wait sees what the winner committed. On SQLite, Microsoft.Data.Sqlite begins the transaction with
/// BEGIN IMMEDIATE, so the database's single write lock is taken before anything is read (waiting, not failing, while
/// another booking holds it). Only after that does the booking read the link and re-check the chosen time with the
/// same loader and engine as the page (<see cref="Offers"/>), so the loser of a race sees the winner's events and books
/// nothing. BookingConcurrencyTests proves this on both providers (and fails on PostgreSQL without the bumps).</para></summary>
public sealed partial class BookingCommand(IDbContextFactory<RtsDbContext> dbFactory, BusyTimeCache cache, BookingCheck connected, IClock clock, ILogger<BookingCommand> log)
{
    public Task<BookingResult> BookAsync(string token, Instant start, string? userTzid, CancellationToken ct) =>
        BookAsync(token, start, userTzid, null, ct);

    public Task<BookingResult> BookAsync(string token, Instant start, string? userTzid, InviteeDetails? invitee, CancellationToken ct) =>
        BookAsync(token, start, userTzid, invitee, null, ct);

    /// <summary>Books <paramref name="start"/>; <paramref name="invitee"/> (validated by <see cref="InviteeForm"/>) is kept
    /// with the booking, sent with the completed callback and written into the events' description. For a sequencing
    /// link, <paramref name="stepStarts"/> are the starts of the option's steps as the person saw them: booked only if the
    /// option starting at <paramref name="start"/> still has exactly those (else "taken": its later steps would move).</summary>
    public async Task<BookingResult> BookAsync(string token, Instant start, string? userTzid, InviteeDetails? invitee,
        IReadOnlyList<Instant>? stepStarts, CancellationToken ct)
    {
        using var booking = RtsTelemetry.StartBooking();
        var result = await BookUnmeasuredAsync(token, start, userTzid, invitee, stepStarts, ct);
        booking.Outcome = result switch
        {
            BookingResult.Booked => RtsTelemetry.Outcomes.Booked,
            BookingResult.Taken => RtsTelemetry.Outcomes.Taken,
            BookingResult.NotOpen => RtsTelemetry.Outcomes.NotOpen,
            BookingResult.Unconfirmed => RtsTelemetry.Outcomes.Unconfirmed,
            _ => RtsTelemetry.Outcomes.NotFound,
        };
        return result;
    }

    private async Task<BookingResult> BookUnmeasuredAsync(string token, Instant start, string? userTzid, InviteeDetails? invitee,
        IReadOnlyList<Instant>? stepStarts, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        // Read outside the transaction only to learn whom to lock; everything that decides is read again under the locks.
        if (await LinkStore.ByTokenAsync(db, token, ct) is not { } first) return new BookingResult.Unknown();
        if (!LinkStatus.IsOpen(first.Link, clock.GetCurrentInstant())) return new BookingResult.NotOpen();
        var zone = TzdbZones.Find(userTzid);
        // A sequencing option's later steps are placed by the engine: found here (no lock yet), so that the re-check
        // covers every step however far apart, and so that the booking below books these steps or nothing.
        IReadOnlyList<ChosenStep>? expected = null;
        if (first.Spec.Sequence is not null)
        {
            var tentative = await Offers.ChooseAsync(db, cache, first, start, clock.GetCurrentInstant(), zone?.Id ?? first.Link.DisplayTzid, ct);
            if (tentative?.Sequence is not { } steps || (stepStarts is not null && !steps.Select(s => s.Start).SequenceEqual(stepStarts)))
            {
                LogTaken(log, first.Link.Id, start);
                return new BookingResult.Taken();
            }
            expected = steps;
        }
        // SPEC §13 (a): connected calendars are asked again before any lock is taken; what they hold is stored, so the
        // re-check under the locks below sees it.
        if (!await connected.RefreshAsync(first.Link.ApplicationId, first.Spec, BookingCheck.Span(first.Spec, start, expected), ct))
        {
            LogUnconfirmed(log, first.Link.Id, start);
            return new BookingResult.Unconfirmed();
        }

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await AccountLocks.LockAsync(db, first.Link.ApplicationId, first.Spec.InvolvedAccounts, ct);
        await CalendarLocks.LockAsync(db, first.Spec.TargetCalendars.Select(t => t.CalendarId), ct);

        var now = clock.GetCurrentInstant();
        var link = await db.Links.AsNoTracking().SingleAsync(l => l.Id == first.Link.Id, ct);
        if (!LinkStatus.IsOpen(link, now)) return new BookingResult.NotOpen();
        var loaded = first with { Link = link };

        var offered = await Offers.ChooseAsync(db, cache, loaded, start, now, zone?.Id ?? link.DisplayTzid, ct);
        if (offered is null || (expected is not null && !offered.Sequence!.Select(s => s.Start).SequenceEqual(expected.Select(s => s.Start))))
        {
            LogTaken(log, link.Id, start);
            return new BookingResult.Taken();
        }
        var chosen = invitee is { IsEmpty: false } ? offered with { Invitee = invitee } : offered;

        var chosenStart = chosen.Sequence?[0].Start ?? start;
        var chosenEnd = chosen.Sequence?[^1].End ?? start + loaded.Spec.Duration;
        if (!await WriteEventsAsync(db, loaded, chosen, chosenStart, chosenEnd, now, ct))
        {
            LogEventHeld(log, link.Id);
            return new BookingResult.Taken();
        }
        var chosenJson = JsonSerializer.Serialize(chosen, ApiJson.Options);
        // Conditional, so a disable committed meanwhile wins cleanly.
        var completed = await db.Links.Where(l => l.Id == link.Id && l.Status == LinkStatuses.Open)
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.Status, LinkStatuses.Completed).SetProperty(l => l.ChosenJson, chosenJson)
                .SetProperty(l => l.ChosenStart, chosenStart).SetProperty(l => l.ChosenEnd, chosenEnd).SetProperty(l => l.CompletedAt, now), ct);
        if (completed != 1) return new BookingResult.NotOpen();
        if (loaded.Spec.Callbacks.Completed is { } url)
            CallbackOutbox.Enqueue(db, link.ApplicationId, link.Id, CallbackKinds.Completed, url,
                LinkViews.Completed(link, loaded.Spec, chosen, chosenStart, chosenEnd), now);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        LogBooked(log, link.Id, chosenStart, chosen.Participants);
        return new BookingResult.Booked(loaded.Spec.Redirect.For(token));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Booking of {LinkId} at {Start} refused: no longer available")]
    private static partial void LogTaken(ILogger logger, string linkId, Instant start);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Booking of {LinkId} at {Start} not made: a connected calendar's server did not confirm the time")]
    private static partial void LogUnconfirmed(ILogger logger, string linkId, Instant start);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Booking of {LinkId} refused: another link's booking holds its event_id")]
    private static partial void LogEventHeld(ILogger logger, string linkId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Booked {LinkId} at {Start} for {Participants}")]
    private static partial void LogBooked(ILogger logger, string linkId, Instant start, IReadOnlyList<string> participants);

    /// <summary>SPEC §8: into each target calendar whose sub was chosen, and those whose sub is in no group (organisers,
    /// rooms); <c>event_creation: single</c> writes one event, into the first such calendar. False, with the
    /// transaction to be rolled back, when an event belongs to another link's booking.</summary>
    private static async Task<bool> WriteEventsAsync(RtsDbContext db, LoadedLink l, ChosenBooking chosen,
        Instant start, Instant end, Instant now, CancellationToken ct)
    {
        var spec = l.Spec;
        var groupSubs = spec.Groups.SelectMany(g => g.Members).Select(m => m.Sub).ToHashSet();
        var parts = chosen.Sequence?.Select(s => (s.EventId, s.Summary, s.Start, s.End, (IReadOnlyCollection<string>)s.Participants, (string?)s.SequenceId)).ToList()
            ?? [(l.Link.EventId, l.Link.Summary, start, end, chosen.Participants, null)];
        var written = new HashSet<(string, string)>();
        var writeBack = await CalDavWriteBackOutbox.WritableAsync(db, spec.TargetCalendars.Select(t => t.CalendarId), ct);
        foreach (var (eventId, summary, from, to, participants, sequenceId) in parts)
        {
            var description = string.Join("\n\n", new[] { spec.DescriptionOf(sequenceId), InviteeForm.Describe(chosen.Invitee) }.OfType<string>());
            foreach (var target in spec.TargetCalendars.Where(t => participants.Contains(t.Sub) || !groupSubs.Contains(t.Sub)))
            {
                if (!written.Add((target.CalendarId, eventId))) continue;
                var ev = new EventSpec(eventId, summary, description.Length == 0 ? null : description, new Interval(from, to), spec.Event.Tzid,
                    null, null, spec.Event.Location, Transparent: false);
                if (!await EventWriter.UpsertAsync(db, l.Link.ApplicationId, target.CalendarId, ev, now, ct, l.Link.Id)) return false;
                if (writeBack.Contains(target.CalendarId)) // SPEC §13 (c): written to the server after the commit
                    CalDavWriteBackOutbox.Enqueue(db, l.Link.ApplicationId, l.Link.Id, target.CalendarId, eventId, summary, ev.Description,
                        spec.Event.Location, new Interval(from, to), now);
                if (spec.SingleEvent) break;
            }
        }
        return true;
    }
}
