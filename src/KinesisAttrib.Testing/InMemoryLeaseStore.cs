using KinesisAttrib.Handlers;
using KinesisAttrib.Leases;

namespace KinesisAttrib.Testing;

/// <summary>
/// A lease table in memory with the same conditional-write behaviour as the DynamoDB store. Thread-safe; share one
/// instance between in-process workers to simulate many processes on one table.
/// </summary>
public sealed class InMemoryLeaseStore : ILeaseStore
{
    private readonly object _gate = new();
    private readonly Dictionary<string, Lease> _leases = new(StringComparer.Ordinal);
    private long _requests;
    private TaskCompletionSource _changed = NewSignal();

    /// <summary>How many requests this store has served (each call is one request, like one DynamoDB call).</summary>
    public long RequestCount => Interlocked.Read(ref _requests);

    /// <summary>
    /// Completes at the next successful write (of any lease). Read it, then look at the leases, then await it: a
    /// waiter never misses a write (<see cref="KinesisTestHost"/> waits for checkpoints this way, without polling).
    /// </summary>
    internal Task Changed
    {
        get
        {
            lock (_gate)
            {
                return _changed.Task;
            }
        }
    }

    /// <inheritdoc />
    public Task EnsureTableAsync(CancellationToken cancellationToken = default)
    {
        Count();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<Lease>> ListLeasesAsync(CancellationToken cancellationToken = default)
    {
        Count();
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<Lease>>([.. _leases.Values.OrderBy(l => l.LeaseKey, StringComparer.Ordinal)]);
        }
    }

    /// <inheritdoc />
    public Task<Lease?> GetLeaseAsync(string leaseKey, CancellationToken cancellationToken = default)
    {
        Count();
        lock (_gate)
        {
            return Task.FromResult(_leases.GetValueOrDefault(leaseKey));
        }
    }

    /// <inheritdoc />
    public Task<bool> CreateLeaseIfNotExistsAsync(Lease lease, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        Count();
        lock (_gate)
        {
            var added = _leases.TryAdd(lease.LeaseKey, lease);
            if (added)
            {
                SignalLocked();
            }

            return Task.FromResult(added);
        }
    }

    /// <inheritdoc />
    public Task<Lease?> TakeLeaseAsync(Lease lease, string newOwner, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        return Update(lease, checkOwner: false, stored => stored with
        {
            LeaseOwner = newOwner,
            LeaseCounter = stored.LeaseCounter + 1,
            HandoffRequestedBy = null,
            OwnerSwitchesSinceCheckpoint = stored.LeaseOwner == newOwner ? stored.OwnerSwitchesSinceCheckpoint : stored.OwnerSwitchesSinceCheckpoint + 1,
        });
    }

    /// <inheritdoc />
    public Task<Lease?> RenewLeaseAsync(Lease lease, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        return Update(lease, checkOwner: true, stored => stored with { LeaseCounter = stored.LeaseCounter + 1 });
    }

    /// <inheritdoc />
    public Task<Lease?> UpdateCheckpointAsync(Lease lease, ExtendedSequenceNumber checkpoint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        return Update(lease, checkOwner: true, stored => stored with
        {
            Checkpoint = checkpoint,
            PendingCheckpoint = null,
            PendingCheckpointState = null,
            OwnerSwitchesSinceCheckpoint = 0,
            LeaseCounter = stored.LeaseCounter + 1,
        });
    }

    /// <inheritdoc />
    public Task<Lease?> PrepareCheckpointAsync(Lease lease, ExtendedSequenceNumber pendingCheckpoint, CancellationToken cancellationToken = default)
        => PrepareCheckpointAsync(lease, pendingCheckpoint, null, cancellationToken);

