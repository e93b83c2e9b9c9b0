using System.Numerics;
using System.Text;
using KinesisAttrib.Handlers;
using KinesisAttrib.Hosting;
using KinesisAttrib.Kinesis;
using KinesisAttrib.Leases;
using KinesisAttrib.Processing;
using KinesisAttrib.Shards;
using KinesisAttrib.Testing;
using KinesisAttrib.Tests.TestSupport;
using static KinesisAttrib.Tests.TestSupport.SchedulerTestKit;

namespace KinesisAttrib.Tests.Shards;

public sealed class SchedulerTests
{
    private static Scheduler NewScheduler(IKinesisClient kinesis, InMemoryLeaseStore store, RecordingSink sink, KinesisAttribOptions? options = null, InitialPosition position = InitialPosition.TrimHorizon)
        => new("app", "orders", position, () => new RecordingProcessor(sink), kinesis, store, options ?? FastOptions());

    [Fact]
    public async Task Scheduler_DeliversEveryRecordInShardOrder_AndCheckpointsTheLastOne()
    {
        var kinesis = new InMemoryKinesisClient();
        await kinesis.CreateStreamAsync("orders", 2);
        await PutAsync(kinesis, "orders", 0, 1000);
        var store = new InMemoryLeaseStore();
        var sink = new RecordingSink();
        using var stop = new CancellationTokenSource();

        var run = NewScheduler(kinesis, store, sink).RunAsync(stop.Token);
        await sink.WhenCountReaches(1000, TestTimeout);
        await stop.CancelAsync();
        await run.WaitAsync(TestTimeout);

        var byShard = sink.ByShard();
        Assert.Equal(2, byShard.Count);
        Assert.Equal(1000, byShard.Values.Sum(l => l.Count));
        foreach (var (shardId, records) in byShard)
        {
            var ordered = records.OrderBy(r => r.SequenceNumber, Comparer<string>.Create(ExtendedSequenceNumber.CompareSequenceNumbers)).ToList();
            Assert.Equal(ordered.Select(r => r.SequenceNumber), records.Select(r => r.SequenceNumber));
            var lease = await store.GetLeaseAsync(shardId);
            Assert.Equal(records[^1].SequenceNumber, lease!.Checkpoint.SequenceNumber);
            Assert.Null(lease.LeaseOwner);
        }
    }

    [Fact]
    public async Task Scheduler_OnRestart_DeliversOnlyRecordsAfterTheCheckpoint()
    {
        var kinesis = new InMemoryKinesisClient();
        await kinesis.CreateStreamAsync("orders", 2);
        await PutAsync(kinesis, "orders", 0, 300);
        var store = new InMemoryLeaseStore();

        var first = new RecordingSink();
        using (var stop = new CancellationTokenSource())
        {
            var run = NewScheduler(kinesis, store, first).RunAsync(stop.Token);
            await first.WhenCountReaches(300, TestTimeout);
            await stop.CancelAsync();
            await run.WaitAsync(TestTimeout);
        }

        var expected = await PutAsync(kinesis, "orders", 300, 200);
        var second = new RecordingSink();
        using (var stop = new CancellationTokenSource())
        {
            var run = NewScheduler(kinesis, store, second, FastOptions("worker-2")).RunAsync(stop.Token);
            await second.WhenCountReaches(200, TestTimeout);
            await stop.CancelAsync();
            await run.WaitAsync(TestTimeout);
        }

        var delivered = second.ByShard().Values.SelectMany(l => l).Select(r => r.SequenceNumber).ToHashSet();
        Assert.Equal(expected.ToHashSet(), delivered);
    }

    [Fact]
    public async Task Scheduler_WhenTheProcessorThrows_DeliversTheFailedRecordAgainAndLosesNothing()
    {
        var kinesis = new InMemoryKinesisClient();
        await kinesis.CreateStreamAsync("orders", 1);
        await PutAsync(kinesis, "orders", 0, 250);
        var store = new InMemoryLeaseStore();
        var sink = new RecordingSink { FailOnce = "r120" };
        using var stop = new CancellationTokenSource();

        var run = NewScheduler(kinesis, store, sink).RunAsync(stop.Token);
        await sink.WhenCountReaches(250, TestTimeout);
        await stop.CancelAsync();
        await run.WaitAsync(TestTimeout);

        var payloads = sink.ByShard().Values.Single().Select(r => Encoding.UTF8.GetString(r.Data.Span)).ToList();
        Assert.Equal(Enumerable.Range(0, 250).Select(i => $"r{i}").ToHashSet(), payloads.ToHashSet());
        Assert.Contains("r120", payloads);
        Assert.True(payloads.Count >= 250);
    }

