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
/// Enhanced fan-out on kinesis-local: N ~200-byte records preloaded once on 4 shards, read from TRIM_HORIZON each round
/// by a raw SubscribeToShard loop (a consumer registered for the run and waited ACTIVE, one subscription per shard,
/// re-subscribed after the last continuation if one ends) and by one framework worker (<c>RetrievalMode = FanOut</c>,
/// the generated no-op handler, a fresh application name, so a fresh consumer and lease table on dynalite each run),
/// alternating. kinesis-local pushes its first event about 2 s after a subscription starts and then one event a second
/// with everything that arrived (a preloaded backlog comes as one event), so both readers are paced by the emulator.
/// Options: --records N (2000), --shards N (4), --runs N per reader (3). With 4,000 and more records (backlog events of
/// ≈ 400 KB per shard and up) no subscription received any event within 2 minutes on kinesis-local 0.6.2: see
/// docs/benchmarks.md, "Retrieval: read-ahead and enhanced fan-out".
/// </summary>
public static class FanOutSuite
{
    public static async Task RunAsync(string[] args)
    {
        var records = Int(args, "--records", 2_000);
        var shards = Int(args, "--shards", 4);
        var runs = Int(args, "--runs", 3);
        Report($"## efo: {records} records on {shards} shards (kinesis-local), {runs} runs per reader, alternating");
        await using var emulators = await Emulators.StartAsync();
        using var kinesis = emulators.CreateKinesisLocalClient();
        using var dynamo = emulators.CreateDynamoDbClient();
        var stream = Emulators.UniqueName("efo");
        await Emulators.CreateActiveStreamAsync(kinesis, stream, shards);
        var put = Stopwatch.StartNew();
        await Emulators.PutOrdersAsync(kinesis, stream, 0, records);
        Report($"preloaded {records} records in {put.Elapsed.TotalSeconds:F1} s ({records / put.Elapsed.TotalSeconds:F0} records/s)");
        var streamArn = (await kinesis.DescribeStreamSummaryAsync(stream)).StreamArn ?? throw new InvalidOperationException("no stream ARN");
        var shardIds = (await kinesis.ListShardsAsync(new ListShardsRequest { StreamName = stream })).Shards.Select(s => s.ShardId).ToList();
        await using var services = new ServiceCollection().AddKinesisHandlers().BuildServiceProvider();
        var descriptor = EndToEndSuite.NoOpDescriptor(services);

        var raw = new List<Run>();
        var framework = new List<Run>();
        Report($"| run | reader | total (s) | records/s from start | first record after (s) | records/s from first record |");
        Report($"|---:|---|---:|---:|---:|---:|");
        for (var i = 1; i <= runs; i++)
        {
            var r = await RawSubscribeLoopAsync(kinesis, stream, streamArn, shardIds, records);
            raw.Add(r);
            Report($"| {i} | raw SubscribeToShard loop | {r.Total:F2} | {records / r.Total:F0} | {r.First:F2} | {r.Steady(records):F0} |");
            var f = await FrameworkAsync(kinesis, dynamo, descriptor, services, stream, records);
            framework.Add(f);
            Report($"| {i} | framework (1 worker, fan-out) | {f.Total:F2} | {records / f.Total:F0} | {f.First:F2} | {f.Steady(records):F0} |");
        }

        var rawRate = Median(raw.Select(r => records / r.Total));
        var fwRate = Median(framework.Select(r => records / r.Total));
        var rawSteady = Median(raw.Select(r => r.Steady(records)));
        var fwSteady = Median(framework.Select(r => r.Steady(records)));
        Report($"median total (s): framework {Median(framework.Select(r => r.Total)):F2}, raw {Median(raw.Select(r => r.Total)):F2}; median first record after (s): framework {Median(framework.Select(r => r.First)):F2}, raw {Median(raw.Select(r => r.First)):F2}");
        Report($"median records/s from start: framework {fwRate:F0}, raw {rawRate:F0} (ratio {fwRate / rawRate:P0})");
        Report($"median records/s from first record: framework {fwSteady:F0}, raw {rawSteady:F0} (ratio {fwSteady / rawSteady:P0})");
    }

