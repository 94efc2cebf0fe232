using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using RtsApp.Infrastructure;
using RtsApp.Store;

namespace RtsApp.Tests.Infrastructure;

/// <summary>A fresh, empty database owned by one fixture, on the provider this test run selects: a SQLite file in its
/// own temp folder by default; with <c>RTS_TEST_PROVIDER=Postgres</c>, a new database on the PostgreSQL server that
/// <c>RTS_TEST_POSTGRES</c> (an admin connection string) points at, dropped on dispose. scripts/test.sh runs the
/// integration tests once per provider.</summary>
public sealed class TestDatabase : IDisposable
{
    public const string ProviderVariable = "RTS_TEST_PROVIDER";
    public const string PostgresVariable = "RTS_TEST_POSTGRES";

    /// <summary><see cref="DatabaseProviders"/> value of this run.</summary>
    public static string RunProvider { get; } =
        Environment.GetEnvironmentVariable(ProviderVariable) is { Length: > 0 } p
        && p.Equals(DatabaseProviders.Postgres, StringComparison.OrdinalIgnoreCase)
            ? DatabaseProviders.Postgres
            : DatabaseProviders.Sqlite;

    public string Provider { get; }
    public string ConnectionString { get; }
    private readonly string? folder;
    private readonly string? adminConnectionString;
    private readonly string? databaseName;

    private TestDatabase(string provider, string connectionString, string? folder, string? adminConnectionString, string? databaseName)
    {
        Provider = provider;
        ConnectionString = connectionString;
        this.folder = folder;
        this.adminConnectionString = adminConnectionString;
        this.databaseName = databaseName;
    }

    public bool IsPostgres => Provider == DatabaseProviders.Postgres;

    public static TestDatabase Create()
    {
        if (RunProvider == DatabaseProviders.Sqlite)
        {
            var folder = Directory.CreateTempSubdirectory("rts-test-").FullName;
            return new TestDatabase(DatabaseProviders.Sqlite, $"Data Source={Path.Combine(folder, "rts.db")}", folder, null, null);
        }
        var admin = Environment.GetEnvironmentVariable(PostgresVariable);
        if (string.IsNullOrEmpty(admin))
            throw new InvalidOperationException($"{ProviderVariable}=Postgres needs {PostgresVariable}, an admin connection string (scripts/test.sh sets both).");
        var name = $"rts_test_{Guid.NewGuid():N}";
        Execute(admin, $"CREATE DATABASE \"{name}\"");
        var connectionString = new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
        return new TestDatabase(DatabaseProviders.Postgres, connectionString, null, admin, name);
    }

    /// <summary>The configuration that points the app at this database.</summary>
    public IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        new($"ConnectionStrings:{ConfigKeys.ConnectionStringName}", ConnectionString),
        new(ConfigKeys.DatabaseProvider, Provider),
    ];

    /// <summary>A context on this database, configured as the app configures its own.</summary>
    public RtsDbContext Context() =>
        new(new DbContextOptionsBuilder<RtsDbContext>().UseRtsDatabase(Provider, ConnectionString).Options);

    public void Dispose()
    {
        if (IsPostgres)
        {
            using (var connection = new NpgsqlConnection(ConnectionString)) NpgsqlConnection.ClearPool(connection);
            Execute(adminConnectionString!, $"DROP DATABASE IF EXISTS \"{databaseName}\" WITH (FORCE)");
        }
        else
        {
            SqliteConnection.ClearAllPools();
            try { Directory.Delete(folder!, recursive: true); } catch (IOException) { }
        }
    }

    private static void Execute(string connectionString, string sql)
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }
}

/// <summary>A fact about SQLite's own behaviour, skipped in the PostgreSQL pass.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class SqliteFactAttribute : FactAttribute
{
    public SqliteFactAttribute()
    {
        if (TestDatabase.RunProvider != DatabaseProviders.Sqlite) Skip = "SQLite only: the first pass of scripts/test.sh";
    }
}

/// <summary>A fact about several processes on one database, which only PostgreSQL serves (SQLite is one process's
/// database): skipped in the SQLite pass.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (TestDatabase.RunProvider != DatabaseProviders.Postgres) Skip = $"PostgreSQL only: run with {TestDatabase.ProviderVariable}=Postgres (scripts/test.sh's second pass)";
    }
}
