using System.Text;
using KinesisAttrib.Generators.Tests.TestSupport;
using KinesisAttrib.Handlers;
using KinesisAttrib.Hosting;
using KinesisAttrib.Processing;
using Microsoft.Extensions.DependencyInjection;

namespace KinesisAttrib.Generators.Tests;

/// <summary>
/// Every handler shape and payload format compiled, loaded and run: batches go through the generated processors,
/// including partial failures, deserialization failures and each checkpoint mode.
/// </summary>
public sealed class GeneratedShapeExecutionTests : IDisposable
{
    private const string ShardId = "shardId-000000000001";

    private static readonly string s_handlers = $$"""
        {{TestSources.Usings}}
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using KinesisAttrib.Generators.Tests.TestSupport;
        using KinesisAttrib.Processing;

        namespace Shapes
        {
            public sealed record Order(string Id, decimal Amount);

            public sealed class UpperCaseDeserializer : IRecordDeserializer<Order>
            {
                public Order Deserialize(KinesisClientRecord record) => new(System.Text.Encoding.UTF8.GetString(record.Data.Span).ToUpperInvariant(), 0);
            }

            public sealed class BatchHandlers(HandlerLog log)
            {
                [KinesisHandler("orders", ApplicationName = "bulk")]
                public Task SaveAll(IReadOnlyList<Order> orders, CancellationToken ct, BatchContext batch)
                {
                    log.Add(Entry("SaveAll", string.Join(",", orders.Select(o => o.Id)), batch.ShardId, batch.Records.Count.ToString(), ct));
                    return Task.CompletedTask;
                }

                [KinesisHandler("orders", ApplicationName = "partial")]
                public async ValueTask<BatchResult> Partial(IReadOnlyList<KinesisRecord<Order>> records)
                {
                    await Task.Yield();
                    for (var i = 0; i < records.Count; i++)
                    {
                        if (records[i].Payload.Id == "bad")
                        {
                            return BatchResult.FailedAt(i);
                        }

                        log.Add(Entry("Partial", records[i].Payload.Id, records[i].Context.ShardId, records[i].SequenceNumber, default));
                    }

                    return BatchResult.Success;
                }

                [KinesisHandler("orders", ApplicationName = "by-position")]
                public static BatchResult ByPosition(IReadOnlyList<KinesisRecord<Order>> records) =>
                    records.FirstOrDefault(r => r.Payload.Id == "bad") is { } bad ? BatchResult.FailedAt(bad.Context) : BatchResult.Success;

                [KinesisHandler("orders", ApplicationName = "batch-stop")]
                public void BatchStop(IReadOnlyList<Order> orders) => log.Add(Entry("BatchStop", string.Join(",", orders.Select(o => o.Id)), "", "", default));
            }

            public static class RecordHandlers
            {
                [KinesisHandler("orders", ApplicationName = "reordered")]
                public static ValueTask Reordered(RecordContext record, CancellationToken ct, Order order, HandlerLog log, IRecordProcessorCheckpointer checkpointer)
                {
                    log.Add(Entry("Reordered", order.Id, checkpointer.ShardId, record.SequenceNumber, ct));
                    return default;
                }

                [KinesisHandler("orders", ApplicationName = "void")]
                public static void Sync(Order order, IServiceProvider services) =>
                    ((HandlerLog)services.GetService(typeof(HandlerLog))!).Add(Entry("Sync", order.Id, "", "", default));

                [KinesisHandler("orders", ApplicationName = "skip", DeserializationFailurePolicy = DeserializationFailurePolicy.SkipAndLog)]
                public static void Skip(Order order, HandlerLog log) => log.Add(Entry("Skip", order.Id, "", "", default));

                [KinesisHandler("orders", ApplicationName = "dead-letter", DeserializationFailurePolicy = DeserializationFailurePolicy.FailureHandler)]
                public static void DeadLetter(Order order, HandlerLog log) => log.Add(Entry("DeadLetter", order.Id, "", "", default));

                [KinesisHandler("orders", ApplicationName = "manual", CheckpointMode = CheckpointMode.Manual)]
                public static async Task Manual(Order order, RecordContext record, IRecordProcessorCheckpointer checkpointer, HandlerLog log)
                {
                    log.Add(Entry("Manual", order.Id, "", record.SequenceNumber, default));
                    if (order.Id == "commit")
                    {
                        await checkpointer.CheckpointAsync(record.Record);
                    }
                }

                [KinesisHandler("orders", ApplicationName = "periodic", CheckpointMode = CheckpointMode.Periodic, CheckpointEveryRecords = 2)]
                public static void Periodic(Order order, HandlerLog log) => log.Add(Entry("Periodic", order.Id, "", "", default));

                [KinesisHandler("orders", ApplicationName = "periodic-time", CheckpointMode = CheckpointMode.Periodic, CheckpointIntervalSeconds = 60)]
                public static void PeriodicTime(Order order, HandlerLog log) => log.Add(Entry("PeriodicTime", order.Id, "", "", default));
            }

            public static class FormatHandlers
            {
                [KinesisHandler("raw", ApplicationName = "text")]
                public static void Text(string text, HandlerLog log) => log.Add(Entry("Text", text, "", "", default));

                [KinesisHandler("raw", ApplicationName = "json-text", PayloadFormat = PayloadFormat.Json)]
                public static void JsonText(string text, HandlerLog log) => log.Add(Entry("JsonText", text, "", "", default));

                [KinesisHandler("raw", ApplicationName = "bytes")]
                public static void Bytes(byte[] bytes, HandlerLog log) => log.Add(Entry("Bytes", Convert.ToHexString(bytes), "", "", default));

                [KinesisHandler("raw", ApplicationName = "memory")]
                public static void Memory(ReadOnlyMemory<byte> bytes, HandlerLog log) => log.Add(Entry("Memory", Convert.ToHexString(bytes.Span), "", "", default));

                [KinesisHandler("raw", ApplicationName = "record")]
                public static void Raw(KinesisClientRecord record, HandlerLog log) => log.Add(Entry("Raw", record.PartitionKey, "", record.SequenceNumber, default));

                [KinesisHandler("raw", ApplicationName = "custom", Deserializer = typeof(UpperCaseDeserializer))]
                public static void Custom(Order order, HandlerLog log) => log.Add(Entry("Custom", order.Id, "", "", default));

                [KinesisHandler("raw", ApplicationName = "raw-batch")]
                public static void RawBatch(IReadOnlyList<KinesisClientRecord> records, HandlerLog log) => log.Add(Entry("RawBatch", string.Join(",", records.Select(r => r.SequenceNumber)), "", "", default));
            }
        }
        """;

