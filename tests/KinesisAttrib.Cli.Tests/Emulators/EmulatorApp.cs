using System.Globalization;
using System.Text;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using KinesisAttrib.Cli.Tests.TestSupport;
using KinesisAttrib.Handlers;
using KinesisAttrib.Hosting;
using KinesisAttrib.IntegrationTests.TestSupport;
using KinesisAttrib.Kinesis;
using KinesisAttrib.Leases;
using KinesisAttrib.Processing;
using KinesisAttrib.Shards;

namespace KinesisAttrib.Cli.Tests.Emulators;

/// <summary>One application on kinesalite and dynalite: its stream, its table, its workers, and the tool pointed at them.</summary>
internal sealed class EmulatorApp : IAsyncDisposable
{
    public static readonly TimeSpan FailoverTime = TimeSpan.FromSeconds(2);

    private readonly EmulatorFixture _emulators;
    private readonly List<(CancellationTokenSource Stop, Task Run)> _workers = [];

    private EmulatorApp(EmulatorFixture emulators, string prefix)
    {
        _emulators = emulators;
        Application = EmulatorFixture.UniqueName(prefix);
        Stream = EmulatorFixture.UniqueName(prefix + "-stream");
        Kinesis = EmulatorStreams.CreateKinesisClient(emulators);
        Dynamo = emulators.CreateDynamoDbClient();
    }

    public string Application { get; }

    public string Stream { get; }

    public KinesisHttpClient Kinesis { get; }

    public IAmazonDynamoDB Dynamo { get; }

    /// <summary>Credentials and region for the tool, passed explicitly (never the process's, never instance metadata).</summary>
    public static IReadOnlyDictionary<string, string> Environment { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["AWS_ACCESS_KEY_ID"] = "AKIAEMULATOREXAMPLE",
        ["AWS_SECRET_ACCESS_KEY"] = "emulator-secret-key-not-a-real-one",
        ["AWS_REGION"] = EmulatorFixture.Region,
    };

    public static string Shard(int n) => $"shardId-{n:D12}";

    public static async Task<EmulatorApp> CreateAsync(EmulatorFixture emulators, string prefix, int shards)
    {
        var app = new EmulatorApp(emulators, prefix);
        await EmulatorStreams.CreateActiveStreamAsync(app.Kinesis, app.Stream, shards);
        return app;
    }

    /// <summary>
    /// Runs the tool against this application's table and stream; an option in <paramref name="args"/> replaces the
    /// default one (an option given twice is a usage error of its own).
    /// </summary>
    public Task<ToolResult> ToolAsync(params string[] args)
    {
        var all = new List<string>(args);
        foreach (var (option, value) in new[]
        {
            ("--application", Application), ("--stream", Stream), ("--region", EmulatorFixture.Region),
            ("--kinesis-endpoint", _emulators.KinesisEndpoint.ToString()), ("--dynamodb-endpoint", _emulators.DynamoDbEndpoint.ToString()),
        })
        {
            if (!args.Contains(option))
            {
                all.AddRange([option, value]);
            }
        }

        return Tool.RunAsync(Environment, [.. all]);
    }

    /// <summary>A worker (the runtime's Scheduler) with short timings on this application.</summary>
    public void StartWorker(string id, Func<IShardRecordProcessor> processors)
    {
        var options = new KinesisAttribOptions
        {
            WorkerId = id,
            FailoverTime = FailoverTime,
            LeaseRenewalInterval = FailoverTime / 3,
            LeaseTakerInterval = TimeSpan.FromMilliseconds(250),
            ShardSyncInterval = TimeSpan.FromSeconds(1),
            IdleTimeBetweenReads = TimeSpan.FromMilliseconds(50),
            ProcessingRetryDelay = TimeSpan.FromMilliseconds(100),
            MaxRecords = 100,
        };
        var scheduler = new Scheduler(Application, Stream, InitialPosition.TrimHorizon, processors, Kinesis, new DynamoDbLeaseStore(Dynamo, Application), options);
        var stop = new CancellationTokenSource();
        _workers.Add((stop, Task.Run(() => scheduler.RunAsync(stop.Token, stop.Token))));
    }

    /// <summary>Puts payloads to the stream, in order, one request each (so they land in order on one shard when there is one).</summary>
    public async Task<List<string>> PutAsync(IEnumerable<string> payloads, string partitionKey = "k")
    {
        var sequences = new List<string>();
        foreach (var payload in payloads)
        {
            var put = await Kinesis.PutRecordAsync(new PutRecordRequest { StreamName = Stream, PartitionKey = partitionKey, Data = Encoding.UTF8.GetBytes(payload) });
            sequences.Add(put.SequenceNumber);
        }

        return sequences;
    }

    /// <summary>The raw items of the lease table (a consistent scan with the low-level client, not through the lease store).</summary>
    public async Task<List<Dictionary<string, AttributeValue>>> ScanTableAsync()
    {
        var response = await Dynamo.ScanAsync(new ScanRequest { TableName = Application, ConsistentRead = true });
        return [.. response.Items.OrderBy(i => i["leaseKey"].S, StringComparer.Ordinal)];
    }

    public static string Describe(List<Dictionary<string, AttributeValue>> items) => string.Join(
        "\n",
        items.Select(i => string.Join(", ", i.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Key}={a.Value.S ?? a.Value.N ?? (a.Value.SS is { Count: > 0 } ss ? string.Join("|", ss.Order(StringComparer.Ordinal)) : "?")}"))));

    public static long Number(Dictionary<string, AttributeValue> item, string name) =>
        item.TryGetValue(name, out var value) ? long.Parse(value.N, CultureInfo.InvariantCulture) : 0;

    public async ValueTask DisposeAsync()
    {
        foreach (var (stop, run) in _workers)
        {
            await stop.CancelAsync();
            try
            {
                await run.WaitAsync(TimeSpan.FromSeconds(30));
            }
            catch (OperationCanceledException)
            {
                // a hard stop
            }

            stop.Dispose();
        }

        Kinesis.Dispose();
        Dynamo.Dispose();
    }
}

/// <summary>Logs each record and checkpoints it; throws on the payload "poison" every time (a poison record).</summary>
internal sealed class CheckpointEachRecordProcessor(DeliveryLog log, string worker, Action? onPoison = null) : IShardRecordProcessor
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
            if (Encoding.UTF8.GetString(record.Data.Span) == "poison")
            {
                onPoison?.Invoke();
                throw new InvalidOperationException("poison record");
            }

            log.Add(worker, _shardId, record);
            await input.Checkpointer.CheckpointAsync(record, cancellationToken);
        }
    }

    public ValueTask LeaseLostAsync(LeaseLostInput input, CancellationToken cancellationToken) => default;

    public ValueTask ShardEndedAsync(ShardEndedInput input, CancellationToken cancellationToken) => input.Checkpointer.CheckpointAsync(cancellationToken);

    public ValueTask ShutdownRequestedAsync(ShutdownRequestedInput input, CancellationToken cancellationToken) => input.Checkpointer.CheckpointAsync(cancellationToken);
}
