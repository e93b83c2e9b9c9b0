using KinesisAttrib.Diagnostics;
using KinesisAttrib.Handlers;
using KinesisAttrib.Processing;
using KinesisAttrib.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace KinesisAttrib.Tests.Diagnostics;

/// <summary>The meter <c>KinesisAttrib</c> read with a MeterListener while schedulers run on the in-memory stream and lease store.</summary>
public sealed class MetricsTests
{
    private const string Consumed = "messaging.client.consumed.messages";
    private const string Lag = "kinesisattrib.consumer.lag";
    private const string Held = "kinesisattrib.leases.held";
    private const string Shard = "messaging.destination.partition.id";

    private static string NewWorker() => $"metrics-{Guid.NewGuid():N}";

    [Fact]
    public async Task RecordsConsumed_EqualRecordsProduced_LeasesHeldEqualShards_AndLagFallsToZero()
    {
        var arrangement = await SchedulerArrangement.CreateAsync(shards: 4);
        var worker = NewWorker();
        using var meter = MeterCapture.ForWorkers(worker);
        var sink = new RecordingSink();
        await using var running = arrangement.Start(() => new RecordingProcessor(sink), SchedulerArrangement.FastOptions(worker));

        await arrangement.PutAsync(0, 700);
        await sink.WhenCountReaches(700, SchedulerArrangement.TestTimeout);

        await Eventually.WaitUntilAsync(() => Task.FromResult(meter.Sum(Consumed) == 700), SchedulerArrangement.TestTimeout, "700 records were counted");
        var lag = meter.Observe(Lag);
        Assert.Equal(4, lag.Count);
        Assert.All(lag, m => Assert.Equal(0, m.Value));
        Assert.Equal(4, lag.Select(m => m[Shard]).Distinct().Count());
        Assert.Equal(4, Assert.Single(meter.Observe(Held)).Value);

        var consumed = meter.Of(Consumed);
        Assert.All(consumed, m =>
        {
            Assert.Equal("aws_kinesis", m["messaging.system"]);
            Assert.Equal("orders", m["messaging.destination.name"]);
            Assert.Equal("app", m["messaging.consumer.group.name"]);
            Assert.StartsWith("shardId-", m[Shard], StringComparison.Ordinal);
        });
        Assert.All(meter.Observe("kinesisattrib.consumer.record_age"), m => Assert.True(m.Value >= 0));
        Assert.Equal(4, meter.Sum("kinesisattrib.lease.transitions", m => m["kinesisattrib.lease.transition"] == "taken"));
        Assert.True(meter.Sum("kinesisattrib.checkpoints", m => m["kinesisattrib.outcome"] == "success") >= 4);
        Assert.Contains(meter.Of("kinesisattrib.client.request.duration"), m => m["rpc.method"] == "TakeLease" && m["kinesisattrib.outcome"] == "success" && m["rpc.service"] == "LeaseStore");

        await running.StopAsync();

        // Once stopped, every batch's duration was recorded beside its count (a batch records both, count first).
        Assert.Equal(meter.Of(Consumed).Count, meter.Of("messaging.process.duration").Count);
        Assert.Empty(meter.Observe(Held));
        Assert.Empty(meter.Observe(Lag));
    }

    [Fact]
    public async Task LeasesHeld_AcrossTwoWorkers_AddUpToTheShardCount()
    {
        var arrangement = await SchedulerArrangement.CreateAsync(shards: 6);
        string a = NewWorker(), b = NewWorker();
        using var meter = MeterCapture.ForWorkers(a, b);
        await using var first = arrangement.Start(() => new RecordingProcessor(new RecordingSink()), SchedulerArrangement.FastOptions(a));
        await using var second = arrangement.Start(() => new RecordingProcessor(new RecordingSink()), SchedulerArrangement.FastOptions(b));

        await Eventually.WaitUntilAsync(
            () => Task.FromResult(meter.Observe(Held) is { Count: 2 } held && held.Sum(m => m.Value) == 6 && held.All(m => m.Value == 3)),
            SchedulerArrangement.TestTimeout,
            "the two workers hold three leases each");

        await first.StopAsync();
        await Eventually.WaitUntilAsync(
            () => Task.FromResult(meter.Observe(Held) is [{ Value: 6 } only] && only["messaging.client.id"] == b),
            SchedulerArrangement.TestTimeout,
            "the second worker holds all six after the first stopped");
        Assert.Equal(3, meter.Sum("kinesisattrib.lease.transitions", m => m["kinesisattrib.lease.transition"] == "released" && m["messaging.client.id"] == a));
        await second.StopAsync();
    }

