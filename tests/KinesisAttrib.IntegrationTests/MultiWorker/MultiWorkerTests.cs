using System.Diagnostics;
using System.Numerics;
using Amazon.DynamoDBv2;
using KinesisAttrib.IntegrationTests.TestSupport;
using KinesisAttrib.Kinesis;
using KinesisAttrib.Leases;
using Xunit.Abstractions;

namespace KinesisAttrib.IntegrationTests.MultiWorker;

/// <summary>Several in-process workers (schedulers with their own worker ids) on kinesalite and one dynalite lease table.</summary>
[Collection(EmulatorCollection.Name)]
public sealed class MultiWorkerTests(EmulatorFixture emulators, ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    private readonly KinesisHttpClient _kinesis = EmulatorStreams.CreateKinesisClient(emulators);
    private readonly IAmazonDynamoDB _dynamo = emulators.CreateDynamoDbClient();
    private readonly DeliveryLog _log = new();
    private readonly List<Worker> _workers = [];
    private readonly string _application = EmulatorFixture.UniqueName("multi");
    private readonly string _stream = EmulatorFixture.UniqueName("multi");

    public void Dispose()
    {
        foreach (var worker in _workers)
        {
            worker.Dispose();
        }

        _kinesis.Dispose();
        _dynamo.Dispose();
    }

    private async Task<List<Worker>> StartAsync(int shards, params string[] ids)
    {
        await EmulatorStreams.CreateActiveStreamAsync(_kinesis, _stream, shards);
        foreach (var id in ids)
        {
            _workers.Add(new Worker(id, _application, _stream, _kinesis, _dynamo, _log));
        }

        return [.. _workers];
    }

    private Task PutAsync(int from, int count, int keys = 20) => EmulatorStreams.PutNumberedAsync(_kinesis, _stream, from, count, keys);

    private static Task WaitUntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null) => Poll.UntilAsync(condition, what, timeout ?? Timeout);

    private static bool Balanced(IReadOnlyList<Worker> workers, int shards)
    {
        var active = workers.SelectMany(w => w.Scheduler.ActiveShards).ToList();
        var counts = workers.Select(w => w.Scheduler.HeldShards.Count).ToList();
        var average = (double)shards / workers.Count;
        return active.Count == shards && active.Distinct().Count() == shards && counts.All(c => Math.Abs(c - average) <= 1);
    }

    private static string Loads(IEnumerable<Worker> workers) => string.Join(", ", workers.Select(w => $"{w.Id}={w.Scheduler.HeldShards.Count}"));

    private static void AssertEveryRecordDelivered(IReadOnlyList<Delivery> deliveries, int count)
        => Assert.Equal(Enumerable.Range(0, count).Select(i => $"p{i}").Order(StringComparer.Ordinal), deliveries.Select(d => d.Payload).Distinct().Order(StringComparer.Ordinal));

    [Fact]
    public async Task ThreeWorkers_OnEightShards_BalanceThreeThreeTwo_AndDeliverEveryRecord()
    {
        var workers = await StartAsync(8, "w-a", "w-b", "w-c");

        await WaitUntilAsync(() => Balanced(workers, 8), "3 workers hold 3, 3 and 2 of the 8 shards");
        await PutAsync(0, 800);
        await _log.WhenDistinctAsync(800, Timeout);

        Assert.True(Balanced(workers, 8), Loads(workers));
        Assert.Equal([2, 3, 3], workers.Select(w => w.Scheduler.HeldShards.Count).Order());
        var table = await new DynamoDbLeaseStore(_dynamo, _application).ListLeasesAsync();
        Assert.Equal([2, 3, 3], table.GroupBy(l => l.LeaseOwner).Select(g => g.Count()).Order());
        AssertEveryRecordDelivered(_log.Snapshot(), 800);
        Assert.Equal(800, _log.Snapshot().Count);
        Assert.All(_log.Snapshot().GroupBy(d => d.ShardId), g => Assert.Single(g.Select(d => d.Worker).Distinct()));
        output.WriteLine(Loads(workers));
    }

    [Fact]
    public async Task CrashedWorker_ItsShardsResumeElsewhereWithinFailoverTimePlusOneCycle_AndNoRecordIsSkipped()
    {
        var workers = await StartAsync(6, "w-a", "w-b", "w-c");
        await WaitUntilAsync(() => Balanced(workers, 6), "3 workers hold 2 shards each");
        await PutAsync(0, 600);
        await _log.WhenDistinctAsync(600, Timeout);

        var victim = workers[2];
        var orphaned = victim.Scheduler.ActiveShards.ToList();
        var survivors = workers.Take(2).ToList();
        await victim.CrashAsync();
        var clock = Stopwatch.StartNew();
        await PutAsync(600, 600);
        await WaitUntilAsync(() => orphaned.All(s => survivors.Any(w => w.Scheduler.ActiveShards.Contains(s))), "the crashed worker's shards run on the survivors");
        var resumedAfter = clock.Elapsed;
        await _log.WhenDistinctAsync(1200, Timeout);

        output.WriteLine($"failover of {orphaned.Count} shards took {resumedAfter.TotalMilliseconds:0} ms (failover time {Worker.FailoverTime.TotalMilliseconds:0} ms, taker cycle {Worker.TakerInterval.TotalMilliseconds:0} ms)");
        Assert.True(resumedAfter < Worker.FailoverTime + Worker.TakerInterval + TimeSpan.FromSeconds(1.5), $"resumed after {resumedAfter}");
        Assert.True(resumedAfter >= Worker.FailoverTime - Worker.TakerInterval, $"a live worker's lease must not be taken before it expires ({resumedAfter})");
        AssertEveryRecordDelivered(_log.Snapshot(), 1200);
        Assert.Equal(6, survivors.Sum(w => w.Scheduler.HeldShards.Count));
    }

    [Fact]
    public async Task GracefulStop_TheOthersContinueFromItsCheckpointsAtOnce_AndNoRecordIsDeliveredTwice()
    {
        var workers = await StartAsync(6, "w-a", "w-b", "w-c");
        await WaitUntilAsync(() => Balanced(workers, 6), "3 workers hold 2 shards each");
        await PutAsync(0, 600);
        await _log.WhenDistinctAsync(600, Timeout);

        var leaving = workers[2];
        var handedOver = leaving.Scheduler.ActiveShards.ToList();
        var staying = workers.Take(2).ToList();
        await leaving.StopAsync();
        var clock = Stopwatch.StartNew();
        await WaitUntilAsync(() => handedOver.All(s => staying.Any(w => w.Scheduler.ActiveShards.Contains(s))), "the stopped worker's shards run on the others");
        var resumedAfter = clock.Elapsed;
        await PutAsync(600, 600);
        await _log.WhenDistinctAsync(1200, Timeout);

        output.WriteLine($"hand-off of {handedOver.Count} shards took {resumedAfter.TotalMilliseconds:0} ms");
        Assert.True(resumedAfter < Worker.FailoverTime, $"the successor waited for expiry: {resumedAfter}");
        var deliveries = _log.Snapshot();
        AssertEveryRecordDelivered(deliveries, 1200);
        var repeated = deliveries.GroupBy(d => d.Payload).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(repeated.Count == 0, $"delivered twice: {string.Join(", ", repeated.Take(10))}");
    }

    [Fact]
    public async Task AJoiningWorker_IsHandedItsShare_AndNoRecordIsDeliveredTwice()
    {
        var workers = await StartAsync(6, "w-a", "w-b");
        await WaitUntilAsync(() => Balanced(workers, 6), "2 workers hold 3 shards each");
        await PutAsync(0, 600);
        await _log.WhenDistinctAsync(600, Timeout);

        // The newcomer holds nothing, so nothing is free for it: it asks for a lease, and the others hand over its
        // share after checkpointing, instead of it stealing one (which would redeliver since the last checkpoint).
        // Records keep flowing while the leases move, so a lease taken mid-batch would show as a repeat.
        _workers.Add(new Worker("w-c", _application, _stream, _kinesis, _dynamo, _log));
        workers = [.. _workers];
        var produced = 600;
        using var deadline = new CancellationTokenSource(Timeout);
        while (!Balanced(workers, 6) || produced < 1200)
        {
            await PutAsync(produced, 50);
            produced += 50;
            await Task.Delay(50, deadline.Token); // paces the producer (the records must flow during the hand-off)
        }

        await _log.WhenDistinctAsync(produced, Timeout);

        var deliveries = _log.Snapshot();
        AssertEveryRecordDelivered(deliveries, produced);
        var repeated = deliveries.GroupBy(d => d.Payload).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(repeated.Count == 0, $"delivered twice: {string.Join(", ", repeated.Take(10))}");
        Assert.Contains(deliveries, d => d.Worker == "w-c");
    }

    [Fact]
    public async Task SplitAndMergeWhileRecordsFlow_EveryRecordIsDelivered_AndEachKeysFirstDeliveriesFollowProductionOrder()
    {
        var workers = await StartAsync(3, "w-a", "w-b");
        await WaitUntilAsync(() => Balanced(workers, 3), "2 workers share 3 shards");
        var shards = (await _kinesis.ListShardsAsync(new ListShardsRequest { StreamName = _stream })).Shards;
        var first = shards.Single(s => s.ShardId == "shardId-000000000000");
        var middle = (BigInteger.Parse(first.StartingHashKey!, System.Globalization.CultureInfo.InvariantCulture) + BigInteger.Parse(first.EndingHashKey!, System.Globalization.CultureInfo.InvariantCulture)) / 2;

        const int Total = 1500;
        for (var from = 0; from < Total; from += 100)
        {
            await PutAsync(from, 100);
            if (from == 400)
            {
                await KinesaliteResharding.SplitShardAsync(emulators.KinesisEndpoint, _stream, first.ShardId, middle.ToString(System.Globalization.CultureInfo.InvariantCulture));
                await KinesaliteResharding.WaitUntilActiveAsync(_kinesis, _stream);
            }

            if (from == 900)
            {
                await KinesaliteResharding.MergeShardsAsync(emulators.KinesisEndpoint, _stream, "shardId-000000000001", "shardId-000000000002");
                await KinesaliteResharding.WaitUntilActiveAsync(_kinesis, _stream);
            }
        }

        await _log.WhenDistinctAsync(Total, TimeSpan.FromSeconds(120));

        var deliveries = _log.Snapshot();
        AssertEveryRecordDelivered(deliveries, Total);
        var firstDelivery = deliveries.GroupBy(d => d.Payload).ToDictionary(g => g.Key, g => g.Min(d => d.Order), StringComparer.Ordinal);
        foreach (var key in Enumerable.Range(0, 20))
        {
            var produced = Enumerable.Range(0, Total).Where(i => i % 20 == key).Select(i => firstDelivery[$"p{i}"]).ToList();
            Assert.True(produced.SequenceEqual(produced.Order()), $"key-{key}: first deliveries out of production order");
        }

        var byShard = deliveries.Select(d => d.ShardId).Distinct().Order(StringComparer.Ordinal).ToList();
        output.WriteLine($"records came from shards {string.Join(", ", byShard)}");
        Assert.True(byShard.Count >= 6, "records were read from the parents and from the split and merge children");
        var table = await new DynamoDbLeaseStore(_dynamo, _application).ListLeasesAsync();
        foreach (var parent in new[] { "shardId-000000000000", "shardId-000000000001", "shardId-000000000002" })
        {
            Assert.True(table.SingleOrDefault(l => l.LeaseKey == parent)?.Checkpoint.IsShardEnd ?? true, $"{parent} reached SHARD_END");
        }

        // Each finished parent's lease names its children (childShardIds, as the KCL writes it), from ListShards lineage.
        var listed = (await _kinesis.ListShardsAsync(new ListShardsRequest { StreamName = _stream })).Shards;
        foreach (var parent in new[] { "shardId-000000000000", "shardId-000000000001", "shardId-000000000002" })
        {
            var expected = listed.Where(s => s.ParentShardId == parent || s.AdjacentParentShardId == parent).Select(s => s.ShardId).Order(StringComparer.Ordinal).ToList();
            Assert.NotEmpty(expected);
            var store = new DynamoDbLeaseStore(_dynamo, _application);
            using var cts = new CancellationTokenSource(Timeout);
            while ((await store.GetLeaseAsync(parent))?.ChildShardIds is not { Count: > 0 } children || !children.SequenceEqual(expected))
            {
                // Polling the table: the next shard sync writes them (ShardSyncInterval is one second here).
                await Task.Delay(100, cts.Token);
            }
        }
    }
}
