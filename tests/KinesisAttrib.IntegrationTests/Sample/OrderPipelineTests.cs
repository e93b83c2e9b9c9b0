using System.Text;
using System.Text.Json;
using KinesisAttrib.Hosting;
using KinesisAttrib.IntegrationTests.TestSupport;
using KinesisAttrib.Kinesis;
using OrderPipeline;

namespace KinesisAttrib.IntegrationTests.Sample;

/// <summary>The sample's command-line contract, run in-process against the emulators.</summary>
[Collection("emulators")]
public sealed class OrderPipelineTests(EmulatorFixture emulators)
{
    [Fact]
    public async Task Embedded_ProcessesAllTenThousandOrdersInBothHandlers()
    {
        var (code, stdout, _) = await RunAsync([]);

        Assert.Equal(0, code);
        Assert.Contains("archive: 10,000 records (10,000 distinct orders)", stdout, StringComparison.Ordinal);
        Assert.Contains("totals: 10,000 records (10,000 distinct orders)", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Consume_ArchivesEveryOrderAnotherClientPut_WithItsMetadata()
    {
        var stream = EmulatorFixture.UniqueName("orders");
        using var kinesis = EmulatorStreams.CreateKinesisClient(emulators);
        await EmulatorStreams.CreateActiveStreamAsync(kinesis, stream, 3);
        await OrderGenerator.PutAsync(kinesis, stream, 0, 1200, CancellationToken.None);
        var archive = Directory.CreateTempSubdirectory("archive-");

        var (code, stdout, stderr) = await RunAsync(
            ["consume", "--stream", stream, "--kinesis-endpoint", emulators.KinesisEndpoint.ToString(), "--dynamodb-endpoint", emulators.DynamoDbEndpoint.ToString(),
             "--region", EmulatorFixture.Region, "--worker-id", "sample-worker", "--archive-dir", archive.FullName, "--exit-when-idle", "3"]);

        Assert.True(code == 0, $"exit {code}: {stderr}");
        Assert.Contains("archive: 1,200 records", stdout, StringComparison.Ordinal);
        var lines = archive.GetFiles("*.jsonl").SelectMany(f => File.ReadAllLines(f.FullName)).ToList();
        var orders = lines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(Enumerable.Range(0, 1200).Select(i => OrderGenerator.Create(i).OrderId).Order(), orders.Select(o => o.GetProperty("orderId").GetString()!).Order());
        var first = orders.Single(o => o.GetProperty("orderId").GetString() == "ord-00000042");
        Assert.Equal("cust-0042", first.GetProperty("customerId").GetString());
        Assert.Equal("cust-0042", first.GetProperty("partitionKey").GetString());
        Assert.Equal("2026-01-01T00:00:42.000Z", first.GetProperty("createdAt").GetString());
        Assert.Equal("sample-worker", first.GetProperty("workerId").GetString());
        Assert.StartsWith("shardId-", first.GetProperty("shardId").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, first.GetProperty("subSequenceNumber").GetInt64());
        Assert.Matches(@"^\d+$", first.GetProperty("sequenceNumber").GetString());
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", first.GetProperty("processedAt").GetString());
        archive.Delete(recursive: true);
    }

    [Fact]
    public async Task ConsumeEfo_OnKinesisLocal_ArchivesEveryOrder_ThroughOneRegisteredConsumerPerApplication()
    {
        var stream = EmulatorFixture.UniqueName("orders");
        using var kinesis = emulators.CreateKinesisLocalClient();
        await EmulatorStreams.CreateActiveStreamAsync(kinesis, stream, 2);
        await OrderGenerator.PutAsync(kinesis, stream, 0, 600, CancellationToken.None);
        var archive = Directory.CreateTempSubdirectory("archive-");

        var (code, stdout, stderr) = await RunAsync(
            ["consume", "--stream", stream, "--kinesis-endpoint", emulators.KinesisLocalEndpoint.ToString(), "--dynamodb-endpoint", emulators.DynamoDbEndpoint.ToString(),
             "--region", EmulatorFixture.Region, "--worker-id", "efo-worker", "--archive-dir", archive.FullName, "--exit-when-idle", "15", "--efo", "--consumer-name", "sample"],
            o =>
            {
                // Lease tables of their own: the other sample tests' 'archive' and 'totals' tables belong to other streams.
                foreach (var application in new[] { "archive", "totals" })
                {
                    if (!o.Applications.TryGetValue(application, out var overrides))
                    {
                        overrides = new KinesisApplicationOptions();
                        o.Applications[application] = overrides;
                    }

                    overrides.LeaseTableName = $"{stream}-{application}";
                }
            });

        Assert.True(code == 0, $"exit {code}: {stderr}");
        Assert.True(stdout.Contains("archive: 600 records", StringComparison.Ordinal) && stdout.Contains("totals: 600 records", StringComparison.Ordinal), stdout + stderr);
        var orders = archive.GetFiles("*.jsonl").SelectMany(f => File.ReadAllLines(f.FullName)).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("orderId").GetString()!).ToList();
        Assert.Equal(Enumerable.Range(0, 600).Select(i => OrderGenerator.Create(i).OrderId).Order(), orders.Order());
        var streamArn = (await kinesis.DescribeStreamSummaryAsync(stream)).StreamArn;
        foreach (var consumer in new[] { "sample-archive", "sample-totals" })
        {
            Assert.Equal("ACTIVE", (await kinesis.DescribeStreamConsumerAsync(new StreamConsumerRequest { StreamArn = streamArn, ConsumerName = consumer })).ConsumerStatus);
        }

        archive.Delete(recursive: true);
    }

    [Fact]
    public async Task Produce_PutsTheRequestedNumberOfOrders()
    {
        var stream = EmulatorFixture.UniqueName("orders");
        using var kinesis = EmulatorStreams.CreateKinesisClient(emulators);
        await EmulatorStreams.CreateActiveStreamAsync(kinesis, stream, 1);

        var (code, _, stderr) = await RunAsync(["produce", "--stream", stream, "--count", "120", "--kinesis-endpoint", emulators.KinesisEndpoint.ToString()]);

        Assert.True(code == 0, stderr);
        var shard = (await kinesis.ListShardsAsync(new ListShardsRequest { StreamName = stream })).Shards.Single();
        var iterator = await kinesis.GetShardIteratorAsync(new GetShardIteratorRequest { StreamName = stream, ShardId = shard.ShardId, IteratorType = ShardIteratorType.TrimHorizon });
        var records = await kinesis.GetRecordsAsync(new GetRecordsRequest { ShardIterator = iterator });
        Assert.Equal(120, records.Records.Count);
        Assert.Contains("\"orderId\":\"ord-00000000\"", Encoding.UTF8.GetString(records.Records[0].Data.Span), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Produce_WithCreateStream_CreatesAMissingStream_AndUsesAnExistingOneAsItIs()
    {
        var stream = EmulatorFixture.UniqueName("orders");
        using var kinesis = EmulatorStreams.CreateKinesisClient(emulators);

        var (code, stdout, stderr) = await RunAsync(["produce", "--stream", stream, "--count", "10", "--create-stream", "3", "--kinesis-endpoint", emulators.KinesisEndpoint.ToString()]);

        Assert.True(code == 0, stderr);
        Assert.Contains($"created stream '{stream}' with 3 shards", stdout, StringComparison.Ordinal);
        Assert.Equal(3, (await kinesis.ListShardsAsync(new ListShardsRequest { StreamName = stream })).Shards.Count);

        (code, stdout, stderr) = await RunAsync(["produce", "--stream", stream, "--count", "10", "--create-stream", "5", "--kinesis-endpoint", emulators.KinesisEndpoint.ToString()]);

        Assert.True(code == 0, stderr);
        Assert.Contains($"stream '{stream}' exists (3 open shards", stdout, StringComparison.Ordinal);
        Assert.Equal(3, (await kinesis.ListShardsAsync(new ListShardsRequest { StreamName = stream })).Shards.Count);
    }

    [Theory]
    [InlineData("produce", "--stream", "s", "--count", "1", "--create-stream", "0")]
    [InlineData("produce", "--stream", "s", "--count", "1", "--create-stream", "many")]
    [InlineData("frobnicate")]
    [InlineData("produce", "--stream", "s")]
    [InlineData("produce", "--stream", "s", "--count", "-3")]
    [InlineData("consume")]
    [InlineData("consume", "--stream", "s", "--exit-when-idle", "soon")]
    [InlineData("consume", "--stream", "s", "--kinesis-endpoint", "not a url")]
    [InlineData("consume", "--stream", "s", "--bogus", "1")]
    [InlineData("consume", "--stream", "s", "--consumer-name", "x")]
    [InlineData("consume", "--stream", "s", "--efo", "--consumer-name", "not a name")]
    public async Task BadArguments_PrintUsageAndExitTwo(params string[] args)
    {
        var (code, _, stderr) = await RunAsync(args);
        Assert.Equal(2, code);
        Assert.Contains("usage:", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Consume_OfAMissingStream_FailsTheHostWithOneLineNamingKinesisTheStreamAndTheApplication_AndExitsOne()
    {
        // The sample no longer checks the stream itself: the 1 comes from the library failing the host.
        var (code, _, stderr) = await RunAsync(["consume", "--stream", "no-such-stream", "--kinesis-endpoint", emulators.KinesisEndpoint.ToString(), "--dynamodb-endpoint", emulators.DynamoDbEndpoint.ToString()]);
        Assert.Equal(1, code);
        Assert.Contains("stream 'no-such-stream'", stderr, StringComparison.Ordinal);
        Assert.Contains($"Kinesis at {emulators.KinesisEndpoint.ToString().TrimEnd('/')}", stderr, StringComparison.Ordinal);
        Assert.Matches("application '(archive|totals)'", stderr);
        Assert.Single(stderr.Trim().Split('\n'));
    }

    [Fact]
    public async Task Produce_ToAnUnreachableEndpoint_PrintsOneLineNamingItAndExitsOne()
    {
        var (code, _, stderr) = await RunAsync(["produce", "--stream", "s", "--count", "1", "--kinesis-endpoint", "http://127.0.0.1:9"]);
        Assert.Equal(1, code);
        Assert.Contains("127.0.0.1:9", stderr, StringComparison.Ordinal);
        Assert.Single(stderr.Trim().Split('\n'));
    }

    [Fact]
    public async Task Consume_WithAnUnreachableDynamoDb_PrintsOneLineNamingItAndExitsOne()
    {
        var stream = EmulatorFixture.UniqueName("orders");
        using var kinesis = EmulatorStreams.CreateKinesisClient(emulators);
        await EmulatorStreams.CreateActiveStreamAsync(kinesis, stream, 1);

        var (code, _, stderr) = await RunAsync(
            ["consume", "--stream", stream, "--kinesis-endpoint", emulators.KinesisEndpoint.ToString(), "--dynamodb-endpoint", "http://127.0.0.1:9"],
            o => o.StartupRetryTime = TimeSpan.FromSeconds(2));

        Assert.Equal(1, code);
        Assert.Contains("in DynamoDB at http://127.0.0.1:9 could not be reached", stderr, StringComparison.Ordinal);
        Assert.Contains($"stream '{stream}'", stderr, StringComparison.Ordinal);
        Assert.Single(stderr.Trim().Split('\n'));
    }

    private static async Task<(int Code, string Stdout, string Stderr)> RunAsync(string[] args, Action<KinesisAttribOptions>? configure = null)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await OrderPipelineApp.RunAsync(args, stdout, stderr, EmulatorFixture.Credentials, configure).WaitAsync(TimeSpan.FromMinutes(2));
        return (code, stdout.ToString(), stderr.ToString());
    }
}
