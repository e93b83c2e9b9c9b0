using System.Diagnostics.CodeAnalysis;

namespace KinesisAttrib.Leases;

/// <summary>
/// A lease this worker holds: the latest stored version, the gate serialising writes to it (one writer per lease), a
/// token that fires when it is lost, one that fires when the balancer asks for it to be handed to another worker, and
/// the suspension: a lease not written successfully for the self-fence time is suspended (its shard is not processed,
/// since this worker can no longer prove it owns it) until a conditional write of it succeeds again or is refused.
/// </summary>
[SuppressMessage("Reliability", "CA1001", Justification = "The token sources have no timer and their wait handles are never created; linked sources that observe them are disposed by their owners.")]
internal sealed class HeldLease
{
    private readonly CancellationTokenSource _lost = new();
    private readonly CancellationTokenSource _handoff = new();
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly object _suspension = new();
    private CancellationTokenSource _suspended = new();
    private TaskCompletionSource? _resumed;
    private long _suspendedAt;
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

    /// <summary>True while the lease is suspended: its shard must not be processed (see <see cref="Suspend"/>).</summary>
    public bool IsSuspended => Volatile.Read(ref _resumed) is not null;

    /// <summary>Fires when the lease is suspended; a new token is issued on each resumption.</summary>
    public CancellationToken Suspended
    {
        get
        {
            lock (_suspension)
            {
                return _suspended.Token;
            }
        }
    }

    /// <summary>Completes when the lease is not (or no longer) suspended; a lost lease never resumes, so wait with its token too.</summary>
    public Task WhenResumed => Volatile.Read(ref _resumed)?.Task ?? Task.CompletedTask;

    /// <summary>
    /// Records a successful conditional write: the row is ours at <paramref name="lease"/>'s counter, so the lease is
    /// ours again if it was suspended. Returns when it was suspended (null if it was not), for the resumption's log.
    /// </summary>
    public long? Update(Lease lease, long sentAt)
    {
        Current = lease;
        LastRenewedAt = sentAt;
        LastAttemptAt = sentAt;
        RenewalFailing = false;
        if (Volatile.Read(ref _resumed) is null)
        {
            return null;
        }

        TaskCompletionSource resumed;
        long suspendedAt;
        lock (_suspension)
        {
            if (_resumed is null)
            {
                return null;
            }

            resumed = _resumed;
            suspendedAt = _suspendedAt;
            _resumed = null;
            _suspended = new CancellationTokenSource();
        }

        resumed.TrySetResult();
        return suspendedAt;
    }

    /// <summary>Takes a stored row that is still this worker's, written at an unknown time: the timings stay as they were.</summary>
    public void Adopt(Lease stored) => Current = stored;

    /// <summary>
    /// Suspends the lease (self-fencing without giving it up): fires <see cref="Suspended"/>, so the shard's work in
    /// progress stops, and keeps the lease so that its pending checkpoint can still be written if nobody took it.
    /// Returns false when it was already suspended or is lost.
    /// </summary>
    public bool Suspend(long now)
    {
        CancellationTokenSource suspended;
        lock (_suspension)
        {
            if (_resumed is not null || IsLost)
            {
                return false;
            }

            _resumed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _suspendedAt = now;
            suspended = _suspended;
        }

        suspended.Cancel();
        return true;
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
