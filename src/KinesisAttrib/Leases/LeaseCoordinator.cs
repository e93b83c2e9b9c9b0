using KinesisAttrib.Diagnostics;
using KinesisAttrib.Handlers;
using Microsoft.Extensions.Logging;

namespace KinesisAttrib.Leases;

/// <summary>
/// One worker's leases of one stream, as the KCL's lease coordinator: runs the taker cycle (<see cref="LeaseTaker"/>
/// decides, this class writes), and hands renewal to <see cref="LeaseRenewer"/> and a processor's writes to
/// <see cref="CheckpointWriter"/>. All three act on one <see cref="HeldLeaseSet"/>, and every write of a held lease
/// goes through its gate (<see cref="HeldLease.ExclusiveAsync"/>), so a checkpoint never races its own renewal.
/// </summary>
internal sealed class LeaseCoordinator
{
    private readonly ILeaseStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly HeldLeaseSet _held;
    private readonly LeaseTaker _taker;
    private readonly LeaseRenewer _renewer;
    private readonly CheckpointWriter _writer;

    // The origin of the taker's clock: observations and requests are times since this instant.
    private readonly long _origin;
    private IReadOnlyDictionary<string, LeaseObservation> _observed = new Dictionary<string, LeaseObservation>(StringComparer.Ordinal);

    // Kept in the order asked: the oldest unanswered request is stolen first.
    private readonly Dictionary<string, HandoffRequest> _requested = new(StringComparer.Ordinal);

    public LeaseCoordinator(ILeaseStore store, string workerId, TimeSpan failoverTime, TimeProvider time, ILogger logger)
        : this(store, workerId, new LeaseSettings(failoverTime, failoverTime / 3), time, logger, LeaseKeys.SingleStream)
    {
    }

    public LeaseCoordinator(ILeaseStore store, string workerId, LeaseSettings settings, TimeProvider time, ILogger logger, LeaseKeys keys, SchedulerTelemetry? telemetry = null)
    {
        _store = store;
        _time = time;
        _logger = logger;
        WorkerId = workerId;
        Settings = settings;
        Keys = keys;
        Telemetry = telemetry ?? new SchedulerTelemetry(string.Empty, string.Empty, workerId, includeShard: false, time);
        _held = new HeldLeaseSet(workerId, time, logger, Telemetry);
        _taker = new LeaseTaker(workerId, settings);
        _renewer = new LeaseRenewer(store, _held, settings, time, logger);
        _writer = new CheckpointWriter(store, _held, workerId, time, logger);
        _origin = time.GetTimestamp();
    }

    public string WorkerId { get; }

    /// <summary>Where lease events are counted (the scheduler's attributes).</summary>
    public SchedulerTelemetry Telemetry { get; }

    public LeaseKeys Keys { get; }

    public LeaseSettings Settings { get; }

    public ICollection<HeldLease> HeldLeases => _held.Values;

    /// <summary>The held leases (not lost) and how many of them are suspended.</summary>
    public (int Held, int Suspended) LeaseCounts() => _held.Counts();

    /// <summary>This stream's leases as read by the last taker cycle.</summary>
    public IReadOnlyList<Lease> LastScan { get; private set; } = [];

    /// <summary>True when the held lease's shard may be processed now (a stolen one waits for its former owner to stop).</summary>
    public bool CanStart(HeldLease held) => _time.GetTimestamp() >= held.StartNotBefore;

    /// <summary>Scans the table once and acts on <see cref="LeaseTaker"/>'s decision: takes, steals, asks for and hands off leases.</summary>
    /// <returns>The leases taken in this cycle.</returns>
    public async Task<IReadOnlyList<Lease>> TakeLeasesAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<Lease> all;
        try
        {
            all = await _store.ListLeasesAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // A worker that cannot read the table cannot tell whether the owners could write it: expiry is measured
            // afresh from the next scan, so an owner that the same outage kept from renewing (its leases suspended)
            // gets back to them before anyone judges them expired. This delays only takes, never the owners.
            _observed = new Dictionary<string, LeaseObservation>(StringComparer.Ordinal);
            throw;
        }

        var scan = all.Where(l => Keys.Owns(l.LeaseKey)).ToList();
        LastScan = scan;
        var now = _time.GetElapsedTime(_origin);
        var held = _held.Values;
        var decision = _taker.Decide(
            scan,
            held.Select(h => h.LeaseKey),
            held.Where(h => h.IsHandoffRequested).Select(h => h.LeaseKey),
            _observed,
            _requested,
            now);
        var observed = new Dictionary<string, LeaseObservation>(decision.Observations, StringComparer.Ordinal);
        _observed = observed;
        foreach (var key in decision.Lost)
        {
            _held.MarkLost(key);
        }

