using System.Collections.Concurrent;
using KinesisAttrib.Diagnostics;
using KinesisAttrib.Processing;
using Microsoft.Extensions.Logging;

namespace KinesisAttrib.Leases;

/// <summary>
/// Holds this worker's leases of one application: takes free and expired leases, renews held ones, and performs
/// every conditional write for them (checkpoints, release) one at a time per lease so a write never races its own
/// renewal. A lease whose conditional write fails is lost at once: its <see cref="HeldLease.Lost"/> token fires.
/// </summary>
internal sealed class LeaseCoordinator
{
    private readonly ILeaseStore _store;
    private readonly string _workerId;
    private readonly TimeSpan _failoverTime;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, HeldLease> _held = new(StringComparer.Ordinal);

    // Expiry is judged on this worker's clock: a lease is expired when its counter has not moved for the failover time.
    private readonly Dictionary<string, (long Counter, long SeenAt)> _observed = new(StringComparer.Ordinal);

    public LeaseCoordinator(ILeaseStore store, string workerId, TimeSpan failoverTime, TimeProvider time, ILogger logger)
    {
        _store = store;
        _workerId = workerId;
        _failoverTime = failoverTime;
        _time = time;
        _logger = logger;
    }

    public ICollection<HeldLease> HeldLeases => _held.Values;

    /// <summary>Scans the table and takes free and expired leases up to this worker's fair share.</summary>
    public async Task<IReadOnlyList<Lease>> TakeLeasesAsync(CancellationToken cancellationToken)
    {
        var all = await _store.ListLeasesAsync(cancellationToken).ConfigureAwait(false);
        var now = _time.GetTimestamp();
        var live = new HashSet<string>(StringComparer.Ordinal);
        var takeable = new List<Lease>();
        var activeOwners = new HashSet<string>(StringComparer.Ordinal) { _workerId };
        var unfinished = 0;

        foreach (var lease in all)
        {
            live.Add(lease.LeaseKey);
            if (lease.Checkpoint.IsShardEnd)
            {
                continue;
            }

            unfinished++;
            var expired = IsExpired(lease, now);
            if (lease.LeaseOwner is { } owner && !expired)
            {
                activeOwners.Add(owner);
            }

            if (_held.ContainsKey(lease.LeaseKey))
            {
                continue;
            }

            if (lease.LeaseOwner is null || expired || lease.LeaseOwner == _workerId)
            {
                takeable.Add(lease);
            }
        }

        foreach (var key in _observed.Keys.Where(k => !live.Contains(k)).ToList())
        {
            _observed.Remove(key);
        }

        // Fair share: no more than ceil(unfinished / active workers). Balancing by stealing comes with the multi-worker work.
        var target = (unfinished + activeOwners.Count - 1) / activeOwners.Count;
        var taken = new List<Lease>();
        foreach (var lease in takeable.OrderBy(l => l.LeaseOwner is null ? 1 : 0).ThenBy(l => l.LeaseKey, StringComparer.Ordinal))
        {
            if (_held.Count >= target)
            {
                break;
            }

            var updated = await _store.TakeLeaseAsync(lease, _workerId, cancellationToken).ConfigureAwait(false);
            if (updated is null)
            {
                continue;
            }

            _held[updated.LeaseKey] = new HeldLease(updated, now);
            _observed[updated.LeaseKey] = (updated.LeaseCounter, now);
            KinesisAttribLog.LeaseTaken(_logger, updated.LeaseKey, _workerId, lease.LeaseOwner);
            taken.Add(updated);
        }

        return taken;
    }

    private bool IsExpired(Lease lease, long now)
    {
        if (!_observed.TryGetValue(lease.LeaseKey, out var seen) || seen.Counter != lease.LeaseCounter)
        {
            _observed[lease.LeaseKey] = (lease.LeaseCounter, now);
            return false;
        }

        return _time.GetElapsedTime(seen.SeenAt, now) >= _failoverTime;
    }

    /// <summary>Renews every held lease; a lease whose renewal is refused is lost.</summary>
    public async Task RenewLeasesAsync(CancellationToken cancellationToken)
    {
        foreach (var held in _held.Values)
        {
            await held.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (held.IsLost)
                {
                    continue;
                }

                Lease? renewed;
                try
                {
                    renewed = await _store.RenewLeaseAsync(held.Current, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // A store outage must not keep a worker processing a shard it may no longer own.
                    KinesisAttribLog.LeaseRenewalFailed(_logger, ex, held.LeaseKey);
                    if (_time.GetElapsedTime(held.LastRenewedAt) >= _failoverTime)
                    {
                        MarkLost(held);
                    }

                    continue;
                }

                if (renewed is null)
                {
                    MarkLost(held);
                }
                else
                {
                    held.Update(renewed, _time.GetTimestamp());
                }
            }
            finally
            {
                held.Gate.Release();
            }
        }
    }

    /// <summary>Writes a checkpoint for a held lease. Throws <see cref="LeaseLostException"/> when the lease is no longer ours.</summary>
    public async Task CheckpointAsync(HeldLease held, ExtendedSequenceNumber checkpoint, CancellationToken cancellationToken)
    {
        await held.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (held.IsLost)
            {
                throw new LeaseLostException(held.LeaseKey, $"Cannot checkpoint shard '{held.LeaseKey}' at {checkpoint}: worker '{_workerId}' no longer holds its lease.");
            }

            var updated = await _store.UpdateCheckpointAsync(held.Current, checkpoint, cancellationToken).ConfigureAwait(false);
            if (updated is null)
            {
                MarkLost(held);
                throw new LeaseLostException(held.LeaseKey, $"Checkpoint of shard '{held.LeaseKey}' at {checkpoint} was refused: another worker took the lease from '{_workerId}'.");
            }

            held.Update(updated, _time.GetTimestamp());
        }
        finally
        {
            held.Gate.Release();
        }
    }

    /// <summary>Gives a lease back (owner cleared) so another worker can take it at once, and forgets it.</summary>
    public async Task ReleaseAsync(HeldLease held, CancellationToken cancellationToken)
    {
        await held.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _held.TryRemove(held.LeaseKey, out _);
            if (held.IsLost)
            {
                return;
            }

            held.MarkLost();
            var evicted = await _store.EvictLeaseAsync(held.Current, cancellationToken).ConfigureAwait(false);
            if (evicted is not null)
            {
                KinesisAttribLog.LeaseReleased(_logger, held.LeaseKey, _workerId);
            }
        }
        finally
        {
            held.Gate.Release();
        }
    }

    private void MarkLost(HeldLease held)
    {
        _held.TryRemove(held.LeaseKey, out _);
        held.MarkLost();
        KinesisAttribLog.LeaseLost(_logger, held.LeaseKey, _workerId);
    }
}
