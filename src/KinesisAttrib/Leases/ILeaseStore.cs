using KinesisAttrib.Handlers;

namespace KinesisAttrib.Leases;

/// <summary>
/// The lease table. Every write is conditional: a write based on a stale view (another worker took the lease, or
/// renewed or checkpointed it since) changes nothing and returns null, so a worker that lost a lease can never
/// overwrite the new owner's checkpoint. Implementations: DynamoDB (<see cref="DynamoDbLeaseStore"/>) and in-memory
/// (<c>KinesisAttrib.Testing.InMemoryLeaseStore</c>); both pass the same conformance tests.
/// </summary>
public interface ILeaseStore
{
    /// <summary>Creates the table if it does not exist and waits until it can be used.</summary>
    Task EnsureTableAsync(CancellationToken cancellationToken = default);

    /// <summary>Reads every lease (consistent read).</summary>
    Task<IReadOnlyList<Lease>> ListLeasesAsync(CancellationToken cancellationToken = default);

    /// <summary>Reads one lease (consistent read), or null.</summary>
    Task<Lease?> GetLeaseAsync(string leaseKey, CancellationToken cancellationToken = default);

    /// <summary>Creates a lease unless one with the same key exists. Returns whether it was created.</summary>
    Task<bool> CreateLeaseIfNotExistsAsync(Lease lease, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sets the owner to <paramref name="newOwner"/>, increments the counter and clears any hand-off request, if the
    /// stored counter still equals <paramref name="lease"/>'s. Increments <c>ownerSwitchesSinceCheckpoint</c> when the
    /// owner changes.
    /// Returns the updated lease, or null when the condition failed.
    /// </summary>
    Task<Lease?> TakeLeaseAsync(Lease lease, string newOwner, CancellationToken cancellationToken = default);

    /// <summary>Increments the counter if the stored owner and counter equal <paramref name="lease"/>'s. Returns the updated lease or null.</summary>
    Task<Lease?> RenewLeaseAsync(Lease lease, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes a checkpoint (clearing any pending checkpoint and resetting <c>ownerSwitchesSinceCheckpoint</c>) and
    /// increments the counter, if the stored owner and counter equal <paramref name="lease"/>'s. Returns the updated lease or null.
    /// </summary>
    Task<Lease?> UpdateCheckpointAsync(Lease lease, ExtendedSequenceNumber checkpoint, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores a prepared checkpoint (<c>pendingCheckpoint</c> and <c>pendingCheckpointSubSequenceNumber</c>) without
    /// changing the checkpoint, and increments the counter, if the stored owner and counter equal
    /// <paramref name="lease"/>'s. Returns the updated lease or null. The next <see cref="UpdateCheckpointAsync"/> clears it.
    /// </summary>
    Task<Lease?> PrepareCheckpointAsync(Lease lease, ExtendedSequenceNumber pendingCheckpoint, CancellationToken cancellationToken = default);

    /// <summary>
    /// Like <see cref="PrepareCheckpointAsync(Lease, ExtendedSequenceNumber, CancellationToken)"/>, and stores
    /// <paramref name="applicationState"/> with it (<c>pendingCheckpointState</c>; null removes any stored state).
    /// The next <see cref="UpdateCheckpointAsync"/> clears both.
    /// </summary>
    Task<Lease?> PrepareCheckpointAsync(Lease lease, ExtendedSequenceNumber pendingCheckpoint, byte[]? applicationState, CancellationToken cancellationToken = default);

    /// <summary>
    /// Asks the owner to hand the lease over to <paramref name="requester"/> (<c>handoffRequestedBy</c>), if the stored
    /// owner and counter equal <paramref name="lease"/>'s. The counter does not move: the owner's next renewal or
    /// checkpoint still succeeds (and returns the request), and other workers do not judge the lease renewed.
    /// Returns the updated lease or null. <see cref="TakeLeaseAsync"/> clears the request; a release keeps it.
    /// </summary>
    Task<Lease?> RequestHandoffAsync(Lease lease, string requester, CancellationToken cancellationToken = default);

    /// <summary>Clears the owner and increments the counter, if the stored owner and counter equal <paramref name="lease"/>'s. Returns the updated lease or null.</summary>
    Task<Lease?> EvictLeaseAsync(Lease lease, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records the children of a finished shard (<c>childShardIds</c>, as the KCL writes at SHARD_END) if the lease
    /// exists and its checkpoint is <c>SHARD_END</c>. Owner and counter are left alone: nobody processes a finished
    /// shard, so no fencing depends on this write, and no concurrent conditional write is made to fail by it.
    /// Returns whether it was written.
    /// </summary>
    Task<bool> UpdateChildShardIdsAsync(string leaseKey, IReadOnlyList<string> childShardIds, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records the stream a lease belongs to (<see cref="Lease.StreamName"/>) if the lease exists and names no stream yet
    /// (it was written by an older version or by the Java KCL). Owner and counter are left alone, as for
    /// <see cref="UpdateChildShardIdsAsync"/>, so no concurrent conditional write fails because of it. Returns whether it was written.
    /// </summary>
    Task<bool> SetStreamNameAsync(string leaseKey, string streamName, CancellationToken cancellationToken = default);

    /// <summary>Deletes a lease if its stored counter equals <paramref name="lease"/>'s. Returns whether it was deleted.</summary>
    Task<bool> DeleteLeaseAsync(Lease lease, CancellationToken cancellationToken = default);
}
