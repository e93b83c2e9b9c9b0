namespace KinesisAttrib.Leases;

/// <summary>
/// Creates the lease store of an application. Each application name has its own lease table, so two applications
/// reading the same stream (say an archiver and a processor) keep independent leases and checkpoints.
/// </summary>
public interface ILeaseStoreFactory
{
    /// <summary>Returns the lease store of <paramref name="applicationName"/>.</summary>
    ILeaseStore Create(string applicationName);
}
