using KinesisAttrib.Diagnostics;
using KinesisAttrib.Handlers;
using KinesisAttrib.Kinesis;
using KinesisAttrib.Leases;
using Microsoft.Extensions.Logging;

namespace KinesisAttrib.Shards;

/// <summary>
/// Lists a stream's shards and creates a lease for each shard that has none, keeping its lineage
/// (<c>parentShardId</c> from ListShards <c>ParentShardId</c>/<c>AdjacentParentShardId</c>, or GetRecords
/// <c>ChildShards</c>). A shard whose parent is still in the stream or the lease table starts at TRIM_HORIZON (it is
/// read after its parents, so nothing between them is missed); other shards start at the application's initial
/// position. A shard that has a leased descendant gets no lease: it was finished and its lease cleaned up.
/// </summary>
internal sealed class ShardSyncer
{
    private readonly IKinesisClient _kinesis;
    private readonly ILeaseStore _leases;
    private readonly string _streamName;
    private readonly InitialPosition _initialPosition;
    private readonly LeaseKeys _keys;
    private readonly ILogger _logger;

    public ShardSyncer(IKinesisClient kinesis, ILeaseStore leases, string streamName, InitialPosition initialPosition, ILogger logger)
        : this(kinesis, leases, streamName, initialPosition, LeaseKeys.SingleStream, logger)
    {
    }

    public ShardSyncer(IKinesisClient kinesis, ILeaseStore leases, string streamName, InitialPosition initialPosition, LeaseKeys keys, ILogger logger)
    {
        _kinesis = kinesis;
        _leases = leases;
        _streamName = streamName;
        _initialPosition = initialPosition;
        _keys = keys;
        _logger = logger;
    }

    public async Task<int> SyncAsync(CancellationToken cancellationToken)
    {
        var shards = await ListAllShardsAsync(cancellationToken).ConfigureAwait(false);
        var leases = (await _leases.ListLeasesAsync(cancellationToken).ConfigureAwait(false))
            .Where(l => _keys.Owns(l.LeaseKey))
            .ToList();
        await CheckStreamAsync(leases, cancellationToken).ConfigureAwait(false);
        var existing = leases.Select(l => _keys.ShardIdOf(l.LeaseKey)).ToHashSet(StringComparer.Ordinal);
        var inStream = shards.ToDictionary(s => s.ShardId, StringComparer.Ordinal);

        // Ancestors of a leased shard are finished (a child lease is only created when its parents' leases exist or
        // the parents are gone), even when their own leases were cleaned up: never recreate a lease for them.
        var finishedAncestors = new HashSet<string>(StringComparer.Ordinal);
        foreach (var shardId in existing)
        {
            MarkAncestors(shardId, inStream, finishedAncestors);
        }

        // A new application starting at LATEST reads the open shards from their tips; closed shards hold only records
        // from before it started, so they get no lease (as in the KCL). Later syncs lease everything new.
        var skipClosed = existing.Count == 0 && _initialPosition == InitialPosition.Latest;

        var created = 0;
        foreach (var shard in ParentsFirst(shards, inStream))
        {
            if (existing.Contains(shard.ShardId) || finishedAncestors.Contains(shard.ShardId) || (skipClosed && shard.EndingSequenceNumber is not null))
            {
                continue;
            }

            var parents = new List<string>(2);
            if (shard.ParentShardId is { } parent)
            {
                parents.Add(parent);
            }

            if (shard.AdjacentParentShardId is { } adjacent)
            {
                parents.Add(adjacent);
            }

            var hasLiveParent = skipClosed
                ? parents.Any(existing.Contains)
                : parents.Any(p => inStream.ContainsKey(p) || existing.Contains(p));
            if (await CreateAsync(shard.ShardId, parents, hasLiveParent, shard.StartingHashKey, shard.EndingHashKey, cancellationToken).ConfigureAwait(false))
            {
                created++;
                existing.Add(shard.ShardId);
            }
        }

        await RecordChildrenAsync(leases, shards, cancellationToken).ConfigureAwait(false);
        ShardsLog.ShardsSynced(_logger, _streamName, shards.Count, created);
        return created;
    }

    /// <summary>
    /// Creates leases for the children a closed shard reported (GetRecords <c>ChildShards</c>); they start at
    /// TRIM_HORIZON. Then records them on the parent's lease (<c>childShardIds</c>).
    /// </summary>
    public async Task<int> CreateChildLeasesAsync(string parentShardId, IReadOnlyList<ChildShard> children, CancellationToken cancellationToken)
    {
        var created = 0;
        foreach (var child in children)
        {
            if (await CreateAsync(child.ShardId, child.ParentShards, hasLiveParent: true, child.StartingHashKey, child.EndingHashKey, cancellationToken).ConfigureAwait(false))
            {
                created++;
            }
        }

        if (children.Count > 0)
        {
            await _leases.UpdateChildShardIdsAsync(_keys.LeaseKeyOf(parentShardId), [.. children.Select(c => c.ShardId)], cancellationToken).ConfigureAwait(false);
        }

        return created;
    }