    [Fact]
    public async Task Scheduler_OnGracefulStop_FinishesTheBatchInHandAndCheckpointsIt()
    {
        var kinesis = new InMemoryKinesisClient();
        await kinesis.CreateStreamAsync("orders", 1);
        var sequences = await PutAsync(kinesis, "orders", 0, 50);
        var store = new InMemoryLeaseStore();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var sink = new RecordingSink { BatchGate = gate };
        using var stop = new CancellationTokenSource();

        var run = NewScheduler(kinesis, store, sink).RunAsync(stop.Token);
        await sink.WhenCountReaches(50, TestTimeout);
        await stop.CancelAsync();
        Assert.False(run.IsCompleted);
        gate.SetResult();
        await run.WaitAsync(TestTimeout);

        var lease = await store.GetLeaseAsync("shardId-000000000000");
        Assert.Equal(sequences[^1], lease!.Checkpoint.SequenceNumber);
        Assert.Contains(("shardId-000000000000", "ShutdownRequested"), sink.Endings);
    }

    [Fact]
    public async Task Scheduler_AfterASplit_FinishesTheParentBeforeStartingTheChildren()
    {
        var kinesis = new InMemoryKinesisClient();
        await kinesis.CreateStreamAsync("orders", 1);
        await PutAsync(kinesis, "orders", 0, 100);
        var (left, right) = kinesis.SplitShard("orders", "shardId-000000000000", BigInteger.Pow(2, 127));
        await PutAsync(kinesis, "orders", 100, 100);
        var store = new InMemoryLeaseStore();
        var sink = new RecordingSink();
        using var stop = new CancellationTokenSource();

        var run = NewScheduler(kinesis, store, sink).RunAsync(stop.Token);
        await sink.WhenCountReaches(200, TestTimeout);
        await stop.CancelAsync();
        await run.WaitAsync(TestTimeout);

        var byShard = sink.ByShard();
        Assert.Equal(100, byShard["shardId-000000000000"].Count);
        Assert.Equal(100, byShard[left].Count + byShard.GetValueOrDefault(right, []).Count);
        Assert.True((await store.GetLeaseAsync("shardId-000000000000"))!.Checkpoint.IsShardEnd);
        var initialized = sink.Initialized.Select(i => i.ShardId).ToList();
        Assert.True(initialized.IndexOf("shardId-000000000000") < initialized.IndexOf(left));
        Assert.Equal(["shardId-000000000000"], (await store.GetLeaseAsync(left))!.ParentShardIds);
    }

    [Fact]
    public async Task Scheduler_AfterAMerge_StartsTheChildOnlyWhenBothParentsHaveEnded()
    {
        var kinesis = new InMemoryKinesisClient();
        await kinesis.CreateStreamAsync("orders", 2);
        await PutAsync(kinesis, "orders", 0, 200);
        var child = kinesis.MergeShards("orders", "shardId-000000000000", "shardId-000000000001");
        await PutAsync(kinesis, "orders", 200, 100);
        var store = new InMemoryLeaseStore();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var sink = new RecordingSink { BatchGate = gate };
        using var stop = new CancellationTokenSource();

        // Hold every batch until both parents have delivered something, then let everything run.
        var run = NewScheduler(kinesis, store, sink).RunAsync(stop.Token);
        await WaitForAsync(() => sink.ByShard().Count == 2);
        Assert.DoesNotContain(sink.Initialized, i => i.ShardId == child);
        gate.SetResult();
        await sink.WhenCountReaches(300, TestTimeout);
        await stop.CancelAsync();
        await run.WaitAsync(TestTimeout);

        var byShard = sink.ByShard();
        Assert.Equal(200, byShard["shardId-000000000000"].Count + byShard["shardId-000000000001"].Count);
        Assert.Equal(100, byShard[child].Count);
        var childLease = await store.GetLeaseAsync(child);
        Assert.Equal(["shardId-000000000000", "shardId-000000000001"], childLease!.ParentShardIds.Order());
        var endings = sink.Endings.Where(e => e.Ending == "ShardEnded").Select(e => e.ShardId).ToList();
        Assert.Equal(["shardId-000000000000", "shardId-000000000001"], endings.Order());
        var initialized = sink.Initialized.Select(i => i.ShardId).ToList();
        Assert.Equal(child, initialized[^1]);
    }

