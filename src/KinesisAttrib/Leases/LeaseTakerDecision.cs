namespace KinesisAttrib.Leases;

/// <summary>
/// What one taker cycle should do, decided by <see cref="LeaseTaker.Decide"/> from one scan. The lists are in the
/// order to act on; the coordinator stops taking once <see cref="Held"/> plus what it took reaches <see cref="Target"/>,
/// since a take may lose a race.
/// </summary>
internal sealed class LeaseTakerDecision
{
    /// <summary>This worker's share: <c>min(MaxLeasesForWorker, ceil(unfinished / live workers))</c>.</summary>
    public required int Target { get; init; }

    /// <summary>The held leases that count towards the target: not lost and not being handed off.</summary>
    public required int Held { get; init; }

    /// <summary>The observations to keep for the next cycle: one per lease in the scan.</summary>
    public required IReadOnlyDictionary<string, LeaseObservation> Observations { get; init; }

    /// <summary>Held leases whose row names another owner: they were stolen, and are lost now.</summary>
    public required IReadOnlyList<string> Lost { get; init; }

    /// <summary>Held leases another worker asked for: hand them over gracefully.</summary>
    public required IReadOnlyList<Requested> AskedOfThisWorker { get; init; }

    /// <summary>Hand-off requests of this worker that were answered (or became moot): forget them, in this order.</summary>
    public required IReadOnlyList<string> AnsweredRequests { get; init; }

    /// <summary>Leases to take, in order: owned but not held (a restart), then expired, then free ones.</summary>
    public required IReadOnlyList<Lease> Takes { get; init; }

    /// <summary>Leases asked for whose owner did not answer in time: steal them, in order, if no take lost a race.</summary>
    public required IReadOnlyList<Steal> Steals { get; init; }

    /// <summary>Held leases above the target: hand them off gracefully.</summary>
    public required IReadOnlyList<string> HandOffs { get; init; }

    /// <summary>The other live owners' unfinished, non-expired leases (the candidates to ask for).</summary>
    internal required IReadOnlyDictionary<string, IReadOnlyList<Lease>> OthersLeases { get; init; }

    /// <summary>This worker's requests still open after <see cref="AnsweredRequests"/>, in the order they were kept.</summary>
    internal required IReadOnlyList<KeyValuePair<string, HandoffRequest>> OpenRequests { get; init; }

    /// <summary>A held lease another worker asked this one for.</summary>
    internal readonly record struct Requested(string LeaseKey, string Requester);

    /// <summary>A lease to steal after an unanswered request; <paramref name="OwnerCount"/> is its owner's load (for the log).</summary>
    internal readonly record struct Steal(Lease Lease, string Owner, int OwnerCount);

    /// <summary>A lease to ask its owner for; the counts are the owner's and this worker's prospective loads (for the log).</summary>
    internal readonly record struct Ask(Lease Lease, string Owner, int OwnerCount, int OwnCount);
}
