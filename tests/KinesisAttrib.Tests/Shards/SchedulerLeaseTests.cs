using System.Numerics;
using System.Text;
using KinesisAttrib.Handlers;
using KinesisAttrib.Kinesis;
using KinesisAttrib.Leases;
using KinesisAttrib.Shards;
using KinesisAttrib.Testing;
using KinesisAttrib.Tests.TestSupport;
using Microsoft.Extensions.Time.Testing;
using static KinesisAttrib.Tests.TestSupport.SchedulerArrangement;

namespace KinesisAttrib.Tests.Shards;

/// <summary>Scheduler behaviour that comes from the lease work: rebalancing hand-off, multi-stream keys, cleanup, AT_TIMESTAMP.</summary>
public class SchedulerLeaseTests
{
    private static async Task<int> CountRecordsAsync(IKinesisClient kinesis, string shardId)
    {
        var iterator = await kinesis.GetShardIteratorAsync(new GetShardIteratorRequest { StreamName = "orders", ShardId = shardId, IteratorType = ShardIteratorType.TrimHorizon });
        return (await kinesis.GetRecordsAsync(new GetRecordsRequest { ShardIterator = iterator, Limit = 10_000 })).Records.Count;
    }

    private static List<string> Payloads(RecordingSink sink)
        => [.. sink.ByShard().Values.SelectMany(l => l).Select(r => Encoding.UTF8.GetString(r.Data.Span))];

    [Fact]
    public async Task Scheduler_WhenASecondWorkerJoins_HandsHalfTheShardsOverGracefully_WithoutDeliveringAnyRecordTwice()
    {
        var arranged = await SchedulerArrangement.CreateAsync(shards: 4);
        await arranged.PutAsync(0, 400);
        var sinkA = new RecordingSink();
        var sinkB = new RecordingSink();
        await using var runningA = arranged.Start(() => new RecordingProcessor(sinkA), FastOptions("a"));
        var a = runningA.Scheduler;
        await sinkA.WhenCountReaches(400, TestTimeout);
        Assert.Equal(4, a.ActiveShards.Count);

        await using var runningB = arranged.Start(() => new RecordingProcessor(sinkB), FastOptions("b"));
        var b = runningB.Scheduler;
        await Eventually.WaitUntilAsync(() => Task.FromResult(a.ActiveShards.Count == 2 && b.ActiveShards.Count == 2), TestTimeout, "each worker processes two shards");
        await arranged.PutAsync(400, 400);
        await Eventually.WaitUntilAsync(() => Task.FromResult(sinkA.Count + sinkB.Count >= 800), TestTimeout, "all 800 records are delivered");
        await Task.WhenAll(runningA.StopAsync(), runningB.StopAsync());

        var all = Payloads(sinkA).Concat(Payloads(sinkB)).ToList();
        Assert.Equal(800, all.Count);
        Assert.Equal(800, all.Distinct().Count());

        // b holds nothing at first, so a cannot see it: b steals one lease to become visible (LeaseLost on a), then a
        // hands the rest of the surplus over gracefully (ShutdownRequested and a checkpoint) instead of being stolen from.
        Assert.True(sinkA.Endings.Count(e => e.Ending == "LeaseLost") <= 1, string.Join(", ", sinkA.Endings));
        Assert.True(sinkA.Endings.Any(e => e.Ending == "ShutdownRequested" && sinkB.Initialized.Any(i => i.ShardId == e.ShardId)), string.Join(", ", sinkA.Endings));
    }

    [Fact]
    public async Task Schedulers_OfOneApplicationOnTwoStreams_UseStreamQualifiedLeaseKeys_AndDoNotCollide()
    {
        var kinesis = new InMemoryKinesisClient();
        await kinesis.CreateStreamAsync("orders", 2);
        await kinesis.CreateStreamAsync("payments", 2);
        await PutAsync(kinesis, "orders", 0, 100, "o");
        await PutAsync(kinesis, "payments", 0, 60, "p");
        var store = new InMemoryLeaseStore();
        var orders = new RecordingSink();
        var payments = new RecordingSink();
        await using var runningOrders = RunningScheduler.Start(new Scheduler("app", "orders", InitialPosition.TrimHorizon, () => new RecordingProcessor(orders), kinesis, store, FastOptions("w"), multiStreamLeaseKeys: true));
        await using var runningPayments = RunningScheduler.Start(new Scheduler("app", "payments", InitialPosition.TrimHorizon, () => new RecordingProcessor(payments), kinesis, store, FastOptions("w"), multiStreamLeaseKeys: true));

        await orders.WhenCountReaches(100, TestTimeout);
        await payments.WhenCountReaches(60, TestTimeout);
        await Task.WhenAll(runningOrders.StopAsync(), runningPayments.StopAsync());

        Assert.All(Payloads(orders), p => Assert.StartsWith("o", p, StringComparison.Ordinal));
        Assert.All(Payloads(payments), p => Assert.StartsWith("p", p, StringComparison.Ordinal));
        Assert.Equal(100, Payloads(orders).Distinct().Count());
        Assert.Equal(60, Payloads(payments).Distinct().Count());
        Assert.Equal(["shardId-000000000000", "shardId-000000000001"], orders.ByShard().Keys.Order(StringComparer.Ordinal));
        var keys = (await store.ListLeasesAsync()).Select(l => l.LeaseKey).ToList();
        Assert.Equal(
            ["orders:shardId-000000000000", "orders:shardId-000000000001", "payments:shardId-000000000000", "payments:shardId-000000000001"],
            keys);
        Assert.All(await store.ListLeasesAsync(), l => Assert.False(l.Checkpoint.IsSentinel, $"{l.LeaseKey} was checkpointed"));
    }

