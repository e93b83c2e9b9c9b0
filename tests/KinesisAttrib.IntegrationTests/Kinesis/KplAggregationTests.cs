using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using KinesisAttrib.Handlers;
using KinesisAttrib.Hosting;
using KinesisAttrib.IntegrationTests.TestSupport;
using KinesisAttrib.Kinesis;
using KinesisAttrib.Leases;
using KinesisAttrib.Processing;
using KinesisAttrib.Shards;
using KinesisAttrib.Tests.TestSupport;

namespace KinesisAttrib.IntegrationTests.Kinesis;

/// <summary>
/// KPL aggregates on kinesalite, leases on dynalite: aggregates built the way the KPL builds them (user records grouped
/// by the shard their partition key hashes to, the aggregate put with that shard's starting hash key as its explicit
/// hash key) arrive as user records in order; an aggregate put on the wrong shard is dropped; a checkpoint at a
/// sub-sequence number is stored in DynamoDB and a restarted scheduler resumes with the next user record.
/// </summary>
[Collection("emulators")]
public sealed class KplAggregationTests(EmulatorFixture emulators)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task AggregatedRecords_ArriveAsUserRecordsInOrder_AndARestartResumesInsideAnAggregate()
    {
        var stream = EmulatorFixture.UniqueName("kpl");
        var application = EmulatorFixture.UniqueName("kpl-app");
        using var kinesis = EmulatorStreams.CreateKinesisClient(emulators);
        await EmulatorStreams.CreateActiveStreamAsync(kinesis, stream, 2);
        var shards = (await kinesis.ListShardsAsync(new ListShardsRequest { StreamName = stream })).Shards;

        // 600 user records in aggregates of up to 40, grouped by shard; between them, ordinary records.
        var expectedByShard = shards.ToDictionary(s => s.ShardId, _ => new List<string>());
        var entries = new List<PutRecordsRequestEntry>();
        foreach (var shard in shards)
        {
            var keys = Enumerable.Range(0, 600).Where(i => ShardOf(shards, $"user-{i}") == shard).ToList();
            foreach (var chunk in keys.Chunk(40))
            {
                var builder = new KplAggregateBuilder();
                foreach (var i in chunk)
                {
                    builder.Add($"user-{i}", Encoding.UTF8.GetBytes($"u{i}"), tags: i % 7 == 0 ? [("source", "test")] : null);
                }

                entries.Add(new PutRecordsRequestEntry { Data = builder.Build(), PartitionKey = "aggregate", ExplicitHashKey = shard.StartingHashKey });
                entries.Add(new PutRecordsRequestEntry { Data = Encoding.UTF8.GetBytes($"plain-{chunk[0]}"), PartitionKey = "plain", ExplicitHashKey = shard.StartingHashKey });
                expectedByShard[shard.ShardId].AddRange([.. chunk.Select(i => $"u{i}"), $"plain-{chunk[0]}"]);
            }
        }

        // An aggregate whose user records belong to the second shard, put on the first (a stale KPL shard map).
        var stale = new KplAggregateBuilder();
        foreach (var i in Enumerable.Range(1000, 200).Where(i => ShardOf(shards, $"user-{i}") == shards[1]).Take(5))
        {
            stale.Add($"user-{i}", Encoding.UTF8.GetBytes($"stale-{i}"));
        }

        entries.Add(new PutRecordsRequestEntry { Data = stale.Build(), PartitionKey = "aggregate", ExplicitHashKey = shards[0].StartingHashKey });

        // Put in order per shard (PutRecords keeps the order of a call's records within a shard).
        foreach (var batch in entries.Chunk(100))
        {
            var put = await kinesis.PutRecordsAsync(new PutRecordsRequest { StreamName = stream, Records = batch });
            Assert.Equal(0, put.FailedRecordCount);
        }

        // First run: the processor checkpoints at sub-sequence 3 of the third aggregate of the first shard, then
        // "crashes" (no other checkpoint).
        var target = expectedByShard[shards[0].ShardId][(41 * 2) + 3];
        var first = new Collector(checkpointWhen: (shard, r) => shard == shards[0].ShardId && Text(r) == target);
        await RunAsync(application, stream, kinesis, first, expectedByShard.Values.Sum(l => l.Count));

        foreach (var (shardId, expected) in expectedByShard)
        {
            var delivered = first.Of(shardId);
            Assert.Equal(expected, delivered.Select(Text));
            for (var i = 1; i < delivered.Count; i++)
            {
                Assert.True(ExtendedSequenceNumber.Compare(delivered[i - 1].Position, delivered[i].Position) < 0, "user records arrive in (sequence, sub-sequence) order");
            }
        }

        Assert.DoesNotContain(first.Of(shards[0].ShardId), r => Text(r).StartsWith("stale-", StringComparison.Ordinal));
        var checkpointed = Assert.Single(first.Checkpointed);

        using var dynamo = emulators.CreateDynamoDbClient();
        var lease = await new DynamoDbLeaseStore(dynamo, application).GetLeaseAsync(shards[0].ShardId);
        Assert.Equal(checkpointed, lease!.Checkpoint);
        Assert.Equal(3, lease.Checkpoint.SubSequenceNumber);

        // Second run: the first shard resumes just after the checkpoint, the second (never checkpointed) from the start.
        var firstShard = first.Of(shards[0].ShardId);
        var resumeAt = firstShard.FindIndex(r => r.Position == checkpointed) + 1;
        var expectedAfterRestart = firstShard.Skip(resumeAt).Select(Text).ToList();
        var second = new Collector(checkpointWhen: (_, _) => false);
        await RunAsync(application, stream, kinesis, second, expectedAfterRestart.Count + expectedByShard[shards[1].ShardId].Count);

        Assert.Equal(expectedAfterRestart, second.Of(shards[0].ShardId).Select(Text));
        Assert.Equal((checkpointed.SequenceNumber, 4L), (second.Of(shards[0].ShardId)[0].SequenceNumber, second.Of(shards[0].ShardId)[0].SubSequenceNumber));
        Assert.Equal(expectedByShard[shards[1].ShardId], second.Of(shards[1].ShardId).Select(Text));
    }

    private static string Text(KinesisClientRecord record) => Encoding.UTF8.GetString(record.Data.Span);

