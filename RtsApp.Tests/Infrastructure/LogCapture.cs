using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace RtsApp.Tests.Infrastructure;

/// <summary>One log entry of level Error or above, as the app wrote it.</summary>
public sealed record CapturedLog(LogLevel Level, string Category, string Message, Exception? Exception)
{
    public override string ToString() => $"{Level} {Category}: {Message}{(Exception is null ? "" : Environment.NewLine + Exception)}";
}

/// <summary>Records every Error-or-worse entry the app logs (an unhandled exception in a request, a failed background
/// job), so that a test can assert that nothing went wrong unseen. <see cref="RtsAppFactory.Logs"/> holds the app's.</summary>
public sealed class LogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<CapturedLog> entries = new();

    public IReadOnlyList<CapturedLog> Entries => [.. entries];
    public int Count => entries.Count;

    /// <summary>The entries logged after the first <paramref name="skip"/>.</summary>
    public IReadOnlyList<CapturedLog> Since(int skip) => [.. entries.Skip(skip)];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    /// <summary>The host disposes its providers; the entries outlive it.</summary>
    public void Dispose() { }

    /// <summary>On a new PostgreSQL database EF reads its migrations history before creating it, and logs the expected
    /// "relation does not exist" as an Error: part of every start, not a fault of the code under test.</summary>
    private static bool IsMigrationProbe(string category, string message) =>
        category == "Microsoft.EntityFrameworkCore.Database.Command" && message.Contains("__EFMigrationsHistory", StringComparison.Ordinal);

    private sealed class Logger(LogCapture capture, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            var message = formatter(state, exception);
            if (IsMigrationProbe(category, message)) return;
            capture.entries.Enqueue(new CapturedLog(logLevel, category, message, exception));
        }
    }
}
