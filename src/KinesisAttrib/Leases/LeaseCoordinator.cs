using System.Collections.Concurrent;
using KinesisAttrib.Diagnostics;
using KinesisAttrib.Handlers;
using Microsoft.Extensions.Logging;

namespace KinesisAttrib.Leases;

/// <summary>
/// Holds this worker's leases of one stream: takes and balances them, renews them, and performs every conditional
/// write for them (checkpoints, release) one at a time per lease so a write never races its own renewal. A lease
/// whose conditional write fails is lost at once: its <see cref="HeldLease.Lost"/> token fires.
/// </summary>
/// <remarks>
/// One taker cycle (<see cref="TakeLeasesAsync"/>) scans the table once and then, in this order: takes leases this
/// worker owns but does not hold (a restart with the same worker id), expired leases, then free ones, up to its target
/// <c>min(MaxLeasesForWorker, ceil(unfinished / live workers))</c>, several per cycle; asks the most loaded worker to
/// hand a lease over only when that worker holds at least two more leases than this one will and is not itself above
/// the target (at most <c>MaxLeasesToStealAtOneTime</c> per cycle; a worker holding nothing may ask anyone, to become
/// visible), stealing it only if the request goes unanswered for <see cref="LeaseSettings.HandoffRequestTimeout"/>;
/// and hands off, gracefully, leases asked for by others and leases above its target. Every move lowers the sum of
/// squared lease counts, so moving stops (no oscillation). See docs/design/leases.md.
/// </remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "The renewal semaphore's wait handle is never created; it needs no disposal.")]
internal sealed partial class LeaseCoordinator
{
    /// <summary>The most renewal requests in flight at once (the KCL renews with 20 threads).</summary>
    internal const int MaxConcurrentRenewals = 32;

    private readonly SemaphoreSlim _renewalSlots = new(MaxConcurrentRenewals, MaxConcurrentRenewals);
    private readonly ILeaseStore _store;
    private readonly string _workerId;
    private readonly LeaseSettings _settings;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, HeldLease> _held = new(StringComparer.Ordinal);

    // Expiry is judged on this worker's clock: a lease is expired when its counter has not moved for the failover time.
    private readonly Dictionary<string, (long Counter, long SeenAt)> _observed = new(StringComparer.Ordinal);

    // Hand-offs this worker asked for and is waiting on: lease key -> (owner asked, when on this worker's clock).
    private readonly Dictionary<string, (string Owner, long RequestedAt)> _requested = new(StringComparer.Ordinal);

    public LeaseCoordinator(ILeaseStore store, string workerId, TimeSpan failoverTime, TimeProvider time, ILogger logger)
        : this(store, workerId, new LeaseSettings(failoverTime, failoverTime / 3), time, logger, LeaseKeys.SingleStream)
    {
    }

    public LeaseCoordinator(ILeaseStore store, string workerId, LeaseSettings settings, TimeProvider time, ILogger logger, LeaseKeys keys)
    {
        _store = store;
        _workerId = workerId;
        _settings = settings;
        _time = time;
        _logger = logger;
        Keys = keys;
    }

    public string WorkerId => _workerId;

    public LeaseKeys Keys { get; }

    public LeaseSettings Settings => _settings;

    public ICollection<HeldLease> HeldLeases => _held.Values;

    /// <summary>True when the held lease's shard may be processed now (a stolen one waits for its former owner to stop).</summary>
    public bool CanStart(HeldLease held) => _time.GetTimestamp() >= held.StartNotBefore;

    /// <summary>This stream's leases as read by the last taker cycle.</summary>
    public IReadOnlyList<Lease> LastScan { get; private set; } = [];

