namespace KinesisAttrib.Leases;

/// <summary>
/// Decides which leases one worker takes, steals, asks for and hands off, from one scan of the lease table, the
/// leases it holds, its observations and the time. A pure function: no store, no clock, nothing changed, so every rule
/// is tested without a table (<c>LeaseTakerTests</c>); <see cref="LeaseCoordinator"/> performs the writes.
/// </summary>
/// <remarks>
/// Counts: <c>unfinished</c> leases (not at SHARD_END), <c>live</c> workers (this one, every owner of a non-expired
/// unfinished lease, every worker named in a live hand-off request), <c>target</c> =
/// <c>min(MaxLeasesForWorker, ceil(unfinished / live))</c>. Then: take owned-not-held, expired and free leases up to
/// the target; only if every take succeeded, steal leases whose request went unanswered for
/// <see cref="LeaseSettings.HandoffRequestTimeout"/> and ask the most loaded worker for leases
/// (<see cref="ChooseHandoffRequests"/>); hand off leases above the target. See docs/design/leases.md.
/// </remarks>
internal sealed class LeaseTaker
{
    private readonly string _workerId;
    private readonly LeaseSettings _settings;

    public LeaseTaker(string workerId, LeaseSettings settings)
    {
        _workerId = workerId;
        _settings = settings;
    }

    /// <summary>Decides one taker cycle.</summary>
    /// <param name="scan">This stream's leases, as just read.</param>
    /// <param name="held">The keys of the leases this worker holds.</param>
    /// <param name="handingOff">The held leases already being handed off.</param>
    /// <param name="observations">When each lease's counter was first seen, from the previous cycles.</param>
    /// <param name="requests">The hand-offs this worker asked for and is waiting on, in the order asked.</param>
    /// <param name="now">The time on this worker's clock, on the same origin as the observations and requests.</param>
    public LeaseTakerDecision Decide(
        IReadOnlyList<Lease> scan,
        IEnumerable<string> held,
        IEnumerable<string> handingOff,
        IReadOnlyDictionary<string, LeaseObservation> observations,
        IReadOnlyDictionary<string, HandoffRequest> requests,
        TimeSpan now)
    {
        var heldKeys = held.ToHashSet(StringComparer.Ordinal);
        var leaving = handingOff.ToHashSet(StringComparer.Ordinal);
        var observed = new Dictionary<string, LeaseObservation>(StringComparer.Ordinal);
        var lost = new List<string>();
        var askedOfMe = new List<LeaseTakerDecision.Requested>();
        var ownedNotHeld = new List<Lease>();
        var expired = new List<Lease>();
        var free = new List<Lease>();
        var othersLeases = new Dictionary<string, List<Lease>>(StringComparer.Ordinal);
        var requesters = new HashSet<string>(StringComparer.Ordinal);
        var unfinished = 0;
        foreach (var lease in scan)
        {
            // Observe every counter on every scan, so expiry is measured from the first time a value was seen.
            var isExpired = Observe(lease, observations, observed, now);
            if (lease.Checkpoint.IsShardEnd)
            {
                continue;
            }

            unfinished++;

            // A worker that asked for a lease (still held, or released for it and not yet taken) is live, though it
            // may hold nothing yet: counting it lowers everyone's target, so the others shed leases for it. A request
            // nobody acted on for the failover time (a requester that died) no longer counts.
            if (lease.HandoffRequestedBy is { } requester && requester != _workerId && lease.LeaseOwner != requester && !isExpired)
            {
                requesters.Add(requester);
            }

            if (heldKeys.Contains(lease.LeaseKey))
            {
                if (lease.LeaseOwner == _workerId)
                {
                    if (lease.HandoffRequestedBy is { } by && by != _workerId && leaving.Add(lease.LeaseKey))
                    {
                        askedOfMe.Add(new(lease.LeaseKey, by));
                    }

                    continue;
                }

                // The scan is a consistent read made after this worker's last take of the lease: another owner means
                // it was stolen. It counts as the new owner's below.
                lost.Add(lease.LeaseKey);
                heldKeys.Remove(lease.LeaseKey);
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
        var counted = heldKeys.Where(k => !leaving.Contains(k)).ToList();

        // A request is answered when the lease was released, taken by anyone, or is held here now.
        var byKey = scan.ToDictionary(l => l.LeaseKey, StringComparer.Ordinal);
        var answered = new List<string>();
        var open = new List<KeyValuePair<string, HandoffRequest>>();
        foreach (var entry in requests)
        {
            var stillOpen = !heldKeys.Contains(entry.Key)
                && byKey.TryGetValue(entry.Key, out var current)
                && current.LeaseOwner == entry.Value.Owner
                && current.HandoffRequestedBy == _workerId;
            if (stillOpen)
            {
                open.Add(entry);
            }
            else
            {
                answered.Add(entry.Key);
            }
        }

        var steals = open
            .Where(r => now - r.Value.RequestedAt >= _settings.HandoffRequestTimeout)
            .Select(r => new LeaseTakerDecision.Steal(byKey[r.Key], r.Value.Owner, othersLeases.GetValueOrDefault(r.Value.Owner)?.Count ?? 0))
            .ToList();

        // Above the target (workers joined, or a maximum was lowered): hand leases off gracefully instead of waiting
        // to be stolen from.
        var handOffs = counted.Count > target
            ? counted.OrderByDescending(Spread).ThenBy(k => k, StringComparer.Ordinal).Take(counted.Count - target).ToList()
            : [];

        return new LeaseTakerDecision
        {
            Target = target,
            Held = counted.Count,
            Observations = observed,
            Lost = lost,
            AskedOfThisWorker = askedOfMe,
            AnsweredRequests = answered,
            Takes = [.. ownedNotHeld, .. expired.OrderBy(l => Spread(l.LeaseKey)), .. free.OrderBy(l => Spread(l.LeaseKey))],
            Steals = steals,
            HandOffs = handOffs,
            OthersLeases = othersLeases.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<Lease>)kv.Value, StringComparer.Ordinal),
            OpenRequests = open,
        };
    }

