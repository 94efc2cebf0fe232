using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using RtsApp.Infrastructure;
using RtsApp.Infrastructure.Telemetry;

namespace RtsApp.Store;

/// <summary>The values of <c>Rts:Database:Provider</c>.</summary>
public static class DatabaseProviders
{
    public const string Sqlite = "Sqlite";
    /// <summary>PostgreSQL through Npgsql: what several RtsApp processes behind a load balancer share.</summary>
    public const string Postgres = "Postgres";
}

/// <summary><c>Rts:Database</c>: which database the store uses.</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Rts:Database";
    public string Provider { get; set; } = DatabaseProviders.Sqlite;
}

public static class StoreSetup
{
    public static IServiceCollection AddRtsStore(this IServiceCollection services)
    {
        services.AddRtsOptions<DatabaseOptions>(DatabaseOptions.Section,
            o => o.Provider.Equals(DatabaseProviders.Sqlite, StringComparison.OrdinalIgnoreCase)
                 || o.Provider.Equals(DatabaseProviders.Postgres, StringComparison.OrdinalIgnoreCase),
            ConfigKeys.DatabaseProvider, $"must be {DatabaseProviders.Sqlite} or {DatabaseProviders.Postgres}");
        services.AddDbContextFactory<RtsDbContext>((sp, o) => o.UseRtsDatabase(
            sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<DatabaseOptions>>().Value.Provider,
            sp.GetRequiredService<IConfiguration>().GetConnectionString(ConfigKeys.ConnectionStringName) ?? DefaultConnectionString));
        services.AddSingleton<StoreStartup>();
        services.AddHostedService(sp => sp.GetRequiredService<StoreStartup>());
        services.AddDataProtection().SetApplicationName("RtsApp");
        services.AddOptions<KeyManagementOptions>()
            .Configure<IDbContextFactory<RtsDbContext>, StoreStartup>((o, db, startup) => o.XmlRepository = new DatabaseXmlRepository(db, startup));
        return services;
    }

    /// <summary>Data Protection's own hosted service loads the key ring, from the store, synchronously as the host starts:
    /// it would hold the whole start (the pipeline, the server) until the store is migrated (<see cref="StoreStartup"/>).
    /// This replaces it by the same load as a step after the migration. Call after every registration (each
    /// <c>AddDataProtection</c> adds the service again), just before building the app.</summary>
    public static IServiceCollection LoadDataProtectionKeysAfterMigration(this IServiceCollection services)
    {
        foreach (var hosted in services.Where(d => d.ServiceType == typeof(IHostedService)
                                                   && d.ImplementationType?.FullName == DataProtectionHostedService).ToList())
            services.Remove(hosted);
        services.AddHostedService<DataProtectionKeyLoad>();
        return services;
    }

    private const string DataProtectionHostedService = "Microsoft.AspNetCore.DataProtection.Internal.DataProtectionHostedService";

    /// <summary>Loads (on an empty store: creates) the key ring once the store is current, so that the first request that
    /// protects something (a form's antiforgery token, the admin's cookie) does not; a failure fails the start.</summary>
    private sealed class DataProtectionKeyLoad(StoreStartup startup, IDataProtectionProvider provider) : IHostedService
    {
        public Task StartAsync(CancellationToken ct)
        {
            startup.After(() =>
            {
                provider.CreateProtector("RtsApp.Startup").Protect([1]);
                return Task.CompletedTask;
            });
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
    }

    public const string DefaultConnectionString = "Data Source=data/rts.db";

    /// <summary>Points the context at <paramref name="provider"/> (<see cref="DatabaseProviders"/>, any case).</summary>
    public static TBuilder UseRtsDatabase<TBuilder>(this TBuilder o, string provider, string connectionString)
        where TBuilder : DbContextOptionsBuilder
    {
        if (provider.Equals(DatabaseProviders.Postgres, StringComparison.OrdinalIgnoreCase))
            o.UseNpgsql(connectionString);
        else if (provider.Equals(DatabaseProviders.Sqlite, StringComparison.OrdinalIgnoreCase))
            o.UseSqlite(connectionString);
        else
            throw new InvalidOperationException(
                $"{ConfigKeys.DatabaseProvider} must be {DatabaseProviders.Sqlite} or {DatabaseProviders.Postgres}, not '{provider}'.");
        // Migrations are hand-written without a model snapshot; SchemaTests proves model and migrations agree.
        o.ConfigureWarnings(w => w.Ignore(RelationalEventId.PendingModelChangesWarning));
        o.AddInterceptors(DbCommandTracing.Instance);
        return o;
    }