    /// <inheritdoc />
    public Task<Lease?> PrepareCheckpointAsync(Lease lease, ExtendedSequenceNumber pendingCheckpoint, byte[]? applicationState, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        ArgumentException.ThrowIfNullOrEmpty(pendingCheckpoint.SequenceNumber, nameof(pendingCheckpoint));

        // A copy, as DynamoDB would store it: the caller may reuse its buffer.
        var state = applicationState?.ToArray();
        return Update(lease, checkOwner: true, stored => stored with { PendingCheckpoint = pendingCheckpoint, PendingCheckpointState = state, LeaseCounter = stored.LeaseCounter + 1 });
    }

    /// <inheritdoc />
    public Task<Lease?> RequestHandoffAsync(Lease lease, string requester, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        ArgumentException.ThrowIfNullOrEmpty(requester);
        if (lease.LeaseOwner is null)
        {
            throw new ArgumentException($"Lease '{lease.LeaseKey}' has no owner to hand it over.", nameof(lease));
        }

        return Update(lease, checkOwner: true, stored => stored with { HandoffRequestedBy = requester });
    }

    /// <inheritdoc />
    public Task<Lease?> EvictLeaseAsync(Lease lease, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        return Update(lease, checkOwner: true, stored => stored with { LeaseOwner = null, LeaseCounter = stored.LeaseCounter + 1 });
    }

    /// <inheritdoc />
    public Task<bool> UpdateChildShardIdsAsync(string leaseKey, IReadOnlyList<string> childShardIds, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(leaseKey);
        ArgumentNullException.ThrowIfNull(childShardIds);
        if (childShardIds.Count == 0)
        {
            throw new ArgumentException($"The children of shard lease '{leaseKey}' cannot be an empty list.", nameof(childShardIds));
        }

        Count();
        lock (_gate)
        {
            if (!_leases.TryGetValue(leaseKey, out var stored) || !stored.Checkpoint.IsShardEnd)
            {
                return Task.FromResult(false);
            }

            // Stored as DynamoDB stores a string set: each value once, in ordinal order.
            _leases[leaseKey] = stored with { ChildShardIds = [.. new SortedSet<string>(childShardIds, StringComparer.Ordinal)] };
            return Task.FromResult(true);
        }
    }

    /// <inheritdoc />
    public Task<bool> SetStreamNameAsync(string leaseKey, string streamName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(leaseKey);
        ArgumentException.ThrowIfNullOrEmpty(streamName);
        Count();
        lock (_gate)
        {
            if (!_leases.TryGetValue(leaseKey, out var stored) || stored.StreamName is not null)
            {
                return Task.FromResult(false);
            }

            _leases[leaseKey] = stored with { StreamName = streamName };
            return Task.FromResult(true);
        }
    }

    /// <inheritdoc />
    public Task<bool> DeleteLeaseAsync(Lease lease, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        Count();
        lock (_gate)
        {
            if (_leases.TryGetValue(lease.LeaseKey, out var stored) && stored.LeaseCounter == lease.LeaseCounter)
            {
                _leases.Remove(lease.LeaseKey);
                return Task.FromResult(true);
            }

            return Task.FromResult(false);
        }
    }

    private Task<Lease?> Update(Lease expected, bool checkOwner, Func<Lease, Lease> change)
    {
        Count();
        lock (_gate)
        {
            if (!_leases.TryGetValue(expected.LeaseKey, out var stored)
                || stored.LeaseCounter != expected.LeaseCounter
                || (checkOwner && !string.Equals(stored.LeaseOwner, expected.LeaseOwner, StringComparison.Ordinal)))
            {
                return Task.FromResult<Lease?>(null);
            }

            var updated = change(stored);
            _leases[expected.LeaseKey] = updated;
            SignalLocked();
            return Task.FromResult<Lease?>(updated);
        }
    }

    private void Count() => Interlocked.Increment(ref _requests);

    // Under _gate. The old task completes asynchronously (RunContinuationsAsynchronously), never inside the lock.
    private void SignalLocked()
    {
        var old = _changed;
        _changed = NewSignal();
        old.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
