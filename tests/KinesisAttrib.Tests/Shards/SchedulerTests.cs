using System.Numerics;
using System.Text;
using KinesisAttrib.Handlers;
using KinesisAttrib.Hosting;
using KinesisAttrib.Kinesis;
using KinesisAttrib.Leases;
using KinesisAttrib.Processing;
using KinesisAttrib.Testing;
using KinesisAttrib.Tests.TestSupport;
using static KinesisAttrib.Tests.TestSupport.SchedulerArrangement;

namespace KinesisAttrib.Tests.Shards;

public class SchedulerTests
{
    private static RunningScheduler Start(SchedulerArrangement arranged, RecordingSink sink, KinesisAttribOptions? options = null, InitialPosition position = InitialPosition.TrimHorizon, IKinesisClient? kinesis = null)
        => arranged.Start(() => new RecordingProcessor(sink), options, position, kinesis);

    /// <summary>One shard holding <c>r0</c>.., split in two at the middle of the hash range; as many records again go to the children.</summary>
    private static async Task<(SchedulerArrangement Arranged, string Left, string Right)> SplitShardAsync(int recordsEach)
    {
        var arranged = await SchedulerArrangement.CreateAsync(shards: 1);
        await arranged.PutAsync(0, recordsEach);
        var (left, right) = arranged.Kinesis.SplitShard("orders", "shardId-000000000000", BigInteger.Pow(2, 127));
        await arranged.PutAsync(recordsEach, recordsEach);
        return (arranged, left, right);
    }

    [Fact]
    public async Task Scheduler_DeliversEveryRecordInShardOrder_AndCheckpointsTheLastOne()
    {
        var arranged = await SchedulerArrangement.CreateAsync(shards: 2);
        await arranged.PutAsync(0, 1000);
        var sink = new RecordingSink();

        await using var running = Start(arranged, sink);
        await sink.WhenCountReaches(1000, TestTimeout);
        await running.StopAsync();

        var byShard = sink.ByShard();
        Assert.Equal(2, byShard.Count);
        Assert.Equal(1000, byShard.Values.Sum(l => l.Count));
        foreach (var (shardId, records) in byShard)
        {
            var ordered = records.OrderBy(r => r.SequenceNumber, Comparer<string>.Create(ExtendedSequenceNumber.CompareSequenceNumbers)).ToList();
            Assert.Equal(ordered.Select(r => r.SequenceNumber), records.Select(r => r.SequenceNumber));
            var lease = await arranged.Store.GetLeaseAsync(shardId);
            Assert.Equal(records[^1].SequenceNumber, lease!.Checkpoint.SequenceNumber);
            Assert.Null(lease.LeaseOwner);
        }
    }

    [Fact]
    public async Task Scheduler_OnRestart_DeliversOnlyRecordsAfterTheCheckpoint()
    {
        var arranged = await SchedulerArrangement.CreateAsync(shards: 2);
        await arranged.PutAsync(0, 300);

        var first = new RecordingSink();
        await using (var running = Start(arranged, first))
        {
            await first.WhenCountReaches(300, TestTimeout);
            await running.StopAsync();
        }

        var expected = await arranged.PutAsync(300, 200);
        var second = new RecordingSink();
        await using (var running = Start(arranged, second, FastOptions("worker-2")))
        {
            await second.WhenCountReaches(200, TestTimeout);
            await running.StopAsync();
        }

        var delivered = second.ByShard().Values.SelectMany(l => l).Select(r => r.SequenceNumber).ToHashSet();
        Assert.Equal(expected.ToHashSet(), delivered);
    }

