using System.Text;
using KinesisAttrib.Handlers;
using KinesisAttrib.Kinesis;
using KinesisAttrib.Processing;
using KinesisAttrib.Testing;
using KinesisAttrib.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using static KinesisAttrib.Tests.TestSupport.SchedulerArrangement;

namespace KinesisAttrib.Tests.Failures;

/// <summary>
/// The failure policy on the real scheduler and shard consumer (in-memory Kinesis and leases), on 1,000 records over
/// two shards where the handler fails on exactly one: what reaches the destination, what is handled (exactly once in a
/// clean run), and where the checkpoints land.
/// </summary>
public class FailurePolicySchedulerTests
{
    private const string Poison = "r537";
    private const int Count = 1000;

    private static readonly HandlerSettings s_fastRetries = new()
    {
        HandlerName = "Tests.Poison",
        RetryDelay = TimeSpan.FromMilliseconds(1),
        MaxRetryDelay = TimeSpan.FromMilliseconds(5),
    };

    [Fact]
    public async Task RecordHandler_WithNRetriesThenADestination_SendsOnlyThePoisonRecordWithItsError_AndHandlesEveryOtherOnce()
    {
        var (arranged, records) = await StreamWithRecordsAsync();
        var destination = new RecordingDestination();
        var log = new HandledLog();
        using var services = Services(destination);
        var settings = s_fastRetries with { MaxRetryAttempts = 3 };

        var store = await RunUntilAsync(arranged, () => new PoisonRecordProcessor(services, settings, Poison, log), () => log.Total == Count - 1 && !destination.Received.IsEmpty);

        var failed = Assert.Single(destination.Received);
        Assert.Equal(Poison, Encoding.UTF8.GetString(failed.Data.Span));
        Assert.Equal(FailureReason.HandlerFailed, failed.Reason);
        Assert.Equal(4, failed.Attempts);
        Assert.Equal(4, log.PoisonAttempts);
        Assert.Equal(typeof(InvalidOperationException).FullName, failed.ErrorType);
        Assert.Equal($"cannot handle {Poison}", failed.ErrorMessage);
        Assert.Equal(("app", "orders", "Tests.Poison"), (failed.ApplicationName, failed.StreamName, failed.HandlerName));
        var poison = records.Single(r => r.Payload == Poison);
        Assert.Equal((poison.ShardId, poison.SequenceNumber), (failed.ShardId, failed.SequenceNumber));
        AssertEveryOtherRecordHandledOnce(log);
        await AssertCheckpointedAtTheEndOfEachShardAsync(store, records);
    }

    [Fact]
    public async Task BatchHandler_WithBisect_HandlesTheGoodHalvesOnce_AndOnlyThePoisonRecordEndsUpFailing()
    {
        var (arranged, records) = await StreamWithRecordsAsync();
        var destination = new RecordingDestination();
        var log = new HandledLog();
        using var services = Services(destination);
        var settings = s_fastRetries with { MaxRetryAttempts = 2, BisectBatchOnError = true };
        var processors = new System.Collections.Concurrent.ConcurrentQueue<PoisonBatchProcessor>();

        var store = await RunUntilAsync(
            arranged,
            () =>
            {
                var processor = new PoisonBatchProcessor(services, settings, Poison, log);
                processors.Enqueue(processor);
                return processor;
            },
            () => log.Total == Count - 1 && !destination.Received.IsEmpty);

        var failed = Assert.Single(destination.Received);
        Assert.Equal(Poison, Encoding.UTF8.GetString(failed.Data.Span));
        Assert.Equal(FailureReason.HandlerFailed, failed.Reason);
        Assert.Equal(3, failed.Attempts);

        // Halved down to the poison record alone (at most 7 halvings of a batch of 100), then tried alone 3 times.
        Assert.Contains(1, processors.SelectMany(p => p.BatchSizes));
        Assert.InRange(log.PoisonAttempts, 1 + 3, 1 + 7 + 3);
        AssertEveryOtherRecordHandledOnce(log);
        await AssertCheckpointedAtTheEndOfEachShardAsync(store, records);
    }

