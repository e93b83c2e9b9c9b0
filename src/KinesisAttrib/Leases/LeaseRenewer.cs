using KinesisAttrib.Diagnostics;
using Microsoft.Extensions.Logging;

namespace KinesisAttrib.Leases;

/// <summary>
/// Keeps one worker's held leases alive: renews each one not written for the renewal interval (a checkpoint counts),
/// retries a failed renewal every retry interval, and gives a lease up itself (self-fencing) once it has not been
/// written successfully for <see cref="LeaseSettings.SelfFenceAfter"/>, before any other worker may judge it expired.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "The renewal semaphore's wait handle is never created; it needs no disposal.")]
internal sealed class LeaseRenewer(ILeaseStore store, HeldLeaseSet heldLeases, LeaseSettings settings, TimeProvider time, ILogger logger)
{
    /// <summary>The most renewal requests in flight at once (the KCL renews with 20 threads).</summary>
    internal const int MaxConcurrentRenewals = 32;

    private readonly SemaphoreSlim _renewalSlots = new(MaxConcurrentRenewals, MaxConcurrentRenewals);
    /// <summary>
    /// Renews the held leases that are due: not written for the renewal interval, or whose last renewal failed and
    /// the retry interval has passed. A refused renewal loses the lease.
    /// </summary>
    /// <remarks>
    /// The due leases are renewed concurrently, so one slow request does not delay the others past their self-fence,
    /// and each renewal is abandoned at its lease's self-fence deadline, so a request that hangs (or a checkpoint
    /// holding the lease's gate) cannot keep a lease that other workers may already judge expired. A lease whose
    /// renewal is still in flight is skipped, so callers may start a pass before the previous one has finished.
    /// </remarks>
    public async Task RenewDueAsync(CancellationToken cancellationToken)
    {
        List<Task>? started = null;
        foreach (var held in heldLeases.Values)
        {
            var now = time.GetTimestamp();
            var sinceWrite = time.GetElapsedTime(held.LastRenewedAt, now);
            if (sinceWrite >= settings.SelfFenceAfter)
            {
                // Too late to renew safely: another worker may judge it expired any moment now. This holds even with
                // a write in flight, whose outcome is unknown.
                heldLeases.MarkLost(held);
                continue;
            }

            var due = held.RenewalFailing ? time.GetElapsedTime(held.LastAttemptAt, now) >= settings.RetryInterval : sinceWrite >= settings.RenewalInterval;
            if (!due || !held.TryBeginRenewal())
            {
                continue;
            }

            (started ??= []).Add(RenewAsync(held, cancellationToken));
        }

        if (started is not null)
        {
            await Task.WhenAll(started).ConfigureAwait(false);
        }
    }

    private async Task RenewAsync(HeldLease held, CancellationToken cancellationToken)
    {
        try
        {
            // Give up at the self-fence deadline: an answer that comes later is of no use (the lease is lost by then).
            var remaining = settings.SelfFenceAfter - time.GetElapsedTime(held.LastRenewedAt);
            using var deadline = new CancellationTokenSource(remaining > TimeSpan.Zero ? remaining : TimeSpan.FromTicks(1), time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
            try
            {
                // Bounded, so a worker with many leases due at once does not open a connection per lease; time
                // spent waiting for a slot counts against the deadline like any other delay.
                await _renewalSlots.WaitAsync(linked.Token).ConfigureAwait(false);
                try
                {
                    await held.ExclusiveAsync(() => RenewHeldAsync(held, linked.Token), linked.Token).ConfigureAwait(false);
                }
                finally
                {
                    _renewalSlots.Release();
                }
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                // A checkpoint that landed while this renewal waited for the gate moved the deadline; otherwise fence.
                if (time.GetElapsedTime(held.LastRenewedAt) >= settings.SelfFenceAfter)
                {
                    heldLeases.MarkLost(held);
                }
            }
        }
        finally
        {
            held.EndRenewal();
        }
    }

    // Runs under the lease's gate.
    private async Task RenewHeldAsync(HeldLease held, CancellationToken cancellationToken)
    {
        if (held.IsLost)
        {
            return;
        }

        var sentAt = time.GetTimestamp();
        var sinceWrite = time.GetElapsedTime(held.LastRenewedAt, sentAt);
        if (sinceWrite >= settings.SelfFenceAfter)
        {
            heldLeases.MarkLost(held);
            return;
        }

        if (!held.RenewalFailing && sinceWrite < settings.RenewalInterval)
        {
            // A checkpoint renewed it while this renewal waited for the gate.
            return;
        }

        held.LastAttemptAt = sentAt;
        Lease? renewed;
        try
        {
            renewed = await store.RenewLeaseAsync(held.Current, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Retried every RetryInterval until renewed or self-fenced.
            LeasesLog.LeaseRenewalFailed(logger, ex, held.LeaseKey);
            held.RenewalFailing = true;
            return;
        }

        if (renewed is null)
        {
            heldLeases.MarkLost(held);
        }
        else
        {
            held.Update(renewed, sentAt);
        }
    }
}