    private static readonly Lazy<LoadedAssembly> s_loaded = new(() => LoadedAssembly.Load(GeneratorHarness.Run([s_handlers, EntrySource], nameof(GeneratedShapeExecutionTests)).OutputCompilation));

    private const string EntrySource = """
        global using static Shapes.EntryHelper;

        namespace Shapes
        {
            internal static class EntryHelper
            {
                public static KinesisAttrib.Generators.Tests.TestSupport.HandledRecord Entry(string handler, string payload, string shardId, string sequenceNumber, System.Threading.CancellationToken ct) =>
                    new(handler, payload, "", "", shardId, sequenceNumber, 0, "", ct.CanBeCanceled);
            }
        }
        """;

    private readonly HandlerLog _log = new();
    private readonly RecordingFailureHandler _failures = new();
    private readonly ServiceProvider _provider;
    private readonly FakeCheckpointer _checkpointer = new(ShardId);

    public GeneratedShapeExecutionTests()
    {
        var services = new ServiceCollection();
        services.AddSingleton(_log);
        services.AddSingleton<IDeserializationFailureHandler>(_failures);
        var registrations = s_loaded.Value.GetType("Microsoft.Extensions.DependencyInjection.KinesisAttribGeneratedRegistrations");
        registrations.GetMethod("AddKinesisHandlers")!.Invoke(null, [services]);
        _provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
    }

