using System.Text;
using KinesisAttrib.Handlers;
using KinesisAttrib.Processing;
using KinesisAttrib.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using static KinesisAttrib.Tests.TestSupport.SchedulerArrangement;

namespace KinesisAttrib.Tests.Leases;

/// <summary>
/// The lease table fails while records flow (issue 15): a checkpoint that cannot be written is retried by itself and
/// the handler never runs again on records it completed; an outage longer than the failover time suspends the leases
/// and resumes them where they were; only a worker whose lease was really taken meanwhile gives it up.
/// </summary>
public sealed class LeaseTableOutageTests
{
    private static Dictionary<string, int> DeliveriesByPayload(params RecordingSink[] sinks) =>
        sinks.SelectMany(s => s.ByShard().Values.SelectMany(l => l))
            .GroupBy(r => Encoding.UTF8.GetString(r.Data.Span))
            .ToDictionary(g => g.Key, g => g.Count());

    private static void AssertEachExactlyOnce(Dictionary<string, int> deliveries, int count)
    {
        Assert.Equal(Enumerable.Range(0, count).Select(i => $"r{i}").ToHashSet(), deliveries.Keys.ToHashSet());
        var repeated = deliveries.Where(d => d.Value > 1).Select(d => d.Key).ToList();
        Assert.True(repeated.Count == 0, $"{repeated.Count} records were delivered more than once, e.g. {string.Join(", ", repeated.Take(5))}");
    }

    [Fact]
    public async Task FailedCheckpointWrites_AreRetried_AndTheHandlerNeverRunsAgainOnItsRecords()
    {
        var arranged = await CreateAsync(shards: 2);
        var store = new SwitchableLeaseStore(arranged.Store);
        await arranged.PutAsync(0, 200);
        var sink = new RecordingSink();
        store.FailCheckpoints(6);

        await using var running = arranged.Start(() => new RecordingProcessor(sink), store: store);
        await sink.WhenCountReaches(200, TestTimeout);
        await arranged.PutAsync(200, 200);
        await sink.WhenCountReaches(400, TestTimeout);
        await running.StopAsync();

        Assert.True(store.FailedCalls >= 6);
        AssertEachExactlyOnce(DeliveriesByPayload(sink), 400);
        foreach (var (shardId, records) in sink.ByShard())
        {
            Assert.Equal(records[^1].SequenceNumber, (await arranged.Store.GetLeaseAsync(shardId))!.Checkpoint.SequenceNumber);
        }
    }

    [Fact]
    public async Task CheckpointWhoseAnswerWasLost_StandsWithoutLosingTheLease()
    {
        var arranged = await CreateAsync(shards: 1);
        var store = new SwitchableLeaseStore(arranged.Store);
        await arranged.PutAsync(0, 150);
        var sink = new RecordingSink();
        store.LoseCheckpointAnswers(3);

        await using var running = arranged.Start(() => new RecordingProcessor(sink), store: store);
        await sink.WhenCountReaches(150, TestTimeout);
        await arranged.PutAsync(150, 150);
        await sink.WhenCountReaches(300, TestTimeout);
        await running.StopAsync();

        AssertEachExactlyOnce(DeliveriesByPayload(sink), 300);
        Assert.DoesNotContain(sink.Endings, e => e.Ending == "LeaseLost");
    }

