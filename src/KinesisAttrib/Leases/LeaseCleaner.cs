using KinesisAttrib.Diagnostics;
using Microsoft.Extensions.Logging;

namespace KinesisAttrib.Leases;

/// <summary>
/// Deletes the leases of finished shards. A SHARD_END lease is deleted once every child lease exists and has moved
/// past its start position (the children are being processed, so the parent's SHARD_END is no longer needed to
/// unblock them) and this has held for the retention period on this worker's clock. The delete is conditional on the
/// counter, so a lease changed in the meantime is left alone. The shard syncer never recreates a lease for a shard
/// with a leased descendant, so a deleted parent stays deleted while Kinesis still lists its shard.
/// </summary>
internal sealed class LeaseCleaner
{
    private readonly ILeaseStore _store;
    private readonly LeaseKeys _keys;
    private readonly TimeSpan _retention;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Dictionary<string, long> _deletableSince = new(StringComparer.Ordinal);

    public LeaseCleaner(ILeaseStore store, LeaseKeys keys, TimeSpan retention, TimeProvider time, ILogger logger)
    {
        _store = store;
        _keys = keys;
        _retention = retention;
        _time = time;
        _logger = logger;
    }

    /// <summary>Looks at <paramref name="leases"/> (one scan of this stream's leases) and deletes what is due. Returns the number deleted.</summary>
    public async Task<int> CleanUpAsync(IReadOnlyList<Lease> leases, CancellationToken cancellationToken)
    {
        var now = _time.GetTimestamp();
        var byShard = leases.ToDictionary(l => _keys.ShardIdOf(l.LeaseKey), StringComparer.Ordinal);
        var childrenOf = new Dictionary<string, List<Lease>>(StringComparer.Ordinal);
        foreach (var lease in leases)
        {
            foreach (var parent in lease.ParentShardIds)
            {
                if (!childrenOf.TryGetValue(parent, out var list))
                {
                    childrenOf[parent] = list = [];
                }

                list.Add(lease);
            }
        }

        var deletable = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (shardId, lease) in byShard)
        {
            if (!lease.Checkpoint.IsShardEnd || !childrenOf.TryGetValue(shardId, out var children))
            {
                continue;
            }

            var started = children.All(c => c.Checkpoint.IsShardEnd || !c.Checkpoint.IsSentinel);
            // A named child without a lease of its own is fine if it has children of its own leased: it ended and
            // was cleaned up itself (a child taken late, so its sibling's line moved on first).
            var allKnownChildrenLeased = lease.ChildShardIds.All(c => byShard.ContainsKey(c) || childrenOf.ContainsKey(c));
            if (started && allKnownChildrenLeased)
            {
                deletable.Add(lease.LeaseKey);
            }
        }

        foreach (var key in _deletableSince.Keys.Where(k => !deletable.Contains(k)).ToList())
        {
            _deletableSince.Remove(key);
        }

        var deleted = 0;
        foreach (var lease in leases.Where(l => deletable.Contains(l.LeaseKey)))
        {
            if (!_deletableSince.TryGetValue(lease.LeaseKey, out var since))
            {
                _deletableSince[lease.LeaseKey] = since = now;
            }

            if (_time.GetElapsedTime(since, now) < _retention)
            {
                continue;
            }

            if (await _store.DeleteLeaseAsync(lease, cancellationToken).ConfigureAwait(false))
            {
                LeasesLog.LeaseDeleted(_logger, lease.LeaseKey);
                deleted++;
            }

            _deletableSince.Remove(lease.LeaseKey);
        }

        return deleted;
    }
}
