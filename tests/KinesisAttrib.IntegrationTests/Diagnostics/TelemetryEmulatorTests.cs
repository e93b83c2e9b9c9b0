using KinesisAttrib.Hosting;
using KinesisAttrib.IntegrationTests.TestSupport;
using KinesisAttrib.Kinesis;
using KinesisAttrib.Tests.TestSupport;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace KinesisAttrib.IntegrationTests.Diagnostics;

/// <summary>
/// Issue 16's acceptance on kinesalite and dynalite: the meter, read with a MeterListener, agrees with what was produced
/// and with the lease table; readiness follows the lease table's reachability.
/// </summary>
[Collection(EmulatorCollection.Name)]
public sealed class TelemetryEmulatorTests(EmulatorFixture emulators) : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    private readonly KinesisHttpClient _kinesis = EmulatorStreams.CreateKinesisClient(emulators);
    private readonly List<IDisposable> _cleanup = [];
    private readonly List<IAsyncDisposable> _asyncCleanup = [];
    private readonly string _stream = EmulatorFixture.UniqueName("telemetry");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var item in _cleanup)
        {
            item.Dispose();
        }

        foreach (var item in _asyncCleanup)
        {
            await item.DisposeAsync();
        }

        _kinesis.Dispose();
    }

    private Worker StartWorker(string id, string application, DeliveryLog log, Uri? dynamoEndpoint = null)
    {
        var dynamo = emulators.CreateDynamoDbClient(dynamoEndpoint);
        var worker = new Worker(id, application, _stream, _kinesis, dynamo, log);
        _cleanup.Add(worker);
        _cleanup.Add(dynamo);
        return worker;
    }

    private Task PutAsync(int count) => EmulatorStreams.PutNumberedAsync(_kinesis, _stream, 0, count, keys: 23);

    private static Task WaitUntilAsync(Func<bool> condition, string what) => Poll.UntilAsync(condition, what, Timeout);

    [Fact]
    public async Task TwoApplications_OnTwoWorkersEach_CountWhatWasProduced_HoldEveryShard_AndDrainTheLagToZero()
    {
        await EmulatorStreams.CreateActiveStreamAsync(_kinesis, _stream, 4);
        string[] applications = [EmulatorFixture.UniqueName("archive"), EmulatorFixture.UniqueName("billing")];
        var workers = new Dictionary<string, List<Worker>>();
        var logs = new Dictionary<string, DeliveryLog>();
        var ids = new List<string>();
        foreach (var application in applications)
        {
            logs[application] = new DeliveryLog();
            workers[application] = [];
            for (var n = 0; n < 2; n++)
            {
                var id = $"{application}-w{n}";
                ids.Add(id);
                workers[application].Add(StartWorker(id, application, logs[application]));
            }
        }

        using var meter = MeterCapture.ForWorkers([.. ids]);
        using var kinesisRequests = new MeterCapture("messaging.destination.name", _stream); // the shared client's requests name no worker
        double HeldBy(string application) => meter.Observe("kinesisattrib.leases.held").Where(m => m["messaging.consumer.group.name"] == application).Sum(m => m.Value);

        // Balanced before any record arrives, so no hand-over redelivers one and the counts are exact.
        await WaitUntilAsync(() => workers.Values.SelectMany(w => w).All(w => w.Scheduler.HeldShards.Count == 2), "every worker holds two shards");
        foreach (var application in applications)
        {
            Assert.Equal(4, HeldBy(application));
        }

        await PutAsync(800);
        foreach (var application in applications)
        {
            await logs[application].WhenDistinctAsync(800, Timeout);
        }

        foreach (var application in applications)
        {
            await WaitUntilAsync(
                () => meter.Sum("messaging.client.consumed.messages", m => m["messaging.consumer.group.name"] == application) == 800,
                $"the meter counts 800 records consumed by {application}");
        }

        await WaitUntilAsync(
            () => meter.Observe("kinesisattrib.consumer.lag") is { Count: 8 } lag && lag.All(m => m.Value == 0),
            "the lag of all 4 shards of both applications is 0");
        // Lease writes: renewals, or checkpoints (which renew too, so a busy shard may need no renewal at all).
        Assert.Contains(meter.Of("kinesisattrib.client.request.duration"), m => m["rpc.service"] == "DynamoDB" && (m["rpc.method"] is "RenewLease" or "UpdateCheckpoint") && m["kinesisattrib.outcome"] == "success");
        Assert.Contains(kinesisRequests.Of("kinesisattrib.client.request.duration"), m => m["rpc.service"] == "Kinesis" && m["rpc.method"] == "GetRecords" && m["kinesisattrib.outcome"] == "success");

        foreach (var worker in workers.Values.SelectMany(w => w))
        {
            await worker.StopAsync();
        }

        foreach (var application in applications)
        {
            // Nothing was delivered twice, so the count is also what each application's processors received.
            Assert.Equal(800, logs[application].Snapshot().Count);
        }
    }

    [Fact]
    public async Task Readiness_IsLost_WhileDynaliteIsUnreachableLongerThanTheFailoverTime_AndComesBackAfter()
    {
        await EmulatorStreams.CreateActiveStreamAsync(_kinesis, _stream, 2);
        var proxy = new SwitchableProxy(emulators.DynamoDbEndpoint);
        _asyncCleanup.Add(proxy);
        var application = EmulatorFixture.UniqueName("ready");
        var worker = StartWorker($"{application}-w", application, new DeliveryLog(), proxy.Endpoint);
        HealthStatus Readiness() => KinesisAttribHealthChecksBuilderExtensions.Evaluate([worker.Scheduler.Telemetry], new()).Status;

        await WaitUntilAsync(() => Readiness() == HealthStatus.Healthy && worker.Scheduler.HeldShards.Count == 2, "the worker is ready and holds both shards");

        proxy.Reachable = false;
        var cut = DateTime.UtcNow;
        await WaitUntilAsync(() => Readiness() == HealthStatus.Unhealthy, "readiness is lost");
        var lostAfter = DateTime.UtcNow - cut;
        Assert.InRange(lostAfter, TimeSpan.FromSeconds(1), Worker.FailoverTime * 5);

        // Stays lost for the whole outage.
        await Task.Delay(Worker.FailoverTime * 2);
        Assert.Equal(HealthStatus.Unhealthy, Readiness());

        proxy.Reachable = true;
        await WaitUntilAsync(() => Readiness() == HealthStatus.Healthy, "readiness is back");
        await worker.StopAsync();
    }
}
