using System.Diagnostics.CodeAnalysis;

namespace KinesisAttrib.Leases;

/// <summary>
/// A lease this worker holds: the latest stored version, the gate serialising writes to it (one writer per lease), a
/// token that fires when it is lost, and one that fires when the balancer asks for it to be handed to another worker.
/// </summary>
[SuppressMessage("Reliability", "CA1001", Justification = "The token sources have no timer and their wait handles are never created; linked sources that observe them are disposed by their owners.")]
internal sealed class HeldLease
{
    private readonly CancellationTokenSource _lost = new();
    private readonly CancellationTokenSource _handoff = new();
    private readonly SemaphoreSlim _gate = new(1, 1);
    private int _renewing;

    public HeldLease(Lease lease, long writtenAt)
    {
        Current = lease;
        LastRenewedAt = writtenAt;
        LastAttemptAt = writtenAt;
    }

    public string LeaseKey => Current.LeaseKey;

    /// <summary>The lease as last written by this worker (its counter is the condition of the next write).</summary>
    public Lease Current { get; private set; }

    /// <summary>
    /// When the request of the last successful write (take, renewal, checkpoint) was sent, on this worker's clock.
    /// Every other worker saw the counter move after this instant, so none can judge the lease expired before
    /// <c>LastRenewedAt + FailoverTime</c> on a clock running at the same rate.
    /// </summary>
    public long LastRenewedAt { get; private set; }

    /// <summary>When the last renewal was attempted (successful or not).</summary>
    public long LastAttemptAt { get; set; }

    /// <summary>True when the last renewal attempt failed (it is retried sooner than the renewal interval).</summary>
    public bool RenewalFailing { get; set; }

    /// <summary>Its shard may not be processed before this timestamp (a stolen lease waits for the victim to stop).</summary>
    public long StartNotBefore { get; init; }

    public CancellationToken Lost => _lost.Token;

    public bool IsLost => _lost.IsCancellationRequested;

    /// <summary>Fires when this worker should finish the shard gracefully and release the lease (rebalancing).</summary>
    public CancellationToken HandoffRequested => _handoff.Token;

    public bool IsHandoffRequested => _handoff.IsCancellationRequested;

    public void Update(Lease lease, long sentAt)
    {
        Current = lease;
        LastRenewedAt = sentAt;
        LastAttemptAt = sentAt;
        RenewalFailing = false;
    }

    /// <summary>
    /// Runs <paramref name="write"/> as this lease's only writer: every write of it (renewal, checkpoint, release) goes
    /// through here, so each one's condition is the row the previous one left and a checkpoint never races a renewal.
    /// </summary>
    public async Task ExclusiveAsync(Func<Task> write, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await write().ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Claims the right to send this lease's next renewal; false when a renewal is already in flight.</summary>
    public bool TryBeginRenewal() => Interlocked.CompareExchange(ref _renewing, 1, 0) == 0;

    /// <summary>Ends the renewal claimed by <see cref="TryBeginRenewal"/>.</summary>
    public void EndRenewal() => Volatile.Write(ref _renewing, 0);

    public void MarkLost() => _lost.Cancel();

    public void RequestHandoff() => _handoff.Cancel();
}