    [Fact]
    public async Task Scheduler_WhenTheProcessorThrows_DeliversTheFailedRecordAgainAndLosesNothing()
    {
        var arranged = await SchedulerArrangement.CreateAsync(shards: 1);
        await arranged.PutAsync(0, 250);
        var sink = new RecordingSink { FailOnce = "r120" };

        await using var running = Start(arranged, sink);
        await sink.WhenCountReaches(250, TestTimeout);
        await running.StopAsync();

        var payloads = sink.ByShard().Values.Single().Select(r => Encoding.UTF8.GetString(r.Data.Span)).ToList();
        Assert.Equal(Enumerable.Range(0, 250).Select(i => $"r{i}").ToHashSet(), payloads.ToHashSet());
        Assert.Contains("r120", payloads);
        Assert.True(payloads.Count >= 250);
    }

    [Fact]
    public async Task Scheduler_OnGracefulStop_FinishesTheBatchInHandAndCheckpointsIt()
    {
        var arranged = await SchedulerArrangement.CreateAsync(shards: 1);
        var sequences = await arranged.PutAsync(0, 50);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var sink = new RecordingSink { BatchGate = gate };

        await using var running = Start(arranged, sink);
        await sink.WhenCountReaches(50, TestTimeout);
        await running.RequestStopAsync();
        Assert.False(running.Run.IsCompleted);
        gate.SetResult();
        await running.Run.WaitAsync(TestTimeout);

        var lease = await arranged.Store.GetLeaseAsync("shardId-000000000000");
        Assert.Equal(sequences[^1], lease!.Checkpoint.SequenceNumber);
        Assert.Contains(("shardId-000000000000", "ShutdownRequested"), sink.Endings);
    }

    [Fact]
    public async Task Scheduler_AfterASplit_FinishesTheParentBeforeStartingTheChildren()
    {
        var (arranged, left, right) = await SplitShardAsync(recordsEach: 100);
        var sink = new RecordingSink();

        await using var running = Start(arranged, sink);
        await sink.WhenCountReaches(200, TestTimeout);
        await running.StopAsync();

        var byShard = sink.ByShard();
        Assert.Equal(100, byShard["shardId-000000000000"].Count);
        Assert.Equal(100, byShard[left].Count + byShard.GetValueOrDefault(right, []).Count);
        Assert.True((await arranged.Store.GetLeaseAsync("shardId-000000000000"))!.Checkpoint.IsShardEnd);
        var initialized = sink.Initialized.Select(i => i.ShardId).ToList();
        Assert.True(initialized.IndexOf("shardId-000000000000") < initialized.IndexOf(left));
        Assert.Equal(["shardId-000000000000"], (await arranged.Store.GetLeaseAsync(left))!.ParentShardIds);
    }

    [Fact]
    public async Task Scheduler_AfterAMerge_StartsTheChildOnlyWhenBothParentsHaveEnded()
    {
        var arranged = await SchedulerArrangement.CreateAsync(shards: 2);
        await arranged.PutAsync(0, 200);
        var child = arranged.Kinesis.MergeShards("orders", "shardId-000000000000", "shardId-000000000001");
        await arranged.PutAsync(200, 100);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var sink = new RecordingSink { BatchGate = gate };

        // Hold every batch until both parents have delivered something, then let everything run.
        await using var running = Start(arranged, sink);
        await WaitForAsync(() => sink.ByShard().Count == 2);
        Assert.DoesNotContain(sink.Initialized, i => i.ShardId == child);
        gate.SetResult();
        await sink.WhenCountReaches(300, TestTimeout);
        await running.StopAsync();

        var byShard = sink.ByShard();
        Assert.Equal(200, byShard["shardId-000000000000"].Count + byShard["shardId-000000000001"].Count);
        Assert.Equal(100, byShard[child].Count);
        var childLease = await arranged.Store.GetLeaseAsync(child);
        Assert.Equal(["shardId-000000000000", "shardId-000000000001"], childLease!.ParentShardIds.Order());
        var endings = sink.Endings.Where(e => e.Ending == "ShardEnded").Select(e => e.ShardId).ToList();
        Assert.Equal(["shardId-000000000000", "shardId-000000000001"], endings.Order());
        var initialized = sink.Initialized.Select(i => i.ShardId).ToList();
        Assert.Equal(child, initialized[^1]);
    }