    [Fact]
    public async Task BatchHandler_WithoutBisect_AfterTheRetries_SendsEveryRecordOfTheFailingBatch_AndLosesNone()
    {
        var (arranged, records) = await StreamWithRecordsAsync();
        var destination = new RecordingDestination();
        var log = new HandledLog();
        using var services = Services(destination);
        var settings = s_fastRetries with { MaxRetryAttempts = 1 };

        var store = await RunUntilAsync(arranged, () => new PoisonBatchProcessor(services, settings, Poison, log), () => log.Total + destination.Received.Count == Count);

        Assert.Contains(Poison, destination.Payloads());
        Assert.InRange(destination.Received.Count, 2, 100);
        Assert.All(destination.Received, r => Assert.Equal(2, r.Attempts));
        var handledOrSent = log.Handled.Keys.Concat(destination.Payloads()).ToList();
        Assert.Equal(Count, handledOrSent.Count);
        Assert.Equal(records.Select(r => r.Payload).ToHashSet(), handledOrSent.ToHashSet());
        await AssertCheckpointedAtTheEndOfEachShardAsync(store, records);
    }

    [Fact]
    public async Task MaxRecordAge_SendsStaleRecordsToTheDestinationWithoutHandlingThem()
    {
        var arrivals = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var arranged = await SchedulerArrangement.CreateAsync(shards: 2, kinesis: new InMemoryKinesisClient(arrivals));
        var old = await PutAsync(arranged.Kinesis, 0, 300);
        arrivals.Advance(TimeSpan.FromHours(2));
        var fresh = await PutAsync(arranged.Kinesis, 300, 700);
        var destination = new RecordingDestination();
        var log = new HandledLog();

        // The processor's clock is the producer's: the first 300 records are two hours old when read.
        using var services = Services(destination, arrivals);
        var settings = new HandlerSettings { HandlerName = "Tests.Aged", MaxRecordAge = TimeSpan.FromHours(1) };

        var store = await RunUntilAsync(arranged, () => new PoisonRecordProcessor(services, settings, "none", log), () => log.Total == 700 && destination.Received.Count == 300);

        Assert.Equal(old.Select(r => r.Payload).ToHashSet(), destination.Payloads().ToHashSet());
        Assert.All(destination.Received, r => Assert.Equal((FailureReason.RecordTooOld, 0, (string?)null), (r.Reason, r.Attempts, r.ErrorType)));
        Assert.Equal(fresh.Select(r => r.Payload).ToHashSet(), log.Handled.Keys.ToHashSet());
        Assert.All(log.Handled.Values, n => Assert.Equal(1, n));
        await AssertCheckpointedAtTheEndOfEachShardAsync(store, [.. old, .. fresh]);
    }

    [Fact]
    public async Task PartialBatchFailure_WithoutARetryLimit_CheckpointsJustBeforeTheFailedRecord_AndRedeliversItFromThere()
    {
        var (arranged, records) = await StreamWithRecordsAsync();
        var log = new HandledLog();
        using var services = Services(destination: null);
        var settings = new HandlerSettings { HandlerName = "Tests.Partial" };
        var store = arranged.Store;
        var poison = records.Single(r => r.Payload == Poison);
        var before = records.Where(r => r.ShardId == poison.ShardId).TakeWhile(r => r.Payload != Poison).Last();

        await using var running = arranged.Start(() => new PoisonBatchProcessor(services, settings, Poison, log, reportFailure: true));
        await Eventually.WaitUntilAsync(
            async () => log.PoisonAttempts >= 3 && (await store.GetLeaseAsync(poison.ShardId))?.Checkpoint.SequenceNumber == before.SequenceNumber,
            TestTimeout,
            "the poison record was redelivered and the checkpoint sits just before it");
        await running.StopAsync();

        Assert.Equal(before.SequenceNumber, (await store.GetLeaseAsync(poison.ShardId))!.Checkpoint.SequenceNumber);
        var after = records.Where(r => r.ShardId == poison.ShardId).SkipWhile(r => r.Payload != Poison).Select(r => r.Payload).ToList();
        Assert.DoesNotContain(log.Handled.Keys, after.Contains);
        Assert.All(records.Where(r => r.ShardId == poison.ShardId).TakeWhile(r => r.Payload != Poison), r => Assert.Equal(1, log.Handled[r.Payload]));
    }

    [Fact]
    public async Task PartialBatchFailure_WithRetriesAndADestination_SendsTheReportedRecord_AndHandlesTheRestOnce()
    {
        var (arranged, records) = await StreamWithRecordsAsync();
        var destination = new RecordingDestination();
        var log = new HandledLog();
        using var services = Services(destination);
        var settings = s_fastRetries with { MaxRetryAttempts = 2 };

        var store = await RunUntilAsync(arranged, () => new PoisonBatchProcessor(services, settings, Poison, log, reportFailure: true), () => log.Total == Count - 1 && !destination.Received.IsEmpty);

        var failed = Assert.Single(destination.Received);
        Assert.Equal((Poison, FailureReason.ReportedByHandler, 3), (Encoding.UTF8.GetString(failed.Data.Span), failed.Reason, failed.Attempts));
        Assert.Equal(typeof(BatchPartialFailureException).FullName, failed.ErrorType);
        AssertEveryOtherRecordHandledOnce(log);
        await AssertCheckpointedAtTheEndOfEachShardAsync(store, records);
    }