    /// <summary>Scans the table, takes free and expired leases up to this worker's target, steals when the load is uneven, and asks for hand-off of leases above the target.</summary>
    /// <returns>The leases taken in this cycle.</returns>
    public async Task<IReadOnlyList<Lease>> TakeLeasesAsync(CancellationToken cancellationToken)
    {
        var all = (await _store.ListLeasesAsync(cancellationToken).ConfigureAwait(false)).Where(l => Keys.Owns(l.LeaseKey)).ToList();
        LastScan = all;
        var now = _time.GetTimestamp();
        var live = all.Select(l => l.LeaseKey).ToHashSet(StringComparer.Ordinal);
        foreach (var key in _observed.Keys.Where(k => !live.Contains(k)).ToList())
        {
            _observed.Remove(key);
        }

        var ownedNotHeld = new List<Lease>();
        var expired = new List<Lease>();
        var free = new List<Lease>();
        var othersLeases = new Dictionary<string, List<Lease>>(StringComparer.Ordinal);
        var requesters = new HashSet<string>(StringComparer.Ordinal);
        var unfinished = 0;
        foreach (var lease in all)
        {
            // Observe every counter on every scan, so expiry is measured from the first time a value was seen.
            var isExpired = IsExpired(lease, now);
            if (lease.Checkpoint.IsShardEnd)
            {
                continue;
            }

            unfinished++;

            // A worker that asked for a lease (still held, or released for it and not yet taken) is live, though it
            // may hold nothing yet: counting it lowers everyone's target, so the others shed leases for it instead of
            // it having to steal, and nobody takes its share first. A request nobody acted on for the failover time
            // (a requester that died) no longer counts.
            if (lease.HandoffRequestedBy is { } requester && requester != _workerId && lease.LeaseOwner != requester && !isExpired)
            {
                requesters.Add(requester);
            }

            if (_held.TryGetValue(lease.LeaseKey, out var mineHeld))
            {
                if (lease.LeaseOwner == _workerId)
                {
                    if (lease.HandoffRequestedBy is { } by && by != _workerId && !mineHeld.IsHandoffRequested)
                    {
                        // Another worker asked for it: hand it over gracefully (the consumer checkpoints, then releases).
                        LogHandoffAskedOf(_logger, lease.LeaseKey, _workerId, by);
                        mineHeld.RequestHandoff();
                    }

                    continue;
                }

                // The scan is a consistent read made after this worker's last take of the lease: another owner means
                // it was stolen. Stop now rather than at the next renewal, and count it as the new owner's below.
                MarkLost(mineHeld);
            }

            if (lease.LeaseOwner is not { } owner)
            {
                // Released for a worker that asked for it: left to that worker, unless nobody took it for the failover time.
                if (lease.HandoffRequestedBy is not { } reservedFor || reservedFor == _workerId || isExpired)
                {
                    free.Add(lease);
                }
            }
            else if (owner == _workerId)
            {
                ownedNotHeld.Add(lease);
            }
            else if (isExpired)
            {
                expired.Add(lease);
            }
            else
            {
                if (!othersLeases.TryGetValue(owner, out var list))
                {
                    othersLeases[owner] = list = [];
                }

                list.Add(lease);
            }
        }

        requesters.UnionWith(othersLeases.Keys);
        var workers = requesters.Count + 1;
        var target = (int)Math.Min(_settings.MaxLeasesForWorker, ((long)unfinished + workers - 1) / workers);
        var mine = _held.Values.Count(h => !h.IsHandoffRequested);
        var taken = new List<Lease>();

        // Forget requests that were answered (the lease was released, taken by anyone, or is held here now).
        var byKey = all.ToDictionary(l => l.LeaseKey, StringComparer.Ordinal);
        foreach (var (key, request) in _requested.ToList())
        {
            if (_held.ContainsKey(key) || !byKey.TryGetValue(key, out var current) || current.LeaseOwner != request.Owner || current.HandoffRequestedBy != _workerId)
            {
                _requested.Remove(key);
            }
        }

        // 1. Free and expired leases, several per cycle: a new worker on a large stream fills its share at once.
        var contended = false;
        foreach (var lease in ownedNotHeld.Concat(expired.OrderBy(Spread)).Concat(free.OrderBy(Spread)))
        {
            if (mine >= target)
            {
                break;
            }

            var updated = await TakeAsync(lease, now, cancellationToken).ConfigureAwait(false);
            if (updated is null)
            {
                contended = true;
                continue;
            }

            taken.Add(updated);
            mine++;
        }

        // 2. Only when nothing was free and the load is uneven by two or more, move one lease from the most loaded
        // worker: each move narrows the gap between two workers without inverting it, so the sum of squared counts
        // falls and moving stops. The move is asked for, not stolen: the owner sees the request at its next scan,
        // finishes its batch, checkpoints and releases, and this worker takes it, with nothing delivered twice.
        // Only a request not answered within HandoffRequestTimeout (a consumer stuck in a batch) ends in a steal.
        var pending = _requested.Count;
        var moved = 0;
        if (!contended && mine < target)
        {
            foreach (var (key, request) in _requested.ToList())
            {
                if (moved >= _settings.MaxLeasesToStealAtOneTime || mine >= target)
                {
                    break;
                }

                if (_time.GetElapsedTime(request.RequestedAt, now) < _settings.HandoffRequestTimeout)
                {
                    continue;
                }

                _requested.Remove(key);
                pending--;
                moved++;
                var updated = await TakeAsync(byKey[key], now, cancellationToken, stolen: true).ConfigureAwait(false);
                if (updated is not null)
                {
                    LogLeaseStolen(_logger, key, _workerId, request.Owner, othersLeases.GetValueOrDefault(request.Owner)?.Count ?? 0, mine);
                    taken.Add(updated);
                    mine++;
                }
            }

            var load = othersLeases.ToDictionary(
                kv => kv.Key,
                kv => kv.Value.Count - _requested.Values.Count(r => r.Owner == kv.Key),
                StringComparer.Ordinal);
            for (; moved < _settings.MaxLeasesToStealAtOneTime && mine + pending < target; moved++)
            {
                // A worker above the target hands leases off by itself once it counts this one (a worker that holds
                // nothing becomes visible through its request): ask it only to become visible. Otherwise ask only
                // workers that will not shed.
                var prospective = mine + pending;
                var victim = load.Where(kv => kv.Value - prospective >= 2 && (prospective == 0 || kv.Value <= target))
                    .OrderByDescending(kv => kv.Value)
                    .ThenBy(kv => kv.Key, StringComparer.Ordinal)
                    .Select(kv => kv.Key)
                    .FirstOrDefault();
                if (victim is null)
                {
                    break;
                }

                var lease = othersLeases[victim]
                    .Where(l => !_requested.ContainsKey(l.LeaseKey) && l.HandoffRequestedBy is null)
                    .OrderBy(Spread)
                    .FirstOrDefault();
                if (lease is null || await _store.RequestHandoffAsync(lease, _workerId, cancellationToken).ConfigureAwait(false) is null)
                {
                    break;
                }

                LogHandoffAskedFor(_logger, lease.LeaseKey, _workerId, victim, load[victim], prospective);
                _requested[lease.LeaseKey] = (victim, now);
                load[victim]--;
                pending++;
            }
        }

        // 3. Above the target (workers joined, or a maximum was lowered): hand leases off gracefully instead of
        // waiting to be stolen from; the consumer checkpoints and releases, and a worker below its target takes them.
        if (mine > target)
        {
            foreach (var held in _held.Values.Where(h => !h.IsHandoffRequested).OrderByDescending(h => Spread(h.Current)).Take(mine - target))
            {
                LogHandoffRequested(_logger, held.LeaseKey, _workerId, mine, target);
                held.RequestHandoff();
            }
        }

        return taken;
    }

