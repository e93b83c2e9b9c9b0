using System.Text;
using KinesisAttrib.Generators.Tests.TestSupport;
using KinesisAttrib.Handlers;
using KinesisAttrib.Hosting;
using KinesisAttrib.Kinesis;
using KinesisAttrib.Testing;
using KinesisAttrib.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace KinesisAttrib.Generators.Tests;

/// <summary>
/// Generated processors on the real scheduler and shard consumer (in-memory Kinesis and leases): a partial batch
/// failure and a poison record are redelivered or handled as promised, and nothing is lost or handled twice.
/// </summary>
public sealed class GeneratedHandlersOnSchedulerTests
{
    private static readonly string s_handlers = $$"""
        {{TestSources.Usings}}
        using System.Collections.Generic;
        using KinesisAttrib.Generators.Tests.TestSupport;

        namespace OnScheduler;

        public sealed record Order(string Id);

        public static class Handlers
        {
            public static int Failures;

            [KinesisHandler("orders", ApplicationName = "flaky")]
            public static BatchResult Flaky(IReadOnlyList<KinesisRecord<Order>> records, HandlerLog log)
            {
                foreach (var record in records)
                {
                    if (record.Payload.Id == "o-5" && Interlocked.Increment(ref Failures) == 1)
                    {
                        return BatchResult.FailedAt(record.Context);
                    }

                    log.Add(new HandledRecord("Flaky", record.Payload.Id, record.Context.StreamName, record.Context.ApplicationName, record.Context.ShardId, record.SequenceNumber, 0, record.PartitionKey, false));
                }

                return BatchResult.Success;
            }

            [KinesisHandler("orders", ApplicationName = "lenient", DeserializationFailurePolicy = DeserializationFailurePolicy.SkipAndLog)]
            public static void Lenient(Order order, RecordContext record, HandlerLog log) =>
                log.Add(new HandledRecord("Lenient", order.Id, record.StreamName, record.ApplicationName, record.ShardId, record.SequenceNumber, 0, record.PartitionKey, false));
        }
        """;

    [Theory]
    [InlineData("OnScheduler.Handlers.Flaky", 10, RetrievalMode.Polling)]
    [InlineData("OnScheduler.Handlers.Lenient", 9, RetrievalMode.Polling)]
    [InlineData("OnScheduler.Handlers.Flaky", 10, RetrievalMode.FanOut)]
    [InlineData("OnScheduler.Handlers.Lenient", 9, RetrievalMode.FanOut)]
    public async Task Scheduler_DeliversEveryRecordOnce_AcrossAPartialFailureOrAPoisonRecord(string handlerName, int expected, RetrievalMode retrieval)
    {
        using var loaded = LoadedAssembly.Load(GeneratorHarness.Run(s_handlers, "OnScheduler" + expected).OutputCompilation);
        var log = new HandlerLog();
        var services = new ServiceCollection().AddSingleton(log);
        loaded.AddKinesisHandlers(services);
        await using var provider = services.BuildServiceProvider();
        var descriptor = Assert.Single(provider.GetServices<KinesisHandlerDescriptor>(), d => d.Settings.HandlerName == handlerName);

        var arranged = await SchedulerArrangement.CreateAsync(shards: 1);
        var entries = Enumerable.Range(0, 10).Select(i => new PutRecordsRequestEntry
        {
            Data = Encoding.UTF8.GetBytes(expected == 9 && i == 3 ? "{ not json" : $$"""{"id":"o-{{i}}"}"""),
            PartitionKey = "k",
        }).ToList();
        await arranged.Kinesis.PutRecordsAsync(new PutRecordsRequest { StreamName = "orders", Records = entries });

        var leases = new InMemoryLeaseStoreFactory().Create(descriptor.Settings.ApplicationName!);
        var options = new KinesisAttribOptions
        {
            RetrievalMode = retrieval,
            IdleTimeBetweenReads = TimeSpan.FromMilliseconds(10),
            ProcessingRetryDelay = TimeSpan.FromMilliseconds(10),
            LeaseTakerInterval = TimeSpan.FromMilliseconds(50),
        };
        await using var running = arranged.Start(() => descriptor.CreateProcessor(provider, descriptor.Settings), options, store: leases, application: descriptor.Settings.ApplicationName!);

        await log.WhenCountReaches(expected, TimeSpan.FromSeconds(30));
        await running.StopAsync();

        var ids = log.Records.Select(r => r.Payload).ToList();
        Assert.Equal(Enumerable.Range(0, 10).Where(i => expected == 10 || i != 3).Select(i => $"o-{i}"), ids);
        var lease = Assert.Single(await leases.ListLeasesAsync());
        Assert.Equal(log.Records[^1].SequenceNumber, lease.Checkpoint.SequenceNumber);
        Assert.Equal(retrieval == RetrievalMode.FanOut, arranged.Kinesis.SubscribeToShardCallCount > 0);
        Assert.Equal(retrieval == RetrievalMode.Polling, arranged.Kinesis.GetRecordsCallCount > 0);
    }

    [Fact]
    public async Task TheAttributesRetrievalMode_ReachesTheHandlersSettings_OverTheAssemblyDefaults_AndUnsetLeavesItToTheOptions()
    {
        var source = $$"""
            {{TestSources.Usings}}

            [assembly: KinesisHandlerDefaults(RetrievalMode = RetrievalMode.FanOut)]

            namespace Retrieval;

            public sealed record Order(string Id);

            public static class Handlers
            {
                [KinesisHandler("orders", ApplicationName = "pushed")]
                public static void Inherits(Order order) { }

                [KinesisHandler("orders", ApplicationName = "polled", RetrievalMode = RetrievalMode.Polling)]
                public static void Polls(Order order) { }
            }
            """;
        using var loaded = LoadedAssembly.Load(GeneratorHarness.Run(source, "RetrievalModes").OutputCompilation);
        var services = new ServiceCollection();
        loaded.AddKinesisHandlers(services);
        await using var provider = services.BuildServiceProvider();
        var settings = provider.GetServices<KinesisHandlerDescriptor>().ToDictionary(d => d.Settings.HandlerName, d => d.Settings.RetrievalMode);

        Assert.Equal(RetrievalMode.FanOut, settings["Retrieval.Handlers.Inherits"]);
        Assert.Equal(RetrievalMode.Polling, settings["Retrieval.Handlers.Polls"]);
    }
}
