namespace RtsApp.Features.Callbacks;

public static class CallbacksSetup
{
    /// <summary>The callback outbox worker and its collaborators.</summary>
    public static IServiceCollection AddRtsCallbacks(this IServiceCollection services) => services;
}
