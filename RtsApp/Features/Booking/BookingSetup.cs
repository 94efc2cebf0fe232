namespace RtsApp.Features.Booking;

public static class BookingSetup
{
    /// <summary>The scheduling page's reads and notices, its languages, and the booking transaction.</summary>
    public static IServiceCollection AddRtsBooking(this IServiceCollection services)
    {
        services.AddSingleton<LinkPages>();
        services.AddSingleton<BookingCommand>();
        services.AddRtsPageLocalization();
        return services;
    }
}