    public void Dispose() => _provider.Dispose();

    [Fact]
    public async Task BatchOfPayloads_IsOneCallWithEveryPayloadAndTheBatchContextThenOneCheckpoint()
    {
        await RunAsync("Shapes.BatchHandlers.SaveAll", Json("1", "a"), Json("2", "b"), Json("3", "c"));

        var entry = Assert.Single(_log.Records);
        Assert.Equal(("SaveAll", "a,b,c", ShardId, "3", true), (entry.Handler, entry.Payload, entry.ShardId, entry.SequenceNumber, entry.CanBeCanceled));
        Assert.Equal([Position("3")], _checkpointer.Checkpoints);
    }

    [Fact]
    public async Task BatchPartialFailureByIndex_CheckpointsTheRecordsBeforeItAndFailsSoTheRestIsRedelivered()
    {
        var exception = await Assert.ThrowsAsync<BatchPartialFailureException>(() =>
            RunAsync("Shapes.BatchHandlers.Partial", Json("1", "a"), Json("2", "b"), Json("3", "bad"), Json("4", "d")));

        Assert.Equal(Position("3"), exception.Position);
        Assert.Contains("Shapes.BatchHandlers.Partial", exception.Message, StringComparison.Ordinal);
        Assert.Equal(["a", "b"], _log.Records.Select(r => r.Payload));
        Assert.Equal([Position("2")], _checkpointer.Checkpoints);
    }

    [Fact]
    public async Task BatchPartialFailureAtTheFirstRecord_CheckpointsNothing()
    {
        await Assert.ThrowsAsync<BatchPartialFailureException>(() => RunAsync("Shapes.BatchHandlers.ByPosition", Json("1", "bad"), Json("2", "b")));

        Assert.Empty(_checkpointer.Checkpoints);
    }

    [Fact]
    public async Task BatchPartialFailureByPosition_CheckpointsTheRecordsBeforeIt()
    {
        var exception = await Assert.ThrowsAsync<BatchPartialFailureException>(() => RunAsync("Shapes.BatchHandlers.ByPosition", Json("1", "a"), Json("2", "bad")));

        Assert.Equal(Position("2"), exception.Position);
        Assert.Equal([Position("1")], _checkpointer.Checkpoints);
    }

    [Fact]
    public async Task BatchHandler_OnADeserializationFailureHandlesAndCheckpointsTheRecordsBeforeItThenStopsTheShard()
    {
        var exception = await Assert.ThrowsAsync<RecordDeserializationException>(() =>
            RunAsync("Shapes.BatchHandlers.BatchStop", Json("1", "a"), Json("2", "b"), Raw("3", "{oops"), Json("4", "d")));

        Assert.Equal((Position("3"), "orders", ShardId), (exception.Position, exception.StreamName, exception.ShardId));
        Assert.Equal(["a,b"], _log.Records.Select(r => r.Payload));
        Assert.Equal([Position("2")], _checkpointer.Checkpoints);
    }

    [Fact]
    public async Task PerRecordHandler_TakesParametersInAnyOrderIncludingServicesAndTheCheckpointer()
    {
        await RunAsync("Shapes.RecordHandlers.Reordered", Json("1", "a"), Json("2", "b"));

        Assert.Equal([("a", "1", ShardId, true), ("b", "2", ShardId, true)], _log.Records.Select(r => (r.Payload, r.SequenceNumber, r.ShardId, r.CanBeCanceled)));
        Assert.Equal([Position("2")], _checkpointer.Checkpoints);
    }

    [Fact]
    public async Task VoidHandler_WithTheServiceProviderRunsSynchronously()
    {
        await RunAsync("Shapes.RecordHandlers.Sync", Json("1", "a"));

        Assert.Equal(["a"], _log.Records.Select(r => r.Payload));
    }

