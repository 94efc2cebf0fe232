using RtsApp.Features.Connections.CalDav;
using RtsApp.Infrastructure;
using RtsApp.Infrastructure.Network;

namespace RtsApp.Features.Connections;

public static class ConnectionsSetup
{
    /// <summary>Calendar connections (SPEC §13): validated options, the feed client behind the address guard, the
    /// handler, and the leased sync worker.</summary>
    public static IServiceCollection AddRtsConnections(this IServiceCollection services)
    {
        services.AddRtsOptions<ConnectionOptions>(ConnectionOptions.Section, o => o.SyncInterval > TimeSpan.Zero,
                ConfigKeys.ConnectionsSyncInterval, "must be a positive duration such as 00:01:00")
            .Validate(o => o.Horizon > TimeSpan.Zero && o.Horizon <= ConnectionOptions.MaxHorizon,
                $"{ConfigKeys.ConnectionsHorizon} must be a positive duration of at most {ConnectionOptions.MaxHorizon.TotalDays} days, such as 400.00:00:00")
            .Validate(o => o.Timeout > TimeSpan.Zero && o.Timeout <= TimeSpan.FromMinutes(5),
                $"{ConfigKeys.ConnectionsTimeout} must be a positive duration of at most 00:05:00, such as 00:00:15")
            .Validate(o => o.BookingCheckTimeout > TimeSpan.Zero && o.BookingCheckTimeout <= TimeSpan.FromMinutes(1),
                $"{ConfigKeys.ConnectionsBookingCheckTimeout} must be a positive duration of at most 00:01:00, such as 00:00:05")
            .PostConfigure<IHostEnvironment>((o, environment) => o.AllowPrivateNetworks ??= environment.IsDevelopment());
        services.AddHttpClient(IcsFeedClient.HttpClientName, c =>
            {
                c.Timeout = Timeout.InfiniteTimeSpan; // the caller's limit applies per download
                c.DefaultRequestHeaders.UserAgent.ParseAdd("RtsApp-Connections/1.0");
            })
            .ConfigurePrimaryHttpMessageHandler(sp => PublicAddressGuard.CreateHandler(
                sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<ConnectionOptions>>().Value.AllowPrivateNetworks == true)) // IcsFeedClient follows them
            .RemoveAllLoggers(); // feed URLs often carry a secret token: the sync logs connection ids instead
        services.AddHttpClient(CalDavHttp.HttpClientName, c =>
            {
                c.Timeout = Timeout.InfiniteTimeSpan; // the client bounds each request itself
                c.DefaultRequestHeaders.UserAgent.ParseAdd("RtsApp-Connections/1.0");
            })
            .ConfigurePrimaryHttpMessageHandler(sp => CalDavHttp.CreateHandler(
                sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<ConnectionOptions>>().Value.AllowPrivateNetworks == true))
            .RemoveAllLoggers();
        services.AddSingleton<CalDavConnections>();
        services.AddSingleton<IcsFeedClient>();
        services.AddSingleton<ConnectionSync>();
        services.AddSingleton<ConnectionsHandler>();
        services.AddSingleton<ConnectLinks>();
        services.AddSingleton<BookingCheck>();
        services.AddHostedService<ConnectionSyncWorker>();
        services.AddHostedService<CalDavWriteBackWorker>();
        return services;
    }
}