    [Fact]
    public async Task Scheduler_AfterASplit_DeletesTheFinishedParentLeaseOnceTheChildrenProgressed_AndNeverRecreatesIt()
    {
        var arranged = await SchedulerArrangement.CreateAsync(shards: 1);
        await arranged.PutAsync(0, 50);
        var (left, right) = arranged.Kinesis.SplitShard("orders", "shardId-000000000000", BigInteger.Pow(2, 127));
        await arranged.PutAsync(50, 200);
        var store = arranged.Store;
        var sink = new RecordingSink();
        var options = FastOptions("a");
        options.CompletedLeaseRetention = TimeSpan.Zero;
        options.LeaseCleanupInterval = TimeSpan.FromMilliseconds(50);
        options.ShardSyncInterval = TimeSpan.FromMilliseconds(50);

        await using var running = arranged.Start(() => new RecordingProcessor(sink), options);
        await sink.WhenCountReaches(250, TestTimeout);
        await Eventually.WaitUntilAsync(async () => await store.GetLeaseAsync("shardId-000000000000") is null, TestTimeout, "the parent lease is deleted");

        // Several shard syncs later (ListShards still lists the closed parent) the lease has not come back.
        var requests = store.RequestCount;
        await Eventually.WaitUntilAsync(() => Task.FromResult(store.RequestCount > requests + 50), TestTimeout, "the scheduler has run more cycles");
        await running.StopAsync();

        Assert.Null(await store.GetLeaseAsync("shardId-000000000000"));
        Assert.NotNull(await store.GetLeaseAsync(left));
        Assert.NotNull(await store.GetLeaseAsync(right));
        Assert.Equal(250, Payloads(sink).Distinct().Count());
    }

    [Fact]
    public async Task Scheduler_AtTimestamp_StartsNewShardsAtTheFirstRecordAtOrAfterTheTimestamp()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var arranged = await SchedulerArrangement.CreateAsync(shards: 2, kinesis: new InMemoryKinesisClient(time));
        await arranged.PutAsync(0, 100, "old");
        time.Advance(TimeSpan.FromMinutes(1));
        var from = time.GetUtcNow();
        await arranged.PutAsync(0, 100, "new");
        var sink = new RecordingSink();

        await using var running = RunningScheduler.Start(new Scheduler("app", "orders", InitialPosition.AtTimestamp, () => new RecordingProcessor(sink), arranged.Kinesis, arranged.Store, FastOptions("a"), initialTimestamp: from));
        await sink.WhenCountReaches(100, TestTimeout);
        await arranged.PutAsync(100, 10, "new");
        await sink.WhenCountReaches(110, TestTimeout);
        await running.StopAsync();