    [Fact]
    public async Task SkipAndLog_SkipsTheUndecodableRecordAndCheckpointsPastIt()
    {
        await RunAsync("Shapes.RecordHandlers.Skip", Json("1", "a"), Raw("2", "not json"), Json("3", "c"), Raw("4", "[]"));

        Assert.Equal(["a", "c"], _log.Records.Select(r => r.Payload));
        Assert.Equal([Position("4")], _checkpointer.Checkpoints);
    }

    [Fact]
    public async Task FailureHandlerPolicy_HandsTheRecordToTheRegisteredHandlerWithWhereItIs()
    {
        await RunAsync("Shapes.RecordHandlers.DeadLetter", Json("1", "a"), Raw("2", "not json"));

        Assert.Equal(["a"], _log.Records.Select(r => r.Payload));
        var failure = Assert.Single(_failures.Failures);
        Assert.Equal(("Shapes.RecordHandlers.DeadLetter", "2", ShardId), (failure.HandlerName, failure.Context.SequenceNumber, failure.Context.ShardId));
        Assert.Contains("'orders'", failure.Exception.Message, StringComparison.Ordinal);
        Assert.Equal([Position("2")], _checkpointer.Checkpoints);
    }

    [Fact]
    public async Task ManualMode_WritesOnlyTheHandlersOwnCheckpointsAndNothingAtShutdown()
    {
        var processor = await StartAsync("Shapes.RecordHandlers.Manual");
        await processor.ProcessRecordsAsync(Input(Json("1", "a"), Json("2", "commit"), Json("3", "c")), CancellationToken.None);
        await processor.ShutdownRequestedAsync(new ShutdownRequestedInput(_checkpointer), CancellationToken.None);

        Assert.Equal([Position("2")], _checkpointer.Checkpoints);
    }

    [Fact]
    public async Task ManualMode_StillCheckpointsShardEnd()
    {
        var processor = await StartAsync("Shapes.RecordHandlers.Manual");
        _checkpointer.LargestPermittedCheckpoint = ExtendedSequenceNumber.ShardEnd;
        await processor.ShardEndedAsync(new ShardEndedInput(_checkpointer), CancellationToken.None);

        Assert.Equal([ExtendedSequenceNumber.ShardEnd], _checkpointer.Checkpoints);
    }

    [Fact]
    public async Task PeriodicByCount_CheckpointsEveryNRecordsAcrossBatchesAndTheRestAtShutdown()
    {
        var processor = await StartAsync("Shapes.RecordHandlers.Periodic");
        await processor.ProcessRecordsAsync(Input(Json("1", "a"), Json("2", "b"), Json("3", "c")), CancellationToken.None);
        await processor.ProcessRecordsAsync(Input(Json("4", "d"), Json("5", "e")), CancellationToken.None);
        Assert.Equal([Position("2"), Position("4")], _checkpointer.Checkpoints);

        await processor.ShutdownRequestedAsync(new ShutdownRequestedInput(_checkpointer), CancellationToken.None);
        Assert.Equal([Position("2"), Position("4"), Position("5")], _checkpointer.Checkpoints);
    }

    [Fact]
    public async Task PeriodicByTime_CheckpointsOnceTheIntervalHasPassed()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var services = new ServiceCollection();
        services.AddSingleton(_log);
        services.AddSingleton<TimeProvider>(time);
        s_loaded.Value.AddKinesisHandlers(services);
        await using var provider = services.BuildServiceProvider();
        var descriptor = Assert.Single(provider.GetServices<KinesisHandlerDescriptor>(), d => d.Settings.HandlerName == "Shapes.RecordHandlers.PeriodicTime");
        var processor = descriptor.CreateProcessor(provider, descriptor.Settings);
        await processor.InitializeAsync(new InitializationInput(new ShardContext("app", "orders", ShardId, "w"), ExtendedSequenceNumber.TrimHorizon), CancellationToken.None);

        await processor.ProcessRecordsAsync(Input(Json("1", "a")), CancellationToken.None);
        Assert.Empty(_checkpointer.Checkpoints);

