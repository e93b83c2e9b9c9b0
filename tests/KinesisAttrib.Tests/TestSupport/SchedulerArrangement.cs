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
/// <see cref="Start"/> and stopped gracefully by <see cref="RunningScheduler.StopAsync"/>.
/// </summary>
internal sealed class SchedulerArrangement(InMemoryKinesisClient kinesis, string stream, InMemoryLeaseStore store)
{
    public InMemoryKinesisClient Kinesis { get; } = kinesis;

    public string Stream { get; } = stream;

    public InMemoryLeaseStore Store { get; } = store;

    /// <summary>Creates <paramref name="stream"/> with <paramref name="shards"/> shards on <paramref name="kinesis"/> (a new client if none) beside an empty lease store.</summary>
    public static async Task<SchedulerArrangement> CreateAsync(int shards, string stream = "orders", InMemoryKinesisClient? kinesis = null)
    {
        kinesis ??= new InMemoryKinesisClient();
        await kinesis.CreateStreamAsync(stream, shards);
        return new SchedulerArrangement(kinesis, stream, new InMemoryLeaseStore());
    }

    /// <inheritdoc cref="SchedulerTestKit.PutAsync"/>
    public Task<List<string>> PutAsync(int from, int count, string prefix = "r") => SchedulerTestKit.PutAsync(Kinesis, Stream, from, count, prefix);

    /// <summary>A scheduler of application <c>app</c> over this stream, with <see cref="SchedulerTestKit.FastOptions"/> unless given options; <paramref name="kinesis"/> and <paramref name="store"/> stand in for the arranged ones (a faulty client, a blocking store).</summary>
    public Scheduler NewScheduler(Func<IShardRecordProcessor> processors, KinesisAttribOptions? options = null, InitialPosition position = InitialPosition.TrimHorizon, IKinesisClient? kinesis = null, ILeaseStore? store = null, string application = "app") =>
        new(application, Stream, position, processors, kinesis ?? Kinesis, store ?? Store, options ?? SchedulerTestKit.FastOptions());

    /// <inheritdoc cref="NewScheduler"/>
    public RunningScheduler Start(Func<IShardRecordProcessor> processors, KinesisAttribOptions? options = null, InitialPosition position = InitialPosition.TrimHorizon, IKinesisClient? kinesis = null, ILeaseStore? store = null, string application = "app") =>
        RunningScheduler.Start(NewScheduler(processors, options, position, kinesis, store, application));
}
