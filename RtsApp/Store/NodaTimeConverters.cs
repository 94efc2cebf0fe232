using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using NodaTime;
using NodaTime.Text;

namespace RtsApp.Store;

/// <summary>The one place NodaTime values are mapped to columns. Instants are stored as Unix ticks (100 ns, UTC):
/// exact, ordered, and the same on SQLite and PostgreSQL, so range comparisons translate to plain integer SQL.</summary>
internal static class NodaTimeConverters
{
    public static readonly ValueConverter<Instant, long> Instant =
        new(i => i.ToUnixTimeTicks(), t => NodaTime.Instant.FromUnixTimeTicks(t));

    public static readonly ValueConverter<LocalDate, string> LocalDate =
        new(d => LocalDatePattern.Iso.Format(d), s => LocalDatePattern.Iso.Parse(s).Value);

    public static void Apply(ModelConfigurationBuilder builder)
    {
        builder.Properties<Instant>().HaveConversion<InstantConverter>();
        builder.Properties<LocalDate>().HaveConversion<LocalDateConverter>().HaveMaxLength(10);
    }

    private sealed class InstantConverter() : ValueConverter<Instant, long>(Instant.ConvertToProviderExpression, Instant.ConvertFromProviderExpression);
    private sealed class LocalDateConverter() : ValueConverter<LocalDate, string>(LocalDate.ConvertToProviderExpression, LocalDate.ConvertFromProviderExpression);
}