        time.Advance(TimeSpan.FromSeconds(61));
        await processor.ProcessRecordsAsync(Input(Json("2", "b")), CancellationToken.None);
        Assert.Equal([Position("2")], _checkpointer.Checkpoints);
    }

    [Theory]
    [InlineData("Shapes.FormatHandlers.Text", "héllo")]
    [InlineData("Shapes.FormatHandlers.JsonText", "quoted")]
    [InlineData("Shapes.FormatHandlers.Bytes", "00FF10")]
    [InlineData("Shapes.FormatHandlers.Memory", "00FF10")]
    [InlineData("Shapes.FormatHandlers.Raw", "pk-1")]
    [InlineData("Shapes.FormatHandlers.Custom", "ABC")]
    [InlineData("Shapes.FormatHandlers.RawBatch", "1")]
    public async Task PayloadFormats_DecodeAsTheTypeOrAttributeSays(string handler, string expected)
    {
        KinesisClientRecord record = handler switch
        {
            "Shapes.FormatHandlers.Text" => Raw("1", "héllo"),
            "Shapes.FormatHandlers.JsonText" => Raw("1", "\"quoted\""),
            "Shapes.FormatHandlers.Bytes" or "Shapes.FormatHandlers.Memory" => new("1", 0, "pk-1", new byte[] { 0x00, 0xFF, 0x10 }, null),
            _ => Raw("1", "abc"),
        };

        await RunAsync(handler, record);

        Assert.Equal(expected, Assert.Single(_log.Records).Payload);
    }

    [Fact]
    public async Task TextFormat_RejectsBytesThatAreNotUtf8InsteadOfReplacingThem()
    {
        var exception = await Assert.ThrowsAsync<RecordDeserializationException>(() =>
            RunAsync("Shapes.FormatHandlers.Text", new KinesisClientRecord("1", 0, "pk", new byte[] { 0xC3, 0x28 }, null)));

        Assert.Equal(typeof(string), exception.PayloadType);
        Assert.Empty(_log.Records);
    }

    [Fact]
    public void Descriptors_CarryTheHandlersOwnSettings()
    {
        var names = _provider.GetServices<KinesisHandlerDescriptor>().Select(d => d.Settings.HandlerName).ToList();

        Assert.Equal(18, names.Count);
        Assert.Equal(names.Count, names.Distinct().Count());
    }

    private async Task RunAsync(string handler, params KinesisClientRecord[] records)
    {
        var processor = await StartAsync(handler);
        await processor.ProcessRecordsAsync(Input(records), new CancellationTokenSource().Token);
    }

    private async Task<IShardRecordProcessor> StartAsync(string handler)
    {
        var descriptor = Assert.Single(_provider.GetServices<KinesisHandlerDescriptor>(), d => d.Settings.HandlerName == handler);
        var processor = descriptor.CreateProcessor(_provider, descriptor.Settings);
        await processor.InitializeAsync(new InitializationInput(new ShardContext(descriptor.Settings.ApplicationName!, descriptor.Settings.StreamName, ShardId, "worker-1"), ExtendedSequenceNumber.TrimHorizon), CancellationToken.None);
        return processor;
    }

    private ProcessRecordsInput Input(params KinesisClientRecord[] records) => new(records, 0, _checkpointer);

    private static ExtendedSequenceNumber Position(string sequenceNumber) => new(sequenceNumber);

    private static KinesisClientRecord Json(string sequenceNumber, string id) => Raw(sequenceNumber, $$"""{"id":"{{id}}","amount":1}""");

    private static KinesisClientRecord Raw(string sequenceNumber, string text) =>
        new(sequenceNumber, 0, "pk-" + sequenceNumber, Encoding.UTF8.GetBytes(text), DateTimeOffset.UnixEpoch);

    private sealed class RecordingFailureHandler : IDeserializationFailureHandler
    {
        public List<DeserializationFailure> Failures { get; } = [];

        public ValueTask HandleAsync(DeserializationFailure failure, CancellationToken cancellationToken)
        {
            Failures.Add(failure);
            return default;
        }
    }
}
