using Microsoft.AspNetCore.Http.HttpResults;
using RtsApp.Infrastructure;

namespace RtsApp.Features.Links;

public sealed record DisableLinkRequest(string? DisplayMessage);

public static class LinksApi
{
    public static IEndpointRouteBuilder MapLinksApi(this IEndpointRouteBuilder api)
    {
        api.MapPost("/real_time_scheduling", CreateScheduling).Named("CreateRealTimeScheduling", "Creates a real-time scheduling link").RequireAuthorization(ApiAuthorization.ApplicationOnly);
        api.MapPost("/real_time_sequencing", CreateSequencing).Named("CreateRealTimeSequencing", "Creates a real-time sequencing link").RequireAuthorization(ApiAuthorization.ApplicationOnly);
        api.MapGet("/real_time_scheduling/{id}", GetById).Named("GetLink", "Reads a link's status by its id").RequireAuthorization(ApiAuthorization.ApplicationOnly);
        api.MapGet("/real_time_scheduling", GetByToken).Named("GetLinkByToken", "Reads a link's status by the token in its URL").RequireAuthorization(ApiAuthorization.ApplicationOnly);
        api.MapPost("/real_time_scheduling/{id}/disable", Disable).Named("DisableLink", "Disables an open link, showing a message on its page").RequireAuthorization(ApiAuthorization.ApplicationOnly);
        return api;
    }

    public static Task<Results<Ok<LinkCreatedReply>, ApiError>> CreateScheduling(
        Json<LinkRequest> body, Caller caller, LinksHandler links, PublicUrls urls, HttpRequest http, CancellationToken ct) =>
        Create(body, caller, links, urls, http, sequencing: false, ct);

    public static Task<Results<Ok<LinkCreatedReply>, ApiError>> CreateSequencing(
        Json<LinkRequest> body, Caller caller, LinksHandler links, PublicUrls urls, HttpRequest http, CancellationToken ct) =>
        Create(body, caller, links, urls, http, sequencing: true, ct);

    private static async Task<Results<Ok<LinkCreatedReply>, ApiError>> Create(
        Json<LinkRequest> body, Caller caller, LinksHandler links, PublicUrls urls, HttpRequest http, bool sequencing, CancellationToken ct)
    {
        if (body.Error is { } bad) return bad;
        if (body.Value is not { } request) return ApiError.BadBody("the body must be a JSON object");
        var (reply, error) = await links.CreateAsync(caller.ApplicationId, request, sequencing, urls.Base(http), ct);
        return reply is not null ? TypedResults.Ok(reply) : error ?? ApiError.BadBody("the link could not be created");
    }

    public static async Task<Results<Ok<LinkReply>, ApiError>> GetById(
        string id, Caller caller, LinksHandler links, PublicUrls urls, HttpRequest http, CancellationToken ct) =>
        await links.GetAsync(caller.ApplicationId, id, null, urls.Base(http), ct) is { } view
            ? TypedResults.Ok(new LinkReply(view))
            : ApiError.Field(404, "id", ApiError.NotFound, "no such link");

    public static async Task<Results<Ok<LinkReply>, ApiError>> GetByToken(
        string? token, Caller caller, LinksHandler links, PublicUrls urls, HttpRequest http, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(token)) return ApiError.RequiredField("token");
        return await links.GetAsync(caller.ApplicationId, null, token, urls.Base(http), ct) is { } view
            ? TypedResults.Ok(new LinkReply(view))
            : ApiError.Field(404, "token", ApiError.NotFound, "no such link");
    }

    public static async Task<Results<Ok<LinkReply>, ApiError>> Disable(
        string id, Json<DisableLinkRequest> body, Caller caller, LinksHandler links, PublicUrls urls, HttpRequest http, CancellationToken ct)
    {
        if (body.Error is { } bad) return bad;
        var (view, error) = await links.DisableAsync(caller.ApplicationId, id, body.Value?.DisplayMessage, urls.Base(http), ct);
        return view is not null ? TypedResults.Ok(new LinkReply(view)) : error ?? ApiError.Field(404, "id", ApiError.NotFound, "no such link");
    }
}
