using KinesisAttrib.Common;
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
/// <remarks>
/// A checkpoint or prepare that fails transiently (the table unreachable, throttling, a 5xx) is retried here, with
/// back-off, until it is written or refused: the caller (and so the shard) waits, and the handler never runs again on
/// records it completed. A refused write is read back (<see cref="HeldLeaseSet.ReadBackAsync"/>): if the lease is
/// still this worker's, an attempt whose answer was lost may have landed (then it stands) or someone moved the counter
/// without taking the lease (then the write is sent again).
/// </remarks>
internal sealed class CheckpointWriter(ILeaseStore store, HeldLeaseSet heldLeases, string workerId, TimeProvider time, ILogger logger)
{
    // 0.2 s doubling to 5 s: short enough that a checkpoint goes through soon after the table is back.
    private static readonly Backoff RetryBackoff = new(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(5), jitter: 0.5);

    /// <summary>Writes a checkpoint (which also renews the lease).</summary>
    public Task CheckpointAsync(HeldLease held, ExtendedSequenceNumber checkpoint, CancellationToken cancellationToken)
        => WriteAsync(held, checkpoint, "checkpoint", (lease, ct) => store.UpdateCheckpointAsync(lease, checkpoint, ct), stored => stored.Checkpoint == checkpoint && stored.PendingCheckpoint is null, cancellationToken);

    /// <summary>Stores a prepared checkpoint (<c>pendingCheckpoint*</c>).</summary>
    public Task PrepareCheckpointAsync(HeldLease held, ExtendedSequenceNumber pending, byte[]? applicationState, CancellationToken cancellationToken)
        => WriteAsync(held, pending, "prepare a checkpoint", (lease, ct) => store.PrepareCheckpointAsync(lease, pending, applicationState, ct), stored => stored.PendingCheckpoint == pending, cancellationToken);

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
                    heldLeases.Telemetry.LeaseTransition(held.IsHandoffRequested ? "handed_off" : "released");
                }
            },
            cancellationToken);

    private async Task WriteAsync(HeldLease held, ExtendedSequenceNumber position, string what, Func<Lease, CancellationToken, Task<Lease?>> write, Func<Lease, bool> isThisWrite, CancellationToken cancellationToken)
    {
        using var activity = KinesisAttribActivities.StartChild(what);
        activity?.SetTag(TelemetryNames.Checkpoint, position.ToString());
        try
        {
            await WriteWithRetriesAsync(held, position, what, write, isThisWrite, cancellationToken).ConfigureAwait(false);
            KinesisAttribActivities.Succeeded(activity);
        }
        catch (Exception ex) when (KinesisAttribActivities.Failed(activity, ex, ex is LeaseLostException ? "refused" : "error"))
        {
            // Never entered: the filter only records the failure on the span.
            throw;
        }
    }

    private async Task WriteWithRetriesAsync(HeldLease held, ExtendedSequenceNumber position, string what, Func<Lease, CancellationToken, Task<Lease?>> write, Func<Lease, bool> isThisWrite, CancellationToken cancellationToken)
    {
        FailureStreak? failures = null;
        while (true)
        {
            bool written;
            try
            {
                written = await AttemptAsync(held, position, what, write, isThisWrite, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (LeaseStoreErrors.IsTransient(ex, cancellationToken))
            {
                heldLeases.Telemetry.Checkpoint("failed");
                failures ??= new FailureStreak(logger, time, "DynamoDB", what, $"lease {held.LeaseKey} of worker {workerId}");
                failures.Failed(ex);
                await Task.Delay(RetryBackoff.Delay(failures.Failures), time, cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (written)
            {
                heldLeases.Telemetry.Checkpoint("success");
                failures?.Succeeded();
                return;
            }
        }
    }

    // One attempt under the lease's gate: true when written, false when the row moved but is still ours (try again).
    private async Task<bool> AttemptAsync(HeldLease held, ExtendedSequenceNumber position, string what, Func<Lease, CancellationToken, Task<Lease?>> write, Func<Lease, bool> isThisWrite, CancellationToken cancellationToken)
    {
        var written = false;
        await held.ExclusiveAsync(
            async () =>
            {
                if (held.IsLost)
                {
                    throw new LeaseLostException(held.LeaseKey, $"Cannot {what} for shard '{held.LeaseKey}' at {position}: worker '{workerId}' no longer holds its lease.");
                }

                var sentAt = time.GetTimestamp();
                if (await write(held.Current, cancellationToken).ConfigureAwait(false) is { } updated)
                {
                    heldLeases.Written(held, updated, sentAt);
                    written = true;
                    return;
                }

                switch (await heldLeases.ReadBackAsync(store, held, cancellationToken).ConfigureAwait(false))
                {
                    case { } stored when isThisWrite(stored):
                        // The attempt before this one landed; only its answer was lost.
                        written = true;
                        return;
                    case not null:
                        return;
                    default:
                        heldLeases.Telemetry.Checkpoint("refused");
                        throw new LeaseLostException(held.LeaseKey, $"The request to {what} for shard '{held.LeaseKey}' at {position} was refused: another worker took the lease from '{workerId}'.");
                }
            },
            cancellationToken).ConfigureAwait(false);
        return written;
    }
}
