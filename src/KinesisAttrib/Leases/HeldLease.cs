using System.Diagnostics.CodeAnalysis;

namespace KinesisAttrib.Leases;

/// <summary>A lease this worker holds: the latest stored version, a gate serialising writes to it, and a token that fires when it is lost.</summary>
[SuppressMessage("Reliability", "CA1001", Justification = "The token source has no timer and its wait handle is never created; linked sources that observe it are disposed by their owners.")]
internal sealed class HeldLease
{
    private readonly CancellationTokenSource _lost = new();

    public HeldLease(Lease lease, long takenAt)
    {
        Current = lease;
        LastRenewedAt = takenAt;
    }

    public string LeaseKey => Current.LeaseKey;

    /// <summary>The lease as last written by this worker (its counter is the condition of the next write).</summary>
    public Lease Current { get; private set; }

    public long LastRenewedAt { get; private set; }

    public SemaphoreSlim Gate { get; } = new(1, 1);

    public CancellationToken Lost => _lost.Token;

    public bool IsLost => _lost.IsCancellationRequested;

    public void Update(Lease lease, long at)
    {
        Current = lease;
        LastRenewedAt = at;
    }

    public void MarkLost() => _lost.Cancel();
}
