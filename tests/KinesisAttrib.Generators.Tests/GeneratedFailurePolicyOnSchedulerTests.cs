using System.Collections.Concurrent;
using System.Text;
using KinesisAttrib.Generators.Tests.TestSupport;
using KinesisAttrib.Handlers;
using KinesisAttrib.Hosting;
using KinesisAttrib.Kinesis;
using KinesisAttrib.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace KinesisAttrib.Generators.Tests;

/// <summary>
/// The failure policy set on <c>[KinesisHandler]</c>, through generated processors on the real scheduler (in-memory
/// Kinesis and leases), 1,000 records with one poison record: only it reaches the destination, every other record is
/// handled exactly once.
/// </summary>
public sealed class GeneratedFailurePolicyOnSchedulerTests
{
    private const int Count = 1000;

    private static readonly string s_handlers = $$"""
        {{TestSources.Usings}}
        using System;
        using System.Collections.Generic;
        using KinesisAttrib.Generators.Tests.TestSupport;

        namespace FailurePolicy;

        public sealed record Order(string Id);

        public static class Handlers
        {
            [KinesisHandler("orders", ApplicationName = "bisect", BisectBatchOnError = true, MaxRetryAttempts = 1,
                RetryDelayMilliseconds = 1, MaxRetryDelayMilliseconds = 5, FailureDestination = "dlq")]
            public static void Bisected(IReadOnlyList<KinesisRecord<Order>> records, HandlerLog log)
            {
                foreach (var record in records)
                {
                    if (record.Payload.Id == "o-537")
                    {
                        throw new InvalidOperationException("o-537 is poison");
                    }
                }

                foreach (var record in records)
                {
                    log.Add(new HandledRecord("Bisected", record.Payload.Id, record.Context.StreamName, record.Context.ApplicationName, record.Context.ShardId, record.SequenceNumber, 0, record.PartitionKey, false));
                }
            }

            [KinesisHandler("orders", ApplicationName = "decode", MaxRetryAttempts = 0, FailureDestination = "dlq")]
            public static void Decoded(Order order, RecordContext record, HandlerLog log) =>
                log.Add(new HandledRecord("Decoded", order.Id, record.StreamName, record.ApplicationName, record.ShardId, record.SequenceNumber, 0, record.PartitionKey, false));
        }
        """;

    [Theory]
    [InlineData("FailurePolicy.Handlers.Bisected", false, FailureReason.HandlerFailed, 2)]
    [InlineData("FailurePolicy.Handlers.Decoded", true, FailureReason.DeserializationFailed, 1)]
    public async Task OnlyThePoisonRecordReachesTheDestination_AndEveryOtherIsHandledOnce(string handlerName, bool poisonIsNotJson, FailureReason reason, int attempts)
    {
        using var loaded = LoadedAssembly.Load(GeneratorHarness.Run(s_handlers, "FailurePolicy" + poisonIsNotJson).OutputCompilation);
        var log = new HandlerLog();
        var destination = new Destination();
        var services = new ServiceCollection().AddSingleton(log).AddKinesisFailureDestination(_ => destination, "dlq");
        loaded.AddKinesisHandlers(services);
        await using var provider = services.BuildServiceProvider();
        var descriptor = Assert.Single(provider.GetServices<KinesisHandlerDescriptor>(), d => d.Settings.HandlerName == handlerName);

        var arranged = await SchedulerArrangement.CreateAsync(shards: 2);
        for (var from = 0; from < Count; from += 500)
        {
            var entries = Enumerable.Range(from, 500).Select(i => new PutRecordsRequestEntry
            {
                Data = Encoding.UTF8.GetBytes(i == 537 && poisonIsNotJson ? "{ not json" : $$"""{"id":"o-{{i}}"}"""),
                PartitionKey = $"k{i % 37}",
            }).ToList();
            await arranged.Kinesis.PutRecordsAsync(new PutRecordsRequest { StreamName = "orders", Records = entries });
        }

        var options = new KinesisAttribOptions
        {
            MaxRecords = 100,
            IdleTimeBetweenReads = TimeSpan.FromMilliseconds(10),
            ProcessingRetryDelay = TimeSpan.FromMilliseconds(10),
            LeaseTakerInterval = TimeSpan.FromMilliseconds(50),
        };
        await using var running = arranged.Start(() => descriptor.CreateProcessor(provider, descriptor.Settings), options, application: descriptor.Settings.ApplicationName!);

        await log.WhenCountReaches(Count - 1, TimeSpan.FromSeconds(30));
        await destination.Arrived.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await running.StopAsync();

        var ids = log.Records.Select(r => r.Payload).ToList();
        Assert.Equal(Count - 1, ids.Count);
        Assert.Equal(Enumerable.Range(0, Count).Where(i => i != 537).Select(i => $"o-{i}").ToHashSet(), ids.ToHashSet());
        var failed = Assert.Single(destination.Received);
        Assert.Equal(poisonIsNotJson ? "{ not json" : """{"id":"o-537"}""", Encoding.UTF8.GetString(failed.Data.Span));
        Assert.Equal((reason, attempts, handlerName), (failed.Reason, failed.Attempts, failed.HandlerName));
    }

    private sealed class Destination : IFailedRecordDestination
    {
        public ConcurrentQueue<FailedRecord> Received { get; } = new();

        public TaskCompletionSource Arrived { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ValueTask SendAsync(FailedRecord record, CancellationToken cancellationToken)
        {
            Received.Enqueue(record);
            Arrived.TrySetResult();
            return default;
        }
    }
}