    private async Task<Lease?> TakeAsync(Lease lease, long now, CancellationToken cancellationToken, bool stolen = false)
    {
        var sentAt = _time.GetTimestamp();
        var updated = await _store.TakeLeaseAsync(lease, _workerId, cancellationToken).ConfigureAwait(false);
        if (updated is null)
        {
            return null;
        }

        // A stolen shard's former owner is alive and may be mid-batch: start only once it must have noticed.
        var startAt = stolen ? sentAt + (long)(_settings.StolenLeaseStartDelay.TotalSeconds * _time.TimestampFrequency) : sentAt;
        _held[updated.LeaseKey] = new HeldLease(updated, sentAt) { StartNotBefore = startAt };
        _observed[updated.LeaseKey] = (updated.LeaseCounter, now);
        KinesisAttribLog.LeaseTaken(_logger, updated.LeaseKey, _workerId, lease.LeaseOwner);
        return updated;
    }

    // A per-worker pseudo-random but stable order, so workers racing for the same free or stolen leases mostly pick different ones.
    private long Spread(Lease lease)
    {
        unchecked
        {
            var hash = 14695981039346656037UL;
            foreach (var c in _workerId)
            {
                hash = (hash ^ c) * 1099511628211UL;
            }

            foreach (var c in lease.LeaseKey)
            {
                hash = (hash ^ c) * 1099511628211UL;
            }

            return (long)(hash >> 1);
        }
    }

