using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using KinesisAttrib.Benchmarks.Harness;
using KinesisAttrib.Handlers;
using KinesisAttrib.Hosting;
using KinesisAttrib.Kinesis;
using KinesisAttrib.Leases;
using KinesisAttrib.Processing;
using KinesisAttrib.Shards;
using static KinesisAttrib.Benchmarks.Harness.Args;

namespace KinesisAttrib.Benchmarks.Suites;

/// <summary>
/// Failover: two worker processes (this program in <see cref="WorkerMode"/>) share a 4-shard stream on kinesalite with
/// records flowing to every shard (4 records every 100 ms); once each holds two shards, one is SIGKILLed and the time
/// until the survivor delivers from every shard the victim held is measured (the survivor's stdout, read by this
/// process). Runs at default settings and with a 2-second failover time (other settings derived from it).
/// Options: --runs N per setting (3), --settings list (default,2,2:0.5,10:1): "default", a failover time F in seconds, or F:T with a
/// lease taker interval T in seconds (default T = F).
/// </summary>
public static class FailoverSuite
{
    public const string WorkerMode = "failover-worker";

    public static async Task RunAsync(string[] args)
    {
        var runs = Int(args, "--runs", 3);
        var settings = (Get(args, "--settings") ?? "default,2,2:0.5,10:1").Split(',');
        Report($"## failover: 2 worker processes, 4 shards, SIGKILL one, {runs} runs per setting");
        await using var emulators = await Emulators.StartAsync();
        using var kinesis = emulators.CreateKinesisClient();
        Report($"| failover time | run | victim's shards | balanced after (s) | last shard delivering again after (s) |");
        Report($"|---|---:|---:|---:|---:|");
        foreach (var setting in settings)
        {
            var times = new List<double>();
            for (var run = 1; run <= runs; run++)
            {
                var (shards, balanced, time) = await OneRunAsync(emulators, kinesis, setting);
                times.Add(time);
                Report($"| {setting} | {run} | {shards} | {balanced:F1} | {time:F2} |");
            }

            var f = setting == "default" ? new KinesisAttribOptions().FailoverTime.TotalSeconds : double.Parse(setting.Split(':')[0], CultureInfo.InvariantCulture);
            Report($"failover {f:F0} s: median {Median(times):F2} s, max {times.Max():F2} s, target ≤ {f + 1:F0} s");
        }
    }

    private static async Task<(int Shards, double Balanced, double Seconds)> OneRunAsync(Emulators emulators, IKinesisClient kinesis, string setting)
    {
        var stream = Emulators.UniqueName("fo");
        var application = Emulators.UniqueName("fo");
        await Emulators.CreateActiveStreamAsync(kinesis, stream, 4);
        var shardList = (await kinesis.ListShardsAsync(new ListShardsRequest { StreamName = stream })).Shards;
        var hashKeys = shardList.Select(s => ((BigInteger.Parse(s.StartingHashKey, CultureInfo.InvariantCulture) + BigInteger.Parse(s.EndingHashKey, CultureInfo.InvariantCulture)) / 2).ToString(CultureInfo.InvariantCulture)).ToList();
        using var stopProducing = new CancellationTokenSource();
        var producer = Task.Run(async () =>
        {
            var n = 0;
            while (!stopProducing.IsCancellationRequested)
            {
                var entries = hashKeys.Select(h => new PutRecordsRequestEntry { Data = HotPath.Payloads.Json(n++), PartitionKey = "p", ExplicitHashKey = h }).ToList();
                await kinesis.PutRecordsAsync(new PutRecordsRequest { StreamName = stream, Records = entries });
                try
                {
                    await Task.Delay(100, stopProducing.Token);
                }
                catch (OperationCanceledException)
                {
                }
            }
        });

        // (worker, shard) -> last delivery, on this process's clock.
        var clock = Stopwatch.StartNew();
        var last = new ConcurrentDictionary<(string Worker, string Shard), double>();
        var workers = new[] { "a", "b" }.ToDictionary(w => w, w => StartWorker(emulators, stream, application, w, setting, (shard, t) => last[(w, shard)] = t, clock));
        try
        {
            // Balanced: each worker delivered from two shards in the last 2.5 s (default idle time between reads is 1 s), four in all.
            bool Recent(KeyValuePair<(string Worker, string Shard), double> e) => clock.Elapsed.TotalSeconds - e.Value < 2.5;
            while (!(last.Where(Recent).GroupBy(e => e.Key.Worker).Count(g => g.Count() == 2) == 2 && last.Where(Recent).Select(e => e.Key.Shard).Distinct().Count() == 4))
            {
                if (clock.Elapsed > TimeSpan.FromMinutes(4) || workers.Values.Any(p => p.HasExited))
                {
                    throw new InvalidOperationException("the workers did not settle on two shards each");
                }

                await Task.Delay(50);
            }

            var balanced = clock.Elapsed.TotalSeconds;
            var victimShards = last.Where(Recent).Where(e => e.Key.Worker == "a").Select(e => e.Key.Shard).ToList();
            workers["a"].Kill(); // SIGKILL
            var killedAt = clock.Elapsed.TotalSeconds;
            await workers["a"].WaitForExitAsync();
            while (!victimShards.All(s => last.TryGetValue(("b", s), out var t) && t > killedAt))
            {
                if (clock.Elapsed.TotalSeconds - killedAt > 120 || workers["b"].HasExited)
                {
                    throw new InvalidOperationException("the survivor did not take the victim's shards within 120 s");
                }

                await Task.Delay(10);
            }

            return (victimShards.Count, balanced, victimShards.Max(s => last[("b", s)]) - killedAt);
        }
        finally
        {
            foreach (var process in workers.Values)
            {
                if (!process.HasExited)
                {
                    process.Kill();
                    await process.WaitForExitAsync();
                }

                process.Dispose();
            }

            await stopProducing.CancelAsync();
            await producer;
        }
    }

