using System.Text.Json;
using RtsApp.Features.Applications;
using RtsApp.Infrastructure;

namespace RtsApp.Cli;

/// <summary><c>RtsApp apps create --name X | list | rotate-secret --client-id ID</c>: JSON on stdout and nothing else
/// there (logs go to stderr), so scripts can parse it.</summary>
public static class AppsCommand
{
    public static bool IsCli(string[] args) => args.Length > 0 && args[0] == "apps";

    public static async Task<int> RunAsync(IServiceProvider services, string[] args, TextWriter stdout, TextWriter stderr)
    {
        var handler = services.GetRequiredService<ApplicationsHandler>();
        var verb = args.Length > 1 ? args[1] : "";
        switch (verb)
        {
            case "create" when Option(args, "--name") is { Length: > 0 } name:
                if (ApplicationsHandler.NameProblem(name) is { } problem)
                {
                    await stderr.WriteLineAsync(problem);
                    return 1;
                }
                var created = await handler.CreateAsync(name);
                Write(stdout, new { client_id = created.ClientId, client_secret = created.ClientSecret, name = created.Name });
                return 0;
            case "list":
                var apps = await handler.ListAsync();
                Write(stdout, new { applications = apps.Select(a => new { client_id = a.ClientId, name = a.Name, created_at = ApiJson.Format(a.CreatedAt) }) });
                return 0;
            case "rotate-secret" when Option(args, "--client-id") is { Length: > 0 } clientId:
                var rotated = await handler.RotateSecretAsync(clientId);
                if (rotated is null)
                {
                    await stderr.WriteLineAsync($"No application has client id '{clientId}'.");
                    return 1;
                }
                Write(stdout, new { client_id = rotated.ClientId, client_secret = rotated.ClientSecret, previous_secret_valid_for_hours = 24 });
                return 0;
            default:
                await stderr.WriteLineAsync("""
                    Usage:
                      RtsApp apps create --name "Acme Recruiting"
                      RtsApp apps list
                      RtsApp apps rotate-secret --client-id ID
                    """);
                return 2;
        }
    }

    private static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static void Write(TextWriter stdout, object value)
    {
        stdout.WriteLine(JsonSerializer.Serialize(value));
        stdout.Flush();
    }
}