    // A finished shard's lease names its children, as the KCL's does (tools and a Java KCL reading the table expect
    // it, and the cleaner keeps a parent until each named child has a lease). Written once, after the children's
    // leases exist; the emulators report no ChildShards, so the children come from ListShards' lineage.
    private async Task RecordChildrenAsync(List<Lease> leases, List<Shard> shards, CancellationToken cancellationToken)
    {
        ILookup<string, string>? childrenOf = null;
        foreach (var lease in leases)
        {
            if (!lease.Checkpoint.IsShardEnd || lease.ChildShardIds.Count > 0)
            {
                continue;
            }

            childrenOf ??= shards
                .SelectMany(s => new[] { s.ParentShardId, s.AdjacentParentShardId }.OfType<string>().Select(parent => (Parent: parent, Child: s.ShardId)))
                .ToLookup(p => p.Parent, p => p.Child, StringComparer.Ordinal);
            var children = childrenOf[_keys.ShardIdOf(lease.LeaseKey)].ToList();
            if (children.Count > 0)
            {
                await _leases.UpdateChildShardIdsAsync(lease.LeaseKey, children, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    // A lease table is bound to its stream: leases written for another stream (the application was pointed at a new
    // stream under the same lease table) stop the scheduler, whose shard ids would otherwise match the old stream's
    // and read from its checkpoints. Leases that name no stream (an older version, the Java KCL) are adopted.
    private async Task CheckStreamAsync(List<Lease> leases, CancellationToken cancellationToken)
    {
        var foreign = leases.Where(l => l.StreamName is not null && !string.Equals(l.StreamName, _streamName, StringComparison.Ordinal)).ToList();
        if (foreign.Count > 0)
        {
            throw new LeaseTableStreamMismatchException(_streamName, foreign[0].StreamName!, [.. foreign.Select(l => l.LeaseKey)]);
        }

        foreach (var lease in leases.Where(l => l.StreamName is null))
        {
            await _leases.SetStreamNameAsync(lease.LeaseKey, _streamName, cancellationToken).ConfigureAwait(false);
        }
    }

    private Task<bool> CreateAsync(string shardId, IReadOnlyList<string> parents, bool hasLiveParent, string? startingHashKey, string? endingHashKey, CancellationToken cancellationToken)
    {
        var start = hasLiveParent ? ExtendedSequenceNumber.TrimHorizon : _initialPosition switch
        {
            InitialPosition.TrimHorizon => ExtendedSequenceNumber.TrimHorizon,
            InitialPosition.AtTimestamp => ExtendedSequenceNumber.AtTimestamp,
            _ => ExtendedSequenceNumber.Latest,
        };
        var lease = new Lease
        {
            LeaseKey = _keys.LeaseKeyOf(shardId),
            Checkpoint = start,
            ParentShardIds = [.. parents],
            StartingHashKey = startingHashKey,
            EndingHashKey = endingHashKey,
            StreamName = _streamName,
        };
        return _leases.CreateLeaseIfNotExistsAsync(lease, cancellationToken);
    }

    // ListShards does not promise parents before children. A child lease written before its parent's would let a
    // taker scan in between see no parent lease, judge the parent finished, and start the child too early.
    private static List<Shard> ParentsFirst(List<Shard> shards, Dictionary<string, Shard> inStream)
    {
        var ordered = new List<Shard>(shards.Count);
        var placed = new HashSet<string>(StringComparer.Ordinal);
        var expanded = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<(Shard Shard, bool ParentsPlaced)>();
        foreach (var shard in shards)
        {
            pending.Push((shard, false));
            while (pending.TryPop(out var item))
            {
                if (placed.Contains(item.Shard.ShardId))
                {
                    continue;
                }

                if (item.ParentsPlaced)
                {
                    placed.Add(item.Shard.ShardId);
                    ordered.Add(item.Shard);
                    continue;
                }

                if (!expanded.Add(item.Shard.ShardId))
                {
                    continue; // Already waiting for its parents (a malformed, cyclic lineage).
                }

                pending.Push((item.Shard, true));
                foreach (var parent in new[] { item.Shard.AdjacentParentShardId, item.Shard.ParentShardId })
                {
                    if (parent is not null && !placed.Contains(parent) && inStream.TryGetValue(parent, out var parentShard))
                    {
                        pending.Push((parentShard, false));
                    }
                }
            }
        }

        return ordered;
    }

    private static void MarkAncestors(string shardId, Dictionary<string, Shard> inStream, HashSet<string> ancestors)
    {
        var pending = new Stack<string>();
        pending.Push(shardId);
        while (pending.TryPop(out var current))
        {
            if (!inStream.TryGetValue(current, out var shard))
            {
                continue;
            }

            foreach (var parent in new[] { shard.ParentShardId, shard.AdjacentParentShardId })
            {
                if (parent is not null && ancestors.Add(parent))
                {
                    pending.Push(parent);
                }
            }
        }
    }

    private async Task<List<Shard>> ListAllShardsAsync(CancellationToken cancellationToken)
    {
        var shards = new List<Shard>();
        var request = new ListShardsRequest { StreamName = _streamName };
        while (true)
        {
            var page = await _kinesis.ListShardsAsync(request, cancellationToken).ConfigureAwait(false);
            shards.AddRange(page.Shards);
            if (page.NextToken is null)
            {
                return shards;
            }

            request = new ListShardsRequest { NextToken = page.NextToken };
        }
    }
}
