using System.Collections.Concurrent;
using System.Text;
using KinesisAttrib.Handlers;
using KinesisAttrib.Kinesis;
using KinesisAttrib.Processing;
using KinesisAttrib.Tests.TestSupport;
using static KinesisAttrib.Tests.TestSupport.SchedulerArrangement;

namespace KinesisAttrib.Tests.Retrieval;

/// <summary>
/// A scheduler over a shard of KPL aggregates: a checkpoint at (sequence, sub-sequence) survives a restart, and the
/// next worker resumes with the next user record of the aggregate; a failure after such a checkpoint redelivers from
/// the same place.
/// </summary>
public class KplResumeTests
{
    private const string Stream = "orders";

    private static async Task<(SchedulerArrangement Arranged, string Aggregate, List<string> Expected)> PutShardAsync()
    {
        var arranged = await SchedulerArrangement.CreateAsync(shards: 1, Stream);
        var kinesis = arranged.Kinesis;
        await kinesis.PutRecordAsync(new PutRecordRequest { StreamName = Stream, Data = Encoding.UTF8.GetBytes("before"), PartitionKey = "k" });
        var builder = new KplAggregateBuilder();
        for (var i = 0; i < 10; i++)
        {
            builder.Add($"customer-{i % 4}", Encoding.UTF8.GetBytes($"u{i}"));
        }

        var aggregate = await kinesis.PutRecordAsync(new PutRecordRequest { StreamName = Stream, Data = builder.Build(), PartitionKey = "aggregate" });
        await kinesis.PutRecordAsync(new PutRecordRequest { StreamName = Stream, Data = Encoding.UTF8.GetBytes("after"), PartitionKey = "k" });
        return (arranged, aggregate.SequenceNumber, ["before", .. Enumerable.Range(0, 10).Select(i => $"u{i}"), "after"]);
    }

    [Fact]
    public async Task ACheckpointInsideAnAggregate_SurvivesARestart_AndTheNextWorkerResumesAtTheNextUserRecord()
    {
        var (arranged, aggregate, expected) = await PutShardAsync();
        var store = arranged.Store;

        // First worker: given everything, it checkpoints at (aggregate, 3) and then "crashes" (stops without
        // checkpointing further).
        var first = new Deliveries(checkpointAt: 3);
        await RunUntilAsync(arranged, first, expected.Count, "worker-1");
        var lease = await store.GetLeaseAsync("shardId-000000000000");
        Assert.Equal(new ExtendedSequenceNumber(aggregate, 3), lease!.Checkpoint);

        var second = new Deliveries(checkpointAt: null);
        await RunUntilAsync(arranged, second, 7, "worker-2");

        Assert.Equal(["u4", "u5", "u6", "u7", "u8", "u9", "after"], second.Texts);
        Assert.Equal(Enumerable.Range(4, 6).Select(i => (aggregate, (long)i)), second.Records.Take(6).Select(r => (r.SequenceNumber, r.SubSequenceNumber)));
        Assert.Equal([new ExtendedSequenceNumber(aggregate, 3)], second.Initialized);
    }

    [Fact]
    public async Task AFailureAfterACheckpointInsideAnAggregate_RedeliversFromTheNextUserRecord()
    {
        var (arranged, aggregate, expected) = await PutShardAsync();
        var store = arranged.Store;

        var deliveries = new Deliveries(checkpointAt: 3) { FailOnceAt = 4 };
        await RunUntilAsync(arranged, deliveries, expected.Count, "worker-1");

        // First attempt: before, u0..u3 (checkpoint at u3), fails on u4; then u4 onwards again, exactly once each.
        Assert.Equal(expected, deliveries.Texts);
        Assert.Equal(new ExtendedSequenceNumber(aggregate, 3), (await store.GetLeaseAsync("shardId-000000000000"))!.Checkpoint);
    }

    private static async Task RunUntilAsync(SchedulerArrangement arranged, Deliveries deliveries, int count, string worker)
    {
        await using var running = arranged.Start(() => deliveries, FastOptions(worker));
        await deliveries.WhenCountReaches(count).WaitAsync(TestTimeout);
        await running.StopAsync();
    }

    /// <summary>Records what it is given; checkpoints only at sub-sequence <c>checkpointAt</c> of an aggregate.</summary>
    private sealed class Deliveries(long? checkpointAt) : IShardRecordProcessor
    {
        private readonly ConcurrentQueue<KinesisClientRecord> _records = new();
        private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _target = int.MaxValue;

        public long? FailOnceAt { get; set; }

        public List<KinesisClientRecord> Records => [.. _records];

        public List<string> Texts => Records.Select(r => Encoding.UTF8.GetString(r.Data.Span)).ToList();

        public ConcurrentQueue<ExtendedSequenceNumber> InitializedAt { get; } = new();

        public IEnumerable<ExtendedSequenceNumber> Initialized => InitializedAt;

        public Task WhenCountReaches(int count)
        {
            Volatile.Write(ref _target, count);
            Check();
            return _reached.Task;
        }

        public ValueTask InitializeAsync(InitializationInput input, CancellationToken cancellationToken)
        {
            InitializedAt.Enqueue(input.ExtendedSequenceNumber);
            return default;
        }

        public async ValueTask ProcessRecordsAsync(ProcessRecordsInput input, CancellationToken cancellationToken)
        {
            foreach (var record in input.Records)
            {
                if (record.Aggregated && record.SubSequenceNumber == FailOnceAt)
                {
                    FailOnceAt = null;
                    throw new InvalidOperationException("poison (test)");
                }

                _records.Enqueue(record);
                if (record.Aggregated && record.SubSequenceNumber == checkpointAt)
                {
                    await input.Checkpointer.CheckpointAsync(record, cancellationToken);
                }

                Check();
            }
        }

        public ValueTask LeaseLostAsync(LeaseLostInput input, CancellationToken cancellationToken) => default;

        public ValueTask ShardEndedAsync(ShardEndedInput input, CancellationToken cancellationToken) => input.Checkpointer.CheckpointAsync(cancellationToken);

        // No checkpoint on shutdown: the worker stops as if it had crashed after its last checkpoint.
        public ValueTask ShutdownRequestedAsync(ShutdownRequestedInput input, CancellationToken cancellationToken) => default;

        private void Check()
        {
            if (_records.Count >= Volatile.Read(ref _target))
            {
                _reached.TrySetResult();
            }
        }
    }
}

/// <summary>Every test of <see cref="KplResumeTests"/> again, with the shards read by enhanced fan-out instead of polling.</summary>
public sealed class KplResumeTestsFanOut : KplResumeTests
{
    public KplResumeTestsFanOut() => SchedulerArrangement.Retrieval = RetrievalMode.FanOut;
}