    [Fact]
    public async Task WithoutTheShardAttribute_EachWorkerHasOneSeries_AndTheGaugesReportTheWorstShard()
    {
        var arrangement = await SchedulerArrangement.CreateAsync(shards: 3);
        var worker = NewWorker();
        using var meter = MeterCapture.ForWorkers(worker);
        var sink = new RecordingSink();
        var options = SchedulerArrangement.FastOptions(worker);
        options.MetricsIncludeShardId = false;
        await using var running = arrangement.Start(() => new RecordingProcessor(sink), options);

        await arrangement.PutAsync(0, 90);
        await sink.WhenCountReaches(90, SchedulerArrangement.TestTimeout);
        await Eventually.WaitUntilAsync(() => Task.FromResult(meter.Sum(Consumed) == 90), SchedulerArrangement.TestTimeout, "90 records were counted");

        Assert.All(meter.Of(Consumed), m => Assert.Null(m[Shard]));
        Assert.Equal(0, Assert.Single(meter.Observe(Lag)).Value);
        var blocked = Assert.Single(meter.Observe("kinesisattrib.shard.blocked.duration"));
        Assert.Null(blocked[Shard]);
        await running.StopAsync();
    }

    [Fact]
    public async Task APoisonRecord_CountsRetries_ReportsTheTimeTheShardIsBlocked_AndTheRecordSentToTheDestination()
    {
        var worker = NewWorker();
        using var meter = MeterCapture.ForWorkers(worker);
        var scheduler = new SchedulerTelemetry("app", "orders", worker, includeShard: true);
        using var registration = KinesisAttribMetrics.Register(scheduler);
        var shard = scheduler.StartShard("shardId-000000000000");
        var destination = new RecordingDestination();
        var log = new HandledLog();
        await using var services = new ServiceCollection().AddSingleton<IFailedRecordDestination>(destination).BuildServiceProvider();
        var processor = new PoisonRecordProcessor(services, new HandlerSettings { MaxRetryAttempts = 3, RetryDelay = TimeSpan.FromMilliseconds(200), MaxRetryDelay = TimeSpan.FromMilliseconds(200) }, "b", log);
        await processor.InitializeAsync(new InitializationInput(new ShardContext("app", "orders", shard.ShardId, worker), ExtendedSequenceNumber.TrimHorizon) { Telemetry = shard }, default);

        var processing = processor.ProcessRecordsAsync(Input(new ListCheckpointer(), "a", "b", "c"), default).AsTask();
        await Eventually.WaitUntilAsync(() => Task.FromResult(log.PoisonAttempts >= 2), SchedulerArrangement.TestTimeout, "the poison record failed twice");
        var blocked = Assert.Single(meter.Observe("kinesisattrib.shard.blocked.duration"));
        Assert.True(blocked.Value > 0, $"blocked for {blocked.Value} s");
        Assert.Equal(shard.ShardId, blocked[Shard]);

        await processing.WaitAsync(SchedulerArrangement.TestTimeout);
        Assert.Equal(3, meter.Sum("kinesisattrib.handler.retries"));
        var failed = Assert.Single(meter.Of("kinesisattrib.handler.failed_records"));
        Assert.Equal("HandlerFailed", failed["kinesisattrib.failure.reason"]);
        Assert.Equal(0, Assert.Single(meter.Observe("kinesisattrib.shard.blocked.duration")).Value);
        Assert.Single(destination.Received);
    }

    [Fact]
    public async Task ALeaseTableOutage_CountsFailedRenewalsAndRequests_AndSuspendsThenResumesTheLeases()
    {
        var arrangement = await SchedulerArrangement.CreateAsync(shards: 2);
        var worker = NewWorker();
        using var meter = MeterCapture.ForWorkers(worker);
        var store = new SwitchableLeaseStore(arrangement.Store);
        await using var running = arrangement.Start(() => new RecordingProcessor(new RecordingSink()), SchedulerArrangement.FastOptions(worker), store: store);
        await Eventually.WaitUntilAsync(() => Task.FromResult(meter.Observe(Held) is [{ Value: 2 }]), SchedulerArrangement.TestTimeout, "both leases are held");

        store.Unreachable = true;
        await Eventually.WaitUntilAsync(
            () => Task.FromResult(meter.Observe("kinesisattrib.leases.suspended") is [{ Value: 2 }]),
            SchedulerArrangement.TestTimeout,
            "both leases are suspended");
        Assert.True(meter.Sum("kinesisattrib.lease.renewals", m => m["kinesisattrib.outcome"] == "failed") > 0);
        Assert.Contains(meter.Of("kinesisattrib.client.request.duration"), m => m["rpc.method"] == "RenewLease" && m["kinesisattrib.outcome"] == "error");
        Assert.Equal(2, meter.Sum("kinesisattrib.lease.transitions", m => m["kinesisattrib.lease.transition"] == "suspended"));

        store.Unreachable = false;
        await Eventually.WaitUntilAsync(
            () => Task.FromResult(meter.Observe("kinesisattrib.leases.suspended") is [{ Value: 0 }]),
            SchedulerArrangement.TestTimeout,
            "both leases resumed");
        Assert.Equal(2, meter.Sum("kinesisattrib.lease.transitions", m => m["kinesisattrib.lease.transition"] == "resumed"));
        await running.StopAsync();
    }

    private static ProcessRecordsInput Input(ListCheckpointer checkpointer, params string[] payloads)
    {
        var records = payloads.Select((p, i) => new KinesisClientRecord((i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), 0, "k", System.Text.Encoding.UTF8.GetBytes(p), DateTimeOffset.UtcNow)).ToList();
        checkpointer.LargestPermittedCheckpoint = records[^1].Position;
        return new ProcessRecordsInput(records, null, checkpointer);
    }
}
