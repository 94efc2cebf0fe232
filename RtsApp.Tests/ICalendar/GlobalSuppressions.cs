using System.Diagnostics.CodeAnalysis;

// The house style names tests Method_Scenario (see Scheduling/); CA1707 is for public library names, not test names.
[assembly: SuppressMessage("Naming", "CA1707:Identifiers should not contain underscores", Justification = "Method_Scenario test names",
    Scope = "namespaceanddescendants", Target = "~N:RtsApp.Tests.ICalendar")]
