using KinesisAttrib.Diagnostics;
using KinesisAttrib.Handlers;
using KinesisAttrib.Kinesis;
using KinesisAttrib.Leases;
using KinesisAttrib.Processing;
using Microsoft.Extensions.Logging;

namespace KinesisAttrib.Shards;

/// <summary>
/// Lists a stream's shards and creates a lease for each shard that has none, keeping its lineage. A shard whose
/// parent is still in the stream starts at TRIM_HORIZON (it is read after its parents, so nothing between them is
/// missed); other shards start at the application's initial position.
/// </summary>
internal sealed class ShardSyncer
{
    private readonly IKinesisClient _kinesis;
    private readonly ILeaseStore _leases;
    private readonly string _streamName;
    private readonly InitialPosition _initialPosition;
    private readonly ILogger _logger;

    public ShardSyncer(IKinesisClient kinesis, ILeaseStore leases, string streamName, InitialPosition initialPosition, ILogger logger)
    {
        _kinesis = kinesis;
        _leases = leases;
        _streamName = streamName;
        _initialPosition = initialPosition;
        _logger = logger;
    }

    public async Task<int> SyncAsync(CancellationToken cancellationToken)
    {
        var shards = await ListAllShardsAsync(cancellationToken).ConfigureAwait(false);
        var existing = (await _leases.ListLeasesAsync(cancellationToken).ConfigureAwait(false))
            .Select(l => l.LeaseKey)
            .ToHashSet(StringComparer.Ordinal);
        var inStream = shards.Select(s => s.ShardId).ToHashSet(StringComparer.Ordinal);

        var created = 0;
        foreach (var shard in shards)
        {
            if (existing.Contains(shard.ShardId))
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

            var hasLiveParent = parents.Any(p => inStream.Contains(p) || existing.Contains(p));
            var lease = new Lease
            {
                LeaseKey = shard.ShardId,
                Checkpoint = hasLiveParent || _initialPosition == InitialPosition.TrimHorizon
                    ? ExtendedSequenceNumber.TrimHorizon
                    : ExtendedSequenceNumber.Latest,
                ParentShardIds = parents,
                StartingHashKey = shard.StartingHashKey,
                EndingHashKey = shard.EndingHashKey,
            };

            if (await _leases.CreateLeaseIfNotExistsAsync(lease, cancellationToken).ConfigureAwait(false))
            {
                created++;
            }
        }

        KinesisAttribLog.ShardsSynced(_logger, _streamName, shards.Count, created);
        return created;
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
