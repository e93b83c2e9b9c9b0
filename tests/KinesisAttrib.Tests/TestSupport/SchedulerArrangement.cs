using System.Text;
using KinesisAttrib.Handlers;
using KinesisAttrib.Hosting;
using KinesisAttrib.Kinesis;
using KinesisAttrib.Leases;
using KinesisAttrib.Processing;
using KinesisAttrib.Shards;
using KinesisAttrib.Testing;

namespace KinesisAttrib.Tests.TestSupport;

/// <summary>
/// What a scheduler test stands on: an in-memory stream, a lease store, and schedulers over them, started with
/// <see cref="Start"/> and stopped gracefully by <see cref="RunningScheduler.StopAsync"/>; and what tests that arrange
/// their own share: fast options, a producer, the timeout.
/// </summary>
internal sealed class SchedulerArrangement(InMemoryKinesisClient kinesis, string stream, InMemoryLeaseStore store)
{
    /// <summary>How long a test waits for a condition, and for a stopped scheduler to return.</summary>
    public static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(30);

    private static readonly AsyncLocal<RetrievalMode> s_retrieval = new();

    /// <summary>
    /// The retrieval mode <see cref="FastOptions"/> gives, for the test running now: a test class's fan-out subclass
    /// sets it in its constructor, so the same scheduler tests run against both publishers.
    /// </summary>
    public static RetrievalMode Retrieval
    {
        get => s_retrieval.Value;
        set => s_retrieval.Value = value;
    }

    /// <summary>Options for a test: fast polling (or fan-out, see <see cref="Retrieval"/>), a short failover time, batches of at most 100.</summary>
    public static KinesisAttribOptions FastOptions(string worker = "worker-1") => new()
    {
        WorkerId = worker,
        RetrievalMode = Retrieval,
        FailoverTime = TimeSpan.FromSeconds(2),

        // A third (not the default three quarters) leaves room for a machine busy running tests in parallel.
        LeaseRenewalInterval = TimeSpan.FromMilliseconds(650),
        LeaseTakerInterval = TimeSpan.FromMilliseconds(100),
        IdleTimeBetweenReads = TimeSpan.FromMilliseconds(20),
        ProcessingRetryDelay = TimeSpan.FromMilliseconds(20),
        MaxRecords = 100,
    };

    /// <summary>Puts records <c>{prefix}{from}</c> .. <c>{prefix}{from + count - 1}</c> over 37 partition keys; returns their sequence numbers.</summary>
    public static async Task<List<string>> PutAsync(IKinesisClient kinesis, string stream, int from, int count, string prefix = "r")
    {
        var sequences = new List<string>();
        for (var offset = 0; offset < count; offset += 500)
        {
            var entries = Enumerable.Range(from + offset, Math.Min(500, count - offset))
                .Select(i => new PutRecordsRequestEntry { Data = Encoding.UTF8.GetBytes($"{prefix}{i}"), PartitionKey = $"key-{i % 37}" })
                .ToList();
            var result = await kinesis.PutRecordsAsync(new PutRecordsRequest { StreamName = stream, Records = entries });
            Assert.Equal(0, result.FailedRecordCount);
            sequences.AddRange(result.Records.Select(r => r.SequenceNumber!));
        }

        return sequences;
    }

    public InMemoryKinesisClient Kinesis { get; } = kinesis;

    public string Stream { get; } = stream;

    public InMemoryLeaseStore Store { get; } = store;

    /// <summary>Creates <paramref name="stream"/> with <paramref name="shards"/> shards on <paramref name="kinesis"/> (a new client if none) beside an empty lease store.</summary>
    public static async Task<SchedulerArrangement> CreateAsync(int shards, string stream = "orders", InMemoryKinesisClient? kinesis = null)
    {
        // Fan-out events as often and as large as the polling the tests expect (an empty read every few tens of ms, at most 100 records).
        kinesis ??= new InMemoryKinesisClient { SubscriptionHeartbeat = TimeSpan.FromMilliseconds(50), SubscriptionMaxRecordsPerEvent = 100 };
        await kinesis.CreateStreamAsync(stream, shards);
        return new SchedulerArrangement(kinesis, stream, new InMemoryLeaseStore());
    }

    /// <inheritdoc cref="PutAsync(IKinesisClient, string, int, int, string)"/>
    public Task<List<string>> PutAsync(int from, int count, string prefix = "r") => PutAsync(Kinesis, Stream, from, count, prefix);

    /// <summary>A scheduler of application <c>app</c> over this stream, with <see cref="FastOptions"/> unless given options; <paramref name="kinesis"/> and <paramref name="store"/> stand in for the arranged ones (a faulty client, a blocking store).</summary>
    public Scheduler NewScheduler(Func<IShardRecordProcessor> processors, KinesisAttribOptions? options = null, InitialPosition position = InitialPosition.TrimHorizon, IKinesisClient? kinesis = null, ILeaseStore? store = null, string application = "app") =>
        new(application, Stream, position, processors, kinesis ?? Kinesis, store ?? Store, options ?? FastOptions());

    /// <inheritdoc cref="NewScheduler"/>
    public RunningScheduler Start(Func<IShardRecordProcessor> processors, KinesisAttribOptions? options = null, InitialPosition position = InitialPosition.TrimHorizon, IKinesisClient? kinesis = null, ILeaseStore? store = null, string application = "app") =>
        RunningScheduler.Start(NewScheduler(processors, options, position, kinesis, store, application));
}
