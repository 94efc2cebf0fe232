using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace RtsApp.Tests.Infrastructure;

/// <summary>A real RtsApp process (the built RtsApp.dll) on 127.0.0.1 and a port of its own, configured through
/// environment variables, as one of several instances behind a load balancer would be.</summary>
public sealed class RtsProcess : IAsyncDisposable
{
    private readonly Process process;
    public string BaseUrl { get; }

    private RtsProcess(Process process, string baseUrl)
    {
        this.process = process;
        BaseUrl = baseUrl;
    }

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "RtsApp.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("RtsApp.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>The app's own build output, of the configuration the tests were built in.</summary>
    private static string AppDll()
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name; // bin/<Configuration>/net10.0/
        var dll = Path.Combine(RepoRoot(), "RtsApp", "bin", configuration, "net10.0", "RtsApp.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException("Build RtsApp first", dll);
    }

    private static ProcessStartInfo StartInfo(IEnumerable<KeyValuePair<string, string?>> settings, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = Path.Combine(RepoRoot(), "RtsApp"), RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(AppDll());
        foreach (var a in args) info.ArgumentList.Add(a);
        foreach (var (key, value) in settings) info.Environment[key.Replace(":", "__")] = value;
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        return info;
    }

    /// <summary>Runs the CLI (<c>apps create …</c>) against the same database and returns its stdout.</summary>
    public static async Task<string> RunCliAsync(IEnumerable<KeyValuePair<string, string?>> settings, params string[] args)
    {
        using var cli = Process.Start(StartInfo(settings, args))!;
        var stdout = cli.StandardOutput.ReadToEndAsync();
        var stderr = cli.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await cli.WaitForExitAsync(timeout.Token);
        cli.ExitCode.ShouldBe(0, await stderr);
        return await stdout;
    }

    public static async Task<RtsProcess> StartAsync(IEnumerable<KeyValuePair<string, string?>> settings)
    {
        var port = FreePort();
        var info = StartInfo(settings, "--urls", $"http://127.0.0.1:{port}");
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var instance = new RtsProcess(process, $"http://127.0.0.1:{port}");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline && !process.HasExited)
        {
            try
            {
                if ((await http.GetAsync(instance.BaseUrl + "/healthz")).StatusCode == HttpStatusCode.OK) return instance;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(200);
        }
        await instance.DisposeAsync();
        throw new InvalidOperationException($"RtsApp did not become healthy on {instance.BaseUrl}");
    }

    /// <summary>Ends the process at once, as a crash or an OOM kill would: no graceful shutdown.</summary>
    public void Kill()
    {
        if (!process.HasExited) process.Kill(entireProcessTree: true);
        process.WaitForExit(10_000);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        process.Dispose();
        return ValueTask.CompletedTask;
    }
}
