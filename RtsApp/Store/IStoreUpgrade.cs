namespace RtsApp.Store;

/// <summary>A data upgrade that needs a feature's logic (a schema migration cannot call it): run at every start after
/// the migrations, so it must find its own work and do nothing when there is none.</summary>
public interface IStoreUpgrade
{
    void Run(RtsDbContext db);
}
