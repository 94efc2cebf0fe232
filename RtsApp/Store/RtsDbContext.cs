using Microsoft.EntityFrameworkCore;
using RtsApp.Features.Calendars;

namespace RtsApp.Store;

/// <summary>Column sizes the API's validators also rely on.</summary>
public static class StoreLimits
{
    /// <summary><c>availability_rule_id</c> and <c>available_period_id</c> (SPEC §12).</summary>
    public const int ManagedIdMaxLength = 64;
    /// <summary>A rule's weekly periods or calendar ids as JSON: 50 periods or 50 calendar ids fit with room to spare.</summary>
    public const int ManagedJsonMaxLength = 16384;
    /// <summary>A CalDAV calendar's stored sync state; a larger one is not stored (the next sync lists everything).</summary>
    public const int SyncStateMaxLength = 8 * 1024 * 1024;
    /// <summary>A write-back's VCALENDAR: summary, description and location at their limits fit.</summary>
    public const int WriteBackIcsMaxLength = 65536;
}

/// <summary>The unit of work. Created per operation through <c>IDbContextFactory</c>.</summary>
public sealed class RtsDbContext(DbContextOptions<RtsDbContext> options) : DbContext(options)
{
    public DbSet<ApiApplication> Applications => Set<ApiApplication>();
    public DbSet<Account> Accounts => Set<Account>();
    public DbSet<Calendar> Calendars => Set<Calendar>();
    public DbSet<CalendarEvent> Events => Set<CalendarEvent>();
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();
    public DbSet<SchedulingLink> Links => Set<SchedulingLink>();
    public DbSet<LinkEventClaim> LinkEventClaims => Set<LinkEventClaim>();
    public DbSet<CallbackDelivery> CallbackDeliveries => Set<CallbackDelivery>();
    public DbSet<AdminCredential> AdminCredentials => Set<AdminCredential>();
    public DbSet<ThrottleWindow> ThrottleWindows => Set<ThrottleWindow>();
    public DbSet<AdminSignedOutSession> AdminSignedOut => Set<AdminSignedOutSession>();
    public DbSet<AvailabilityRule> AvailabilityRules => Set<AvailabilityRule>();
    public DbSet<AvailablePeriodRow> AvailablePeriods => Set<AvailablePeriodRow>();
    public DbSet<CalendarConnection> CalendarConnections => Set<CalendarConnection>();
    public DbSet<CalDavWriteBack> CalDavWriteBacks => Set<CalDavWriteBack>();
    public DbSet<ConnectLink> ConnectLinks => Set<ConnectLink>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        NodaTimeConverters.Apply(configurationBuilder);
        configurationBuilder.Properties<string>().HaveMaxLength(256);
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        var b = modelBuilder;
        b.Entity<ApiApplication>(e =>
        {
            e.ToTable("applications");
            e.HasKey(x => x.Id);
            e.HasIndex(x => x.ClientId).IsUnique();
            e.HasIndex(x => x.SecretHash).IsUnique();
            e.HasIndex(x => x.PreviousSecretHash);
            e.Property(x => x.SecretProtected).HasMaxLength(1024);
            e.Property(x => x.PreviousSecretProtected).HasMaxLength(1024);
        });
        b.Entity<Account>(e =>
        {
            e.ToTable("accounts");
            e.HasKey(x => x.Id);
            e.HasIndex(x => x.AccessTokenHash).IsUnique();
            e.HasIndex(x => new { x.ApplicationId, x.CreatedAt });
            e.HasOne<ApiApplication>().WithMany().HasForeignKey(x => x.ApplicationId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<Calendar>(e =>
        {
            e.ToTable("calendars");
            e.HasKey(x => x.Id);
            e.HasIndex(x => new { x.ApplicationId, x.AccountId });
            e.HasOne<Account>().WithMany().HasForeignKey(x => x.AccountId).OnDelete(DeleteBehavior.Cascade);
            // No foreign key: SQLite cannot add one to an existing table; a connection deletes its calendars itself.
            e.HasIndex(x => x.ConnectionId);
            e.Property(x => x.RemoteUrl).HasMaxLength(2048);
            e.Property(x => x.SyncState).HasMaxLength(StoreLimits.SyncStateMaxLength);
        });
        b.Entity<CalendarConnection>(e =>
        {
            e.ToTable("calendar_connections");
            e.HasKey(x => x.Id);
            e.HasIndex(x => new { x.ApplicationId, x.AccountId });
            e.HasIndex(x => x.NextSyncAt);
            e.Property(x => x.Url).HasMaxLength(2048);
            e.Property(x => x.Error).HasMaxLength(1024);
            e.Property(x => x.ETag).HasMaxLength(1024);
            e.Property(x => x.PasswordProtected).HasMaxLength(4096);
            e.HasOne<Account>().WithMany().HasForeignKey(x => x.AccountId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<ConnectLink>(e =>
        {
            e.ToTable("connect_links");
            e.HasKey(x => x.Id);
            e.HasIndex(x => x.TokenHash).IsUnique();
            e.Property(x => x.RedirectUri).HasMaxLength(2048);
            e.HasOne<Account>().WithMany().HasForeignKey(x => x.AccountId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<CalDavWriteBack>(e =>
        {
            e.ToTable("caldav_write_backs");
            e.HasKey(x => x.Id);
            e.HasIndex(x => new { x.LinkId, x.CalendarId, x.EventId }).IsUnique();
            e.HasIndex(x => new { x.Status, x.NextAttemptAt });
            e.Property(x => x.EventId).HasMaxLength(EventFields.EventIdMaxLength);
            e.Property(x => x.Uid).HasMaxLength(1024);
            e.Property(x => x.IcsText).HasMaxLength(StoreLimits.WriteBackIcsMaxLength);
            e.Property(x => x.LastError).HasMaxLength(1024);
            e.Property(x => x.Href).HasMaxLength(1024);
        });
        b.Entity<CalendarEvent>(e =>
        {
            // Its triggers (calendars' BusyVersion) rule out the RETURNING clause on SQLite.
            e.ToTable("events", t => t.UseSqlReturningClause(false));
            e.HasKey(x => x.Id);
            e.HasIndex(x => new { x.CalendarId, x.EventId }).IsUnique();
            // Covers the busy-time read (BusyTimeReader): calendar, window and opacity without the row.
            e.HasIndex(x => new { x.CalendarId, x.Start, x.End, x.Transparent });
            e.Property(x => x.EventId).HasMaxLength(EventFields.EventIdMaxLength);
            e.Property(x => x.Summary).HasMaxLength(EventFields.SummaryMaxLength);
            e.Property(x => x.Description).HasMaxLength(EventFields.DescriptionMaxLength);
            e.Property(x => x.LocationDescription).HasMaxLength(EventFields.LocationMaxLength);
            e.Property(x => x.SourceUid).HasMaxLength(1024);
            e.Property(x => x.SourceHref).HasMaxLength(1024);
            e.HasIndex(x => new { x.CalendarId, x.SourceHref });
            e.HasOne<Calendar>().WithMany().HasForeignKey(x => x.CalendarId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<SchedulingLink>(e =>
        {
            e.ToTable("links");
            e.HasKey(x => x.Id);
            e.HasIndex(x => x.TokenHash).IsUnique();
            e.HasIndex(x => new { x.ApplicationId, x.CreatedAt });
            e.HasIndex(x => new { x.Status, x.CreatedAt });
            e.Property(x => x.Summary).HasMaxLength(EventFields.SummaryMaxLength);
            e.Property(x => x.TokenProtected).HasMaxLength(1024);
            e.Property(x => x.DisplayMessage).HasMaxLength(500);
            e.Property(x => x.RequestJson).HasMaxLength(1024 * 1024);
            e.Property(x => x.SpecJson).HasMaxLength(1024 * 1024);
            e.Property(x => x.ChosenJson).HasMaxLength(65536);
            e.HasOne<ApiApplication>().WithMany().HasForeignKey(x => x.ApplicationId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<LinkEventClaim>(e =>
        {
            e.ToTable("link_event_claims");
            e.HasKey(x => new { x.LinkId, x.CalendarId, x.EventId });
            e.HasIndex(x => new { x.ApplicationId, x.CalendarId, x.EventId });
            e.Property(x => x.EventId).HasMaxLength(EventFields.EventIdMaxLength);
            e.HasOne<SchedulingLink>().WithMany().HasForeignKey(x => x.LinkId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<CallbackDelivery>(e =>
        {
            e.ToTable("callback_deliveries");
            e.HasKey(x => x.Id);
            e.HasIndex(x => new { x.Status, x.NextAttemptAt });
            e.HasIndex(x => x.LinkId);
            e.HasIndex(x => new { x.ApplicationId, x.CreatedAt });
            e.Property(x => x.Url).HasMaxLength(2048);
            e.Property(x => x.Payload).HasMaxLength(1024 * 1024);
            e.Property(x => x.LastError).HasMaxLength(1024);
            e.HasOne<ApiApplication>().WithMany().HasForeignKey(x => x.ApplicationId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<AdminCredential>(e =>
        {
            e.ToTable("admin_credentials");
            e.HasKey(x => x.Id);
            e.Property(x => x.PasswordHash).HasMaxLength(1024);
        });
        b.Entity<ThrottleWindow>(e =>
        {
            e.ToTable("admin_sign_in_throttles");
            e.HasKey(x => x.Key);
        });
        b.Entity<AdminSignedOutSession>(e =>
        {
            e.ToTable("admin_signed_out");
            e.HasKey(x => x.SessionId);
            e.Property(x => x.SessionId).HasMaxLength(64);
        });
        b.Entity<AvailabilityRule>(e =>
        {
            e.ToTable("availability_rules");
            e.HasKey(x => new { x.AccountId, x.RuleId });
            e.Property(x => x.RuleId).HasMaxLength(StoreLimits.ManagedIdMaxLength);
            e.Property(x => x.CalendarIdsJson).HasMaxLength(StoreLimits.ManagedJsonMaxLength);
            e.Property(x => x.WeeklyPeriodsJson).HasMaxLength(StoreLimits.ManagedJsonMaxLength);
            e.HasOne<Account>().WithMany().HasForeignKey(x => x.AccountId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<AvailablePeriodRow>(e =>
        {
            e.ToTable("available_periods");
            e.HasKey(x => new { x.AccountId, x.PeriodId });
            e.HasIndex(x => new { x.AccountId, x.Start, x.End });
            e.Property(x => x.PeriodId).HasMaxLength(StoreLimits.ManagedIdMaxLength);
            e.HasOne<Account>().WithMany().HasForeignKey(x => x.AccountId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<DataProtectionKey>(e =>
        {
            e.ToTable("data_protection_keys");
            e.HasKey(x => x.Id);
            e.Property(x => x.Xml).HasMaxLength(16384);
        });
    }
}