    /// <summary>
    /// The leases to ask their owners for, in order, once the cycle's takes all succeeded and
    /// <paramref name="stealsAttempted"/> of <see cref="LeaseTakerDecision.Steals"/> were tried; stop at the first
    /// request that is refused.
    /// </summary>
    /// <remarks>
    /// Each move narrows the gap between two workers without inverting it, so the sum of squared counts falls and
    /// moving stops. A worker above the target sheds by itself once it counts this one, so it is asked only when this
    /// worker holds nothing (to become visible); otherwise only workers at or under the target are asked.
    /// </remarks>
    /// <param name="decision">This cycle's decision.</param>
    /// <param name="held">The leases this worker counts towards its target now (after the takes and steals).</param>
    /// <param name="stealsAttempted">How many of the decision's steals were tried (they share the per-cycle limit).</param>
    public IReadOnlyList<LeaseTakerDecision.Ask> ChooseHandoffRequests(LeaseTakerDecision decision, int held, int stealsAttempted)
    {
        // A steal that was tried ends its request, whatever the outcome.
        var tried = decision.Steals.Take(stealsAttempted).Select(s => s.Lease.LeaseKey).ToHashSet(StringComparer.Ordinal);
        var open = decision.OpenRequests.Where(r => !tried.Contains(r.Key)).ToList();
        var askedFor = open.Select(r => r.Key).ToHashSet(StringComparer.Ordinal);
        var pending = open.Count;
        var load = decision.OthersLeases.ToDictionary(
            kv => kv.Key,
            kv => kv.Value.Count - open.Count(r => r.Value.Owner == kv.Key),
            StringComparer.Ordinal);
        var asks = new List<LeaseTakerDecision.Ask>();
        for (var moved = stealsAttempted; moved < _settings.MaxLeasesToStealAtOneTime && held + pending < decision.Target; moved++)
        {
            var prospective = held + pending;
            var victim = load.Where(kv => kv.Value - prospective >= 2 && (prospective == 0 || kv.Value <= decision.Target))
                .OrderByDescending(kv => kv.Value)
                .ThenBy(kv => kv.Key, StringComparer.Ordinal)
                .Select(kv => kv.Key)
                .FirstOrDefault();
            if (victim is null)
            {
                break;
            }

            var lease = decision.OthersLeases[victim]
                .Where(l => !askedFor.Contains(l.LeaseKey) && l.HandoffRequestedBy is null)
                .OrderBy(l => Spread(l.LeaseKey))
                .FirstOrDefault();
            if (lease is null)
            {
                break;
            }

            asks.Add(new(lease, victim, load[victim], prospective));
            askedFor.Add(lease.LeaseKey);
            load[victim]--;
            pending++;
        }

        return asks;
    }

    private bool Observe(Lease lease, IReadOnlyDictionary<string, LeaseObservation> previous, Dictionary<string, LeaseObservation> next, TimeSpan now)
    {
        if (!previous.TryGetValue(lease.LeaseKey, out var seen) || seen.Counter != lease.LeaseCounter)
        {
            next[lease.LeaseKey] = new(lease.LeaseCounter, now);
            return false;
        }

        next[lease.LeaseKey] = seen;
        return now - seen.SeenAt >= _settings.FailoverTime;
    }

    // A per-worker pseudo-random but stable order, so workers racing for the same free or stolen leases mostly pick different ones.
    private long Spread(string leaseKey)
    {
        unchecked
        {
            var hash = 14695981039346656037UL;
            foreach (var c in _workerId)
            {
                hash = (hash ^ c) * 1099511628211UL;
            }

            foreach (var c in leaseKey)
            {
                hash = (hash ^ c) * 1099511628211UL;
            }

            return (long)(hash >> 1);
        }
    }
}
