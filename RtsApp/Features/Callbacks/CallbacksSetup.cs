namespace RtsApp.Features.Callbacks;

public static class CallbacksSetup
{
    /// <summary>The callback outbox worker and its collaborators.</summary>
    public static IServiceCollection AddRtsCallbacks(this IServiceCollection services)
    {
        services.AddSingleton(sp => CallbackOptions.From(sp.GetRequiredService<IConfiguration>(), sp.GetRequiredService<IHostEnvironment>()));
        services.AddHttpClient(CallbackSender.HttpClientName, c =>
            {
                c.Timeout = Timeout.InfiniteTimeSpan; // CallbackOptions.Timeout applies per attempt
                c.DefaultRequestHeaders.UserAgent.ParseAdd("RtsApp-Callbacks/1.0");
            })
            .ConfigurePrimaryHttpMessageHandler(sp => CallbackSender.CreateHandler(sp.GetRequiredService<CallbackOptions>()))
            .RemoveAllLoggers(); // the worker logs each attempt itself, without the URL's query string
        services.AddSingleton<CallbackSender>();
        services.AddHostedService<CallbackWorker>();
        return services;
    }
}