    private static Process StartWorker(Emulators emulators, string stream, string application, string worker, string setting, Action<string, double> delivered, Stopwatch clock)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!)
        {
            // The worker exits when its stdin closes, so none outlives this process (even if it is killed).
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
        {
            start.ArgumentList.Add(typeof(FailoverSuite).Assembly.Location);
        }

        foreach (var arg in new[] { WorkerMode, emulators.KinesisEndpoint.ToString(), emulators.DynamoDbEndpoint.ToString(), stream, application, worker, setting })
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start a worker");
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { Length: > 2 } line && line[0] == 'D')
            {
                delivered(line[2..], clock.Elapsed.TotalSeconds);
            }
        };
        process.BeginOutputReadLine();
        return process;
    }

    /// <summary>The worker process: a scheduler whose processor writes <c>D shardId</c> to stdout for every batch.</summary>
    public static async Task RunWorkerAsync(string[] args)
    {
        var (kinesisUrl, dynamoUrl, stream, application, worker, failover) = (args[0], args[1], args[2], args[3], args[4], args[5]);
        using var kinesis = new KinesisHttpClient(new KinesisClientOptions { ServiceUrl = new Uri(kinesisUrl), Region = Emulators.Region, Credentials = Emulators.Credentials });
        using var dynamo = new Amazon.DynamoDBv2.AmazonDynamoDBClient(Emulators.Credentials, new Amazon.DynamoDBv2.AmazonDynamoDBConfig { ServiceURL = dynamoUrl, AuthenticationRegion = Emulators.Region });
        var options = new KinesisAttribOptions { WorkerId = worker };
        if (failover != "default")
        {
            var parts = failover.Split(':');
            options.FailoverTime = TimeSpan.FromSeconds(double.Parse(parts[0], CultureInfo.InvariantCulture));
            if (parts.Length > 1)
            {
                options.LeaseTakerInterval = TimeSpan.FromSeconds(double.Parse(parts[1], CultureInfo.InvariantCulture));
            }
        }

        var scheduler = new Scheduler(application, stream, InitialPosition.TrimHorizon, () => new ReportingProcessor(), kinesis, new DynamoDbLeaseStore(dynamo, application), options);
        using var parentGone = new CancellationTokenSource();
        _ = Task.Run(async () =>
        {
            await Console.In.ReadToEndAsync();
            await parentGone.CancelAsync();
        });
        try
        {
            await scheduler.RunAsync(CancellationToken.None, parentGone.Token);
        }
        catch (OperationCanceledException) when (parentGone.IsCancellationRequested)
        {
            // The measuring process is gone: a hard stop, like the SIGKILL it measures.
        }
    }

    private sealed class ReportingProcessor : IShardRecordProcessor
    {
        private string _shard = "";

        public ValueTask InitializeAsync(InitializationInput input, CancellationToken cancellationToken)
        {
            _shard = input.ShardId;
            return default;
        }

        public ValueTask ProcessRecordsAsync(ProcessRecordsInput input, CancellationToken cancellationToken)
        {
            Console.Out.WriteLine("D " + _shard);
            Console.Out.Flush();
            return input.Checkpointer.CheckpointAsync(cancellationToken);
        }

        public ValueTask LeaseLostAsync(LeaseLostInput input, CancellationToken cancellationToken) => default;

        public ValueTask ShardEndedAsync(ShardEndedInput input, CancellationToken cancellationToken) => input.Checkpointer.CheckpointAsync(cancellationToken);

        public ValueTask ShutdownRequestedAsync(ShutdownRequestedInput input, CancellationToken cancellationToken) => input.Checkpointer.CheckpointAsync(cancellationToken);
    }
}