    [Fact]
    public async Task TwoPhaseCheckpoints_ThroughAShortOutage_PrepareAndCommitEachRecordOnce()
    {
        var arranged = await CreateAsync(shards: 2);
        var store = new SwitchableLeaseStore(arranged.Store);
        var sink = new RecordingSink();
        var prepared = new List<string>();
        await using var running = arranged.Start(() => new TwoPhaseProcessor(sink, prepared), store: store);
        await arranged.PutAsync(0, 200);
        await sink.WhenCountReaches(200, TestTimeout);

        // Shorter than the failover time: the leases stay, each prepare and commit waits for the table.
        store.Unreachable = true;
        await arranged.PutAsync(200, 200);
        await Eventually.WaitUntilAsync(() => Task.FromResult(store.FailedCalls >= 4), TestTimeout, "writes fail while the table is unreachable");
        store.Unreachable = false;
        await sink.WhenCountReaches(400, TestTimeout);
        await running.StopAsync();

        AssertEachExactlyOnce(DeliveriesByPayload(sink), 400);
        lock (prepared)
        {
            Assert.Equal(prepared.Count, prepared.Distinct().Count());
        }

        Assert.All(await arranged.Store.ListLeasesAsync(), l => Assert.Null(l.PendingCheckpoint));
    }

    [Fact]
    public async Task PeriodicCheckpoints_ThatFail_AreRetried_AndTheHandlerNeverRunsAgainOnItsRecords()
    {
        var arranged = await CreateAsync(shards: 2);
        var store = new SwitchableLeaseStore(arranged.Store);
        await arranged.PutAsync(0, 300);
        var sink = new RecordingSink();
        using var services = new ServiceCollection().BuildServiceProvider();
        var settings = new HandlerSettings { CheckpointMode = CheckpointMode.Periodic, CheckpointEveryRecords = 40 };
        store.FailCheckpoints(8);

        await using var running = arranged.Start(() => new PeriodicProcessor(services, settings, sink), store: store);
        await sink.WhenCountReaches(300, TestTimeout);
        await running.StopAsync();

        Assert.True(store.FailedCalls >= 8);
        AssertEachExactlyOnce(DeliveriesByPayload(sink), 300);
        foreach (var (shardId, records) in sink.ByShard())
        {
            // The stop checkpointed what the periodic mode had not yet.
            Assert.Equal(records[^1].SequenceNumber, (await arranged.Store.GetLeaseAsync(shardId))!.Checkpoint.SequenceNumber);
        }
    }

    [Fact]
    public async Task OutageLongerThanTheFailoverTime_SuspendsTheLeases_AndResumesThemWithNoRecordDeliveredTwice()
    {
        var arranged = await CreateAsync(shards: 4);
        var store = new SwitchableLeaseStore(arranged.Store);
        var sinks = new[] { new RecordingSink(), new RecordingSink() };
        await using var a = arranged.Start(() => new RecordingProcessor(sinks[0]), FastOptions("a"), store: store);
        await using var b = arranged.Start(() => new RecordingProcessor(sinks[1]), FastOptions("b"), store: store);
        await arranged.PutAsync(0, 400);
        await Eventually.WaitUntilAsync(() => Task.FromResult(sinks.Sum(s => s.Count) >= 400), TestTimeout, "the first records are handled");
        await Eventually.WaitUntilAsync(() => Task.FromResult(a.Scheduler.HeldShards.Count == 2 && b.Scheduler.HeldShards.Count == 2), TestTimeout, "the shards are balanced");

        // Three failover times without the table, while records keep arriving.
        store.Unreachable = true;
        var failover = FastOptions().FailoverTime;
        for (var round = 0; round < 6; round++)
        {
            await arranged.PutAsync(400 + (round * 100), 100);
            await Task.Delay(failover / 2);
        }

        store.Unreachable = false;
        await Eventually.WaitUntilAsync(() => Task.FromResult(DeliveriesByPayload(sinks).Count >= 1000), TestTimeout, "every record is handled after the outage");
        await a.StopAsync();
        await b.StopAsync();

        AssertEachExactlyOnce(DeliveriesByPayload(sinks), 1000);
        Assert.DoesNotContain(sinks.SelectMany(s => s.Endings), e => e.Ending == "LeaseLost");
    }

