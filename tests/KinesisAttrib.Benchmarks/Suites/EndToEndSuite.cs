using System.Diagnostics;
using KinesisAttrib.Benchmarks.Harness;
using KinesisAttrib.Benchmarks.HotPath;
using KinesisAttrib.Handlers;
using KinesisAttrib.Hosting;
using KinesisAttrib.Kinesis;
using KinesisAttrib.Leases;
using KinesisAttrib.Processing;
using KinesisAttrib.Shards;
using Microsoft.Extensions.DependencyInjection;
using static KinesisAttrib.Benchmarks.Harness.Args;

namespace KinesisAttrib.Benchmarks.Suites;

/// <summary>
/// End to end on kinesalite: N preloaded ~200-byte records on 4 shards, read by one framework worker (the generated
/// no-op handler, a fresh lease table on dynalite each run) with read-ahead off (<c>MaxReadAheadBatches = 0</c>: the next
/// GetRecords starts when the handler is done) and on (the default, 3 batches), and by a raw GetRecords loop (one task
/// per shard, TRIM_HORIZON, max-records per call, no pause), alternating, on the same emulator in the same run; and the
/// raw loop again, paced to Kinesis's read limit (a call at most every 200 ms per shard, and 2 MiB/s per shard counted
/// from each call's start), which is what a raw loop may do against the real service without being throttled.
/// Options: --records N (250000), --shards N (4), --runs N per reader (3), --max-records N (10000: the framework's
/// MaxRecords and the raw loops' Limit), --handler-ms M (0: when above zero the framework's processor waits M ms per
/// batch, and the handler limit shards × max-records / M s is reported next to the paced loop's rate).
/// </summary>
public static class EndToEndSuite
{
    /// <summary>The generated processor of <see cref="OrderHandlers.OnBytes"/>.</summary>
    public static KinesisHandlerDescriptor NoOpDescriptor(IServiceProvider services) =>
        services.GetServices<KinesisHandlerDescriptor>().Single(d => d.Settings.HandlerName == $"{typeof(OrderHandlers).FullName}.{nameof(OrderHandlers.OnBytes)}");

