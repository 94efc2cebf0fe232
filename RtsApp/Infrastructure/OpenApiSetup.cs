using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace RtsApp.Infrastructure;

/// <summary>The request body type of an endpoint that binds <see cref="Json{T}"/>: for the OpenAPI document only, so
/// that the body gets its schema without adding content-type matching (no 415s for clients that send none).</summary>
public sealed record JsonBodyMetadata(Type BodyType);

public static class OpenApiSetup
{
    /// <summary>The OpenAPI document at <c>/openapi/v1.json</c>, with each JSON body's schema.</summary>
    public static IServiceCollection AddRtsOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(o => o.AddOperationTransformer(async (operation, context, ct) =>
        {
            if (context.Description.ActionDescriptor.EndpointMetadata.OfType<JsonBodyMetadata>().FirstOrDefault() is not { } body) return;
            var schema = await context.GetOrCreateSchemaAsync(body.BodyType, null, ct);
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Schema = schema } },
            };
        }));

    /// <summary>An endpoint's OpenAPI name (its operationId) and one-line summary.</summary>
    public static RouteHandlerBuilder Named(this RouteHandlerBuilder endpoint, string name, string summary) =>
        endpoint.WithName(name).WithSummary(summary);
}
