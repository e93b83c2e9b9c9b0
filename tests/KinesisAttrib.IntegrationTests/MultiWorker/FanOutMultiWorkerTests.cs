using System.Diagnostics;
using System.Numerics;
using Amazon.DynamoDBv2;
using KinesisAttrib.Handlers;
using KinesisAttrib.IntegrationTests.TestSupport;
using KinesisAttrib.Kinesis;
using KinesisAttrib.Leases;
using KinesisAttrib.Retrieval;
using Xunit.Abstractions;

namespace KinesisAttrib.IntegrationTests.MultiWorker;

/// <summary>
/// Several in-process workers reading by enhanced fan-out: SubscribeToShard over HTTP/2 on kinesis-local, leases on
/// dynalite. A crashed worker's shards are subscribed again by the others from its checkpoints; a split and a merge
/// under traffic end their parents (kinesis-local never sends a closed shard's last event: the publisher finds the
/// end through the shard list and GetRecords) and the children continue in order.
/// </summary>
[Collection(EmulatorCollection.Name)]
public sealed class FanOutMultiWorkerTests(EmulatorFixture emulators, ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(150);

    private readonly KinesisHttpClient _kinesis = emulators.CreateKinesisLocalClient();
    private readonly IAmazonDynamoDB _dynamo = emulators.CreateDynamoDbClient();
    private readonly DeliveryLog _log = new();
    private readonly List<Worker> _workers = [];
    private readonly string _application = EmulatorFixture.UniqueName("efo");
    private readonly string _stream = EmulatorFixture.UniqueName("efo");

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
            _workers.Add(new Worker(id, _application, _stream, _kinesis, _dynamo, _log, retrieval: RetrievalMode.FanOut));
        }

        return [.. _workers];
    }

    private Task PutAsync(int from, int count, int keys = 20) => EmulatorStreams.PutNumberedAsync(_kinesis, _stream, from, count, keys);

    private static Task WaitUntilAsync(Func<bool> condition, string what) => Poll.UntilAsync(condition, what, Timeout);

    private static void AssertEveryRecordDelivered(IReadOnlyList<Delivery> deliveries, int count)
        => Assert.Equal(Enumerable.Range(0, count).Select(i => $"p{i}").Order(StringComparer.Ordinal), deliveries.Select(d => d.Payload).Distinct().Order(StringComparer.Ordinal));

    private static void AssertEachKeysFirstDeliveriesFollowProductionOrder(IReadOnlyList<Delivery> deliveries, int count, int keys = 20)
    {
        var firstDelivery = deliveries.GroupBy(d => d.Payload).ToDictionary(g => g.Key, g => g.Min(d => d.Order), StringComparer.Ordinal);
        foreach (var key in Enumerable.Range(0, keys))
        {
            var produced = Enumerable.Range(0, count).Where(i => i % keys == key).Select(i => firstDelivery[$"p{i}"]).ToList();
            Assert.True(produced.SequenceEqual(produced.Order()), $"key-{key}: first deliveries out of production order");
        }
    }

    [Fact]
    public async Task ThreeWorkersShareOneRegisteredConsumer_ACrashedWorkersShardsAreSubscribedAgainElsewhere_AndNothingIsLost()
    {
        var workers = await StartAsync(4, "w-a", "w-b", "w-c");
        await WaitUntilAsync(() => workers.Sum(w => w.Scheduler.ActiveShards.Count) == 4 && workers.All(w => w.Scheduler.ActiveShards.Count >= 1), "3 workers share 4 shards");
        await PutAsync(0, 400);
        await _log.WhenDistinctAsync(400, Timeout);

        var victim = workers.First(w => w.Scheduler.ActiveShards.Count >= 1);
        var orphaned = victim.Scheduler.ActiveShards.ToList();
        var survivors = workers.Where(w => w != victim).ToList();
        await victim.CrashAsync();
        var clock = Stopwatch.StartNew();
        await PutAsync(400, 400);
        await WaitUntilAsync(() => orphaned.All(s => survivors.Any(w => w.Scheduler.ActiveShards.Contains(s))), "the crashed worker's shards run on the survivors");
        output.WriteLine($"the survivors took {orphaned.Count} shards after {clock.Elapsed.TotalSeconds:F1} s");
        await _log.WhenDistinctAsync(800, Timeout);

        var deliveries = _log.Snapshot();
        AssertEveryRecordDelivered(deliveries, 800);
        AssertEachKeysFirstDeliveriesFollowProductionOrder(deliveries, 800);

        // One consumer, named after the application, serves every worker; all reads were pushed.
        var summary = await _kinesis.DescribeStreamSummaryAsync(_stream);
        var consumer = await _kinesis.DescribeStreamConsumerAsync(new StreamConsumerRequest { StreamArn = summary.StreamArn, ConsumerName = _application });
        Assert.Equal("ACTIVE", consumer.ConsumerStatus);
        Assert.All(survivors, w => Assert.Equal(consumer.ConsumerArn, Assert.IsType<FanOutRecordsPublisherFactory>(w.Scheduler.Publishers).ConsumerArn));
    }

    [Fact]
    public async Task SplitAndMergeWhileRecordsFlow_EveryRecordIsDelivered_TheParentsEnd_AndEachKeysFirstDeliveriesFollowProductionOrder()
    {
        var workers = await StartAsync(3, "w-a", "w-b");
        await WaitUntilAsync(() => workers.Sum(w => w.Scheduler.ActiveShards.Count) == 3, "2 workers share 3 shards");
        var shards = (await _kinesis.ListShardsAsync(new ListShardsRequest { StreamName = _stream })).Shards;
        var first = shards.Single(s => s.ShardId == "shardId-000000000000");
        var middle = (BigInteger.Parse(first.StartingHashKey!, System.Globalization.CultureInfo.InvariantCulture) + BigInteger.Parse(first.EndingHashKey!, System.Globalization.CultureInfo.InvariantCulture)) / 2;

        const int Total = 900;
        for (var from = 0; from < Total; from += 100)
        {
            await PutAsync(from, 100);
            if (from == 200)
            {
                await _kinesis.SplitShardAsync(new SplitShardRequest { StreamName = _stream, ShardToSplit = first.ShardId, NewStartingHashKey = middle.ToString(System.Globalization.CultureInfo.InvariantCulture) });
                await KinesaliteResharding.WaitUntilActiveAsync(_kinesis, _stream);
            }

            if (from == 500)
            {
                await _kinesis.MergeShardsAsync(new MergeShardsRequest { StreamName = _stream, ShardToMerge = "shardId-000000000001", AdjacentShardToMerge = "shardId-000000000002" });
                await KinesaliteResharding.WaitUntilActiveAsync(_kinesis, _stream);
            }
        }

        await _log.WhenDistinctAsync(Total, Timeout);

        var deliveries = _log.Snapshot();
        AssertEveryRecordDelivered(deliveries, Total);
        AssertEachKeysFirstDeliveriesFollowProductionOrder(deliveries, Total);
        var byShard = deliveries.Select(d => d.ShardId).Distinct().Order(StringComparer.Ordinal).ToList();
        output.WriteLine($"records came from shards {string.Join(", ", byShard)}");
        Assert.True(byShard.Count >= 6, $"records were read from the parents and from the split and merge children ({string.Join(", ", byShard)})");
        var store = new DynamoDbLeaseStore(_dynamo, _application);
        foreach (var parent in new[] { "shardId-000000000000", "shardId-000000000001", "shardId-000000000002" })
        {
            await Poll.UntilAsync(async ct => (await store.GetLeaseAsync(parent, ct))?.Checkpoint.IsShardEnd ?? true, $"{parent} reached SHARD_END", Timeout);
        }
    }

    [Fact]
    public async Task TwoApplicationsOnOneStream_EachReadsEveryRecordThroughItsOwnConsumer_OnSharedConnections()
    {
        await EmulatorStreams.CreateActiveStreamAsync(_kinesis, _stream, 2);
        await PutAsync(0, 300);
        var other = new DeliveryLog();
        var otherApplication = EmulatorFixture.UniqueName("efo2");
        _workers.Add(new Worker("w-a", _application, _stream, _kinesis, _dynamo, _log, retrieval: RetrievalMode.FanOut));
        _workers.Add(new Worker("w-a", otherApplication, _stream, _kinesis, _dynamo, other, retrieval: RetrievalMode.FanOut));

        await _log.WhenDistinctAsync(300, Timeout);
        await other.WhenDistinctAsync(300, Timeout);

        AssertEveryRecordDelivered(_log.Snapshot(), 300);
        AssertEveryRecordDelivered(other.Snapshot(), 300);
    }
}
