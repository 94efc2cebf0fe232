namespace RtsApp.Infrastructure;

public static class OpenApiSetup
{
    /// <summary>The OpenAPI document at <c>/openapi/v1.json</c>.</summary>
    public static IServiceCollection AddRtsOpenApi(this IServiceCollection services) => services.AddOpenApi();
}
