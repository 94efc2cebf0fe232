using RtsApp.Features.Accounts;
using RtsApp.Features.Admin;
using RtsApp.Features.Applications;
using RtsApp.Features.Availability;
using RtsApp.Features.Booking;
using RtsApp.Features.Calendars;
using RtsApp.Features.Callbacks;
using RtsApp.Features.Connections;
using RtsApp.Features.Links;
using RtsApp.Features.ManagedAvailability;

namespace RtsApp.Features;

/// <summary>The features, in one list: each registers its own services and maps its own routes.</summary>
public static class FeaturesSetup
{
    public static IServiceCollection AddRtsFeatures(this IServiceCollection services) => services
        .AddRtsApplications()
        .AddRtsAvailability()
        .AddRtsLinks()
        .AddRtsBooking()
        .AddRtsCallbacks()
        .AddRtsConnections()
        .AddRtsAdmin();

    /// <summary>Every feature's <c>/v1</c> endpoints, into the API's authenticated, rate-limited group.</summary>
    public static IEndpointRouteBuilder MapRtsFeaturesApi(this IEndpointRouteBuilder api) => api
        .MapAccountsApi()
        .MapCalendarsApi()
        .MapEventsApi()
        .MapAvailabilityApi()
        .MapLinksApi()
        .MapManagedAvailabilityApi()
        .MapConnectionsApi();

    /// <summary>The pages' own endpoints outside <c>/v1</c>.</summary>
    public static WebApplication MapRtsFeaturePages(this WebApplication app)
    {
        app.MapSchedulingPage();
        app.MapRtsAdmin();
        return app;
    }
}
