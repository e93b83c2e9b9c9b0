using KinesisAttrib.Diagnostics;
using KinesisAttrib.Handlers;
using Microsoft.Extensions.Logging;

namespace KinesisAttrib.Leases;

/// <summary>
/// Writes a held lease on behalf of its shard's processor: checkpoints (a record position or SHARD_END), prepared
/// checkpoints (the first phase of a two-phase checkpoint; the commit is a checkpoint), and the release at the end of
/// a hand-off. Each write is conditional on the row last written, so a refused one means the lease was taken: it is
/// lost at once and the caller gets <see cref="LeaseLostException"/>.
/// </summary>
internal sealed class CheckpointWriter(ILeaseStore store, HeldLeaseSet heldLeases, string workerId, TimeProvider time, ILogger logger)
{

    /// <summary>Writes a checkpoint (which also renews the lease).</summary>
    public Task CheckpointAsync(HeldLease held, ExtendedSequenceNumber checkpoint, CancellationToken cancellationToken)
        => WriteAsync(held, checkpoint, "checkpoint", (lease, ct) => store.UpdateCheckpointAsync(lease, checkpoint, ct), cancellationToken);

    /// <summary>Stores a prepared checkpoint (<c>pendingCheckpoint*</c>).</summary>
    public Task PrepareCheckpointAsync(HeldLease held, ExtendedSequenceNumber pending, byte[]? applicationState, CancellationToken cancellationToken)
        => WriteAsync(held, pending, "prepare a checkpoint", (lease, ct) => store.PrepareCheckpointAsync(lease, pending, applicationState, ct), cancellationToken);

    /// <summary>Gives a lease back (owner cleared) so another worker can take it at its next cycle without waiting for expiry, and forgets it.</summary>
    public Task ReleaseAsync(HeldLease held, CancellationToken cancellationToken)
        => held.ExclusiveAsync(
            async () =>
            {
                heldLeases.Remove(held);
                if (held.IsLost)
                {
                    return;
                }

                held.MarkLost();
                var evicted = await store.EvictLeaseAsync(held.Current, cancellationToken).ConfigureAwait(false);
                if (evicted is not null)
                {
                    LeasesLog.LeaseReleased(logger, held.LeaseKey, workerId);
                }
            },
            cancellationToken);

    private Task WriteAsync(HeldLease held, ExtendedSequenceNumber position, string what, Func<Lease, CancellationToken, Task<Lease?>> write, CancellationToken cancellationToken)
        => held.ExclusiveAsync(
            async () =>
            {
                if (held.IsLost)
                {
                    throw new LeaseLostException(held.LeaseKey, $"Cannot {what} for shard '{held.LeaseKey}' at {position}: worker '{workerId}' no longer holds its lease.");
                }

                var sentAt = time.GetTimestamp();
                var updated = await write(held.Current, cancellationToken).ConfigureAwait(false);
                if (updated is null)
                {
                    heldLeases.MarkLost(held);
                    throw new LeaseLostException(held.LeaseKey, $"The request to {what} for shard '{held.LeaseKey}' at {position} was refused: another worker took the lease from '{workerId}'.");
                }

                held.Update(updated, sentAt);
            },
            cancellationToken);
}