        foreach (var (key, requester) in decision.AskedOfThisWorker)
        {
            // Handed over gracefully: the consumer checkpoints, then releases.
            LeasesLog.HandoffAskedOf(_logger, key, WorkerId, requester);
            _held.RequestHandoff(key);
        }

        foreach (var key in decision.AnsweredRequests)
        {
            _requested.Remove(key);
        }

        // Several per cycle, so a new worker on a large stream fills its share at once; a take that loses a race is
        // followed by the next candidate.
        var mine = decision.Held;
        var taken = new List<Lease>();
        var contended = false;
        foreach (var lease in decision.Takes)
        {
            if (mine >= decision.Target)
            {
                break;
            }

            if (await TakeAsync(lease, now, observed, cancellationToken).ConfigureAwait(false) is not { } updated)
            {
                contended = true;
                continue;
            }

            taken.Add(updated);
            mine++;
        }

        // Moves only when nothing was contended: asked for, and stolen only after the request went unanswered.
        if (!contended && mine < decision.Target)
        {
            var stealsAttempted = 0;
            foreach (var steal in decision.Steals)
            {
                if (stealsAttempted >= Settings.MaxLeasesToStealAtOneTime || mine >= decision.Target)
                {
                    break;
                }

                _requested.Remove(steal.Lease.LeaseKey);
                stealsAttempted++;
                if (await TakeAsync(steal.Lease, now, observed, cancellationToken, stolen: true).ConfigureAwait(false) is { } updated)
                {
                    LeasesLog.LeaseStolen(_logger, updated.LeaseKey, WorkerId, steal.Owner, steal.OwnerCount, mine);
                    Telemetry.LeaseTransition("stolen");
                    taken.Add(updated);
                    mine++;
                }
            }

            foreach (var ask in _taker.ChooseHandoffRequests(decision, mine, stealsAttempted))
            {
                if (await _store.RequestHandoffAsync(ask.Lease, WorkerId, cancellationToken).ConfigureAwait(false) is null)
                {
                    break;
                }

                LeasesLog.HandoffAskedFor(_logger, ask.Lease.LeaseKey, WorkerId, ask.Owner, ask.OwnerCount, ask.OwnCount);
                _requested[ask.Lease.LeaseKey] = new HandoffRequest(ask.Owner, now);
            }
        }

        foreach (var key in decision.HandOffs)
        {
            LeasesLog.HandoffRequested(_logger, key, WorkerId, decision.Held, decision.Target);
            _held.RequestHandoff(key);
        }

        return taken;
    }

    private async Task<Lease?> TakeAsync(Lease lease, TimeSpan now, Dictionary<string, LeaseObservation> observed, CancellationToken cancellationToken, bool stolen = false)
    {
        var sentAt = _time.GetTimestamp();
        var updated = await _store.TakeLeaseAsync(lease, WorkerId, cancellationToken).ConfigureAwait(false);
        if (updated is null)
        {
            return null;
        }

        // A stolen shard's former owner is alive and may be mid-batch: start only once it must have noticed.
        var startAt = stolen ? sentAt + (long)(Settings.StolenLeaseStartDelay.TotalSeconds * _time.TimestampFrequency) : sentAt;
        _held.Add(new HeldLease(updated, sentAt) { StartNotBefore = startAt });
        observed[updated.LeaseKey] = new LeaseObservation(updated.LeaseCounter, now);
        LeasesLog.LeaseTaken(_logger, updated.LeaseKey, WorkerId, lease.LeaseOwner);
        if (!stolen)
        {
            Telemetry.LeaseTransition("taken");
        }

        return updated;
    }

    /// <summary>Renews the held leases that are due, and gives up those it can no longer renew safely (see <see cref="LeaseRenewer"/>).</summary>
    public Task RenewLeasesAsync(CancellationToken cancellationToken) => _renewer.RenewDueAsync(cancellationToken);

    /// <summary>Writes a checkpoint for a held lease (which also renews it). Throws <see cref="LeaseLostException"/> when the lease is no longer ours.</summary>
    public Task CheckpointAsync(HeldLease held, ExtendedSequenceNumber checkpoint, CancellationToken cancellationToken)
        => _writer.CheckpointAsync(held, checkpoint, cancellationToken);

    /// <summary>Stores a prepared checkpoint (<c>pendingCheckpoint*</c>) for a held lease. Throws <see cref="LeaseLostException"/> when the lease is no longer ours.</summary>
    public Task PrepareCheckpointAsync(HeldLease held, ExtendedSequenceNumber pending, byte[]? applicationState, CancellationToken cancellationToken)
        => _writer.PrepareCheckpointAsync(held, pending, applicationState, cancellationToken);

    /// <summary>Gives a lease back (owner cleared) so another worker can take it at its next cycle without waiting for expiry, and forgets it.</summary>
    public Task ReleaseAsync(HeldLease held, CancellationToken cancellationToken) => _writer.ReleaseAsync(held, cancellationToken);
}
