using System.Collections.Concurrent;
using KinesisAttrib.Diagnostics;
using Microsoft.Extensions.Logging;

namespace KinesisAttrib.Leases;

/// <summary>The leases one worker holds, shared by its taker, renewer and checkpoint writer; losing a lease happens here.</summary>
internal sealed class HeldLeaseSet
{
    private readonly ConcurrentDictionary<string, HeldLease> _held = new(StringComparer.Ordinal);
    private readonly string _workerId;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public HeldLeaseSet(string workerId, TimeProvider time, ILogger logger, SchedulerTelemetry telemetry)
    {
        Telemetry = telemetry;
        _workerId = workerId;
        _time = time;
        _logger = logger;
    }

    public ICollection<HeldLease> Values => _held.Values;

    public string WorkerId => _workerId;

    /// <summary>Where lease events, renewals and checkpoints are counted.</summary>
    public SchedulerTelemetry Telemetry { get; }

    /// <summary>The held leases (not lost) and how many of them are suspended, for the gauges.</summary>
    public (int Held, int Suspended) Counts()
    {
        int held = 0, suspended = 0;
        foreach (var lease in _held.Values)
        {
            if (lease.IsLost)
            {
                continue;
            }

            held++;
            if (lease.IsSuspended)
            {
                suspended++;
            }
        }

        return (held, suspended);
    }

    public void Add(HeldLease held) => _held[held.LeaseKey] = held;

    /// <summary>Forgets this instance (not a newer one taken again under the same key).</summary>
    public void Remove(HeldLease held) => _held.TryRemove(KeyValuePair.Create(held.LeaseKey, held));

    /// <summary>Gives the lease up: its <see cref="HeldLease.Lost"/> token fires and it is forgotten.</summary>
    public void MarkLost(HeldLease held)
    {
        // Only this instance: the lease may have been taken again since (a new HeldLease under the same key).
        Remove(held);
        if (held.IsLost)
        {
            return;
        }

        held.MarkLost();
        LeasesLog.LeaseLost(_logger, held.LeaseKey, _workerId);
        Telemetry.LeaseTransition("lost");
    }

    /// <summary>
    /// Suspends a lease not written successfully for the self-fence time: its shard stops, but the lease is kept, so
    /// that the next conditional write of it (a renewal or the pending checkpoint) resumes it if nobody took it.
    /// </summary>
    public void Suspend(HeldLease held)
    {
        if (held.Suspend(_time.GetTimestamp()))
        {
            LeasesLog.LeaseSuspended(_logger, held.LeaseKey, _workerId, _time.GetElapsedTime(held.LastRenewedAt).TotalSeconds);
            Telemetry.LeaseTransition("suspended");
        }
    }

    /// <summary>Records a successful conditional write of a held lease; a suspended lease is ours again and resumes.</summary>
    public void Written(HeldLease held, Lease lease, long sentAt)
    {
        if (held.Update(lease, sentAt) is { } suspendedAt)
        {
            LeasesLog.LeaseResumed(_logger, held.LeaseKey, _workerId, _time.GetElapsedTime(suspendedAt).TotalSeconds);
            Telemetry.LeaseTransition("resumed");
        }
    }

    /// <summary>
    /// After a refused conditional write: reads the lease back. Still owned by this worker (the refused write followed
    /// one of its own whose answer was lost, or a hand-off request moved the counter), the row is adopted and returned;
    /// otherwise the lease is lost and null is returned. When the adopted row was written is unknown, so the lease's
    /// timings (and a suspension) stay as they were: only the next successful write renews or resumes it.
    /// </summary>
    public async Task<Lease?> ReadBackAsync(ILeaseStore store, HeldLease held, CancellationToken cancellationToken)
    {
        var stored = await store.GetLeaseAsync(held.LeaseKey, cancellationToken).ConfigureAwait(false);
        if (stored is not null && stored.LeaseOwner == _workerId && stored.LeaseCounter > held.Current.LeaseCounter && !held.IsLost)
        {
            LeasesLog.LeaseReadBack(_logger, held.LeaseKey, _workerId, held.Current.LeaseCounter, stored.LeaseCounter);
            held.Adopt(stored);
            return stored;
        }

        MarkLost(held);
        return null;
    }

    /// <summary>Gives up the held lease under <paramref name="leaseKey"/>, if any.</summary>
    public void MarkLost(string leaseKey)
    {
        if (_held.TryGetValue(leaseKey, out var held))
        {
            MarkLost(held);
        }
    }

    /// <summary>Asks the consumer of the held lease under <paramref name="leaseKey"/>, if any, to finish and release it.</summary>
    public void RequestHandoff(string leaseKey)
    {
        if (_held.TryGetValue(leaseKey, out var held))
        {
            held.RequestHandoff();
        }
    }
}
