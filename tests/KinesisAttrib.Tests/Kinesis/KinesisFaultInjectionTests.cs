using System.Diagnostics;
using System.Text;
using Amazon.Runtime;
using KinesisAttrib.Handlers;
using KinesisAttrib.Hosting;
using KinesisAttrib.Kinesis;
using KinesisAttrib.Shards;
using KinesisAttrib.Testing;
using KinesisAttrib.Tests.TestSupport;

namespace KinesisAttrib.Tests.Kinesis;

/// <summary>
/// <see cref="KinesisHttpClient"/> through a fault-injecting <see cref="DelegatingHandler"/> in front of an in-process
/// Kinesis: transient faults are absorbed, a spent budget is a clear typed error, and a shard consumer on top neither
/// loses nor duplicates a record.
/// </summary>
public sealed class KinesisFaultInjectionTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private static (KinesisHttpClient Client, FaultInjectingHandler Faults, InMemoryKinesisClient Kinesis) Create(
        Func<int, string, Fault> plan, int maxAttempts = 4, TimeSpan? timeout = null, TimeSpan? budget = null)
    {
        var kinesis = new InMemoryKinesisClient();
        var faults = new FaultInjectingHandler(new InMemoryKinesisServer(kinesis), plan);
        var client = new KinesisHttpClient(
            new KinesisClientOptions
            {
                ServiceUrl = new Uri("https://kinesis.test.invalid/"),
                Region = "us-east-1",
                Credentials = new SessionAWSCredentials("AKIDEXAMPLE", "secret-key-value", "session-token-value"),
                MaxAttempts = maxAttempts,
                Timeout = timeout ?? TimeSpan.FromMilliseconds(300),
                RetryBudget = budget ?? TimeSpan.FromSeconds(30),
                RetryBaseDelay = TimeSpan.FromMilliseconds(2),
                MaxRetryDelay = TimeSpan.FromMilliseconds(20),
            },
            new HttpClient(faults));
        return (client, faults, kinesis);
    }

    private static async Task<List<string>> SeedAsync(InMemoryKinesisClient kinesis, string stream, int shards, int records)
    {
        await kinesis.CreateStreamAsync(stream, shards);
        var sequences = new List<string>();
        for (var offset = 0; offset < records; offset += 500)
        {
            var batch = Enumerable.Range(offset, Math.Min(500, records - offset))
                .Select(i => new PutRecordsRequestEntry { Data = Encoding.UTF8.GetBytes($"record-{i}"), PartitionKey = $"pk-{i % 41}" })
                .ToList();
            var result = await kinesis.PutRecordsAsync(new PutRecordsRequest { StreamName = stream, Records = batch });
            sequences.AddRange(result.Records.Select(r => r.SequenceNumber!));
        }

        return sequences;
    }

    [Theory]
    [InlineData(Fault.Throttle)]
    [InlineData(Fault.ServerError)]
    [InlineData(Fault.Unavailable)]
    [InlineData(Fault.ResetBeforeSend)]
    [InlineData(Fault.ResetAfterSend)]
    [InlineData(Fault.Stall)]
    [InlineData(Fault.TruncatedBody)]
    public async Task EveryCall_SucceedsAfterTwoTransientFaults_WithTheSameResultAsWithoutThem(Fault fault)
    {
        var (client, faults, kinesis) = Create((call, _) => call % 3 is 1 or 2 ? fault : Fault.None);
        using var _ = client;
        var sequences = await SeedAsync(kinesis, "orders", 1, 20);

        var summary = await client.DescribeStreamSummaryAsync("orders");
        var shards = await client.ListShardsAsync(new ListShardsRequest { StreamName = "orders" });
        var iterator = await client.GetShardIteratorAsync(new GetShardIteratorRequest { StreamName = "orders", ShardId = shards.Shards[0].ShardId, IteratorType = ShardIteratorType.TrimHorizon });
        var records = await client.GetRecordsAsync(new GetRecordsRequest { ShardIterator = iterator, StreamName = "orders" });

        Assert.Equal("ACTIVE", summary.StreamStatus);
        Assert.Single(shards.Shards);
        Assert.Equal(sequences, records.Records.Select(r => r.SequenceNumber));
        Assert.Equal("record-0", Encoding.UTF8.GetString(records.Records[0].Data.Span));
        Assert.Equal(8, faults.Injected[fault]);
        Assert.Equal(12, faults.Calls);
    }

    [Fact]
    public async Task Throttling_OnEveryAttempt_IsAProvisionedThroughputExceededException_NamingOperationStreamAndRequestId()
    {
        var (client, faults, kinesis) = Create((_, op) => op == "GetRecords" ? Fault.Throttle : Fault.None, maxAttempts: 3);
        using var _ = client;
        await SeedAsync(kinesis, "orders", 1, 1);
        var iterator = await client.GetShardIteratorAsync(new GetShardIteratorRequest { StreamName = "orders", ShardId = "shardId-000000000000", IteratorType = ShardIteratorType.TrimHorizon });

        var error = await Assert.ThrowsAsync<ProvisionedThroughputExceededException>(
            () => client.GetRecordsAsync(new GetRecordsRequest { ShardIterator = iterator, StreamName = "orders" }));

        Assert.Equal(3, error.Attempts);
        Assert.Equal(3, faults.Injected[Fault.Throttle]);
        Assert.StartsWith("Kinesis GetRecords on stream 'orders' failed with ProvisionedThroughputExceededException (HTTP 400, request id injected-", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("(gave up after 3 attempts)", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-key-value", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("session-token-value", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("Signature=", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ResetsOnEveryAttempt_AreARetryableTransportFailure_AfterMaxAttempts()
    {
        var (client, faults, _) = Create((_, _) => Fault.ResetBeforeSend, maxAttempts: 4);
        using var __ = client;

        var error = await Assert.ThrowsAsync<KinesisException>(() => client.ListShardsAsync(new ListShardsRequest { StreamName = "orders" }));

        Assert.Equal("TransportFailure", error.ErrorType);
        Assert.True(error.IsRetryable);
        Assert.Equal(4, error.Attempts);
        Assert.Equal(4, faults.Calls);
        Assert.Contains("ListShards on stream 'orders'", error.Message, StringComparison.Ordinal);
        Assert.IsType<HttpRequestException>(error.InnerException);
    }

    [Fact]
    public async Task Stalls_AreCutByThePerCallTimeout_AndTheRetryBudgetBoundsTheWholeCall()
    {
        // Every attempt hangs; 10 attempts of 400 ms would take 4 s, but the budget is 1 s.
        var (client, faults, _) = Create((_, _) => Fault.Stall, maxAttempts: 10, timeout: TimeSpan.FromMilliseconds(400), budget: TimeSpan.FromSeconds(1));
        using var __ = client;
        var stopwatch = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<KinesisException>(() => client.DescribeStreamSummaryAsync("orders"));

        stopwatch.Stop();
        Assert.Equal("RequestTimeout", error.ErrorType);
        Assert.Contains("DescribeStreamSummary on stream 'orders' did not complete within", error.Message, StringComparison.Ordinal);
        Assert.InRange(faults.Calls, 2, 4);
        Assert.Equal(faults.Calls, error.Attempts);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(3), $"the budget of 1 s was overrun: {stopwatch.Elapsed}");
    }

    [Fact]
    public async Task NotFound_AccessDenied_AndValidation_AreNeverRetried()
    {
        var (client, faults, kinesis) = Create((_, _) => Fault.None);
        using var _ = client;
        await kinesis.CreateStreamAsync("orders", 1);

        await Assert.ThrowsAsync<ResourceNotFoundException>(() => client.DescribeStreamSummaryAsync("missing"));
        Assert.Equal("InvalidArgumentException", (await Assert.ThrowsAsync<KinesisException>(() => client.GetRecordsAsync(new GetRecordsRequest { ShardIterator = "not-an-iterator" }))).ErrorType);

        Assert.Equal(2, faults.Calls);
    }

    [Fact]
    public async Task CallerCancellation_StopsRetryingAtOnce()
    {
        var (client, faults, _) = Create((_, _) => Fault.Stall, maxAttempts: 10, timeout: TimeSpan.FromSeconds(30));
        using var _ = client;
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        var stopwatch = Stopwatch.StartNew();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.DescribeStreamSummaryAsync("orders", cts.Token));

        Assert.Equal(1, faults.Calls);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task AShardConsumer_OverAFaultyTransport_DeliversEveryRecordExactlyOnceInOrder()
    {
        // One call in four fails, cycling through every kind of fault, on every operation the runtime uses.
        Fault[] kinds = [Fault.Throttle, Fault.ServerError, Fault.ResetBeforeSend, Fault.ResetAfterSend, Fault.Stall, Fault.TruncatedBody, Fault.Unavailable];
        var (client, faults, kinesis) = Create((call, _) => call % 4 == 0 ? kinds[call / 4 % kinds.Length] : Fault.None, maxAttempts: 3, timeout: TimeSpan.FromMilliseconds(200));
        using var _ = client;
        const int Total = 1500;
        var sequences = await SeedAsync(kinesis, "orders", 2, Total);
        var store = new InMemoryLeaseStore();
        var sink = new RecordingSink();
        var options = new KinesisAttribOptions
        {
            WorkerId = "worker-1",
            FailoverTime = TimeSpan.FromSeconds(5),
            LeaseTakerInterval = TimeSpan.FromMilliseconds(100),
            IdleTimeBetweenReads = TimeSpan.FromMilliseconds(20),
            ProcessingRetryDelay = TimeSpan.FromMilliseconds(20),
            MaxRecords = 50,
        };
        using var stop = new CancellationTokenSource();

        var run = new Scheduler("app", "orders", InitialPosition.TrimHorizon, () => new RecordingProcessor(sink), client, store, options).RunAsync(stop.Token);
        await sink.WhenCountReaches(Total, Patience);
        await stop.CancelAsync();
        await run.WaitAsync(Patience);

        var delivered = sink.ByShard();
        var all = delivered.Values.SelectMany(r => r).Select(r => r.SequenceNumber).ToList();
        Assert.Equal(Total, all.Count);
        Assert.Equal(sequences.Order(StringComparer.Ordinal), all.Order(StringComparer.Ordinal));
        foreach (var (shardId, records) in delivered)
        {
            var ordered = records.OrderBy(r => r.SequenceNumber, Comparer<string>.Create(ExtendedSequenceNumber.CompareSequenceNumbers)).ToList();
            Assert.Equal(ordered.Select(r => r.SequenceNumber), records.Select(r => r.SequenceNumber));
            var lease = await store.GetLeaseAsync(shardId);
            Assert.Equal(records[^1].SequenceNumber, lease!.Checkpoint.SequenceNumber);
        }

        Assert.True(faults.FaultCount >= 10, $"only {faults.FaultCount} faults were injected");
        Assert.True(faults.Injected.Keys.Count >= 5, $"only {string.Join(", ", faults.Injected.Keys)} were injected");
    }
}
