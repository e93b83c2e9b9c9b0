using System.Collections.Concurrent;
using System.Numerics;
using KinesisAttrib.Handlers;
using KinesisAttrib.Kinesis;
using KinesisAttrib.Leases;
using KinesisAttrib.Shards;
using KinesisAttrib.Testing;
using KinesisAttrib.Tests.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;

namespace KinesisAttrib.Tests.Shards;

public sealed class ShardSyncerTests
{
    [Fact]
    public async Task Sync_CreatesParentLeasesBeforeTheirChildren_WhateverOrderListShardsReturns()
    {
        var kinesis = new InMemoryKinesisClient();
        await kinesis.CreateStreamAsync("orders", 1);
        var (left, right) = kinesis.SplitShard("orders", "shardId-000000000000", BigInteger.Pow(2, 127));
        var merged = kinesis.MergeShards("orders", left, right);
        var store = new RecordingLeaseStore(new InMemoryLeaseStore());
        var syncer = new ShardSyncer(new ChildrenFirstKinesisClient(kinesis), store, "orders", InitialPosition.TrimHorizon, NullLogger.Instance);

        Assert.Equal(4, await syncer.SyncAsync(CancellationToken.None));

        // A child lease written before its parent's would let a taker scan in between judge the parent finished
        // (no lease) and start the child before the parent's records were read.
        var order = store.Created.ToList();
        Assert.True(order.IndexOf("shardId-000000000000") < order.IndexOf(left), string.Join(", ", order));
        Assert.True(order.IndexOf("shardId-000000000000") < order.IndexOf(right), string.Join(", ", order));
        Assert.True(order.IndexOf(left) < order.IndexOf(merged) && order.IndexOf(right) < order.IndexOf(merged), string.Join(", ", order));
    }

    [Fact]
    public async Task Sync_RecordsTheChildrenOfFinishedShards_OnTheirLeases_OnceTheChildrenAreLeased()
    {
        var kinesis = new InMemoryKinesisClient();
        await kinesis.CreateStreamAsync("orders", 2);
        var store = new InMemoryLeaseStore();
        var syncer = new ShardSyncer(kinesis, store, "orders", InitialPosition.TrimHorizon, NullLogger.Instance);
        await syncer.SyncAsync(CancellationToken.None);
        await FinishAsync(store, "shardId-000000000000");
        await FinishAsync(store, "shardId-000000000001");

        var (left, right) = kinesis.SplitShard("orders", "shardId-000000000000", BigInteger.Pow(2, 126));
        var merged = kinesis.MergeShards("orders", right, "shardId-000000000001");
        await syncer.SyncAsync(CancellationToken.None);

        Assert.Equal(new[] { left, right }.Order(StringComparer.Ordinal), (await store.GetLeaseAsync("shardId-000000000000"))!.ChildShardIds);
        Assert.Equal([merged], (await store.GetLeaseAsync("shardId-000000000001"))!.ChildShardIds);

        // An open shard has no children to record, even when it is a parent in the making.
        Assert.Empty((await store.GetLeaseAsync(right))!.ChildShardIds);
    }

    [Fact]
    public async Task CreateChildLeases_FromGetRecordsChildShards_RecordsThemOnTheParentLease()
    {
        var kinesis = new InMemoryKinesisClient();
        await kinesis.CreateStreamAsync("orders", 1);
        var store = new InMemoryLeaseStore();
        var syncer = new ShardSyncer(kinesis, store, "orders", InitialPosition.Latest, NullLogger.Instance);
        await syncer.SyncAsync(CancellationToken.None);
        await FinishAsync(store, "shardId-000000000000");

        var children = new List<ChildShard>
        {
            new() { ShardId = "shardId-000000000002", ParentShards = ["shardId-000000000000"], StartingHashKey = "170141183460469231731687303715884105728", EndingHashKey = "340282366920938463463374607431768211455" },
            new() { ShardId = "shardId-000000000001", ParentShards = ["shardId-000000000000"], StartingHashKey = "0", EndingHashKey = "170141183460469231731687303715884105727" },
        };
        Assert.Equal(2, await syncer.CreateChildLeasesAsync("shardId-000000000000", children, CancellationToken.None));

        Assert.Equal(["shardId-000000000001", "shardId-000000000002"], (await store.GetLeaseAsync("shardId-000000000000"))!.ChildShardIds);
        var upper = (await store.GetLeaseAsync("shardId-000000000002"))!;
        Assert.Equal(ExtendedSequenceNumber.TrimHorizon, upper.Checkpoint);

        // The child's hash-key range reaches its lease (the KPL filter on the child's consumer needs it; a later
        // ListShards sync does not add it, since lease creation is conditional on the lease not existing).
        Assert.Equal("170141183460469231731687303715884105728", upper.StartingHashKey);
        Assert.Equal("340282366920938463463374607431768211455", upper.EndingHashKey);
        Assert.Equal("0", (await store.GetLeaseAsync("shardId-000000000001"))!.StartingHashKey);
    }

    private static async Task FinishAsync(ILeaseStore store, string shardId)
    {
        var lease = await store.TakeLeaseAsync((await store.GetLeaseAsync(shardId))!, "worker");
        Assert.NotNull(await store.UpdateCheckpointAsync(lease!, ExtendedSequenceNumber.ShardEnd));
    }

    /// <summary>Lists the shards newest first (ListShards does not promise parents first).</summary>
    private sealed class ChildrenFirstKinesisClient(IKinesisClient inner) : ForwardingKinesisClient(inner)
    {
        public override async Task<ListShardsResponse> ListShardsAsync(ListShardsRequest request, CancellationToken cancellationToken = default)
        {
            var page = await Inner.ListShardsAsync(request, cancellationToken);
            return page with { Shards = [.. page.Shards.Reverse()] };
        }
    }

    private sealed class RecordingLeaseStore(ILeaseStore inner) : ForwardingLeaseStore(inner)
    {
        public ConcurrentQueue<string> Created { get; } = new();

        public override async Task<bool> CreateLeaseIfNotExistsAsync(Lease lease, CancellationToken cancellationToken = default)
        {
            var created = await Inner.CreateLeaseIfNotExistsAsync(lease, cancellationToken);
            if (created)
            {
                Created.Enqueue(lease.LeaseKey);
            }

            return created;
        }
    }
}
