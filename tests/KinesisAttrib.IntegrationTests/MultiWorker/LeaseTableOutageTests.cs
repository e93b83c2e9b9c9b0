using KinesisAttrib.IntegrationTests.TestSupport;
using KinesisAttrib.Kinesis;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace KinesisAttrib.IntegrationTests.MultiWorker;

/// <summary>
/// Issue 15's acceptance: dynalite behind a proxy that the test switches off. A 40 s lease-table outage during traffic
/// loses and repeats nothing and logs little; a partition in which another worker takes the lease repeats only the
/// batch in flight.
/// </summary>
[Collection(EmulatorCollection.Name)]
public sealed class LeaseTableOutageTests(EmulatorFixture emulators, ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    private readonly KinesisHttpClient _kinesis = EmulatorStreams.CreateKinesisClient(emulators);
    private readonly DeliveryLog _log = new();
    private readonly List<IAsyncDisposable> _cleanup = [];
    private readonly List<Worker> _workers = [];
    private readonly string _application = EmulatorFixture.UniqueName("outage");
    private readonly string _stream = EmulatorFixture.UniqueName("outage");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var worker in _workers)
        {
            worker.Dispose();
        }

        foreach (var item in _cleanup)
        {
            await item.DisposeAsync();
        }

        _kinesis.Dispose();
    }

    private (Worker Worker, SwitchableProxy Proxy, CountingLoggerProvider Logs) StartWorker(string id, SwitchableProxy? proxy = null)
    {
        if (proxy is null)
        {
            proxy = new SwitchableProxy(emulators.DynamoDbEndpoint);
            _cleanup.Add(proxy);
        }

        var dynamo = emulators.CreateDynamoDbClient(proxy.Endpoint);
        var logs = new CountingLoggerProvider();
        var loggers = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Information));
        var worker = new Worker(id, _application, _stream, _kinesis, dynamo, _log, loggers);
        _workers.Add(worker);
        _cleanup.Add(new Disposer(() => { dynamo.Dispose(); loggers.Dispose(); }));
        return (worker, proxy, logs);
    }

    private Task PutAsync(int from, int count) => EmulatorStreams.PutNumberedAsync(_kinesis, _stream, from, count);

    private static Task WaitUntilAsync(Func<bool> condition, string what) => Poll.UntilAsync(condition, what, Timeout);

    private void Report(string name, CountingLoggerProvider logs)
    {
        output.WriteLine($"{name}: {logs.Entries.Count} log entries");
        foreach (var entry in logs.Entries)
        {
            output.WriteLine($"  {entry.Level} {entry.Category}: {entry.Message}{(entry.Exception is null ? "" : " [with exception]")}");
        }
    }

    [Fact]
    public async Task FortySecondOutage_DuringTraffic_LosesNothing_RepeatsNothing_AndLogsLittle()
    {
        await EmulatorStreams.CreateActiveStreamAsync(_kinesis, _stream, 4);
        var (a, proxy, aLogs) = StartWorker("w-a");
        var (b, _, bLogs) = StartWorker("w-b", proxy);
        await PutAsync(0, 1000);
        await _log.WhenDistinctAsync(1000, Timeout);
        await WaitUntilAsync(() => a.Scheduler.HeldShards.Count == 2 && b.Scheduler.HeldShards.Count == 2, "the workers hold two shards each");

        // 40 s without the lease table, while 3,000 records arrive.
        proxy.Reachable = false;
        var outage = TimeSpan.FromSeconds(40);
        var started = DateTime.UtcNow;
        for (var round = 0; round < 30; round++)
        {
            await PutAsync(1000 + (round * 100), 100);
            var due = started + (outage * (round + 1) / 30);
            if (due > DateTime.UtcNow)
            {
                await Task.Delay(due - DateTime.UtcNow);
            }
        }

        proxy.Reachable = true;
        await _log.WhenDistinctAsync(4000, Timeout);
        await a.StopAsync();
        await b.StopAsync();
        Report("w-a", aLogs);
        Report("w-b", bLogs);

        var deliveries = _log.Snapshot();
        Assert.Equal(Enumerable.Range(0, 4000).Select(i => $"p{i}").ToHashSet(), deliveries.Select(d => d.Payload).ToHashSet());
        var repeated = deliveries.GroupBy(d => d.Payload).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(repeated.Count == 0, $"{repeated.Count} records were delivered more than once, e.g. {string.Join(", ", repeated.Take(5))}");
        Assert.InRange(aLogs.Entries.Count, 1, 49);
        Assert.InRange(bLogs.Entries.Count, 1, 49);
        Assert.DoesNotContain(aLogs.Entries.Concat(bLogs.Entries), e => e.Exception is not null);
    }

    [Fact]
    public async Task Partition_WhereTheOtherWorkerTakesTheLeases_LosesNothing_AndRepeatsOnlyTheBatchesInFlight()
    {
        await EmulatorStreams.CreateActiveStreamAsync(_kinesis, _stream, 2);
        var (a, aProxy, aLogs) = StartWorker("w-a");
        await PutAsync(0, 400);
        await _log.WhenDistinctAsync(400, Timeout);
        var (b, _, _) = StartWorker("w-b");
        await WaitUntilAsync(() => a.Scheduler.HeldShards.Count == 1 && b.Scheduler.HeldShards.Count == 1, "the workers hold a shard each");

        // Only w-a loses the table; w-b sees w-a's lease expire and takes it.
        aProxy.Reachable = false;
        await PutAsync(400, 400);
        await WaitUntilAsync(() => b.Scheduler.HeldShards.Count == 2, "w-b takes w-a's lease");
        await _log.WhenDistinctAsync(800, Timeout);
        aProxy.Reachable = true;
        await WaitUntilAsync(() => aLogs.Entries.Any(e => e.Message.Contains("lost lease", StringComparison.Ordinal)), "w-a gives up the lease w-b took");
        await a.StopAsync();
        await b.StopAsync();
        Report("w-a", aLogs);

        var deliveries = _log.Snapshot();
        Assert.Equal(Enumerable.Range(0, 800).Select(i => $"p{i}").ToHashSet(), deliveries.Select(d => d.Payload).ToHashSet());

        // w-a stopped at the first checkpoint it could not write: only that batch (at most MaxRecords) came twice.
        Assert.InRange(deliveries.GroupBy(d => d.Payload).Count(g => g.Count() > 1), 0, 200);
    }

    private sealed class Disposer(Action dispose) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            dispose();
            return default;
        }
    }
}
