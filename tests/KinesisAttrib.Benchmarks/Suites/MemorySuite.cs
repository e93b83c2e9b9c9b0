using System.Diagnostics;
using KinesisAttrib.Benchmarks.Harness;
using KinesisAttrib.Benchmarks.HotPath;
using KinesisAttrib.Handlers;
using KinesisAttrib.Hosting;
using KinesisAttrib.Leases;
using KinesisAttrib.Shards;
using Microsoft.Extensions.DependencyInjection;
using static KinesisAttrib.Benchmarks.Harness.Args;

namespace KinesisAttrib.Benchmarks.Suites;

/// <summary>
/// Memory: one worker (default settings, the generated no-op handler) holding 100 leases on kinesalite/dynalite, a
/// trickle of records, sampled every minute: managed heap (after a full GC), GC heap size, RSS, CPU, and the warnings
/// and errors the worker logged (lost leases, failed renewals), and the slowest DynamoDB request of the minute.
/// Options: --minutes N (10), --shards N (100), --rate records/s (20).
/// </summary>
public static class MemorySuite
{
    public static async Task RunAsync(string[] args)
    {
        var minutes = Int(args, "--minutes", 10);
        var shards = Int(args, "--shards", 100);
        var rate = Int(args, "--rate", 20);
        Report($"## memory: one worker, {shards} leases, {minutes} min, {rate} records/s trickle");
        await using var emulators = await Emulators.StartAsync();
        using var kinesis = emulators.CreateKinesisClient();
        var requests = new RequestCounter();
        using var dynamo = emulators.CreateDynamoDbClient(requests);
        var stream = Emulators.UniqueName("mem");
        await Emulators.CreateActiveStreamAsync(kinesis, stream, shards);
        await Emulators.PutOrdersAsync(kinesis, stream, 0, 10_000);

        await using var services = new ServiceCollection().AddKinesisHandlers().BuildServiceProvider();
        var descriptor = EndToEndSuite.NoOpDescriptor(services);
        var application = Emulators.UniqueName("mem");
        using var events = new EventCounter();
        var scheduler = new Scheduler(application, stream, InitialPosition.TrimHorizon, () => descriptor.CreateProcessor(services, descriptor.Settings), kinesis, new DynamoDbLeaseStore(dynamo, application), new KinesisAttribOptions { WorkerId = "mem-worker" }, events);
        using var stop = new CancellationTokenSource();
        var run = Task.Run(() => scheduler.RunAsync(stop.Token));
        var started = Stopwatch.StartNew();
        while (scheduler.HeldShards.Count < shards)
        {
            if (started.Elapsed > TimeSpan.FromMinutes(3) || run.IsCompleted)
            {
                throw new InvalidOperationException($"the worker holds {scheduler.HeldShards.Count} of {shards} leases after {started.Elapsed.TotalSeconds:F0} s");
            }

            await Task.Delay(100);
        }

        Report($"holds {shards} leases after {started.Elapsed.TotalSeconds:F1} s");
        var producer = Task.Run(async () =>
        {
            var next = 10_000;
            while (!stop.IsCancellationRequested)
            {
                await Emulators.PutOrdersAsync(kinesis, stream, next, rate);
                next += rate;
                try
                {
                    await Task.Delay(1000, stop.Token);
                }
                catch (OperationCanceledException)
                {
                }
            }
        });

        Report($"| minute | held leases | managed heap after full GC (MiB) | GC heap size (MiB) | RSS (MiB) | CPU in the minute (%) | gen2 GCs | DynamoDB requests: slowest, over 1 s | warnings and errors logged in the minute |");
        Report($"|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        using var self = Process.GetCurrentProcess();
        var cpu = self.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        for (var minute = 0; minute <= minutes; minute++)
        {
            if (minute > 0)
            {
                await Task.Delay(TimeSpan.FromMinutes(1) - TimeSpan.FromTicks(clock.Elapsed.Ticks % TimeSpan.TicksPerMinute));
            }

            var (slowest, slow) = requests.TakeLatency();
            var heap = GC.GetTotalMemory(forceFullCollection: true);
            var info = GC.GetGCMemoryInfo();
            self.Refresh();
            var cpuNow = self.TotalProcessorTime;
            var cpuShare = minute == 0 ? 0 : (cpuNow - cpu).TotalSeconds / 60 * 100;
            cpu = cpuNow;
            Report($"| {minute} | {scheduler.HeldShards.Count} | {heap / 1048576.0:F1} | {info.HeapSizeBytes / 1048576.0:F1} | {self.WorkingSet64 / 1048576.0:F1} | {cpuShare:F1} | {GC.CollectionCount(2)} | {slowest.TotalSeconds:F2} s, {slow} | {events.TakeSummary()} |");
        }

        await stop.CancelAsync();
        await producer;
        await run;
        Report($"delivered {OrderHandlers.Delivered} records in all");
    }
}