    [Fact]
    public async Task DeserializationFailure_GoesThroughTheSamePolicy_ToTheDestination()
    {
        var (arranged, records) = await StreamWithRecordsAsync();
        var destination = new RecordingDestination();
        var log = new HandledLog();
        using var services = Services(destination);
        var settings = s_fastRetries with { MaxRetryAttempts = 1 };

        var store = await RunUntilAsync(arranged, () => new PoisonRecordProcessor(services, settings, "none", log, new PoisonDeserializer(Poison)), () => log.Total == Count - 1 && !destination.Received.IsEmpty);

        var failed = Assert.Single(destination.Received);
        Assert.Equal((Poison, FailureReason.DeserializationFailed, 2), (Encoding.UTF8.GetString(failed.Data.Span), failed.Reason, failed.Attempts));
        Assert.Equal(typeof(RecordDeserializationException).FullName, failed.ErrorType);
        Assert.Contains("is not a valid payload", failed.Exception!.InnerException!.Message, StringComparison.Ordinal);
        AssertEveryOtherRecordHandledOnce(log);
        await AssertCheckpointedAtTheEndOfEachShardAsync(store, records);
    }

    [Fact]
    public async Task BatchHandler_DeserializationFailure_WithRetries_HandlesTheRecordsAroundIt_AndSendsIt()
    {
        var (arranged, records) = await StreamWithRecordsAsync();
        var destination = new RecordingDestination();
        var log = new HandledLog();
        using var services = Services(destination);
        var settings = s_fastRetries with { MaxRetryAttempts = 0 };

        var store = await RunUntilAsync(arranged, () => new DecodingBatchProcessor(services, settings, new PoisonDeserializer(Poison), log), () => log.Total == Count - 1 && !destination.Received.IsEmpty);

        var failed = Assert.Single(destination.Received);
        Assert.Equal((Poison, FailureReason.DeserializationFailed, 1), (Encoding.UTF8.GetString(failed.Data.Span), failed.Reason, failed.Attempts));
        AssertEveryOtherRecordHandledOnce(log);
        await AssertCheckpointedAtTheEndOfEachShardAsync(store, records);
    }

    [Fact]
    public async Task DestinationWriteFailures_AreRetried_AndTheRecordIsCheckpointedPastOnlyOnceAccepted()
    {
        var (arranged, records) = await StreamWithRecordsAsync();
        var destination = new RecordingDestination(refuseFirst: 3);
        var log = new HandledLog();
        using var services = Services(destination);
        var settings = s_fastRetries with { MaxRetryAttempts = 0 };

        var store = await RunUntilAsync(arranged, () => new PoisonRecordProcessor(services, settings, Poison, log), () => log.Total == Count - 1 && !destination.Received.IsEmpty);

        Assert.Single(destination.Received);
        Assert.Equal(4, destination.Calls);
        AssertEveryOtherRecordHandledOnce(log);
        await AssertCheckpointedAtTheEndOfEachShardAsync(store, records);
    }

    [Fact]
    public async Task DefaultPolicy_KeepsRetryingThePoisonRecord_BlockingOnlyItsShard_AndSkipsNothing()
    {
        var (arranged, records) = await StreamWithRecordsAsync();
        var log = new HandledLog();
        using var services = Services(destination: null);
        var store = arranged.Store;
        var poison = records.Single(r => r.Payload == Poison);

        await using var running = arranged.Start(() => new PoisonRecordProcessor(services, new HandlerSettings { HandlerName = "Tests.Default" }, Poison, log));
        var otherShard = records.Where(r => r.ShardId != poison.ShardId).ToList();
        await Eventually.WaitUntilAsync(
            () => Task.FromResult(log.PoisonAttempts >= 3 && otherShard.All(r => log.Handled.ContainsKey(r.Payload))),
            TestTimeout,
            "the other shard is done while the poison record is retried");
        await running.StopAsync();

        var checkpoint = (await store.GetLeaseAsync(poison.ShardId))!.Checkpoint;
        Assert.True(ExtendedSequenceNumber.CompareSequenceNumbers(checkpoint.SequenceNumber, poison.SequenceNumber) < 0);
        Assert.DoesNotContain(log.Handled.Keys, records.Where(r => r.ShardId == poison.ShardId).SkipWhile(r => r.Payload != Poison).Select(r => r.Payload).Contains);
    }

