using System.Diagnostics;

namespace RtsApp.Tests.Features.Connections.CalDav;

/// <summary>One real CalDAV server the tests talk to: its root URL and, for Radicale, the test user.</summary>
public sealed record CalDavServer(string Name, Uri Url, string? User, string? Password)
{
    public override string ToString() => Name;
}

/// <summary>Radicale and Xandikos for the CalDAV client tests. scripts/test.sh starts them and sets
/// <c>RTS_TEST_RADICALE</c> (+ <c>_USER</c>, <c>_PASSWORD</c>) and <c>RTS_TEST_XANDIKOS</c>; when those are absent (a
/// developer running <c>dotnet test</c> directly) this fixture starts them itself with the same script, in a temp
/// folder on 127.0.0.1, and stops them on dispose. Without the variables or the binaries the tests are skipped
/// (<see cref="CalDavTheoryAttribute"/>).</summary>
public sealed class CalDavServers : IDisposable
{
    public const string Radicale = "radicale";
    public const string Xandikos = "xandikos";
    private const string RadicaleVariable = "RTS_TEST_RADICALE";
    private const string XandikosVariable = "RTS_TEST_XANDIKOS";

    private static readonly string[] Binaries = ["radicale", "xandikos", "bash"];
    private readonly string? folder;
    private readonly Dictionary<string, CalDavServer> servers = [];

    /// <summary>Why the CalDAV tests cannot run here, or null when they can.</summary>
    public static string? SkipReason { get; } = FindSkipReason();

    public CalDavServers()
    {
        if (SkipReason is not null) return;
        var settings = FromEnvironment();
        if (settings is null)
        {
            folder = Directory.CreateTempSubdirectory("rts-caldav-").FullName;
            settings = StartWithScript(folder);
        }
        if (settings.GetValueOrDefault(RadicaleVariable) is { Length: > 0 } radicale)
            servers[Radicale] = new CalDavServer(Radicale, new Uri(radicale), settings.GetValueOrDefault(RadicaleVariable + "_USER"),
                settings.GetValueOrDefault(RadicaleVariable + "_PASSWORD"));
        if (settings.GetValueOrDefault(XandikosVariable) is { Length: > 0 } xandikos)
            servers[Xandikos] = new CalDavServer(Xandikos, new Uri(xandikos), null, null);
    }

    public CalDavServer this[string name] => servers.TryGetValue(name, out var server)
        ? server
        : throw new InvalidOperationException($"the {name} server is not running: set {RadicaleVariable}/{XandikosVariable} or install radicale and xandikos");

    public void Dispose()
    {
        if (folder is null) return;
        try
        {
            RunScript("stop", folder);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static Dictionary<string, string>? FromEnvironment()
    {
        var radicale = Environment.GetEnvironmentVariable(RadicaleVariable);
        var xandikos = Environment.GetEnvironmentVariable(XandikosVariable);
        if (string.IsNullOrEmpty(radicale) && string.IsNullOrEmpty(xandikos)) return null;
        return new Dictionary<string, string>
        {
            [RadicaleVariable] = radicale ?? "",
            [RadicaleVariable + "_USER"] = Environment.GetEnvironmentVariable(RadicaleVariable + "_USER") ?? "",
            [RadicaleVariable + "_PASSWORD"] = Environment.GetEnvironmentVariable(RadicaleVariable + "_PASSWORD") ?? "",
            [XandikosVariable] = xandikos ?? "",
        };
    }

    /// <summary>scripts/caldav-servers.sh start: its stdout is <c>export NAME=value</c> lines.</summary>
    private static Dictionary<string, string> StartWithScript(string folder)
    {
        var output = RunScript("start", folder);
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => l.StartsWith("export ", StringComparison.Ordinal) && l.Contains('=', StringComparison.Ordinal))
            .Select(l => l["export ".Length..].Split('=', 2))
            .ToDictionary(p => p[0], p => p[1]);
    }

    private static string RunScript(string command, string folder)
    {
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Script());
        info.ArgumentList.Add(command);
        info.ArgumentList.Add(folder);
        using var process = Process.Start(info) ?? throw new InvalidOperationException("bash did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"caldav-servers.sh {command} did not finish within 60 s");
        }
        return process.ExitCode == 0
            ? stdout.Result
            : throw new InvalidOperationException($"caldav-servers.sh {command} failed ({process.ExitCode}): {stderr.Result}");
    }

    private static string Script()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "RtsApp.sln"))) dir = dir.Parent;
        return Path.Combine(dir?.FullName ?? throw new InvalidOperationException("RtsApp.sln not found above " + AppContext.BaseDirectory),
            "scripts", "caldav-servers.sh");
    }

    private static string? FindSkipReason()
    {
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable(RadicaleVariable))
            && !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(XandikosVariable)))
            return null;
        List<string> missing = [.. Binaries.Where(b => !OnPath(b))];
        return missing.Count == 0
            ? null
            : $"CalDAV servers unavailable: {string.Join(", ", missing)} not installed and {RadicaleVariable}/{XandikosVariable} not set (scripts/test.sh installs and starts them)";
    }

    private static bool OnPath(string binary) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Any(d => File.Exists(Path.Combine(d, binary)));
}

/// <summary>A theory over the real CalDAV servers, skipped with <see cref="CalDavServers.SkipReason"/> when they cannot run.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class CalDavTheoryAttribute : TheoryAttribute
{
    public CalDavTheoryAttribute()
    {
        if (CalDavServers.SkipReason is { } reason) Skip = reason;
    }
}

[CollectionDefinition(Name)]
public sealed class CalDavCollection : ICollectionFixture<CalDavServers>
{
    public const string Name = "CalDAV servers";
}
