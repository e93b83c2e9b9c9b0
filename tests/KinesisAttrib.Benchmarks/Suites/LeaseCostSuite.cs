using System.Diagnostics;
using KinesisAttrib.Benchmarks.Harness;
using KinesisAttrib.Handlers;
using KinesisAttrib.Hosting;
using KinesisAttrib.Leases;
using KinesisAttrib.Shards;
using Microsoft.Extensions.DependencyInjection;
using static KinesisAttrib.Benchmarks.Harness.Args;

namespace KinesisAttrib.Benchmarks.Suites;

/// <summary>
/// Lease-table cost: W in-process workers (default settings, the generated no-op handler, each with its own DynamoDB
/// client) on an S-shard idle stream on kinesalite and one lease table on dynalite. Every HTTP request a DynamoDB client
/// sends is counted by <see cref="RequestCounter"/>; after the workers have balanced (and settled for 2F) the requests
/// of a measured window are scaled to requests per shard-hour and set beside KCL 2.x's at the same failover time.
/// Options: --shards S (100), --workers W (4), --minutes window (3), --taker-seconds T (default: the failover time).
/// </summary>
public static class LeaseCostSuite
{
    public static async Task RunAsync(string[] args)
    {
        var shards = Int(args, "--shards", 100);
        var workerCount = Int(args, "--workers", 4);
        var window = TimeSpan.FromMinutes(Double(args, "--minutes", 3));
        var options = new KinesisAttribOptions();
        if (Get(args, "--taker-seconds") is not null)
        {
            options.LeaseTakerInterval = TimeSpan.FromSeconds(Double(args, "--taker-seconds", 0));
        }

        var failover = options.FailoverTime;
        Report($"## leasecost: {shards} shards, {workerCount} workers, default settings (F = {failover.TotalSeconds:F0} s, T = {options.EffectiveTakerInterval.TotalSeconds:F1} s), {window.TotalMinutes:F1}-minute window");
        await using var emulators = await Emulators.StartAsync();
        using var kinesis = emulators.CreateKinesisClient();
        var stream = Emulators.UniqueName("lc");
        await Emulators.CreateActiveStreamAsync(kinesis, stream, shards);
        await using var services = new ServiceCollection().AddKinesisHandlers().BuildServiceProvider();
        var descriptor = EndToEndSuite.NoOpDescriptor(services);
        var application = Emulators.UniqueName("lc");
        var counter = new RequestCounter();
        using var stop = new CancellationTokenSource();
        var clients = new List<Amazon.DynamoDBv2.AmazonDynamoDBClient>();
        var workers = new List<(Scheduler Scheduler, Task Run)>();
        var clock = Stopwatch.StartNew();
        for (var w = 0; w < workerCount; w++)
        {
            var dynamo = emulators.CreateDynamoDbClient(counter);
            clients.Add(dynamo);
            var workerOptions = options.Clone();
            workerOptions.WorkerId = $"lc-worker-{w}";
            var scheduler = new Scheduler(application, stream, InitialPosition.TrimHorizon, () => descriptor.CreateProcessor(services, descriptor.Settings), kinesis, new DynamoDbLeaseStore(dynamo, application), workerOptions);
            workers.Add((scheduler, Task.Run(() => scheduler.RunAsync(stop.Token))));
        }

        try
        {
            var low = shards / workerCount;
            var high = (shards + workerCount - 1) / workerCount;
            while (!(workers.Sum(w => w.Scheduler.HeldShards.Count) == shards && workers.All(w => w.Scheduler.HeldShards.Count >= low && w.Scheduler.HeldShards.Count <= high)))
            {
                if (clock.Elapsed > TimeSpan.FromMinutes(10) || workers.Any(w => w.Run.IsCompleted))
                {
                    throw new InvalidOperationException($"not balanced: {string.Join(", ", workers.Select(w => w.Scheduler.HeldShards.Count))}");
                }

                await Task.Delay(100);
            }

            Report($"balanced after {clock.Elapsed.TotalSeconds:F1} s ({string.Join("/", workers.Select(w => w.Scheduler.HeldShards.Count))}); settling {2 * failover.TotalSeconds:F0} s");
            await Task.Delay(2 * failover);
            var before = counter.Snapshot();
            var started = clock.Elapsed;
            await Task.Delay(window);
            var measured = clock.Elapsed - started;
            var after = counter.Snapshot();
            var held = string.Join("/", workers.Select(w => w.Scheduler.HeldShards.Count));

            var hours = measured.TotalHours;
            Report($"| DynamoDB operation | requests in {measured.TotalSeconds:F0} s | per shard-hour |");
            Report($"|---|---:|---:|");
            long total = 0;
            foreach (var (operation, count) in after.OrderBy(e => e.Key, StringComparer.Ordinal))
            {
                var n = count - before.GetValueOrDefault(operation);
                total += n;
                Report($"| {operation} | {n} | {n / (double)shards / hours:F0} |");
            }

            var ours = total / (double)shards / hours;
            var f = failover.TotalSeconds;
            var kclRenewals = 3600 / ((f / 3) - 0.025);
            var kclScans = workerCount * 3600 / (2 * (f + 0.025)) / shards;
            var kcl = kclRenewals + kclScans;
            Report($"| **all** | {total} | **{ours:F0}** |");
            Report($"leases held at the end: {held}");
            Report($"KCL 2.x at F = {f:F0} s: renewals 3600/(F/3 - 0.025) = {kclRenewals:F0} + scans W*3600/(2(F + 0.025))/S = {kclScans:F1} → {kcl:F0} per shard-hour");
            Report($"ours {ours:F0} per shard-hour = {ours / kcl:P0} of KCL 2.x (target ≤ 50 %)");
        }
        finally
        {
            await stop.CancelAsync();
            foreach (var (_, run) in workers)
            {
                await run;
            }

            foreach (var client in clients)
            {
                client.Dispose();
            }
        }
    }
}
