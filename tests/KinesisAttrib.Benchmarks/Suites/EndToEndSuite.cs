using System.Diagnostics;
using KinesisAttrib.Benchmarks.Harness;
using KinesisAttrib.Benchmarks.HotPath;
using KinesisAttrib.Handlers;
using KinesisAttrib.Hosting;
using KinesisAttrib.Kinesis;
using KinesisAttrib.Leases;
using KinesisAttrib.Shards;
using Microsoft.Extensions.DependencyInjection;
using static KinesisAttrib.Benchmarks.Harness.Args;

namespace KinesisAttrib.Benchmarks.Suites;

/// <summary>
/// End to end on kinesalite: N preloaded ~200-byte records on 4 shards, read by one framework worker (default settings,
/// the generated no-op handler, a fresh lease table on dynalite each run) and by a raw GetRecords loop (one task per
/// shard, TRIM_HORIZON, 10,000 per call, no pause), alternating, on the same emulator in the same run; and the raw
/// loop again, paced to Kinesis's read limit (a call at most every 200 ms per shard, and 2 MiB/s per shard counted
/// from each call's start), which is what a raw loop may do against the real service without being throttled.
/// Options: --records N (250000), --shards N (4), --runs N per reader (3).
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
        Report($"## e2e: {records} records on {shards} shards, {runs} runs per reader, alternating");
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

        var raw = new List<Run>();
        var paced = new List<Run>();
        var framework = new List<Run>();
        Report($"| run | reader | total (s) | records/s from start | first record after (s) | records/s from first record |");
        Report($"|---:|---|---:|---:|---:|---:|");
        for (var i = 1; i <= runs; i++)
        {
            var r = await RawLoopAsync(kinesis, stream, records, paced: false);
            raw.Add(r);
            Report($"| {i} | raw GetRecords loop | {r.Total:F2} | {records / r.Total:F0} | {r.First:F2} | {r.Steady(records):F0} |");
            var p = await RawLoopAsync(kinesis, stream, records, paced: true);
            paced.Add(p);
            Report($"| {i} | raw loop paced to the Kinesis limits | {p.Total:F2} | {records / p.Total:F0} | {p.First:F2} | {p.Steady(records):F0} |");
            var f = await FrameworkAsync(kinesis, dynamo, descriptor, services, stream, records);
            framework.Add(f);
            Report($"| {i} | framework (1 worker) | {f.Total:F2} | {records / f.Total:F0} | {f.First:F2} | {f.Steady(records):F0} |");
        }

        var rawRate = Median(raw.Select(r => records / r.Total));
        var fwRate = Median(framework.Select(r => records / r.Total));
        var rawSteady = Median(raw.Select(r => r.Steady(records)));
        var fwSteady = Median(framework.Select(r => r.Steady(records)));
        var pacedRate = Median(paced.Select(r => records / r.Total));
        var pacedSteady = Median(paced.Select(r => r.Steady(records)));
        Report($"median records/s from start: framework {fwRate:F0}, raw {rawRate:F0} (ratio {fwRate / rawRate:P0}), paced raw {pacedRate:F0} (ratio {fwRate / pacedRate:P0})");
        Report($"median records/s from first record: framework {fwSteady:F0}, raw {rawSteady:F0} (ratio {fwSteady / rawSteady:P0}), paced raw {pacedSteady:F0} (ratio {fwSteady / pacedSteady:P0})");
    }

    /// <summary>Seconds from start to the last record, and to the first.</summary>
    private readonly record struct Run(double Total, double First)
    {
        // Records after the first batch over the time after it: excludes start-up (table, sync, leases, iterators).
        public double Steady(int records) => records / (Total - First);
    }

    private static async Task<Run> RawLoopAsync(IKinesisClient kinesis, string stream, int records, bool paced)
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
                var response = await kinesis.GetRecordsAsync(new GetRecordsRequest { ShardIterator = iterator, Limit = 10_000 });
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

    private static async Task<Run> FrameworkAsync(IKinesisClient kinesis, Amazon.DynamoDBv2.IAmazonDynamoDB dynamo, KinesisHandlerDescriptor descriptor, IServiceProvider services, string stream, int records)
    {
        var application = Emulators.UniqueName("e2e");
        var start = OrderHandlers.Delivered;
        var scheduler = new Scheduler(application, stream, InitialPosition.TrimHorizon, () => descriptor.CreateProcessor(services, descriptor.Settings), kinesis, new DynamoDbLeaseStore(dynamo, application), new KinesisAttribOptions { WorkerId = "e2e-worker" });
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
}