    private bool IsExpired(Lease lease, long now)
    {
        if (!_observed.TryGetValue(lease.LeaseKey, out var seen) || seen.Counter != lease.LeaseCounter)
        {
            _observed[lease.LeaseKey] = (lease.LeaseCounter, now);
            return false;
        }

        return _time.GetElapsedTime(seen.SeenAt, now) >= _settings.FailoverTime;
    }

    /// <summary>
    /// Renews the held leases that are due: not written for the renewal interval (a checkpoint counts), or whose last
    /// renewal failed and the retry interval has passed. A refused renewal loses the lease; a lease not written
    /// successfully for <see cref="LeaseSettings.SelfFenceAfter"/> is given up before any other worker may take it.
    /// </summary>
    /// <remarks>
    /// The due leases are renewed concurrently, so one slow request does not delay the others past their self-fence,
    /// and each renewal is abandoned at its lease's self-fence deadline, so a request that hangs (or a checkpoint
    /// holding the lease's gate) cannot keep a lease that other workers may already judge expired. A lease whose
    /// renewal is still in flight is skipped, so callers may start a pass before the previous one has finished.
    /// </remarks>
    public async Task RenewLeasesAsync(CancellationToken cancellationToken)
    {
        List<Task>? started = null;
        foreach (var held in _held.Values)
        {
            var now = _time.GetTimestamp();
            var sinceWrite = _time.GetElapsedTime(held.LastRenewedAt, now);
            if (sinceWrite >= _settings.SelfFenceAfter)
            {
                // Too late to renew safely: another worker may judge it expired any moment now. This holds even with
                // a write in flight, whose outcome is unknown.
                MarkLost(held);
                continue;
            }

            var due = held.RenewalFailing ? _time.GetElapsedTime(held.LastAttemptAt, now) >= _settings.RetryInterval : sinceWrite >= _settings.RenewalInterval;
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
            var remaining = _settings.SelfFenceAfter - _time.GetElapsedTime(held.LastRenewedAt);
            using var deadline = new CancellationTokenSource(remaining > TimeSpan.Zero ? remaining : TimeSpan.FromTicks(1), _time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
            try
            {
                // Bounded, so a worker with many leases due at once does not open a connection per lease; time
                // spent waiting for a slot counts against the deadline like any other delay.
                await _renewalSlots.WaitAsync(linked.Token).ConfigureAwait(false);
                try
                {
                    await RenewHeldAsync(held, linked.Token).ConfigureAwait(false);
                }
                finally
                {
                    _renewalSlots.Release();
                }
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                // A checkpoint that landed while this renewal waited for the gate moved the deadline; otherwise fence.
                if (_time.GetElapsedTime(held.LastRenewedAt) >= _settings.SelfFenceAfter)
                {
                    MarkLost(held);
                }
            }
        }
        finally
        {
            held.EndRenewal();
        }
    }

    private async Task RenewHeldAsync(HeldLease held, CancellationToken cancellationToken)
    {
        await held.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (held.IsLost)
            {
                return;
            }

            var sentAt = _time.GetTimestamp();
            var sinceWrite = _time.GetElapsedTime(held.LastRenewedAt, sentAt);
            if (sinceWrite >= _settings.SelfFenceAfter)
            {
                MarkLost(held);
                return;
            }

            if (!held.RenewalFailing && sinceWrite < _settings.RenewalInterval)
            {
                // A checkpoint renewed it while this renewal waited for the gate.
                return;
            }

            held.LastAttemptAt = sentAt;
            Lease? renewed;
            try
            {
                renewed = await _store.RenewLeaseAsync(held.Current, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Retried every RetryInterval until renewed or self-fenced.
                KinesisAttribLog.LeaseRenewalFailed(_logger, ex, held.LeaseKey);
                held.RenewalFailing = true;
                return;
            }

            if (renewed is null)
            {
                MarkLost(held);
            }
            else
            {
                held.Update(renewed, sentAt);
            }
        }
        finally
        {
            held.Gate.Release();
        }
    }

    /// <summary>Writes a checkpoint for a held lease (which also renews it). Throws <see cref="LeaseLostException"/> when the lease is no longer ours.</summary>
    public Task CheckpointAsync(HeldLease held, ExtendedSequenceNumber checkpoint, CancellationToken cancellationToken)
        => WriteAsync(held, checkpoint, "checkpoint", (lease, ct) => _store.UpdateCheckpointAsync(lease, checkpoint, ct), cancellationToken);

    /// <summary>Stores a prepared checkpoint (<c>pendingCheckpoint*</c>) for a held lease. Throws <see cref="LeaseLostException"/> when the lease is no longer ours.</summary>
    public Task PrepareCheckpointAsync(HeldLease held, ExtendedSequenceNumber pending, byte[]? applicationState, CancellationToken cancellationToken)
        => WriteAsync(held, pending, "prepare a checkpoint", (lease, ct) => _store.PrepareCheckpointAsync(lease, pending, applicationState, ct), cancellationToken);

    private async Task WriteAsync(HeldLease held, ExtendedSequenceNumber position, string what, Func<Lease, CancellationToken, Task<Lease?>> write, CancellationToken cancellationToken)
    {
        await held.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (held.IsLost)
            {
                throw new LeaseLostException(held.LeaseKey, $"Cannot {what} for shard '{held.LeaseKey}' at {position}: worker '{_workerId}' no longer holds its lease.");
            }

            var sentAt = _time.GetTimestamp();
            var updated = await write(held.Current, cancellationToken).ConfigureAwait(false);
            if (updated is null)
            {
                MarkLost(held);
                throw new LeaseLostException(held.LeaseKey, $"The request to {what} for shard '{held.LeaseKey}' at {position} was refused: another worker took the lease from '{_workerId}'.");
            }

            held.Update(updated, sentAt);
        }
        finally
        {
            held.Gate.Release();
        }
    }