    private static void AssertEveryOtherRecordHandledOnce(HandledLog log)
    {
        Assert.Equal(Count - 1, log.Handled.Count);
        Assert.DoesNotContain(Poison, log.Handled.Keys);
        Assert.All(log.Handled, pair => Assert.True(pair.Value == 1, $"{pair.Key} was handled {pair.Value} times"));
        Assert.Equal(Enumerable.Range(0, Count).Select(i => $"r{i}").Where(p => p != Poison).ToHashSet(), log.Handled.Keys.ToHashSet());
    }

    private static async Task AssertCheckpointedAtTheEndOfEachShardAsync(InMemoryLeaseStore store, IReadOnlyList<PutRecord> records)
    {
        foreach (var shard in records.GroupBy(r => r.ShardId))
        {
            var lease = await store.GetLeaseAsync(shard.Key);
            Assert.Equal(shard.Last().SequenceNumber, lease!.Checkpoint.SequenceNumber);
        }
    }

    private static ServiceProvider Services(IFailedRecordDestination? destination, TimeProvider? time = null)
    {
        var services = new ServiceCollection();
        if (destination is not null)
        {
            services.AddSingleton(destination);
        }

        if (time is not null)
        {
            services.AddSingleton(time);
        }

        return services.BuildServiceProvider();
    }

    private static async Task<InMemoryLeaseStore> RunUntilAsync(SchedulerArrangement arranged, Func<IShardRecordProcessor> processors, Func<bool> done)
    {
        await using var running = arranged.Start(processors);
        await Eventually.WaitUntilAsync(() => Task.FromResult(done()), TestTimeout, "every record was handled or sent to the destination");
        await running.StopAsync();
        return arranged.Store;
    }

    private static async Task<(SchedulerArrangement Arranged, List<PutRecord> Records)> StreamWithRecordsAsync()
    {
        var arranged = await SchedulerArrangement.CreateAsync(shards: 2);
        return (arranged, await PutAsync(arranged.Kinesis, 0, Count));
    }

    /// <summary>Puts <c>r{from}</c>… and returns each record's shard and sequence number, in put order.</summary>
    private static async Task<List<PutRecord>> PutAsync(IKinesisClient kinesis, int from, int count)
    {
        var result = new List<PutRecord>();
        for (var offset = 0; offset < count; offset += 500)
        {
            var payloads = Enumerable.Range(from + offset, Math.Min(500, count - offset)).Select(i => $"r{i}").ToList();
            var response = await kinesis.PutRecordsAsync(new PutRecordsRequest
            {
                StreamName = "orders",
                Records = payloads.Select((p, i) => new PutRecordsRequestEntry { Data = Encoding.UTF8.GetBytes(p), PartitionKey = $"key-{(from + offset + i) % 37}" }).ToList(),
            });
            Assert.Equal(0, response.FailedRecordCount);
            result.AddRange(payloads.Zip(response.Records, (p, r) => new PutRecord(p, r.ShardId!, r.SequenceNumber!)));
        }

        return result;
    }

    internal sealed record PutRecord(string Payload, string ShardId, string SequenceNumber);

    /// <summary>A batch handler over a deserializer that may fail.</summary>
    private sealed class DecodingBatchProcessor(IServiceProvider services, HandlerSettings settings, IRecordDeserializer<string> deserializer, HandledLog log)
        : BatchHandlerProcessor<string>(services, deserializer, settings)
    {
        protected override ValueTask<BatchResult> HandleAsync(IServiceProvider services, IReadOnlyList<KinesisRecord<string>> records, BatchContext batch, IRecordProcessorCheckpointer checkpointer, CancellationToken cancellationToken)
        {
            foreach (var record in records)
            {
                log.Add(record.Payload);
            }

            return ValueTask.FromResult(BatchResult.Success);
        }
    }
}

/// <summary>Every test of <see cref="FailurePolicySchedulerTests"/> again, with the shards read by enhanced fan-out instead of polling.</summary>
public sealed class FailurePolicySchedulerTestsFanOut : FailurePolicySchedulerTests
{
    public FailurePolicySchedulerTestsFanOut() => SchedulerArrangement.Retrieval = RetrievalMode.FanOut;
}
