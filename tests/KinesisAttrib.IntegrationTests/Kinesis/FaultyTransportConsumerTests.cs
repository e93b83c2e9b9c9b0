using System.Collections.Concurrent;
using System.Text;
using KinesisAttrib.Handlers;
using KinesisAttrib.Hosting;
using KinesisAttrib.IntegrationTests.TestSupport;
using KinesisAttrib.Kinesis;
using KinesisAttrib.Processing;
using KinesisAttrib.Shards;
using KinesisAttrib.Testing;
using KinesisAttrib.Tests.TestSupport;

namespace KinesisAttrib.IntegrationTests.Kinesis;

/// <summary>
/// A scheduler reading kinesalite through <see cref="KinesisHttpClient"/> over a transport that throttles, fails with
/// 5xx, resets connections (before and after the service answered), stalls past the timeout and truncates bodies:
/// every record is delivered exactly once, in shard order, and checkpointed.
/// </summary>
[Collection("emulators")]
public sealed class FaultyTransportConsumerTests(EmulatorFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task AScheduler_OverAFaultyTransportToKinesalite_LosesAndDuplicatesNothing()
    {
        const int Total = 1000;
        var stream = EmulatorFixture.UniqueName("faulty");
        using var setup = new KinesisHttpClient(new KinesisClientOptions { ServiceUrl = fixture.KinesisEndpoint, Region = EmulatorFixture.Region, Credentials = EmulatorFixture.Credentials });
        await setup.CreateStreamAsync(stream, 2);
        while ((await setup.DescribeStreamSummaryAsync(stream)).StreamStatus != "ACTIVE")
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }

        var expected = new List<string>();
        for (var offset = 0; offset < Total; offset += 250)
        {
            var put = await setup.PutRecordsAsync(new PutRecordsRequest
            {
                StreamName = stream,
                Records = [.. Enumerable.Range(offset, 250).Select(i => new PutRecordsRequestEntry { Data = Encoding.UTF8.GetBytes($"r{i}"), PartitionKey = $"pk-{i % 23}" })],
            });
            Assert.Equal(0, put.FailedRecordCount);
            expected.AddRange(put.Records.Select(r => r.SequenceNumber!));
        }

        // One call in three fails, cycling through every kind of fault.
        Fault[] kinds = [Fault.Throttle, Fault.ServerError, Fault.ResetBeforeSend, Fault.ResetAfterSend, Fault.Stall, Fault.TruncatedBody, Fault.Unavailable];
        using var faults = new FaultInjectingHandler(new SocketsHttpHandler(), (call, _) => call % 3 == 0 ? kinds[call / 3 % kinds.Length] : Fault.None);
        using var client = new KinesisHttpClient(
            new KinesisClientOptions
            {
                ServiceUrl = fixture.KinesisEndpoint,
                Region = EmulatorFixture.Region,
                Credentials = EmulatorFixture.Credentials,
                Timeout = TimeSpan.FromMilliseconds(500),
                MaxAttempts = 3,
                RetryBaseDelay = TimeSpan.FromMilliseconds(10),
            },
            new HttpClient(faults));
        var collected = new Collected();
        var store = new InMemoryLeaseStore();
        var options = new KinesisAttribOptions
        {
            WorkerId = "worker-1",
            FailoverTime = TimeSpan.FromSeconds(10),
            LeaseTakerInterval = TimeSpan.FromMilliseconds(200),
            IdleTimeBetweenReads = TimeSpan.FromMilliseconds(50),
            ProcessingRetryDelay = TimeSpan.FromMilliseconds(50),
            MaxRecords = 25,
        };
        using var stop = new CancellationTokenSource();

        var run = new Scheduler("faulty-app", stream, InitialPosition.TrimHorizon, () => new CollectingProcessor(collected), client, store, options).RunAsync(stop.Token);
        await collected.AllArrived.Task.WaitAsync(Patience);
        await stop.CancelAsync();
        await run.WaitAsync(Patience);

        var delivered = collected.Records.ToList();
        Assert.Equal(expected.Order(StringComparer.Ordinal), delivered.Select(d => d.SequenceNumber).Order(StringComparer.Ordinal));
        foreach (var shard in delivered.GroupBy(d => d.ShardId))
        {
            var sequences = shard.Select(d => d.SequenceNumber).ToList();
            for (var i = 1; i < sequences.Count; i++)
            {
                Assert.True(ExtendedSequenceNumber.CompareSequenceNumbers(sequences[i - 1], sequences[i]) < 0, $"shard {shard.Key} delivered out of order");
            }

            var lease = await store.GetLeaseAsync(shard.Key);
            Assert.Equal(sequences[^1], lease!.Checkpoint.SequenceNumber);
        }

        Assert.True(faults.FaultCount >= 10, $"only {faults.FaultCount} faults were injected");
        Assert.True(faults.Injected.Count == kinds.Length, $"only {string.Join(", ", faults.Injected.Keys)} were injected");
    }

    private sealed class Collected
    {
        public ConcurrentQueue<(string ShardId, string SequenceNumber)> Records { get; } = new();

        public TaskCompletionSource AllArrived { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Add(string shardId, string sequenceNumber)
        {
            Records.Enqueue((shardId, sequenceNumber));
            if (Records.Count >= 1000)
            {
                AllArrived.TrySetResult();
            }
        }
    }

    private sealed class CollectingProcessor(Collected collected) : IShardRecordProcessor
    {
        private string _shardId = "";

        public ValueTask InitializeAsync(InitializationInput input, CancellationToken cancellationToken)
        {
            _shardId = input.ShardId;
            return default;
        }

        public async ValueTask ProcessRecordsAsync(ProcessRecordsInput input, CancellationToken cancellationToken)
        {
            foreach (var record in input.Records)
            {
                collected.Add(_shardId, record.SequenceNumber);
            }

            await input.Checkpointer.CheckpointAsync(cancellationToken);
        }

        public ValueTask LeaseLostAsync(LeaseLostInput input, CancellationToken cancellationToken) => default;

        public async ValueTask ShardEndedAsync(ShardEndedInput input, CancellationToken cancellationToken) => await input.Checkpointer.CheckpointAsync(cancellationToken);

        public async ValueTask ShutdownRequestedAsync(ShutdownRequestedInput input, CancellationToken cancellationToken) => await input.Checkpointer.CheckpointAsync(cancellationToken);
    }
}