    [Fact]
    public async Task Partition_WhereAnotherWorkerTakesTheLeases_RedeliversOnlyTheBatchesInFlight()
    {
        var arranged = await CreateAsync(shards: 2);
        var cutOff = new SwitchableLeaseStore(arranged.Store);
        var sinks = new[] { new RecordingSink(), new RecordingSink() };
        await using var a = arranged.Start(() => new RecordingProcessor(sinks[0]), FastOptions("a"), store: cutOff);
        await arranged.PutAsync(0, 200);
        await sinks[0].WhenCountReaches(200, TestTimeout);
        await using var b = arranged.Start(() => new RecordingProcessor(sinks[1]), FastOptions("b"));
        await Eventually.WaitUntilAsync(() => Task.FromResult(a.Scheduler.HeldShards.Count == 1 && b.Scheduler.HeldShards.Count == 1), TestTimeout, "the shards are balanced");

        // Only a loses the table; b sees a's lease expire and takes it.
        cutOff.Unreachable = true;
        await arranged.PutAsync(200, 200);
        await Eventually.WaitUntilAsync(() => Task.FromResult(b.Scheduler.HeldShards.Count == 2), TestTimeout, "b takes a's lease");
        cutOff.Unreachable = false;
        await Eventually.WaitUntilAsync(() => Task.FromResult(DeliveriesByPayload(sinks).Count >= 400), TestTimeout, "every record is handled");
        await Eventually.WaitUntilAsync(() => Task.FromResult(sinks[0].Endings.Any(e => e.Ending == "LeaseLost")), TestTimeout, "a gives up the lease b took");
        await a.StopAsync();
        await b.StopAsync();

        var deliveries = DeliveriesByPayload(sinks);
        Assert.Equal(Enumerable.Range(0, 400).Select(i => $"r{i}").ToHashSet(), deliveries.Keys.ToHashSet());

        // a stopped at the first checkpoint it could not write: only that batch (at most MaxRecords) comes twice.
        Assert.InRange(deliveries.Count(d => d.Value > 1), 0, FastOptions().MaxRecords);
    }

    /// <summary>Prepares a checkpoint at the end of each batch, then commits it; records each prepared position.</summary>
    private sealed class TwoPhaseProcessor(RecordingSink sink, List<string> prepared) : IShardRecordProcessor
    {
        private readonly RecordingProcessor _inner = new(sink);
        private string _shardId = "";

        public ValueTask InitializeAsync(InitializationInput input, CancellationToken cancellationToken)
        {
            _shardId = input.ShardId;
            return _inner.InitializeAsync(input, cancellationToken);
        }

        public async ValueTask ProcessRecordsAsync(ProcessRecordsInput input, CancellationToken cancellationToken)
        {
            foreach (var record in input.Records)
            {
                sink.Add(_shardId, record);
            }

            var pending = await input.Checkpointer.PrepareCheckpointAsync([1, 2, 3], cancellationToken);
            lock (prepared)
            {
                prepared.Add($"{_shardId}@{pending.PendingCheckpoint}");
            }

            await pending.CheckpointAsync(cancellationToken);
        }

        public ValueTask LeaseLostAsync(LeaseLostInput input, CancellationToken cancellationToken) => _inner.LeaseLostAsync(input, cancellationToken);

        public ValueTask ShardEndedAsync(ShardEndedInput input, CancellationToken cancellationToken) => _inner.ShardEndedAsync(input, cancellationToken);

        public ValueTask ShutdownRequestedAsync(ShutdownRequestedInput input, CancellationToken cancellationToken) => _inner.ShutdownRequestedAsync(input, cancellationToken);
    }

    /// <summary>A per-record processor as the generator writes them, in periodic checkpoint mode.</summary>
    private sealed class PeriodicProcessor(IServiceProvider services, HandlerSettings settings, RecordingSink sink)
        : RecordHandlerProcessor<KinesisClientRecord>(services, RecordDeserializers.Record, settings)
    {
        protected override ValueTask HandleAsync(IServiceProvider services, KinesisClientRecord payload, RecordContext context, BatchContext batch, IRecordProcessorCheckpointer checkpointer, CancellationToken cancellationToken)
        {
            sink.Add(context.ShardId, payload);
            return default;
        }
    }
}
