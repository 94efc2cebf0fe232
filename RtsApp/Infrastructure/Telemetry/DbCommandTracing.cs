using System.Data.Common;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;

namespace RtsApp.Infrastructure.Telemetry;

/// <summary>A span per database command, on the <see cref="RtsTelemetry.Source"/>: EF Core 10 and Microsoft.Data.Sqlite
/// emit no activities of their own (EF Core only a meter; Npgsql has a source, but SQLite, the default, has none), so
/// this interceptor gives both providers the same spans. It records the command text, which EF Core parameterizes, and
/// never a parameter's value. Only inside an operation already traced (a request, a delivery): the workers' polls
/// would otherwise each be a trace of their own.</summary>
public sealed class DbCommandTracing : DbCommandInterceptor
{
    public static readonly DbCommandTracing Instance = new();

    private const int MaxTextLength = 4096;
    private readonly ConditionalWeakTable<DbCommand, Activity> running = [];

    private DbCommandTracing() { }

    private void Start(DbCommand command)
    {
        var activity = StartCommand(command.CommandText, command is NpgsqlCommand, command.Connection?.Database);
        if (activity is not null) running.AddOrUpdate(command, activity);
    }

    /// <summary>The span of one command, for those run outside EF Core too (BusyTimeReader's); null outside a traced
    /// operation or while nothing listens. The caller stops it when the command is done.</summary>
    public static Activity? StartCommand(string text, bool postgres, string? database)
    {
        var parent = Activity.Current;
        if (parent is null || !RtsTelemetry.Source.HasListeners()) return null;
        var activity = RtsTelemetry.Source.StartActivity(Verb(text), ActivityKind.Client);
        if (activity is null) return null;
        // Not left as Activity.Current: nothing runs inside a command, and a command EF never reports the end of
        // must not become the parent of what the caller does next.
        Activity.Current = parent;
        if (activity.IsAllDataRequested)
        {
            activity.SetTag("db.system.name", postgres ? "postgresql" : "sqlite");
            activity.SetTag("db.namespace", database);
            activity.SetTag("db.query.text", text.Length > MaxTextLength ? text[..MaxTextLength] : text);
        }
        return activity;
    }

    private void Stop(DbCommand command, Exception? failure = null)
    {
        if (!running.TryGetValue(command, out var activity)) return;
        running.Remove(command);
        if (failure is not null) Failed(activity, failure);
        activity.Stop();
    }

    /// <summary>Marks a command's span (<see cref="StartCommand"/>) as failed with the exception's type; false, so that it
    /// can be an exception filter that lets the exception through: <c>catch (Exception e) when (Failed(span, e))</c>.</summary>
    public static bool Failed(Activity? span, Exception failure)
    {
        span?.SetStatus(ActivityStatusCode.Error, failure.GetType().Name);
        return false;
    }

    /// <summary>The span's name: the statement's first keyword (SELECT, UPDATE, ...), as the database conventions ask
    /// for when the target is not known.</summary>
    private static string Verb(string text)
    {
        var s = text.AsSpan().TrimStart();
        var end = 0;
        while (end < s.Length && end < 16 && char.IsAsciiLetter(s[end])) end++;
        return end == 0 ? "db.command" : s[..end].ToString().ToUpperInvariant();
    }

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        Start(command);
        return result;
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Start(command);
        return ValueTask.FromResult(result);
    }

    public override DbDataReader ReaderExecuted(DbCommand command, CommandExecutedEventData eventData, DbDataReader result)
    {
        Stop(command);
        return result;
    }

    public override ValueTask<DbDataReader> ReaderExecutedAsync(DbCommand command, CommandExecutedEventData eventData, DbDataReader result,
        CancellationToken cancellationToken = default)
    {
        Stop(command);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        Start(command);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Start(command);
        return ValueTask.FromResult(result);
    }

    public override int NonQueryExecuted(DbCommand command, CommandExecutedEventData eventData, int result)
    {
        Stop(command);
        return result;
    }

    public override ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result,
        CancellationToken cancellationToken = default)
    {
        Stop(command);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result)
    {
        Start(command);
        return result;
    }

    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        Start(command);
        return ValueTask.FromResult(result);
    }

    public override object? ScalarExecuted(DbCommand command, CommandExecutedEventData eventData, object? result)
    {
        Stop(command);
        return result;
    }

    public override ValueTask<object?> ScalarExecutedAsync(DbCommand command, CommandExecutedEventData eventData, object? result,
        CancellationToken cancellationToken = default)
    {
        Stop(command);
        return ValueTask.FromResult(result);
    }

    public override void CommandFailed(DbCommand command, CommandErrorEventData eventData) => Stop(command, eventData.Exception);

    public override Task CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Stop(command, eventData.Exception);
        return Task.CompletedTask;
    }

    public override void CommandCanceled(DbCommand command, CommandEndEventData eventData) => Stop(command);

    public override Task CommandCanceledAsync(DbCommand command, CommandEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Stop(command);
        return Task.CompletedTask;
    }
}
