namespace KinesisAttrib.Leases;

/// <summary>Gives each application its lease table.</summary>
public interface ILeaseStoreFactory
{
    /// <summary>Returns the lease store of <paramref name="applicationName"/> (by default a table of that name).</summary>
    ILeaseStore Create(string applicationName);
}