    /// <summary>Seconds from start to the last record, and to the first.</summary>
    private readonly record struct Run(double Total, double First)
    {
        public double Steady(int records) => records / (Total - First);
    }

    private static async Task<Run> RawSubscribeLoopAsync(KinesisHttpClient kinesis, string stream, string streamArn, IReadOnlyList<string> shardIds, int records)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var clock = Stopwatch.StartNew();
        var perShard = new long[shardIds.Count];
        var events = new long[shardIds.Count];

        // Registration is part of the run, as it is of the framework's start.
        var consumer = await kinesis.RegisterStreamConsumerAsync(streamArn, Emulators.UniqueName("raw"), timeout.Token);
        while (consumer.ConsumerStatus != "ACTIVE")
        {
            await Task.Delay(50, timeout.Token);
            consumer = await kinesis.DescribeStreamConsumerAsync(new StreamConsumerRequest { ConsumerArn = consumer.ConsumerArn }, timeout.Token);
        }

        long read = 0;
        double first = -1;
        using var done = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token);
        await Task.WhenAll(shardIds.Select(async (shardId, index) =>
        {
            string? after = null;
            try
            {
                while (true)
                {
                    await using var subscription = await kinesis.SubscribeToShardAsync(
                        new SubscribeToShardRequest
                        {
                            ConsumerArn = consumer.ConsumerArn,
                            ShardId = shardId,
                            StartingPositionType = after is null ? ShardIteratorType.TrimHorizon : ShardIteratorType.AfterSequenceNumber,
                            StartingSequenceNumber = after,
                            StreamName = stream,
                        },
                        done.Token);
                    while (await subscription.NextEventAsync(done.Token) is { } e)
                    {
                        Interlocked.Increment(ref events[index]);
                        Interlocked.Add(ref perShard[index], e.Records.Count);
                        if (e.Records.Count > 0)
                        {
                            var total = Interlocked.Add(ref read, e.Records.Count);
                            if (total == e.Records.Count)
                            {
                                first = clock.Elapsed.TotalSeconds;
                            }

                            if (total >= records)
                            {
                                await done.CancelAsync();
                            }
                        }

                        if (e.ContinuationSequenceNumber is null)
                        {
                            return; // a closed shard's end: nothing is resharded here, so this does not happen
                        }

                        after = e.ContinuationSequenceNumber;
                    }

                    // The subscription ended (Kinesis ends each after 5 minutes): continue after the last event, at
                    // most one SubscribeToShard per second per shard and consumer.
                    await Task.Delay(TimeSpan.FromSeconds(1), done.Token);
                }
            }
            catch (OperationCanceledException) when (done.IsCancellationRequested && !timeout.IsCancellationRequested)
            {
                // Every record was counted; this shard's subscription is closed by the dispose above.
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested)
            {
                // Reported below.
            }
        }));
        if (timeout.IsCancellationRequested)
        {
            throw new InvalidOperationException($"the raw SubscribeToShard loop read {read} of {records} records in 2 minutes (per shard: {string.Join(", ", perShard)}; events: {string.Join(", ", events)})");
        }

        var elapsed = clock.Elapsed.TotalSeconds;
        await kinesis.DeregisterStreamConsumerAsync(new StreamConsumerRequest { ConsumerArn = consumer.ConsumerArn });
        return read == records ? new Run(elapsed, first) : throw new InvalidOperationException($"the raw SubscribeToShard loop read {read} of {records} records");
    }

    private static async Task<Run> FrameworkAsync(IKinesisClient kinesis, Amazon.DynamoDBv2.IAmazonDynamoDB dynamo, KinesisHandlerDescriptor descriptor, IServiceProvider services, string stream, int records)
    {
        var application = Emulators.UniqueName("efo");
        var start = OrderHandlers.Delivered;
        var options = new KinesisAttribOptions { WorkerId = "efo-worker", RetrievalMode = RetrievalMode.FanOut };
        var scheduler = new Scheduler(application, stream, InitialPosition.TrimHorizon, () => descriptor.CreateProcessor(services, descriptor.Settings), kinesis, new DynamoDbLeaseStore(dynamo, application), options);
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
        if (first < 0)
        {
            first = total; // everything came in one poll of the counter
        }

        await stop.CancelAsync();
        await run;
        return new Run(total, first);
    }
}