    /// <summary>Gives a lease back (owner cleared) so another worker can take it at its next cycle without waiting for expiry, and forgets it.</summary>
    public async Task ReleaseAsync(HeldLease held, CancellationToken cancellationToken)
    {
        await held.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _held.TryRemove(KeyValuePair.Create(held.LeaseKey, held));
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
        // Only this instance: the lease may have been taken again since (a new HeldLease under the same key).
        _held.TryRemove(KeyValuePair.Create(held.LeaseKey, held));
        if (held.IsLost)
        {
            return;
        }

        held.MarkLost();
        KinesisAttribLog.LeaseLost(_logger, held.LeaseKey, _workerId);
    }

    [LoggerMessage(EventId = 401, Level = LogLevel.Information, Message = "Worker {WorkerId} stole lease {LeaseKey} from {Victim} ({VictimCount} leases against {OwnCount})")]
    private static partial void LogLeaseStolen(ILogger logger, string leaseKey, string workerId, string victim, int victimCount, int ownCount);

    [LoggerMessage(EventId = 402, Level = LogLevel.Information, Message = "Worker {WorkerId} hands off lease {LeaseKey}: it holds {OwnCount} leases, its share is {Target}")]
    private static partial void LogHandoffRequested(ILogger logger, string leaseKey, string workerId, int ownCount, int target);

    [LoggerMessage(EventId = 403, Level = LogLevel.Information, Message = "Worker {WorkerId} asks {Owner} to hand over lease {LeaseKey} ({OwnerCount} leases against {OwnCount})")]
    private static partial void LogHandoffAskedFor(ILogger logger, string leaseKey, string workerId, string owner, int ownerCount, int ownCount);

    [LoggerMessage(EventId = 404, Level = LogLevel.Information, Message = "Worker {WorkerId} hands over lease {LeaseKey}: {Requester} asked for it")]
    private static partial void LogHandoffAskedOf(ILogger logger, string leaseKey, string workerId, string requester);
}