#pragma warning disable CA5351 // Kinesis maps partition keys to shards by MD5.
    private static Shard ShardOf(IReadOnlyList<Shard> shards, string partitionKey)
    {
        var hash = BinaryPrimitives.ReadUInt128BigEndian(MD5.HashData(Encoding.UTF8.GetBytes(partitionKey)));
        return shards.Single(s => UInt128.Parse(s.StartingHashKey, CultureInfo.InvariantCulture) <= hash && hash <= UInt128.Parse(s.EndingHashKey, CultureInfo.InvariantCulture));
    }
#pragma warning restore CA5351

    private async Task RunAsync(string application, string stream, IKinesisClient kinesis, Collector collector, int count)
    {
        using var dynamo = emulators.CreateDynamoDbClient();
        var options = new KinesisAttribOptions
        {
            WorkerId = EmulatorFixture.UniqueName("worker"),
            FailoverTime = TimeSpan.FromSeconds(2),
            LeaseRenewalInterval = TimeSpan.FromMilliseconds(650),
            LeaseTakerInterval = TimeSpan.FromMilliseconds(250),
            IdleTimeBetweenReads = TimeSpan.FromMilliseconds(50),
            ProcessingRetryDelay = TimeSpan.FromMilliseconds(50),
            MaxRecords = 25,
        };
        using var stop = new CancellationTokenSource();
        var run = new Scheduler(application, stream, InitialPosition.TrimHorizon, () => collector, kinesis, new DynamoDbLeaseStore(dynamo, application), options).RunAsync(stop.Token);
        await collector.WhenCountReaches(count).WaitAsync(Patience);
        await stop.CancelAsync();
        await run.WaitAsync(Patience);
    }

    /// <summary>Collects user records per shard; checkpoints only at the record the predicate picks.</summary>
    private sealed class Collector(Func<string, KinesisClientRecord, bool> checkpointWhen) : IShardRecordProcessor
    {
        private readonly ConcurrentDictionary<string, ConcurrentQueue<KinesisClientRecord>> _byShard = new(StringComparer.Ordinal);
        private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _count;
        private int _target = int.MaxValue;

        public ConcurrentQueue<ExtendedSequenceNumber> Checkpointed { get; } = new();

        public List<KinesisClientRecord> Of(string shardId) => _byShard.TryGetValue(shardId, out var q) ? [.. q] : [];

        public Task WhenCountReaches(int count)
        {
            Volatile.Write(ref _target, count);
            if (Volatile.Read(ref _count) >= count)
            {
                _reached.TrySetResult();
            }

            return _reached.Task;
        }

        public ValueTask InitializeAsync(InitializationInput input, CancellationToken cancellationToken) => default;

        public async ValueTask ProcessRecordsAsync(ProcessRecordsInput input, CancellationToken cancellationToken)
        {
            var shardId = input.Checkpointer.ShardId;
            var queue = _byShard.GetOrAdd(shardId, _ => new ConcurrentQueue<KinesisClientRecord>());
            foreach (var record in input.Records)
            {
                queue.Enqueue(record);
                if (checkpointWhen(shardId, record))
                {
                    await input.Checkpointer.CheckpointAsync(record, cancellationToken);
                    Checkpointed.Enqueue(record.Position);
                }

                if (Interlocked.Increment(ref _count) >= Volatile.Read(ref _target))
                {
                    _reached.TrySetResult();
                }
            }
        }

        public ValueTask LeaseLostAsync(LeaseLostInput input, CancellationToken cancellationToken) => default;

        public ValueTask ShardEndedAsync(ShardEndedInput input, CancellationToken cancellationToken) => input.Checkpointer.CheckpointAsync(cancellationToken);

        // No checkpoint on shutdown: the worker stops as if it had crashed after its last checkpoint.
        public ValueTask ShutdownRequestedAsync(ShutdownRequestedInput input, CancellationToken cancellationToken) => default;
    }
}