    [Fact]
    public async Task Scheduler_WithLatest_SkipsRecordsPutBeforeItStarted()
    {
        var arranged = await SchedulerArrangement.CreateAsync(shards: 1);
        await arranged.PutAsync(0, 20);
        var sink = new RecordingSink();

        await using var running = Start(arranged, sink, position: InitialPosition.Latest);

        // LATEST is where the shard is when it is first read (a GetRecords after its iterator, or a subscription).
        await WaitForAsync(() => sink.Initialized.Count == 1 && arranged.Kinesis.GetRecordsCallCount + arranged.Kinesis.SubscribeToShardCallCount > 0);
        var expected = await arranged.PutAsync(20, 10);
        await sink.WhenCountReaches(10, TestTimeout);
        await running.StopAsync();

        Assert.Equal(expected, sink.ByShard().Values.Single().Select(r => r.SequenceNumber));
    }

    [Fact]
    public async Task Scheduler_WithLatest_RedeliversABatchTheProcessorFailedOn_BeforeAnythingWasCheckpointed()
    {
        var arranged = await SchedulerArrangement.CreateAsync(shards: 1);
        var sink = new RecordingSink { FailOnce = "r3" };

        await using var running = Start(arranged, sink, position: InitialPosition.Latest);
        await WaitForAsync(() => arranged.Kinesis.GetRecordsCallCount + arranged.Kinesis.SubscribeToShardCallCount > 0);
        await arranged.PutAsync(0, 10);

        // r0..r2 are delivered, r3 fails; the lease still says LATEST. A LATEST iterator would skip r3..r9.
        await sink.WhenCountReaches(13, TestTimeout);
        await running.StopAsync();

        var payloads = sink.ByShard().Values.Single().Select(r => Encoding.UTF8.GetString(r.Data.Span)).ToList();
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"r{i}"), payloads.Distinct());
        Assert.Equal("r9", payloads[^1]);
        var lease = (await arranged.Store.ListLeasesAsync()).Single();
        Assert.False(lease.Checkpoint.IsSentinel);
    }

    [Fact]
    public async Task Scheduler_OnGracefulStop_HandsItsLeasesToAWaitingWorkerWithoutWaitingForExpiry()
    {
        var arranged = await SchedulerArrangement.CreateAsync(shards: 1);
        await arranged.PutAsync(0, 100);
        var first = new RecordingSink();
        var second = new RecordingSink();
        var slowFailover = FastOptions("worker-2");
        slowFailover.FailoverTime = TimeSpan.FromMinutes(10);

        await using var runningFirst = Start(arranged, first);
        await first.WhenCountReaches(100, TestTimeout);
        await using var runningSecond = Start(arranged, second, slowFailover);
        await runningFirst.StopAsync();
        var expected = await arranged.PutAsync(100, 50);
        await second.WhenCountReaches(50, TestTimeout);
        await runningSecond.StopAsync();

        Assert.Equal(expected, second.ByShard().Values.Single().Select(r => r.SequenceNumber));
    }

    [Fact]
    public async Task Scheduler_WhenAWorkerDiesWithoutStopping_ASurvivorTakesOverAfterTheFailoverTimeFromTheCheckpoint()
    {
        var arranged = await SchedulerArrangement.CreateAsync(shards: 1);
        var firstBatch = await arranged.PutAsync(0, 100);
        var store = arranged.Store;
        var dead = new RecordingSink();
        var survivor = new RecordingSink();
        using var kill = new CancellationTokenSource();

        var runDead = arranged.NewScheduler(() => new RecordingProcessor(dead)).RunAsync(CancellationToken.None, kill.Token);
        await dead.WhenCountReaches(100, TestTimeout);
        await WaitForAsync(() => store.GetLeaseAsync("shardId-000000000000").Result!.Checkpoint.SequenceNumber == firstBatch[^1]);
        await kill.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => runDead.WaitAsync(TestTimeout));
        Assert.Equal("worker-1", (await store.GetLeaseAsync("shardId-000000000000"))!.LeaseOwner);

        var expected = await arranged.PutAsync(100, 30);
        await using var runningSurvivor = Start(arranged, survivor, FastOptions("worker-2"));
        await survivor.WhenCountReaches(30, TestTimeout);
        await runningSurvivor.StopAsync();

        Assert.Equal(expected, survivor.ByShard().Values.Single().Select(r => r.SequenceNumber));
    }

    [Fact]
    public async Task Scheduler_AcrossExpiredIteratorsThrottlingAndLostResponses_DeliversEveryRecordExactlyOnceInOrder()
    {
        var arranged = await SchedulerArrangement.CreateAsync(shards: 2);
        var sequences = await arranged.PutAsync(0, 600);
        var kinesis = new FaultyKinesisClient(arranged.Kinesis) { ExpireEvery = 3, ThrottleEvery = 7, LoseResponseEvery = 5 };
        var sink = new RecordingSink();
        var options = FastOptions();
        options.MaxRecords = 25;
        arranged.Kinesis.SubscriptionMaxRecordsPerEvent = 25; // as many fan-out events as reads

        await using var running = Start(arranged, sink, options, kinesis: kinesis);

        // Twice the usual time: with fan-out every ended subscription is renewed at most once a second, as Kinesis allows.
        await sink.WhenCountReaches(600, TestTimeout * 2);
        await running.StopAsync();

        Assert.True(kinesis.Faults >= 10, $"only {kinesis.Faults} faults were injected");
        var delivered = sink.ByShard();
        Assert.Equal(600, delivered.Values.Sum(l => l.Count));
        Assert.Equal(sequences.ToHashSet(), delivered.Values.SelectMany(l => l).Select(r => r.SequenceNumber).ToHashSet());
        foreach (var records in delivered.Values)
        {
            var ordered = records.Select(r => r.SequenceNumber).Order(Comparer<string>.Create(ExtendedSequenceNumber.CompareSequenceNumbers));
            Assert.Equal(ordered, records.Select(r => r.SequenceNumber));
        }
    }

    [Fact]
    public async Task Scheduler_WhenTheProcessorDoesNotCheckpointAtShardEnd_KeepsTheChildrenWaiting()
    {
        var (arranged, left, right) = await SplitShardAsync(recordsEach: 10);
        var sink = new RecordingSink();
        var forgetful = 0;

        await using var running = arranged.Start(() => new AtShardEnd(new RecordingProcessor(sink), (_, _) =>
        {
            Interlocked.Increment(ref forgetful);
            return default;
        }));
        await sink.WhenCountReaches(10, TestTimeout);
        await WaitForAsync(() => Volatile.Read(ref forgetful) >= 2);
        await running.StopAsync();

        Assert.False((await arranged.Store.GetLeaseAsync("shardId-000000000000"))!.Checkpoint.IsShardEnd);
        Assert.DoesNotContain(sink.Initialized, i => i.ShardId == left || i.ShardId == right);
        Assert.Equal(10, sink.Count);
    }

    [Fact]
    public async Task Scheduler_WhenShardEndedCheckpointsThenThrows_TheShardIsFinished_AndTheChildrenStart()
    {
        var (arranged, left, right) = await SplitShardAsync(recordsEach: 10);
        var sink = new RecordingSink();
        var throwing = 0;

        // SHARD_END is recorded, then the processor's own cleanup fails: the shard is finished all the same.
        await using var running = arranged.Start(() => new AtShardEnd(new RecordingProcessor(sink), async (input, ct) =>
        {
            await input.Checkpointer.CheckpointAsync(ct);
            Interlocked.Increment(ref throwing);
            throw new InvalidOperationException("cleanup failed after the SHARD_END checkpoint");
        }));
        await sink.WhenCountReaches(20, TestTimeout);
        await running.StopAsync();

        Assert.True(running.Run.IsCompletedSuccessfully);
        Assert.True((await arranged.Store.GetLeaseAsync("shardId-000000000000"))!.Checkpoint.IsShardEnd);
        Assert.Equal(1, Volatile.Read(ref throwing));
        Assert.Contains(sink.Initialized, i => i.ShardId == left || i.ShardId == right);
        Assert.Equal(20, sink.Count);
    }

    [Fact]
    public async Task Scheduler_OnAQuietShard_GivesAnIdleAwareProcessorItsTurn_AndItsCheckpointIsStored()
    {
        var arranged = await SchedulerArrangement.CreateAsync(shards: 1);
        var sequences = await arranged.PutAsync(0, 3);
        var sink = new RecordingSink();

        // The processor never checkpoints while records come; only on an empty read.
        await using var running = arranged.Start(() => new CheckpointsWhenIdle(sink));
        await sink.WhenCountReaches(3, TestTimeout);
        await Eventually.WaitUntilAsync(
            async () => (await arranged.Store.GetLeaseAsync("shardId-000000000000"))?.Checkpoint.SequenceNumber == sequences[^1],
            TestTimeout,
            "the idle turn checkpointed the last record");
        await running.StopAsync();

        Assert.Equal(3, sink.Count);
    }

    private sealed class CheckpointsWhenIdle(RecordingSink sink) : IShardRecordProcessor, IIdleShardProcessor
    {
        private readonly RecordingProcessor _inner = new(sink);

        public ValueTask InitializeAsync(InitializationInput input, CancellationToken cancellationToken) => _inner.InitializeAsync(input, cancellationToken);

        public ValueTask ProcessRecordsAsync(ProcessRecordsInput input, CancellationToken cancellationToken) =>
            _inner.ProcessRecordsAsync(new ProcessRecordsInput(input.Records, input.MillisBehindLatest, new NoCheckpoints(input.Checkpointer)), cancellationToken);

        public ValueTask IdleAsync(IRecordProcessorCheckpointer checkpointer, CancellationToken cancellationToken) =>
            checkpointer.LargestPermittedCheckpoint.IsSentinel ? default : checkpointer.CheckpointAsync(cancellationToken);

        public ValueTask LeaseLostAsync(LeaseLostInput input, CancellationToken cancellationToken) => default;

        public ValueTask ShardEndedAsync(ShardEndedInput input, CancellationToken cancellationToken) => input.Checkpointer.CheckpointAsync(cancellationToken);

        public ValueTask ShutdownRequestedAsync(ShutdownRequestedInput input, CancellationToken cancellationToken) => default;
    }

    [Theory]
    [InlineData(1)] // the first sync, before the scheduler started
    [InlineData(2)] // a take in the running loop
    public async Task Scheduler_GracefulStopWhileALeaseTableCallIsInFlight_ReturnsNormally(int blockedCall)
    {
        var arranged = await SchedulerArrangement.CreateAsync(shards: 1);
        var store = new BlockingListLeaseStore(arranged.Store, blockedCall);

        await using var running = arranged.Start(() => new RecordingProcessor(new RecordingSink()), store: store);
        await store.Blocked.Task.WaitAsync(TestTimeout);

        // Not a TaskCanceledException: a graceful stop is not a failure, whatever was in flight.
        await running.StopAsync();
        Assert.True(running.Run.IsCompletedSuccessfully);
    }

    /// <summary>Blocks the n-th ListLeases call (and every later one) until it is cancelled.</summary>
    private sealed class BlockingListLeaseStore(ILeaseStore inner, int blockFrom) : ForwardingLeaseStore(inner)
    {
        private int _calls;

        public TaskCompletionSource Blocked { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override async Task<IReadOnlyList<Lease>> ListLeasesAsync(CancellationToken cancellationToken = default)
        {
            if (Interlocked.Increment(ref _calls) >= blockFrom)
            {
                Blocked.TrySetResult();
                await Task.Delay(System.Threading.Timeout.Infinite, cancellationToken);
            }

            return await Inner.ListLeasesAsync(cancellationToken);
        }
    }

    private sealed class NoCheckpoints(IRecordProcessorCheckpointer inner) : IRecordProcessorCheckpointer
    {
        public string ShardId => inner.ShardId;

        public ExtendedSequenceNumber LastCheckpoint => inner.LastCheckpoint;

        public ExtendedSequenceNumber LargestPermittedCheckpoint => inner.LargestPermittedCheckpoint;

        public ValueTask CheckpointAsync(CancellationToken cancellationToken = default) => default;

        public ValueTask CheckpointAsync(KinesisClientRecord record, CancellationToken cancellationToken = default) => default;

        public ValueTask CheckpointAsync(string sequenceNumber, long subSequenceNumber = 0, CancellationToken cancellationToken = default) => default;
    }

    /// <summary>Forwards to <paramref name="inner"/>, except at shard end, which <paramref name="onShardEnd"/> handles.</summary>
    private sealed class AtShardEnd(IShardRecordProcessor inner, Func<ShardEndedInput, CancellationToken, ValueTask> onShardEnd) : IShardRecordProcessor
    {
        public ValueTask InitializeAsync(InitializationInput input, CancellationToken cancellationToken) => inner.InitializeAsync(input, cancellationToken);

        public ValueTask ProcessRecordsAsync(ProcessRecordsInput input, CancellationToken cancellationToken) => inner.ProcessRecordsAsync(input, cancellationToken);

        public ValueTask LeaseLostAsync(LeaseLostInput input, CancellationToken cancellationToken) => inner.LeaseLostAsync(input, cancellationToken);

        public ValueTask ShardEndedAsync(ShardEndedInput input, CancellationToken cancellationToken) => onShardEnd(input, cancellationToken);

        public ValueTask ShutdownRequestedAsync(ShutdownRequestedInput input, CancellationToken cancellationToken) => inner.ShutdownRequestedAsync(input, cancellationToken);
    }

    [Fact]
    public async Task Scheduler_WhenTheStreamDoesNotExist_FailsNamingIt()
    {
        var arranged = new SchedulerArrangement(new InMemoryKinesisClient(), "orders", new InMemoryLeaseStore());
        var scheduler = arranged.NewScheduler(() => new RecordingProcessor(new RecordingSink()));
        var error = await Assert.ThrowsAnyAsync<InvalidOperationException>(() => scheduler.RunAsync(CancellationToken.None));
        Assert.StartsWith("KinesisAttrib application 'app', stream 'orders': the stream does not exist in Kinesis", error.Message, StringComparison.Ordinal);
        Assert.IsType<ResourceNotFoundException>(error.InnerException);
    }

    [Fact]
    public void Scheduler_RejectsInvalidOptions_NamingTheOption()
    {
        var options = FastOptions();
        options.MaxRecords = 0;
        var arranged = new SchedulerArrangement(new InMemoryKinesisClient(), "orders", new InMemoryLeaseStore());
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => arranged.NewScheduler(() => new RecordingProcessor(new RecordingSink()), options));
        Assert.Contains("MaxRecords", error.Message, StringComparison.Ordinal);
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TestTimeout);
        while (!condition())
        {
            await Task.Delay(10, timeout.Token);
        }
    }
}

/// <summary>Every test of <see cref="SchedulerTests"/> again, with the shards read by enhanced fan-out instead of polling.</summary>
public sealed class SchedulerTestsFanOut : SchedulerTests
{
    public SchedulerTestsFanOut() => SchedulerArrangement.Retrieval = RetrievalMode.FanOut;
}