    public static async Task RunAsync(string[] args)
    {
        var records = Int(args, "--records", 250_000);
        var shards = Int(args, "--shards", 4);
        var runs = Int(args, "--runs", 3);
        var maxRecords = Int(args, "--max-records", 10_000);
        var handlerMs = Int(args, "--handler-ms", 0);
        Report($"## e2e: {records} records on {shards} shards, {runs} runs per reader, alternating; max records {maxRecords}, handler {handlerMs} ms per batch");
        await using var emulators = await Emulators.StartAsync();
        using var kinesis = emulators.CreateKinesisClient();
        using var dynamo = emulators.CreateDynamoDbClient();
        var stream = Emulators.UniqueName("e2e");
        await Emulators.CreateActiveStreamAsync(kinesis, stream, shards);
        var put = Stopwatch.StartNew();
        await Emulators.PutOrdersAsync(kinesis, stream, 0, records);
        Report($"preloaded {records} records in {put.Elapsed.TotalSeconds:F1} s ({records / put.Elapsed.TotalSeconds:F0} records/s)");
        await using var services = new ServiceCollection().AddKinesisHandlers().BuildServiceProvider();
        var descriptor = NoOpDescriptor(services);
        var handlerDelay = TimeSpan.FromMilliseconds(handlerMs);

        var raw = new List<Run>();
        var paced = new List<Run>();
        var off = new List<Run>();
        var on = new List<Run>();
        Report($"| run | reader | total (s) | records/s from start | first record after (s) | records/s from first record |");
        Report($"|---:|---|---:|---:|---:|---:|");
        for (var i = 1; i <= runs; i++)
        {
            var r = await RawLoopAsync(kinesis, stream, records, maxRecords, paced: false);
            raw.Add(r);
            Report($"| {i} | raw GetRecords loop | {r.Total:F2} | {records / r.Total:F0} | {r.First:F2} | {r.Steady(records):F0} |");
            var p = await RawLoopAsync(kinesis, stream, records, maxRecords, paced: true);
            paced.Add(p);
            Report($"| {i} | raw loop paced to the Kinesis limits | {p.Total:F2} | {records / p.Total:F0} | {p.First:F2} | {p.Steady(records):F0} |");
            var f = await FrameworkAsync(kinesis, dynamo, descriptor, services, stream, records, maxRecords, readAheadBatches: 0, handlerDelay);
            off.Add(f);
            Report($"| {i} | framework (1 worker), read-ahead off | {f.Total:F2} | {records / f.Total:F0} | {f.First:F2} | {f.Steady(records):F0} |");
            f = await FrameworkAsync(kinesis, dynamo, descriptor, services, stream, records, maxRecords, readAheadBatches: null, handlerDelay);
            on.Add(f);
            Report($"| {i} | framework (1 worker), read-ahead on (default) | {f.Total:F2} | {records / f.Total:F0} | {f.First:F2} | {f.Steady(records):F0} |");
        }

        double FromStart(List<Run> list) => Median(list.Select(r => records / r.Total));
        double FromFirst(List<Run> list) => Median(list.Select(r => r.Steady(records)));
        foreach (var (label, rate) in new (string, Func<List<Run>, double>)[] { ("from start", FromStart), ("from first record", FromFirst) })
        {
            double onRate = rate(on), offRate = rate(off), rawRate = rate(raw), pacedRate = rate(paced);
            Report($"median records/s {label}: read-ahead on {onRate:F0}, off {offRate:F0}, raw {rawRate:F0}, paced raw {pacedRate:F0}; on vs paced {onRate / pacedRate:P0}, on vs raw {onRate / rawRate:P0}, off vs on {offRate / onRate:P0}, off vs paced {offRate / pacedRate:P0}");
            if (handlerMs > 0)
            {
                var handlerLimit = shards * maxRecords / (handlerMs / 1000.0);
                var limit = Math.Min(pacedRate, handlerLimit);
                Report($"  handler limit {shards} × {maxRecords} / {handlerMs / 1000.0:0.###} s = {handlerLimit:F0} records/s; min(paced raw {pacedRate:F0}, handler limit) = {limit:F0}: read-ahead on {onRate / limit:P0}, off {offRate / limit:P0}");
            }
        }
    }

    /// <summary>Seconds from start to the last record, and to the first.</summary>
    private readonly record struct Run(double Total, double First)
    {
        // Records after the first batch over the time after it: excludes start-up (table, sync, leases, iterators).
        public double Steady(int records) => records / (Total - First);
    }

    private static async Task<Run> RawLoopAsync(IKinesisClient kinesis, string stream, int records, int limit, bool paced)
    {
        var shardIds = (await kinesis.ListShardsAsync(new ListShardsRequest { StreamName = stream })).Shards.Select(s => s.ShardId).ToList();
        long read = 0;
        double first = -1;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(shardIds.Select(async shardId =>
        {
            var iterator = await kinesis.GetShardIteratorAsync(new GetShardIteratorRequest { StreamName = stream, ShardId = shardId, IteratorType = ShardIteratorType.TrimHorizon });
            var notBefore = TimeSpan.Zero;
            while (iterator is not null)
            {
                if (paced && notBefore > clock.Elapsed)
                {
                    await Task.Delay(notBefore - clock.Elapsed);
                }

                var calledAt = clock.Elapsed;
                var response = await kinesis.GetRecordsAsync(new GetRecordsRequest { ShardIterator = iterator, Limit = limit });
                var bytes = response.Records.Sum(r => (long)r.Data.Length + r.PartitionKey.Length);
                notBefore = calledAt + TimeSpan.FromSeconds(Math.Max(0.2, bytes / (2.0 * 1024 * 1024)));
                if (response.Records.Count == 0)
                {
                    break; // nothing is written during the run: an empty read is the end of the preload
                }

                if (Interlocked.Add(ref read, response.Records.Count) == response.Records.Count)
                {
                    first = clock.Elapsed.TotalSeconds;
                }

                iterator = response.NextShardIterator;
            }
        }));
        var total = clock.Elapsed.TotalSeconds;
        return read == records ? new Run(total, first) : throw new InvalidOperationException($"the raw loop read {read} of {records} records");
    }

