using System.Text;
using KinesisAttrib.Handlers;
using Microsoft.Extensions.DependencyInjection;

namespace KinesisAttrib.Testing.Tests.Kit;

/// <summary>The testing kit as a user's test project uses it: handlers called directly, and through the test host.</summary>
public sealed class TestingKitTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task RecordingCheckpointer_RecordsTheCheckpointsOfAHandlerCalledDirectly()
    {
        Greeting[] greetings = [new("ada"), new("bob")];
        var records = greetings.Select(g => KinesisTestData.JsonRecord(g, KitJsonContext.Default.Greeting)).ToList();
        var batch = greetings.Zip(records, (g, r) => new KinesisRecord<Greeting>(g, KinesisTestData.RecordContext(r))).ToList();
        var checkpointer = new RecordingCheckpointer(records);
        var log = new GreetingLog();

        await ManualHandler.OnGreetings(batch, log, checkpointer, CancellationToken.None);

        Assert.Equal([records[1].Position], checkpointer.Checkpoints);
        Assert.Equal(records[1].Position, checkpointer.LastCheckpoint);
        Assert.Equal(2, log.Seen.Count);
    }

    [Fact]
    public async Task RecordingCheckpointer_RejectsPositionsTheRuntimeWouldReject()
    {
        var first = KinesisTestData.TextRecord("a");
        var second = KinesisTestData.TextRecord("b");
        var checkpointer = new RecordingCheckpointer([first]);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => checkpointer.CheckpointAsync(second).AsTask());
        await checkpointer.CheckpointAsync(first);
        checkpointer.PermitUpTo(second.Position);
        await checkpointer.CheckpointAsync(second);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => checkpointer.CheckpointAsync(first).AsTask());
        await Assert.ThrowsAsync<InvalidOperationException>(() => new RecordingCheckpointer().CheckpointAsync().AsTask());

        var prepared = await checkpointer.PrepareCheckpointAsync(new byte[] { 1, 2 });
        Assert.False(Assert.Single(checkpointer.PreparedCheckpoints).Committed);
        await prepared.CheckpointAsync();
        Assert.True(Assert.Single(checkpointer.PreparedCheckpoints).Committed);
        Assert.Equal([first.Position, second.Position, second.Position], checkpointer.Checkpoints);
    }

    [Fact]
    public void KinesisTestData_BuildsRecordsInShardOrder_AndContextsWithDefaultsOrGivenParts()
    {
        var a = KinesisTestData.TextRecord("a");
        var b = KinesisTestData.TextRecord("b", partitionKey: "k2");

        Assert.True(ExtendedSequenceNumber.Compare(a.Position, b.Position) < 0);
        Assert.Equal("k2", b.PartitionKey);
        var context = KinesisTestData.RecordContext(b, KinesisTestData.Shard(streamName: "orders"));
        Assert.Equal(("orders", KinesisTestData.ShardId, KinesisTestData.ApplicationName, b.SequenceNumber), (context.StreamName, context.ShardId, context.ApplicationName, context.SequenceNumber));
        var batch = KinesisTestData.BatchContext([a, b]);
        Assert.Equal([a, b], batch.Records);
        Assert.Equal(KinesisTestData.StreamName, batch.StreamName);
    }

    [Fact]
    public void AggregatedRecords_AreTheUserRecordsWithSubSequenceNumbers()
    {
        var aggregate = new KplAggregate().AddText("k1", "one").AddText("k2", "two");

        var records = KinesisTestData.AggregatedRecords(aggregate, sequenceNumber: "12345");

        Assert.Equal([("12345", 0L, "k1", "one"), ("12345", 1L, "k2", "two")], records.Select(r => (r.SequenceNumber, r.SubSequenceNumber, r.PartitionKey, Encoding.UTF8.GetString(r.Data.Span))));
        Assert.All(records, r => Assert.True(r.Aggregated));
        Assert.Equal([0xF3, 0x89, 0x9A, 0xC2], aggregate.ToBytes()[..4]);
    }

    [Fact]
    public async Task TestHost_RunsTheHandlers_AndWaitsForRecordsHandledAndCheckpoints()
    {
        var log = new GreetingLog();
        // A worker id set by the test does not hide the handled records (the host tells its spans apart by its own).
        await using var host = await KinesisTestHost.StartAsync(
            services => services.AddKinesisHandlersFromKinesisAttribTestingTests().AddSingleton(log),
            streams: ["greetings", "manual"],
            configureOptions: o => o.WorkerId = "set-by-the-test");

        await host.PutJsonAsync("greetings", new Greeting("ada"), KitJsonContext.Default.Greeting);
        var last = await host.PutJsonAsync("greetings", new Greeting("bob"), KitJsonContext.Default.Greeting);
        await host.WaitForRecordsHandledAsync(2, Timeout);
        await host.WaitForCheckpointAsync(last, applicationName: "greeter", timeout: Timeout);

        Assert.Equal(["ada", "bob"], log.Seen.Select(s => s.Name));
        Assert.Equal(2, host.RecordsHandled);
    }

    [Fact]
    public async Task TestHost_DeliversTheUserRecordsOfAKplAggregate()
    {
        var log = new GreetingLog();
        await using var host = await KinesisTestHost.StartAsync(
            services => services.AddKinesisHandlersFromKinesisAttribTestingTests().AddSingleton(log),
            streams: ["greetings", "manual"]);
        var aggregate = new KplAggregate()
            .AddJson("k", new Greeting("one"), KitJsonContext.Default.Greeting)
            .AddJson("k", new Greeting("two"), KitJsonContext.Default.Greeting)
            .AddJson("k", new Greeting("three"), KitJsonContext.Default.Greeting);

        var put = await host.PutAggregateAsync("manual", aggregate);
        await host.WaitForRecordsHandledAsync(3, Timeout);
        // The manual handler checkpoints its last user record: (sequence, 2).
        await host.WaitForCheckpointAsync(put, applicationName: "manual", timeout: Timeout);

        Assert.Equal([("one", 0L), ("two", 1L), ("three", 2L)], log.Seen.Select(s => (s.Name, s.SubSequenceNumber)));
        Assert.All(log.Seen, s => Assert.Equal(put.SequenceNumber, s.SequenceNumber));
    }

    [Fact]
    public async Task TestHost_TimesOutSayingHowFarItGot()
    {
        await using var host = await KinesisTestHost.StartAsync(
            services => services.AddKinesisHandlersFromKinesisAttribTestingTests().AddSingleton(new GreetingLog()),
            streams: ["greetings", "manual"]);
        await host.PutJsonAsync("greetings", new Greeting("ada"), KitJsonContext.Default.Greeting);
        await host.WaitForRecordsHandledAsync(1, Timeout);

        var ex = await Assert.ThrowsAsync<TimeoutException>(() => host.WaitForRecordsHandledAsync(2, TimeSpan.FromMilliseconds(300)));
        Assert.StartsWith("1 of 2 records were handled", ex.Message, StringComparison.Ordinal);
        var checkpoint = await Assert.ThrowsAsync<TimeoutException>(() => host.WaitForCheckpointAsync("shardId-000000000000", new string('9', 60), "greeter", TimeSpan.FromMilliseconds(300)));
        Assert.Contains("greeter: ", checkpoint.Message, StringComparison.Ordinal);
    }
}
