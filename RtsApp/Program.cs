using RtsApp.Cli;
using RtsApp.Components;
using RtsApp.Features.Admin;
using RtsApp.Features.Booking;
using RtsApp.Features.Callbacks;
using RtsApp.Infrastructure;
using RtsApp.Store;

var builder = WebApplication.CreateBuilder(args);
// Serves the build's static assets (scoped CSS bundle, wwwroot/lib) in every environment when run from a build, not only Development.
builder.WebHost.UseStaticWebAssets();
if (AppsCommand.IsCli(args))
    builder.Logging.ClearProviders().AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);

builder.Services.AddRtsForwardedHeaders();
builder.Services.AddRtsStore();
builder.Services.AddRtsApi();
builder.Services.AddRtsCallbacks();
builder.Services.AddRtsAdmin();
builder.Services.AddRazorComponents();
builder.Services.AddOpenApi();
builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database");

var app = builder.Build();
app.Services.MigrateRtsStore();
if (AppsCommand.IsCli(args))
    return await AppsCommand.RunAsync(app.Services, args, Console.Out, Console.Error);

app.UseRtsForwardedHeaders();
app.UseRtsSecurityHeaders();
if (!app.Environment.IsDevelopment())
    app.UseExceptionHandler("/error", createScopeForErrors: true);
app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
app.UseRtsApiBody();
app.UseAuthentication();
app.UseAuthorization();
app.UseRateLimiter();
app.UseAntiforgery();

app.MapStaticAssets();
app.MapHealthChecks("/healthz");
app.MapOpenApi();
app.MapRtsApi();
app.MapSchedulingPage();
app.MapRtsAdmin();
app.MapRazorComponents<App>();

app.Run();
return 0;

/// <summary>Exposed for WebApplicationFactory in the tests.</summary>
public partial class Program;
