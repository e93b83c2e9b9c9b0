namespace KinesisAttrib.Leases;

/// <summary>The lease timings and limits the coordinator works with (the host maps and validates them from its options).</summary>
/// <param name="FailoverTime">A lease whose counter has not moved this long is expired.</param>
/// <param name="RenewalInterval">A held lease is renewed when it has not been written for this long.</param>
/// <param name="MaxLeasesForWorker">The most leases this worker holds.</param>
/// <param name="MaxLeasesToStealAtOneTime">The most leases stolen per taker cycle.</param>
/// <param name="TakerInterval">How often every worker scans the table; null for <paramref name="FailoverTime"/>.</param>
internal sealed record LeaseSettings(TimeSpan FailoverTime, TimeSpan RenewalInterval, int MaxLeasesForWorker = int.MaxValue, int MaxLeasesToStealAtOneTime = 1, TimeSpan? TakerInterval = null)
{
    /// <summary>
    /// How long a thief waits before processing a stolen shard: by then the victim has noticed the loss at its next
    /// scan or renewal (whichever comes first) and stopped, so the two never process the shard at the same time.
    /// </summary>
    public TimeSpan StolenLeaseStartDelay => (TakerInterval ?? FailoverTime) < RenewalInterval
        ? (TakerInterval ?? FailoverTime) + RetryInterval
        : RenewalInterval + RetryInterval;

    /// <summary>
    /// How long a worker waits for a lease it asked for before stealing it: the owner sees the request at its next
    /// scan (within a taker interval), finishes the batch in hand and releases, and the requester takes it at its next
    /// scan; a failover time more is left for the batch and the checkpoint.
    /// </summary>
    public TimeSpan HandoffRequestTimeout => (2 * (TakerInterval ?? FailoverTime)) + FailoverTime;

    /// <summary>How often a failed renewal is retried, and how often the renewer looks for due leases.</summary>
    public TimeSpan RetryInterval => FailoverTime / 16;

    /// <summary>
    /// A held lease not written successfully for this long is given up by its owner (self-fencing): other workers
    /// may take it once it has not moved for the failover time, and the owner must have stopped by then.
    /// </summary>
    public TimeSpan SelfFenceAfter => FailoverTime - RetryInterval;

}
