using System.Collections.Concurrent;
using KinesisAttrib.Diagnostics;
using Microsoft.Extensions.Logging;

namespace KinesisAttrib.Leases;

/// <summary>The leases one worker holds, shared by its taker, renewer and checkpoint writer; losing a lease happens here.</summary>
internal sealed class HeldLeaseSet
{
    private readonly ConcurrentDictionary<string, HeldLease> _held = new(StringComparer.Ordinal);
    private readonly string _workerId;
    private readonly ILogger _logger;

    public HeldLeaseSet(string workerId, ILogger logger)
    {
        _workerId = workerId;
        _logger = logger;
    }

    public ICollection<HeldLease> Values => _held.Values;

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