    [Fact]
    public async Task Scheduler_WithLatest_SkipsRecordsPutBeforeItStarted()
    {
        var kinesis = new InMemoryKinesisClient();
        await kinesis.CreateStreamAsync("orders", 1);
        await PutAsync(kinesis, "orders", 0, 20);
        var store = new InMemoryLeaseStore();
        var sink = new RecordingSink();
        using var stop = new CancellationTokenSource();

        var run = NewScheduler(kinesis, store, sink, position: InitialPosition.Latest).RunAsync(stop.Token);
        await WaitForAsync(() => sink.Initialized.Count == 1);
        var expected = await PutAsync(kinesis, "orders", 20, 10);
        await sink.WhenCountReaches(10, TestTimeout);
        await stop.CancelAsync();
        await run.WaitAsync(TestTimeout);

        Assert.Equal(expected, sink.ByShard().Values.Single().Select(r => r.SequenceNumber));
    }

    [Fact]
    public async Task Scheduler_WithLatest_RedeliversABatchTheProcessorFailedOn_BeforeAnythingWasCheckpointed()
    {
        var kinesis = new InMemoryKinesisClient();
        await kinesis.CreateStreamAsync("orders", 1);
        var store = new InMemoryLeaseStore();
        var sink = new RecordingSink { FailOnce = "r3" };
        using var stop = new CancellationTokenSource();

        var run = NewScheduler(kinesis, store, sink, position: InitialPosition.Latest).RunAsync(stop.Token);
        await WaitForAsync(() => kinesis.GetRecordsCallCount > 0);
        await PutAsync(kinesis, "orders", 0, 10);

        // r0..r2 are delivered, r3 fails; the lease still says LATEST. A LATEST iterator would skip r3..r9.
        await sink.WhenCountReaches(13, TestTimeout);
        await stop.CancelAsync();
        await run.WaitAsync(TestTimeout);

        var payloads = sink.ByShard().Values.Single().Select(r => Encoding.UTF8.GetString(r.Data.Span)).ToList();
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"r{i}"), payloads.Distinct());
        Assert.Equal("r9", payloads[^1]);
        var lease = (await store.ListLeasesAsync()).Single();
        Assert.False(lease.Checkpoint.IsSentinel);
    }

    [Fact]
    public async Task Scheduler_OnGracefulStop_HandsItsLeasesToAWaitingWorkerWithoutWaitingForExpiry()
    {
        var kinesis = new InMemoryKinesisClient();
        await kinesis.CreateStreamAsync("orders", 1);
        await PutAsync(kinesis, "orders", 0, 100);
        var store = new InMemoryLeaseStore();
        var first = new RecordingSink();
        var second = new RecordingSink();
        var slowFailover = FastOptions("worker-2");
        slowFailover.FailoverTime = TimeSpan.FromMinutes(10);
        using var stopFirst = new CancellationTokenSource();
        using var stopSecond = new CancellationTokenSource();

        var runFirst = NewScheduler(kinesis, store, first).RunAsync(stopFirst.Token);
        await first.WhenCountReaches(100, TestTimeout);
        var runSecond = NewScheduler(kinesis, store, second, slowFailover).RunAsync(stopSecond.Token);
        await stopFirst.CancelAsync();
        await runFirst.WaitAsync(TestTimeout);
        var expected = await PutAsync(kinesis, "orders", 100, 50);
        await second.WhenCountReaches(50, TestTimeout);
        await stopSecond.CancelAsync();
        await runSecond.WaitAsync(TestTimeout);

        Assert.Equal(expected, second.ByShard().Values.Single().Select(r => r.SequenceNumber));
    }

    [Fact]
    public async Task Scheduler_WhenAWorkerDiesWithoutStopping_ASurvivorTakesOverAfterTheFailoverTimeFromTheCheckpoint()
    {
        var kinesis = new InMemoryKinesisClient();
        await kinesis.CreateStreamAsync("orders", 1);
        var firstBatch = await PutAsync(kinesis, "orders", 0, 100);
        var store = new InMemoryLeaseStore();
        var dead = new RecordingSink();
        var survivor = new RecordingSink();
        using var kill = new CancellationTokenSource();
        using var stop = new CancellationTokenSource();

        var runDead = NewScheduler(kinesis, store, dead).RunAsync(CancellationToken.None, kill.Token);
        await dead.WhenCountReaches(100, TestTimeout);
        await WaitForAsync(() => store.GetLeaseAsync("shardId-000000000000").Result!.Checkpoint.SequenceNumber == firstBatch[^1]);
        await kill.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => runDead.WaitAsync(TestTimeout));
        Assert.Equal("worker-1", (await store.GetLeaseAsync("shardId-000000000000"))!.LeaseOwner);

        var expected = await PutAsync(kinesis, "orders", 100, 30);
        var runSurvivor = NewScheduler(kinesis, store, survivor, FastOptions("worker-2")).RunAsync(stop.Token);
        await survivor.WhenCountReaches(30, TestTimeout);
        await stop.CancelAsync();
        await runSurvivor.WaitAsync(TestTimeout);

        Assert.Equal(expected, survivor.ByShard().Values.Single().Select(r => r.SequenceNumber));
    }

    [Fact]
    public async Task Scheduler_AcrossExpiredIteratorsThrottlingAndLostResponses_DeliversEveryRecordExactlyOnceInOrder()
    {
        var inner = new InMemoryKinesisClient();
        await inner.CreateStreamAsync("orders", 2);
        var sequences = await PutAsync(inner, "orders", 0, 600);
        var kinesis = new FaultyKinesisClient(inner) { ExpireEvery = 3, ThrottleEvery = 7, LoseResponseEvery = 5 };
        var store = new InMemoryLeaseStore();
        var sink = new RecordingSink();
        var options = FastOptions();
        options.MaxRecords = 25;
        using var stop = new CancellationTokenSource();

        var run = NewScheduler(kinesis, store, sink, options).RunAsync(stop.Token);
        await sink.WhenCountReaches(600, TestTimeout);
        await stop.CancelAsync();
        await run.WaitAsync(TestTimeout);

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
        var kinesis = new InMemoryKinesisClient();
        await kinesis.CreateStreamAsync("orders", 1);
        await PutAsync(kinesis, "orders", 0, 10);
        var (left, right) = kinesis.SplitShard("orders", "shardId-000000000000", BigInteger.Pow(2, 127));
        await PutAsync(kinesis, "orders", 10, 10);
        var store = new InMemoryLeaseStore();
        var sink = new RecordingSink();
        var forgetful = 0;
        using var stop = new CancellationTokenSource();

        var scheduler = new Scheduler("app", "orders", InitialPosition.TrimHorizon, () => new AtShardEnd(new RecordingProcessor(sink), (_, _) =>
        {
            Interlocked.Increment(ref forgetful);
            return default;
        }), kinesis, store, FastOptions());
        var run = scheduler.RunAsync(stop.Token);
        await sink.WhenCountReaches(10, TestTimeout);
        await WaitForAsync(() => Volatile.Read(ref forgetful) >= 2);
        await stop.CancelAsync();
        await run.WaitAsync(TestTimeout);

        Assert.False((await store.GetLeaseAsync("shardId-000000000000"))!.Checkpoint.IsShardEnd);
        Assert.DoesNotContain(sink.Initialized, i => i.ShardId == left || i.ShardId == right);
        Assert.Equal(10, sink.Count);
    }

    [Fact]
    public async Task Scheduler_WhenShardEndedCheckpointsThenThrows_TheShardIsFinished_AndTheChildrenStart()
    {
        var kinesis = new InMemoryKinesisClient();
        await kinesis.CreateStreamAsync("orders", 1);
        await PutAsync(kinesis, "orders", 0, 10);
        var (left, right) = kinesis.SplitShard("orders", "shardId-000000000000", BigInteger.Pow(2, 127));
        await PutAsync(kinesis, "orders", 10, 10);
        var store = new InMemoryLeaseStore();
        var sink = new RecordingSink();
        var throwing = 0;
        using var stop = new CancellationTokenSource();

        // SHARD_END is recorded, then the processor's own cleanup fails: the shard is finished all the same.
        var scheduler = new Scheduler("app", "orders", InitialPosition.TrimHorizon, () => new AtShardEnd(new RecordingProcessor(sink), async (input, ct) =>
        {
            await input.Checkpointer.CheckpointAsync(ct);
            Interlocked.Increment(ref throwing);
            throw new InvalidOperationException("cleanup failed after the SHARD_END checkpoint");
        }), kinesis, store, FastOptions());
        var run = scheduler.RunAsync(stop.Token);
        await sink.WhenCountReaches(20, TestTimeout);
        await stop.CancelAsync();
        await run.WaitAsync(TestTimeout);

        Assert.True(run.IsCompletedSuccessfully);
        Assert.True((await store.GetLeaseAsync("shardId-000000000000"))!.Checkpoint.IsShardEnd);
        Assert.Equal(1, Volatile.Read(ref throwing));
        Assert.Contains(sink.Initialized, i => i.ShardId == left || i.ShardId == right);
        Assert.Equal(20, sink.Count);
    }

    [Fact]
    public async Task Scheduler_OnAQuietShard_GivesAnIdleAwareProcessorItsTurn_AndItsCheckpointIsStored()
    {
        var kinesis = new InMemoryKinesisClient();
        await kinesis.CreateStreamAsync("orders", 1);
        var sequences = await PutAsync(kinesis, "orders", 0, 3);
        var store = new InMemoryLeaseStore();
        var sink = new RecordingSink();
        using var stop = new CancellationTokenSource();

        // The processor never checkpoints while records come; only on an empty read.
        var scheduler = new Scheduler("app", "orders", InitialPosition.TrimHorizon, () => new CheckpointsWhenIdle(sink), kinesis, store, FastOptions());
        var run = scheduler.RunAsync(stop.Token);
        await sink.WhenCountReaches(3, TestTimeout);
        await Eventually.WaitUntilAsync(
            async () => (await store.GetLeaseAsync("shardId-000000000000"))?.Checkpoint.SequenceNumber == sequences[^1],
            TestTimeout,
            "the idle turn checkpointed the last record");
        await stop.CancelAsync();
        await run.WaitAsync(TestTimeout);

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
        var kinesis = new InMemoryKinesisClient();
        await kinesis.CreateStreamAsync("orders", 1);
        var store = new BlockingListLeaseStore(new InMemoryLeaseStore(), blockedCall);
        using var stop = new CancellationTokenSource();

        var scheduler = new Scheduler("app", "orders", InitialPosition.TrimHorizon, () => new RecordingProcessor(new RecordingSink()), kinesis, store, FastOptions());
        var run = scheduler.RunAsync(stop.Token);
        await store.Blocked.Task.WaitAsync(TestTimeout);
        await stop.CancelAsync();

        // Not a TaskCanceledException: a graceful stop is not a failure, whatever was in flight.
        await run.WaitAsync(TestTimeout);
        Assert.True(run.IsCompletedSuccessfully);
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
        var kinesis = new InMemoryKinesisClient();
        var scheduler = NewScheduler(kinesis, new InMemoryLeaseStore(), new RecordingSink());
        var error = await Assert.ThrowsAsync<ResourceNotFoundException>(() => scheduler.RunAsync(CancellationToken.None));
        Assert.Contains("orders", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Scheduler_RejectsInvalidOptions_NamingTheOption()
    {
        var options = FastOptions();
        options.MaxRecords = 0;
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => NewScheduler(new InMemoryKinesisClient(), new InMemoryLeaseStore(), new RecordingSink(), options));
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
