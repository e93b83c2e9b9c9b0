using KinesisAttrib.Diagnostics;
using Microsoft.Extensions.Logging;

namespace KinesisAttrib.Leases;

/// <summary>
/// Keeps one worker's held leases alive: renews each one not written for the renewal interval (a checkpoint counts),
/// retries a failed renewal every retry interval, and suspends a lease (self-fencing) once it has not been written
/// successfully for <see cref="LeaseSettings.SelfFenceAfter"/>, before any other worker may judge it expired. A
/// suspended lease is still renewed every retry interval: the renewal is conditional on the counter, so its success
/// proves nobody took the lease meanwhile and the shard resumes where it stopped; a refusal loses it.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "The renewal semaphore's wait handle is never created; it needs no disposal.")]
internal sealed class LeaseRenewer(ILeaseStore store, HeldLeaseSet heldLeases, LeaseSettings settings, TimeProvider time, ILogger logger)
{
    /// <summary>The most renewal requests in flight at once (the KCL renews with 20 threads).</summary>
    internal const int MaxConcurrentRenewals = 32;

    private readonly SemaphoreSlim _renewalSlots = new(MaxConcurrentRenewals, MaxConcurrentRenewals);

    // One run of failures for all of this worker's renewals: an outage is one warning, not one per lease per retry.
    private FailureStreak? _failures;
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
                // Another worker may judge it expired any moment now: stop the shard. This holds even with a write in
                // flight, whose outcome is unknown.
                heldLeases.Suspend(held);
            }

            var due = held.RenewalFailing || held.IsSuspended ? time.GetElapsedTime(held.LastAttemptAt, now) >= settings.RetryInterval : sinceWrite >= settings.RenewalInterval;
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
            // Give up at the self-fence deadline: an answer that comes later cannot keep the shard running. A suspended
            // lease has no deadline left; its attempt gets a failover time, like any request that may hang.
            var remaining = held.IsSuspended ? settings.FailoverTime : settings.SelfFenceAfter - time.GetElapsedTime(held.LastRenewedAt);
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
                    heldLeases.Suspend(held);
                }
            }
        }
        finally
        {
            held.EndRenewal();
        }
    }

    private FailureStreak Failures => _failures ??= new FailureStreak(logger, time, "DynamoDB", "lease renewal", $"the leases of worker {heldLeases.WorkerId}");

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
            // Still sent: the write is conditional, so it either proves the lease ours (and resumes it) or loses it.
            heldLeases.Suspend(held);
        }

        if (!held.RenewalFailing && !held.IsSuspended && sinceWrite < settings.RenewalInterval)
        {
            // A checkpoint renewed it while this renewal waited for the gate.
            return;
        }

        held.LastAttemptAt = sentAt;
        try
        {
            if (await store.RenewLeaseAsync(held.Current, cancellationToken).ConfigureAwait(false) is { } renewed)
            {
                heldLeases.Written(held, renewed, sentAt);
                heldLeases.Telemetry.Renewal("success");
                _failures?.Succeeded();
            }
            else if (await heldLeases.ReadBackAsync(store, held, cancellationToken).ConfigureAwait(false) is null)
            {
                heldLeases.Telemetry.Renewal("refused");
            }
            else
            {
                heldLeases.Telemetry.Renewal("moved");
                // Still ours at a newer counter: renew again at the next retry interval.
                held.RenewalFailing = true;
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Retried every RetryInterval until renewed or refused; a suspended lease keeps trying.
            Failures.Failed(ex);
            heldLeases.Telemetry.Renewal("failed");
            held.RenewalFailing = true;
        }
    }
}
