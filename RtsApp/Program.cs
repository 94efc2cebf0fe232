using RtsApp.Cli;
using RtsApp.Components;
using RtsApp.Features.Accounts;
using RtsApp.Features.Admin;
using RtsApp.Features.Applications;
using RtsApp.Features.Availability;
using RtsApp.Features.Booking;
using RtsApp.Features.Calendars;
using RtsApp.Features.Callbacks;
using RtsApp.Features.Links;
using RtsApp.Infrastructure;
using RtsApp.Store;

var builder = WebApplication.CreateBuilder(args);
builder.WebHost.UseStaticWebAssets(); // the build's static assets in every environment, not only Development
if (AppsCommand.IsCli(args))
    builder.Logging.ClearProviders().AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);

builder.Services.AddRtsStore();
builder.Services.AddRtsApi();
builder.Services.AddRtsApplications();
builder.Services.AddRtsLinks();
builder.Services.AddRtsBooking();
builder.Services.AddRtsCallbacks();
builder.Services.AddRtsAdmin();
builder.Services.AddRazorComponents();
builder.Services.AddRtsOpenApi();
builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database");

var app = builder.Build();
app.Services.ValidateRtsOptions();
app.Services.MigrateRtsStore();
if (AppsCommand.IsCli(args))
    return await AppsCommand.RunAsync(app.Services, args, Console.Out, Console.Error);

if (!app.Environment.IsDevelopment())
    app.UseExceptionHandler("/error", createScopeForErrors: true);
app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
app.UseRtsApiBody();
app.UseRtsPageLocalization();
app.UseAuthentication();
app.UseAuthorization();
app.UseRateLimiter();
app.UseAntiforgery();

app.MapStaticAssets();
app.MapHealthChecks("/healthz");
app.MapOpenApi();
var api = app.MapRtsApiGroup();
api.MapAccountsApi();
api.MapCalendarsApi();
api.MapEventsApi();
api.MapAvailabilityApi();
api.MapLinksApi();
app.MapSchedulingPage();
app.MapRtsAdmin();
app.MapRazorComponents<App>();

app.Run();
return 0;

/// <summary>Exposed for WebApplicationFactory in the tests.</summary>
public partial class Program;