    /// <summary>Reads a query's rows. Microsoft.Data.Sqlite has no asynchronous I/O (its async methods run synchronously)
    /// and its async path costs extra per row: a third of the time of reading 3,000 events for an availability query.
    /// On SQLite read synchronously; on PostgreSQL keep the thread free while the server answers.</summary>
    public static async Task<List<T>> ToListFastAsync<T>(this IQueryable<T> query, DbContext db, CancellationToken ct) =>
        db.Database.IsSqlite() ? query.ToList() : await query.ToListAsync(ct);

    /// <summary>Any constant shared by every RtsApp process: the key of the PostgreSQL advisory lock around migrating.</summary>
    private const long MigrationLockKey = 0x5254_5341_7070; // "RTSApp"

    /// <summary>Creates the SQLite folder when needed and applies pending migrations, keeping existing data.</summary>
    public static void MigrateRtsStore(this IServiceProvider services)
    {
        using var db = services.GetRequiredService<IDbContextFactory<RtsDbContext>>().CreateDbContext();
        if (db.Database.IsSqlite())
        {
            var path = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(db.Database.GetConnectionString()).DataSource;
            var folder = Path.GetDirectoryName(Path.GetFullPath(path));
            if (!string.IsNullOrEmpty(folder)) Directory.CreateDirectory(folder);
            MigrateIfPending(db);
            db.Database.ExecuteSqlRaw("PRAGMA journal_mode=WAL;");
            RunUpgrades(services, db);
            return;
        }
        // EF Core's own migration lock on PostgreSQL lasts one migration's transaction, so processes starting together
        // can each decide to apply the same later migration. A session lock held across the whole run serializes them:
        // the first applies everything, the others then find nothing pending.
        // As Migrate would, create a missing database first (the lock needs a connection to it); if another process
        // wins that race, its database will do.
        var creator = db.GetService<IRelationalDatabaseCreator>();
        if (!creator.Exists())
        {
            try { creator.Create(); }
            catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.DuplicateDatabase or PostgresErrorCodes.UniqueViolation) { }
        }
        db.Database.OpenConnection();
        try
        {
            db.Database.ExecuteSql($"SELECT pg_advisory_lock({MigrationLockKey})");
            MigrateIfPending(db);
            RunUpgrades(services, db);
        }
        finally
        {
            db.Database.ExecuteSql($"SELECT pg_advisory_unlock({MigrationLockKey})");
            db.Database.CloseConnection();
        }
    }

    /// <summary>Migrates only when a migration is pending: asking costs a fraction of what <c>Migrate</c> does when there is
    /// nothing to do (it also takes and releases EF Core's migration lock, writes on SQLite), on every start.</summary>
    private static void MigrateIfPending(RtsDbContext db)
    {
        if (db.Database.GetPendingMigrations().Any()) db.Database.Migrate();
    }

    /// <summary>Data upgrades that need feature logic (registered by the features), run after the schema is current and,
    /// on PostgreSQL, under the migration lock so that one process does each.</summary>
    private static void RunUpgrades(IServiceProvider services, RtsDbContext db)
    {
        foreach (var upgrade in services.GetServices<IStoreUpgrade>()) upgrade.Run(db);
    }

    /// <summary>Data Protection's keys in the store. Data Protection loads them as the host starts, while the store may
    /// still be migrating (<see cref="StoreStartup"/>): both ways wait for it first.</summary>
    private sealed class DatabaseXmlRepository(IDbContextFactory<RtsDbContext> factory, StoreStartup startup) : IXmlRepository
    {
        public IReadOnlyCollection<XElement> GetAllElements()
        {
            using var db = CurrentStore();
            return db.DataProtectionKeys.AsNoTracking().AsEnumerable().Select(k => XElement.Parse(k.Xml)).ToList();
        }

        public void StoreElement(XElement element, string friendlyName)
        {
            using var db = CurrentStore();
            db.DataProtectionKeys.Add(new DataProtectionKey { FriendlyName = friendlyName, Xml = element.ToString(SaveOptions.DisableFormatting) });
            db.SaveChanges();
        }

        private RtsDbContext CurrentStore()
        {
            startup.Migrated.GetAwaiter().GetResult();
            return factory.CreateDbContext();
        }
    }
}
