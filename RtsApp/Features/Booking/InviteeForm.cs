using System.Text.RegularExpressions;
using RtsApp.Features.Links;
using RtsApp.Infrastructure;

namespace RtsApp.Features.Booking;

/// <summary>Which field of the confirm step a problem is about, and which problem (the page words it in the person's
/// language).</summary>
public enum InviteeField { Name, Email, Notes }

public enum InviteeProblem { Required, TooLong, ControlCharacters, NotAnEmail }

public sealed record InviteeError(InviteeField Field, InviteeProblem Problem, int Limit = 0);

/// <summary>Reads and checks what the person typed on the confirm step (SPEC §7, RtsApp extension): trimmed, empty as
/// absent, lengths bounded, no control characters (notes may break lines), an email of the usual shape, name and email
/// required only when the link says so. Parse once: booking receives <see cref="InviteeDetails"/> only from here.</summary>
public static partial class InviteeForm
{
    public const int MaxName = 200;
    public const int MaxEmail = 254;
    public const int MaxNotes = 2000;

    public static (InviteeDetails Details, IReadOnlyList<InviteeError> Errors) Read(string? name, string? email, string? notes, InviteeRules? rules)
    {
        var errors = new List<InviteeError>();
        var n = Field(name, InviteeField.Name, MaxName, rules?.RequireName == true, multiline: false, errors);
        var e = Field(email, InviteeField.Email, MaxEmail, rules?.RequireEmail == true, multiline: false, errors);
        if (e is not null && !errors.Any(x => x.Field == InviteeField.Email) && !EmailShape().IsMatch(e))
            errors.Add(new InviteeError(InviteeField.Email, InviteeProblem.NotAnEmail));
        var t = Field(notes, InviteeField.Notes, MaxNotes, required: false, multiline: true, errors);
        return (new InviteeDetails(n, e, t), errors);
    }

    private static string? Field(string? raw, InviteeField field, int max, bool required, bool multiline, List<InviteeError> errors)
    {
        var value = raw is null ? null : ValidationRules.Lines(raw).Trim();
        if (string.IsNullOrEmpty(value))
        {
            if (required) errors.Add(new InviteeError(field, InviteeProblem.Required));
            return null;
        }
        if (value.Length > max) errors.Add(new InviteeError(field, InviteeProblem.TooLong, max));
        else if (ValidationRules.HasControlCharacters(value, multiline))
            errors.Add(new InviteeError(field, InviteeProblem.ControlCharacters));
        return value;
    }

    /// <summary>The text a booking adds to the event's description, so the participants see who booked.</summary>
    public static string? Describe(InviteeDetails? who)
    {
        if (who is null || who.IsEmpty) return null;
        var lines = new List<string>();
        var person = (who.Name, who.Email) switch
        {
            ({ } name, { } mail) => $"{name} <{mail}>",
            ({ } name, null) => name,
            (null, { } mail) => mail,
            _ => null,
        };
        if (person is not null) lines.Add("Booked by: " + person);
        if (who.Notes is { } notes) lines.Add("Notes: " + notes);
        return string.Join("\n", lines);
    }

    // Deliberately loose (the address is only passed on): one @, no spaces, a dot in the domain.
    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s.]+$", RegexOptions.CultureInvariant)]
    private static partial Regex EmailShape();
}
