using System.Text;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using KinesisAttrib.Handlers;
using KinesisAttrib.Hosting;
using KinesisAttrib.IntegrationTests.TestSupport;
using KinesisAttrib.Kinesis;
using KinesisAttrib.Leases;
using KinesisAttrib.Processing;
using KinesisAttrib.Shards;
using KinesisAttrib.Testing;
using KinesisAttrib.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace KinesisAttrib.IntegrationTests.Failures;

/// <summary>The on-failure destinations against real emulated services: a Kinesis stream (kinesalite) and a DynamoDB table (dynalite).</summary>
[Collection(EmulatorCollection.Name)]
public sealed class FailedRecordDestinationTests(EmulatorFixture emulators) : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly IAmazonDynamoDB _dynamoDb = emulators.CreateDynamoDbClient();
    private readonly KinesisHttpClient _kinesis = EmulatorStreams.CreateKinesisClient(emulators);

    [Fact]
    public async Task APoisonRecord_AfterItsRetries_LandsInTheFailureStream_AsAnEnvelopeWithItsError_AndTheShardMovesOn()
    {
        var source = EmulatorFixture.UniqueName("orders");
        var failures = EmulatorFixture.UniqueName("orders-failed");
        await EmulatorStreams.CreateActiveStreamAsync(_kinesis, source, 1);
        await EmulatorStreams.CreateActiveStreamAsync(_kinesis, failures, 1);
        var put = await _kinesis.PutRecordsAsync(new PutRecordsRequest
        {
            StreamName = source,
            Records = Enumerable.Range(0, 200).Select(i => new PutRecordsRequestEntry { Data = Encoding.UTF8.GetBytes($"r{i}"), PartitionKey = $"key-{i % 7}" }).ToList(),
        });
        Assert.Equal(0, put.FailedRecordCount);
        await using var services = new ServiceCollection().AddSingleton<IKinesisClient>(_kinesis).AddKinesisStreamFailureDestination(failures).BuildServiceProvider();
        var log = new HandledLog();
        var settings = new HandlerSettings { HandlerName = "Tests.Poison", MaxRetryAttempts = 1, RetryDelay = TimeSpan.FromMilliseconds(5) };
        var leases = new InMemoryLeaseStore();
        var options = new KinesisAttribOptions { WorkerId = "w", IdleTimeBetweenReads = TimeSpan.FromMilliseconds(50), LeaseTakerInterval = TimeSpan.FromMilliseconds(100), ProcessingRetryDelay = TimeSpan.FromMilliseconds(20) };
        using var stop = new CancellationTokenSource();

        var run = new Scheduler("app", source, InitialPosition.TrimHorizon, () => new PoisonRecordProcessor(services, settings, "r77", log), _kinesis, leases, options).RunAsync(stop.Token);
        using (var wait = new CancellationTokenSource(Timeout))
        {
            while (log.Total < 199 || (await leases.GetLeaseAsync(put.Records[0].ShardId!))?.Checkpoint.SequenceNumber != put.Records[^1].SequenceNumber)
            {
                await Task.Delay(20, wait.Token);
            }
        }

        await stop.CancelAsync();
        await run.WaitAsync(Timeout);

        var stored = await ReadAllAsync(failures);
        var envelope = FailedRecordEnvelope.Read(Assert.Single(stored).Data);
        Assert.Equal("r77", Encoding.UTF8.GetString(envelope.Data));
        Assert.Equal(("app", source, put.Records[77].ShardId, put.Records[77].SequenceNumber), (envelope.ApplicationName, envelope.StreamName, envelope.ShardId, envelope.SequenceNumber));
        Assert.Equal(("key-0", FailureReason.HandlerFailed, 2), (envelope.PartitionKey, envelope.Reason, envelope.Attempts));
        Assert.Equal((typeof(InvalidOperationException).FullName, "cannot handle r77"), (envelope.ErrorType, envelope.ErrorMessage));
        Assert.Equal("key-0", stored[0].PartitionKey);
        Assert.Equal(199, log.Handled.Count);
        Assert.All(log.Handled.Values, n => Assert.Equal(1, n));
    }

    [Fact]
    public async Task TheDynamoDbDestination_CreatesItsTable_AndStoresARecordOnce_KeepingTheFirstError()
    {
        var table = EmulatorFixture.UniqueName("failed-records");
        var destination = new DynamoDbFailedRecordDestination(_dynamoDb, table, createTableIfMissing: true);
        var record = Failed("first error", new byte[] { 0, 1, 2, 0xFF });

        await destination.SendAsync(record, default);
        await destination.SendAsync(record with { ErrorMessage = "second error", Attempts = 9 }, default);

        var items = (await _dynamoDb.ScanAsync(new ScanRequest { TableName = table, ConsistentRead = true })).Items;
        var item = Assert.Single(items);
        Assert.Equal(DynamoDbFailedRecordDestination.RecordIdOf(record), item["recordId"].S);
        Assert.Equal("billing/orders/shardId-000000000001/49590338271490256608559692538361571095921575989136588898/2", item["recordId"].S);
        Assert.Equal(("billing", "orders", "shardId-000000000001"), (item["application"].S, item["stream"].S, item["shardId"].S));
        Assert.Equal(("49590338271490256608559692538361571095921575989136588898", "2", "key-1"), (item["sequenceNumber"].S, item["subSequenceNumber"].N, item["partitionKey"].S));
        Assert.Equal(("first error", "4", "HandlerFailed", "System.TimeoutException"), (item["errorMessage"].S, item["attempts"].N, item["reason"].S, item["errorType"].S));
        Assert.Equal(new byte[] { 0, 1, 2, 0xFF }, item["data"].B.ToArray());
        Assert.Equal("Shop.Orders.OnOrder", item["handler"].S);
    }

    [Fact]
    public async Task TheDynamoDbDestination_FromDependencyInjection_UsesTheOptionsEndpointAndCredentials()
    {
        var table = EmulatorFixture.UniqueName("failed-records");
        await using var services = new ServiceCollection()
            .AddKinesisAttrib(o =>
            {
                o.Region = EmulatorFixture.Region;
                o.DynamoDbEndpoint = emulators.DynamoDbEndpoint;
                o.Credentials = EmulatorFixture.Credentials;
            })
            .AddDynamoDbFailureDestination(table, "audit")
            .BuildServiceProvider();

        var destination = services.GetRequiredKeyedService<IFailedRecordDestination>("audit");
        await destination.SendAsync(Failed("boom", "x"u8.ToArray()), default);

        Assert.Single((await _dynamoDb.ScanAsync(new ScanRequest { TableName = table, ConsistentRead = true })).Items);
    }

    [Fact]
    public async Task APreparedCheckpointWithApplicationState_SurvivesARestart_OnTheDynamoDbLeaseStore()
    {
        var store = new DynamoDbLeaseStore(_dynamoDb, EmulatorFixture.UniqueName("two-phase"));
        await store.EnsureTableAsync();

        await TwoPhaseRestartScenario.RunAsync(store);
    }

    public void Dispose()
    {
        _dynamoDb.Dispose();
        _kinesis.Dispose();
    }

    private static FailedRecord Failed(string message, byte[] data) => new()
    {
        ApplicationName = "billing",
        StreamName = "orders",
        ShardId = "shardId-000000000001",
        HandlerName = "Shop.Orders.OnOrder",
        Record = new KinesisClientRecord("49590338271490256608559692538361571095921575989136588898", 2, "key-1", data, DateTimeOffset.UtcNow),
        Reason = FailureReason.HandlerFailed,
        Attempts = 4,
        ErrorType = "System.TimeoutException",
        ErrorMessage = message,
        FailedAt = DateTimeOffset.UtcNow,
    };

    private async Task<List<KinesisAttrib.Kinesis.KinesisRecord>> ReadAllAsync(string stream)
    {
        var shards = await _kinesis.ListShardsAsync(new ListShardsRequest { StreamName = stream });
        var iterator = await _kinesis.GetShardIteratorAsync(new GetShardIteratorRequest { StreamName = stream, ShardId = shards.Shards[0].ShardId, IteratorType = ShardIteratorType.TrimHorizon });
        var response = await _kinesis.GetRecordsAsync(new GetRecordsRequest { ShardIterator = iterator, StreamName = stream });
        return [.. response.Records];
    }
}
