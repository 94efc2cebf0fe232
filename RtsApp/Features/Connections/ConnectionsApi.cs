using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using RtsApp.Infrastructure;

namespace RtsApp.Features.Connections;

/// <summary>SPEC §13: <c>/v1/calendar_connections</c>. Application secret, or an account token acting for its own account.</summary>
public static class ConnectionsApi
{
    public const string Route = "/calendar_connections";

    public static IEndpointRouteBuilder MapConnectionsApi(this IEndpointRouteBuilder api)
    {
        api.MapPost(Route, Create).Named("CreateCalendarConnection", "Connects an account's ICS feed or CalDAV server, checking it first");
        api.MapPost(Route + "/connect_link", CreateConnectLink).Named("CreateConnectLink", "Makes a page where an account's person connects a calendar themselves");
        api.MapGet(Route, List).Named("ListCalendarConnections", "Lists calendar connections, optionally of one account");
        api.MapGet(Route + "/{connectionId}", Get).Named("GetCalendarConnection", "Reads one calendar connection and its sync status");
        api.MapPost(Route + "/{connectionId}/sync", SyncNow).Named("SyncCalendarConnection", "Syncs a calendar connection now");
        api.MapDelete(Route + "/{connectionId}", Delete).Named("DeleteCalendarConnection", "Deletes a calendar connection with its calendars");
        return api;
    }

    public static async Task<Results<Ok<ConnectionReply>, ApiError>> Create(
        Json<CreateConnectionRequest> body, Caller caller, ConnectionsHandler connections, CancellationToken ct)
    {
        if (!body.TryParse(CreateConnectionValidator.For(caller.AccountId is not null), ConnectionsHandler.ToSpec, out var spec, out var invalid))
            return invalid;
        if (!(await connections.CreateAsync(caller, spec, ct)).TryGet(out var view, out var error)) return error;
        return TypedResults.Ok(new ConnectionReply(view));
    }

    public static async Task<Results<Ok<ConnectLinkReply>, ApiError>> CreateConnectLink(
        Json<ConnectLinkRequest> body, Caller caller, ConnectLinks links, PublicUrls urls, HttpRequest http, CancellationToken ct)
    {
        if (!body.TryParse(ConnectLinkValidator.For(caller.AccountId is not null), ConnectLinkValidator.ToSpec, out var spec, out var invalid))
            return invalid;
        if (!(await links.CreateAsync(caller, spec, urls.Base(http), ct)).TryGet(out var reply, out var error)) return error;
        return TypedResults.Ok(reply);
    }

    public static async Task<Ok<ConnectionsReply>> List(
        [FromQuery(Name = "sub")] string? sub, Caller caller, ConnectionsHandler connections, CancellationToken ct) =>
        TypedResults.Ok(new ConnectionsReply(await connections.ListAsync(caller, string.IsNullOrEmpty(sub) ? null : sub, ct)));

    public static async Task<Results<Ok<ConnectionReply>, ApiError>> Get(
        string connectionId, Caller caller, ConnectionsHandler connections, CancellationToken ct) =>
        await connections.GetAsync(caller, connectionId, ct) is { } view ? TypedResults.Ok(new ConnectionReply(view)) : ConnectionsHandler.NotFound();

    public static async Task<Results<Accepted, ApiError>> SyncNow(
        string connectionId, Caller caller, ConnectionsHandler connections, CancellationToken ct) =>
        await connections.SyncNowAsync(caller, connectionId, ct) ? TypedResults.Accepted((string?)null) : ConnectionsHandler.NotFound();

    public static async Task<Results<Accepted, ApiError>> Delete(
        string connectionId, Caller caller, ConnectionsHandler connections, CancellationToken ct) =>
        await connections.DeleteAsync(caller, connectionId, ct) is { } error ? error : TypedResults.Accepted((string?)null);
}
