using RtsApp.Store;

namespace RtsApp.Features.Links;

public static class LinksSetup
{
    /// <summary>Creating, reading and disabling links, and the start-up upgrade of links stored by earlier versions.</summary>
    public static IServiceCollection AddRtsLinks(this IServiceCollection services)
    {
        services.AddSingleton<LinksHandler>();
        services.AddSingleton<IStoreUpgrade, LinkSpecUpgrade>();
        return services;
    }
}
