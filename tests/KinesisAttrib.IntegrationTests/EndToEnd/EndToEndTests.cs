using KinesisAttrib.Handlers;
using KinesisAttrib.Hosting;
using KinesisAttrib.IntegrationTests.TestSupport;
using KinesisAttrib.Leases;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace KinesisAttrib.IntegrationTests.EndToEnd;

/// <summary>The walking skeleton end to end: generated processor, HTTP Kinesis client on kinesalite, DynamoDB leases on dynalite.</summary>
[Collection("emulators")]
public sealed class EndToEndTests(EmulatorFixture emulators)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    private IHost BuildHost(string application, string stream, string workerId, ReadingCollector collector)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], DisableDefaults = true });
        builder.Services.AddSingleton(collector);
        builder.Services.AddKinesisAttrib(o =>
        {
            o.ApplicationName = application;
            o.StreamNames["readings"] = stream;
            o.WorkerId = workerId;
            o.Region = EmulatorFixture.Region;
            o.KinesisEndpoint = emulators.KinesisEndpoint;
            o.DynamoDbEndpoint = emulators.DynamoDbEndpoint;
            o.Credentials = EmulatorFixture.Credentials;
            o.IdleTimeBetweenReads = TimeSpan.FromMilliseconds(100);
            o.LeaseTakerInterval = TimeSpan.FromMilliseconds(500);
            o.MaxRecords = 200;
        });
        builder.Services.AddKinesisHandlers();
        return builder.Build();
    }

    [Fact]
    public async Task GeneratedHandler_ConsumesEveryRecordInShardOrder_CheckpointsIt_AndResumesAfterTheCheckpoint()
    {
        var stream = EmulatorFixture.UniqueName("readings");
        var application = EmulatorFixture.UniqueName("e2e");
        using var kinesis = EmulatorStreams.CreateKinesisClient(emulators);
        await EmulatorStreams.CreateActiveStreamAsync(kinesis, stream, 2);
        await EmulatorStreams.PutReadingsAsync(kinesis, stream, 0, 1000);

        var first = new ReadingCollector();
        using (var host = BuildHost(application, stream, "worker-a", first))
        {
            await host.StartAsync();
            await first.WhenCountReaches(1000, Timeout);
            await host.StopAsync();
        }

        var delivered = first.Delivered;
        Assert.Equal(Enumerable.Range(0, 1000), delivered.Select(d => d.Reading.Index).Order());
        var byShard = delivered.GroupBy(d => d.ShardId).ToDictionary(g => g.Key, g => g.ToList());
        Assert.Equal(2, byShard.Count);
        foreach (var records in byShard.Values)
        {
            for (var i = 1; i < records.Count; i++)
            {
                Assert.True(ExtendedSequenceNumber.CompareSequenceNumbers(records[i - 1].SequenceNumber, records[i].SequenceNumber) < 0, "records of a shard arrive in sequence order");
            }
        }

        using var dynamo = emulators.CreateDynamoDbClient();
        var leases = await new DynamoDbLeaseStore(dynamo, application).ListLeasesAsync();
        Assert.Equal(byShard.Keys.Order(), leases.Select(l => l.LeaseKey).Order());
        foreach (var lease in leases)
        {
            Assert.Equal(byShard[lease.LeaseKey][^1].SequenceNumber, lease.Checkpoint.SequenceNumber);
        }

        await EmulatorStreams.PutReadingsAsync(kinesis, stream, 1000, 500);
        var second = new ReadingCollector();
        using (var host = BuildHost(application, stream, "worker-b", second))
        {
            await host.StartAsync();
            await second.WhenCountReaches(500, Timeout);

            // Give a wrongly repeated record time to show up before counting.
            await Task.Delay(TimeSpan.FromSeconds(1));
            await host.StopAsync();
        }

        Assert.Equal(Enumerable.Range(1000, 500), second.Delivered.Select(d => d.Reading.Index).Order());
    }

    [Fact]
    public async Task Runtime_WhenTheStreamDoesNotExist_RecordsAFailureNamingIt_AndStopAsyncThrowsIt()
    {
        var collector = new ReadingCollector();
        using var host = BuildHost(EmulatorFixture.UniqueName("e2e"), EmulatorFixture.UniqueName("missing"), "worker-a", collector);
        await host.StartAsync();
        var runtime = host.Services.GetRequiredService<KinesisAttribRuntime>();
        await runtime.Completion.WaitAsync(Timeout);
        var error = await Assert.ThrowsAnyAsync<InvalidOperationException>(() => host.StopAsync());

        Assert.Same(runtime.Failure, error);
        Assert.Contains("missing-", error.Message, StringComparison.Ordinal);
    }
}