        var payloads = Payloads(sink);
        Assert.Equal(110, payloads.Count);
        Assert.All(payloads, p => Assert.StartsWith("new", p, StringComparison.Ordinal));
        Assert.All(sink.Initialized, i => Assert.Equal(ExtendedSequenceNumber.AtTimestamp, i.Start));
    }
    [Fact]
    public async Task Scheduler_AtLatestOnAReshardedStream_StartsTheOpenShardsAtTheirTips_AndLeasesNoClosedShard()
    {
        var arranged = await SchedulerArrangement.CreateAsync(shards: 1);
        await arranged.PutAsync(0, 50, "old");
        var (left, right) = arranged.Kinesis.SplitShard("orders", "shardId-000000000000", BigInteger.Pow(2, 127));
        await arranged.PutAsync(50, 50, "old");
        var store = arranged.Store;
        var sink = new RecordingSink();
        await using var running = arranged.Start(() => new RecordingProcessor(sink), FastOptions("a"), InitialPosition.Latest);
        var scheduler = running.Scheduler;
        await Eventually.WaitUntilAsync(() => Task.FromResult(scheduler.ActiveShards.Count == 2), TestTimeout, "both open shards are being read");
        await Eventually.WaitUntilAsync(() => Task.FromResult(sink.Initialized.Count == 2), TestTimeout, "both processors are initialized");

        // Both consumers poll every 20 ms once they hold a LATEST iterator (or have subscribed at LATEST); records put
        // after that must all arrive.
        var polls = arranged.Kinesis.GetRecordsCallCount;
        await Eventually.WaitUntilAsync(() => Task.FromResult(SchedulerArrangement.Retrieval == RetrievalMode.FanOut ? arranged.Kinesis.SubscribeToShardCallCount >= 2 : arranged.Kinesis.GetRecordsCallCount >= polls + 20), TestTimeout, "both shards are being read");
        await arranged.PutAsync(0, 40, "new");
        await sink.WhenCountReaches(40, TestTimeout);
        await running.StopAsync();

        Assert.All(Payloads(sink), p => Assert.StartsWith("new", p, StringComparison.Ordinal));
        Assert.Equal([left, right], (await store.ListLeasesAsync()).Select(l => l.LeaseKey).Order(StringComparer.Ordinal));
    }
    [Fact]
    public async Task Scheduler_WhenAnotherWorkerTakesALease_ItsProcessorGetsLeaseLost_StopsReadingTheShard_AndWritesNoCheckpoint()
    {
        var arranged = await SchedulerArrangement.CreateAsync(shards: 2);
        await arranged.PutAsync(0, 100);
        var store = arranged.Store;
        var sink = new RecordingSink();
        var options = FastOptions("a");
        options.FailoverTime = TimeSpan.FromSeconds(30);
        options.LeaseRenewalInterval = TimeSpan.FromSeconds(10);
        await using var running = arranged.Start(() => new RecordingProcessor(sink), options);
        var scheduler = running.Scheduler;
        await sink.WhenCountReaches(100, TestTimeout);

        // Another worker takes one lease (it stays live for the failover time, so "a" must not take it back).
        const string Stolen = "shardId-000000000000";
        var taken = await store.TakeLeaseAsync((await store.GetLeaseAsync(Stolen))!, "b");
        var theirs = await store.UpdateCheckpointAsync(taken!, taken!.Checkpoint);
        await Eventually.WaitUntilAsync(() => Task.FromResult(sink.Endings.Contains((Stolen, "LeaseLost"))), TestTimeout, "the processor of the stolen shard gets LeaseLost");
        Assert.DoesNotContain(Stolen, scheduler.ActiveShards);

        var before = sink.ByShard()[Stolen].Count;
        await arranged.PutAsync(100, 100);
        var inOther = await CountRecordsAsync(arranged.Kinesis, "shardId-000000000001");
        await Eventually.WaitUntilAsync(() => Task.FromResult(sink.ByShard()["shardId-000000000001"].Count >= inOther), TestTimeout, "every record of the other shard arrives");
        await running.StopAsync();

        Assert.Equal(before, sink.ByShard()[Stolen].Count);
        var stored = (await store.GetLeaseAsync(Stolen))!;
        Assert.Equal("b", stored.LeaseOwner);
        Assert.Equal(theirs!.LeaseCounter, stored.LeaseCounter);
    }

    [Fact]
    public async Task Scheduler_OnGracefulStop_KeepsRenewingItsLeasesWhileTheLastBatchFinishes_ThenReleasesAfterTheFinalCheckpoint()
    {
        var arranged = await SchedulerArrangement.CreateAsync(shards: 1);
        await arranged.PutAsync(0, 10);
        var store = arranged.Store;
        var sink = new RecordingSink { BatchGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
        var options = FastOptions("a");
        await using var running = arranged.Start(() => new RecordingProcessor(sink), options);
        await sink.WhenCountReaches(10, TestTimeout);
        var atStop = (await store.ListLeasesAsync()).Single();
        Assert.Equal("a", atStop.LeaseOwner);

        // The handler is still working on its batch when the host stops: the lease must stay alive (renewed) for
        // longer than the failover time, or another worker takes it and processes the shard at the same time.
        await running.RequestStopAsync();
        await Eventually.WaitUntilAsync(
            async () => (await store.ListLeasesAsync()).Single().LeaseCounter >= atStop.LeaseCounter + 4,
            TestTimeout,
            "the lease is renewed during the graceful stop");
        Assert.Equal("a", (await store.ListLeasesAsync()).Single().LeaseOwner);
        Assert.False(running.Run.IsCompleted);

        sink.BatchGate.SetResult();
        await running.Run.WaitAsync(TestTimeout);
        var released = (await store.ListLeasesAsync()).Single();
        Assert.Null(released.LeaseOwner);
        Assert.Equal(sink.ByShard().Single().Value[^1].SequenceNumber, released.Checkpoint.SequenceNumber);
    }

    [Fact]
    public async Task Scheduler_OnGracefulStop_ReleasesLeasesItHeldButHadNotStarted_SoASuccessorNeedNotWaitForExpiry()
    {
        var arranged = await SchedulerArrangement.CreateAsync(shards: 1);
        var store = arranged.Store;
        const string Child = "shardId-000000000000";
        await store.CreateLeaseIfNotExistsAsync(new Lease { LeaseKey = "shardId-parent", Checkpoint = new ExtendedSequenceNumber("1") });
        await store.TakeLeaseAsync((await store.GetLeaseAsync("shardId-parent"))!, "x");
        await store.CreateLeaseIfNotExistsAsync(new Lease { LeaseKey = Child, Checkpoint = ExtendedSequenceNumber.TrimHorizon, ParentShardIds = ["shardId-parent"] });
        var options = FastOptions("a");
        options.FailoverTime = TimeSpan.FromSeconds(30);
        await using var running = arranged.Start(() => new RecordingProcessor(new RecordingSink()), options);
        var scheduler = running.Scheduler;
        await Eventually.WaitUntilAsync(() => Task.FromResult(scheduler.HeldShards.Contains(Child)), TestTimeout, "a holds the child lease");
        Assert.Empty(scheduler.ActiveShards);

        await running.StopAsync();

        Assert.Null((await store.GetLeaseAsync(Child))!.LeaseOwner);
        Assert.Equal("x", (await store.GetLeaseAsync("shardId-parent"))!.LeaseOwner);
    }

    [Fact]
    public async Task Scheduler_WhenTheLeaseIsStolenWhileTheHandlerIsCancelledMidBatch_CallsLeaseLost()
    {
        var arranged = await SchedulerArrangement.CreateAsync(shards: 1);
        await arranged.PutAsync(0, 10);
        var store = arranged.Store;

        // The handler waits on a gate that never opens, honouring its cancellation token.
        var sink = new RecordingSink { BatchGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
        await using var running = arranged.Start(() => new RecordingProcessor(sink), FastOptions("a"));
        await sink.WhenCountReaches(10, TestTimeout);

        var lease = (await store.ListLeasesAsync()).Single();
        Assert.NotNull(await store.TakeLeaseAsync(lease, "b"));
        await Eventually.WaitUntilAsync(() => Task.FromResult(sink.Endings.Contains((lease.LeaseKey, "LeaseLost"))), TestTimeout, "the processor is told it lost the lease");

        await running.StopAsync();
        Assert.Equal("b", (await store.ListLeasesAsync()).Single().LeaseOwner);
    }

    [Fact]
    public async Task Scheduler_WhenAParentShardHasExpiredFromTheStream_EndsItsLease_SoTheChildIsNotBlockedForever()
    {
        var arranged = await SchedulerArrangement.CreateAsync(shards: 1);
        await arranged.PutAsync(0, 20);
        var store = arranged.Store;
        const string Child = "shardId-000000000000";
        const string Parent = "shardId-expired";

        // The application was down longer than the stream's retention: the closed parent, never finished, is no
        // longer in the stream (ListShards omits it, GetShardIterator answers ResourceNotFound).
        await store.CreateLeaseIfNotExistsAsync(new Lease { LeaseKey = Parent, Checkpoint = new ExtendedSequenceNumber("1") });
        await store.CreateLeaseIfNotExistsAsync(new Lease { LeaseKey = Child, Checkpoint = ExtendedSequenceNumber.TrimHorizon, ParentShardIds = [Parent] });
        var sink = new RecordingSink();
        await using var running = arranged.Start(() => new RecordingProcessor(sink), FastOptions("a"));

        await sink.WhenCountReaches(20, TestTimeout);
        await running.StopAsync();

        Assert.Contains((Parent, "ShardEnded"), sink.Endings);
        Assert.True((await store.GetLeaseAsync(Parent))!.Checkpoint.IsShardEnd);
    }
}

/// <summary>Every test of <see cref="SchedulerLeaseTests"/> again, with the shards read by enhanced fan-out instead of polling.</summary>
public sealed class SchedulerLeaseTestsFanOut : SchedulerLeaseTests
{
    public SchedulerLeaseTestsFanOut() => SchedulerArrangement.Retrieval = RetrievalMode.FanOut;
}
