using System.Diagnostics;
using KinesisAttrib.Handlers;
using KinesisAttrib.Hosting;
using KinesisAttrib.Shards;
using KinesisAttrib.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using static KinesisAttrib.Benchmarks.Harness.Args;

namespace KinesisAttrib.Benchmarks.Suites;

/// <summary>
/// Scale: S shards on W in-process workers (default settings, the generated no-op handler) over the in-memory Kinesis
/// and lease store, all started at once. Reports the time (and taker cycles, time / T) until every worker holds S/W
/// leases and no shard has two consumers; then, idle, the process CPU and the managed heap per shard consumer: heap
/// after a full GC minus the same run's baseline (stream and lease table already synced, no worker), over S.
/// Options: --shards S (1000), --workers W (20), --seconds steady-state window (30).
/// </summary>
public static class ScaleSuite
{
    public static async Task RunAsync(string[] args)
    {
        var shards = Int(args, "--shards", 1000);
        var workerCount = Int(args, "--workers", 20);
        var steady = TimeSpan.FromSeconds(Int(args, "--seconds", 30));
        var options = new KinesisAttribOptions();
        Report($"## scale: {shards} shards, {workerCount} in-process workers, in-memory Kinesis and lease store, default settings (F = T = {options.EffectiveTakerInterval.TotalSeconds:F0} s)");
        var kinesis = new InMemoryKinesisClient();
        var store = new InMemoryLeaseStore();
        const string stream = "scale";
        await kinesis.CreateStreamAsync(stream, shards);
        await new ShardSyncer(kinesis, store, stream, InitialPosition.TrimHorizon, NullLogger.Instance).SyncAsync(CancellationToken.None);
        await using var services = new ServiceCollection().AddKinesisHandlers().BuildServiceProvider();
        var descriptor = EndToEndSuite.NoOpDescriptor(services);
        var baseline = GC.GetTotalMemory(forceFullCollection: true);

        using var stop = new CancellationTokenSource();
        var workers = new List<(Scheduler Scheduler, Task Run)>();
        var clock = Stopwatch.StartNew();
        for (var w = 0; w < workerCount; w++)
        {
            var workerOptions = options.Clone();
            workerOptions.WorkerId = $"scale-worker-{w:D2}";
            var scheduler = new Scheduler("scale", stream, InitialPosition.TrimHorizon, () => descriptor.CreateProcessor(services, descriptor.Settings), kinesis, store, workerOptions);
            workers.Add((scheduler, Task.Run(() => scheduler.RunAsync(stop.Token))));
        }

        try
        {
            var target = shards / workerCount;
            var samples = new List<string>();
            var nextSample = TimeSpan.Zero;
            while (true)
            {
                var held = workers.Select(w => w.Scheduler.HeldShards).ToList();
                var distinct = held.SelectMany(h => h).Distinct(StringComparer.Ordinal).Count();
                var sum = held.Sum(h => h.Count);
                if (clock.Elapsed >= nextSample)
                {
                    samples.Add(FormattableString.Invariant($"{clock.Elapsed.TotalSeconds:F0} s: {sum} held, min {held.Min(h => h.Count)}, max {held.Max(h => h.Count)}"));
                    nextSample += options.EffectiveTakerInterval / 2;
                }

                if (sum == shards && distinct == shards && held.All(h => h.Count == target))
                {
                    break;
                }

                if (clock.Elapsed > TimeSpan.FromMinutes(10) || workers.Any(w => w.Run.IsCompleted))
                {
                    throw new InvalidOperationException($"not balanced: {string.Join("; ", samples)}");
                }

                await Task.Delay(50);
            }

            var balanced = clock.Elapsed;
            Report($"progress: {string.Join("; ", samples)}");
            Report($"balanced ({target} each, every shard once) after {balanced.TotalSeconds:F1} s = {balanced / options.EffectiveTakerInterval:F1} taker cycles (T = {options.EffectiveTakerInterval.TotalSeconds:F0} s)");

            // Idle steady state: let start-up garbage go, then CPU over the window and the heap after it.
            await Task.Delay(options.FailoverTime);
            using var self = Process.GetCurrentProcess();
            self.Refresh();
            var cpu = self.TotalProcessorTime;
            var window = Stopwatch.StartNew();
            await Task.Delay(steady);
            self.Refresh();
            var cpuShare = (self.TotalProcessorTime - cpu) / window.Elapsed;
            var heap = GC.GetTotalMemory(forceFullCollection: true);
            var info = GC.GetGCMemoryInfo();
            var perShard = (heap - baseline) / (double)shards;
            var stillBalanced = workers.All(w => w.Scheduler.HeldShards.Count == target);
            Report($"| figure | value |");
            Report($"|---|---:|");
            Report($"| balanced after | {balanced.TotalSeconds:F1} s ({balanced / options.EffectiveTakerInterval:F1} cycles) |");
            Report($"| CPU, idle, whole process ({Environment.ProcessorCount} cores) | {cpuShare * 100:F1} % of one core |");
            Report($"| CPU per idle shard | {cpuShare * 1000 / shards:F3} ms per second |");
            Report($"| managed heap baseline (stream + lease table, no worker) | {baseline / 1048576.0:F1} MiB |");
            Report($"| managed heap with {workerCount} workers, {shards} consumers | {heap / 1048576.0:F1} MiB (GC heap size {info.HeapSizeBytes / 1048576.0:F1} MiB) |");
            Report($"| **managed heap per idle shard consumer** | **{perShard / 1024:F1} KiB** (target ≤ 64 KiB) |");
            Report($"| still balanced at the end | {stillBalanced} |");
        }
        finally
        {
            await stop.CancelAsync();
            foreach (var (_, run) in workers)
            {
                await run;
            }
        }
    }
}