    private static async Task<Run> FrameworkAsync(
        IKinesisClient kinesis, Amazon.DynamoDBv2.IAmazonDynamoDB dynamo, KinesisHandlerDescriptor descriptor, IServiceProvider services, string stream, int records, int maxRecords, int? readAheadBatches, TimeSpan handlerDelay)
    {
        var application = Emulators.UniqueName("e2e");
        var start = OrderHandlers.Delivered;
        var options = new KinesisAttribOptions { WorkerId = "e2e-worker", MaxRecords = maxRecords };
        if (readAheadBatches is { } batches)
        {
            options.MaxReadAheadBatches = batches;
        }

        var scheduler = new Scheduler(application, stream, InitialPosition.TrimHorizon, () => SlowProcessor.Wrap(descriptor.CreateProcessor(services, descriptor.Settings), handlerDelay), kinesis, new DynamoDbLeaseStore(dynamo, application), options);
        using var stop = new CancellationTokenSource();
        var clock = Stopwatch.StartNew();
        var run = Task.Run(() => scheduler.RunAsync(stop.Token));
        double first = -1;
        while (OrderHandlers.Delivered - start < records)
        {
            if (first < 0 && OrderHandlers.Delivered > start)
            {
                first = clock.Elapsed.TotalSeconds;
            }

            if (run.IsCompleted || clock.Elapsed > TimeSpan.FromMinutes(5))
            {
                await run;
                throw new InvalidOperationException($"the framework delivered {OrderHandlers.Delivered - start} of {records} records");
            }

            await Task.Delay(1);
        }

        var total = clock.Elapsed.TotalSeconds;
        await stop.CancelAsync();
        await run;
        return new Run(total, first);
    }

    /// <summary>
    /// The generated processor with a handler that takes <c>delay</c> per batch: waits, then delegates every call
    /// unchanged (including the idle turn the generated processors use for periodic checkpoints).
    /// </summary>
    private sealed class SlowProcessor(IShardRecordProcessor inner, TimeSpan delay) : IShardRecordProcessor, IIdleShardProcessor
    {
        public static IShardRecordProcessor Wrap(IShardRecordProcessor inner, TimeSpan delay) => delay > TimeSpan.Zero ? new SlowProcessor(inner, delay) : inner;

        public ValueTask InitializeAsync(InitializationInput input, CancellationToken cancellationToken) => inner.InitializeAsync(input, cancellationToken);

        public async ValueTask ProcessRecordsAsync(ProcessRecordsInput input, CancellationToken cancellationToken)
        {
            // Not cancellable: a batch in hand is finished at shutdown, as a real handler's would be.
            await Task.Delay(delay, CancellationToken.None);
            await inner.ProcessRecordsAsync(input, cancellationToken);
        }

        public ValueTask LeaseLostAsync(LeaseLostInput input, CancellationToken cancellationToken) => inner.LeaseLostAsync(input, cancellationToken);

        public ValueTask ShardEndedAsync(ShardEndedInput input, CancellationToken cancellationToken) => inner.ShardEndedAsync(input, cancellationToken);

        public ValueTask ShutdownRequestedAsync(ShutdownRequestedInput input, CancellationToken cancellationToken) => inner.ShutdownRequestedAsync(input, cancellationToken);

        public ValueTask IdleAsync(IRecordProcessorCheckpointer checkpointer, CancellationToken cancellationToken) =>
            inner is IIdleShardProcessor idle ? idle.IdleAsync(checkpointer, cancellationToken) : ValueTask.CompletedTask;
    }
}
