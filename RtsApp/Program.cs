using RtsApp.Cli;
using RtsApp.Components;
using RtsApp.Features;
using RtsApp.Features.Booking;
using RtsApp.Features.Connections;
using RtsApp.Features.Links;
using RtsApp.Features.ManagedAvailability;
using RtsApp.Infrastructure;
using RtsApp.Infrastructure.Telemetry;
using RtsApp.Store;

var builder = WebApplication.CreateBuilder(args);
builder.WebHost.UseStaticWebAssets(); // the build's static assets in every environment, not only Development
if (AppsCommand.IsCli(args))
    builder.Logging.ClearProviders().AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);

builder.Services.AddRtsTelemetry(); // first: its export starts before and stops after the workers
builder.Services.AddRtsStore();
builder.Services.AddRtsApi();
builder.Services.AddRtsForwardedHeaders();
builder.Services.AddRtsFeatures();
builder.Services.AddRazorComponents();
builder.Services.AddRtsOpenApi();
builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database");
builder.Services.LoadDataProtectionKeysAfterMigration(); // last: see there

var app = builder.Build();
app.Services.ValidateRtsOptions();
// The store is migrated on a pool thread while the host starts; requests and the host's start wait for it.
var store = app.Services.GetRequiredService<StoreStartup>();
store.Begin();
if (AppsCommand.IsCli(args))
{
    await store.Migrated;
    return await AppsCommand.RunAsync(app.Services, args, Console.Out, Console.Error);
}

app.UseRtsHeadAsGet(); // before routing, which is otherwise first: HEAD meets the endpoints as GET
app.UseRouting();
app.UseStoreStartup();
app.UseRtsForwardedHeaders();
app.UseRtsSecurityHeaders(LinkUrls.PathPrefix, ConnectUrls.PagePrefix);
if (!app.Environment.IsDevelopment())
    app.UseExceptionHandler("/error", createScopeForErrors: true);
app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
app.UseRtsApiBody();
app.UseRtsPageLocalization();
app.UseAuthentication();
app.UseAuthorization();
app.UseRateLimiter();
app.UseAntiforgery();
app.UseRtsExpiredForms();

app.MapStaticAssets();
app.MapHealthChecks("/healthz");
app.MapOpenApi();
app.MapRtsApiGroup().MapRtsFeaturesApi();
app.MapRtsApiFallback();
app.MapRtsFeaturePages();
app.MapRazorComponents<App>();

try
{
    await app.StartAsync();
}
catch (Exception)
{
    // A start that fails while the store is still migrating (a bad setting found as the services are made, the port
    // taken) lets the migration end before the services are disposed under it, then reports its own error.
    await store.SettledAsync();
    await app.DisposeAsync();
    throw;
}
await app.WaitForShutdownAsync();
await app.DisposeAsync();
return 0;

/// <summary>Exposed for WebApplicationFactory in the tests.</summary>
public partial class Program;
