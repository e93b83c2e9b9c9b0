using System.Text;
using KinesisAttrib.Handlers;
using KinesisAttrib.Processing;
using KinesisAttrib.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace KinesisAttrib.Tests.Processing;

/// <summary>The runtime half of the generated processors, driven by hand-written subclasses (no Roslyn).</summary>
public sealed class HandlerProcessorTests
{
    private const string ShardId = "shardId-000000000000";

    [Fact]
    public void Utf8String_DecodesTextAndRejectsInvalidBytes()
    {
        Assert.Equal("grüße", RecordDeserializers.Utf8String.Deserialize(Record("1", Encoding.UTF8.GetBytes("grüße"))));
        Assert.Throws<DecoderFallbackException>(() => RecordDeserializers.Utf8String.Deserialize(Record("1", [0xFF, 0xFE, 0xFD])));
    }

    [Fact]
    public void ByteFormats_GiveTheBytes_ACopyOrTheMemoryItself()
    {
        var record = Record("1", [1, 2, 3]);

        var copy = RecordDeserializers.ByteArray.Deserialize(record);
        Assert.Equal([1, 2, 3], copy);
        Assert.True(RecordDeserializers.Memory.Deserialize(record).Span.SequenceEqual(record.Data.Span));
        Assert.Same(record, RecordDeserializers.Record.Deserialize(record));
    }

    [Fact]
    public void Create_PrefersTheRegisteredDeserializerAndOtherwiseBuildsOneWithServices()
    {
        var registered = new PrefixDeserializer("registered");
        using var withRegistration = new ServiceCollection().AddSingleton(registered).BuildServiceProvider();
        using var withoutRegistration = new ServiceCollection().AddSingleton("built").BuildServiceProvider();

        Assert.Same(registered, RecordDeserializers.Create<PrefixDeserializer>(withRegistration));
        Assert.Equal("built:x", RecordDeserializers.Create<PrefixDeserializer>(withoutRegistration).Deserialize(Record("1", "x"u8.ToArray())));
    }

    [Fact]
    public void JsonNull_IsADeserializationFailureNotANullPayload()
    {
        var deserializer = JsonRecordDeserializer.CreateReflectionBased<Payload>();

        Assert.Throws<System.Text.Json.JsonException>(() => deserializer.Deserialize(Record("1", "null"u8.ToArray())));
        Assert.Equal("a", deserializer.Deserialize(Record("1", """{"name":"a"}"""u8.ToArray())).Name);
    }

    [Theory]
    [InlineData(CheckpointMode.Periodic, 0, 0, "needs CheckpointEveryRecords or CheckpointIntervalSeconds")]
    [InlineData(CheckpointMode.Periodic, -1, 0, "must not be negative")]
    [InlineData((CheckpointMode)9, 0, 0, "unknown CheckpointMode")]
    public void HandlerSettings_RejectsInconsistentSettings(CheckpointMode mode, int records, int seconds, string expected)
    {
        var settings = new HandlerSettings { HandlerName = "H", CheckpointMode = mode, CheckpointEveryRecords = records, CheckpointInterval = TimeSpan.FromSeconds(seconds) };

        var error = Assert.Throws<ArgumentException>(settings.Validate);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RecordProcessor_OnAHandlerFailureCheckpointsThePrefixAndRethrows()
    {
        using var services = new ServiceCollection().BuildServiceProvider();
        var processor = new FailingRecordProcessor(services, failOn: "3");
        var checkpointer = new ListCheckpointer();
        await processor.InitializeAsync(new InitializationInput(new ShardContext("app", "s", ShardId, "w"), ExtendedSequenceNumber.TrimHorizon), default);

        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            processor.ProcessRecordsAsync(new ProcessRecordsInput([Record("1", "a"u8.ToArray()), Record("2", "b"u8.ToArray()), Record("3", "c"u8.ToArray())], null, checkpointer), default).AsTask());

        Assert.Equal([new ExtendedSequenceNumber("2")], checkpointer.Checkpoints);
        Assert.Equal(["1", "2", "3"], processor.Seen);
    }

    [Fact]
    public async Task PeriodicMode_OnAFailureAtTheStartOfABatch_CheckpointsWhatEarlierBatchesCompleted()
    {
        using var services = new ServiceCollection().BuildServiceProvider();
        var processor = new FailingRecordProcessor(services, failOn: "3", new HandlerSettings { CheckpointMode = CheckpointMode.Periodic, CheckpointEveryRecords = 100 });
        var checkpointer = new ListCheckpointer();
        await processor.InitializeAsync(new InitializationInput(new ShardContext("app", "s", ShardId, "w"), ExtendedSequenceNumber.TrimHorizon), default);
        await processor.ProcessRecordsAsync(new ProcessRecordsInput([Record("1", "a"u8.ToArray()), Record("2", "b"u8.ToArray())], null, checkpointer), default);
        Assert.Empty(checkpointer.Checkpoints);

        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            processor.ProcessRecordsAsync(new ProcessRecordsInput([Record("3", "c"u8.ToArray()), Record("4", "d"u8.ToArray())], null, checkpointer), default).AsTask());

        Assert.Equal([new ExtendedSequenceNumber("2")], checkpointer.Checkpoints);
    }

    [Fact]
    public async Task PeriodicTimeMode_OnAQuietShard_CheckpointsWhatWasHandledOnceTheIntervalPassed()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        using var services = new ServiceCollection().AddSingleton<TimeProvider>(time).BuildServiceProvider();
        var processor = new FailingRecordProcessor(services, failOn: null, new HandlerSettings { CheckpointMode = CheckpointMode.Periodic, CheckpointInterval = TimeSpan.FromSeconds(10) });
        IIdleShardProcessor idle = processor;
        var checkpointer = new ListCheckpointer();
        await processor.InitializeAsync(new InitializationInput(new ShardContext("app", "s", ShardId, "w"), ExtendedSequenceNumber.TrimHorizon), default);
        await processor.ProcessRecordsAsync(new ProcessRecordsInput([Record("1", "a"u8.ToArray()), Record("2", "b"u8.ToArray())], null, checkpointer), default);

        // Reads come back empty: before the interval nothing is written, after it the handled records are.
        time.Advance(TimeSpan.FromSeconds(9));
        await idle.IdleAsync(checkpointer, default);
        Assert.Empty(checkpointer.Checkpoints);

        time.Advance(TimeSpan.FromSeconds(1));
        await idle.IdleAsync(checkpointer, default);
        Assert.Equal([new ExtendedSequenceNumber("2")], checkpointer.Checkpoints);

        // Nothing new since: later quiet reads write nothing.
        time.Advance(TimeSpan.FromSeconds(30));
        await idle.IdleAsync(checkpointer, default);
        Assert.Single(checkpointer.Checkpoints);
    }

    [Theory]
    [InlineData(CheckpointMode.AfterEachBatch)]
    [InlineData(CheckpointMode.Manual)]
    public async Task OtherModes_OnAQuietShard_WriteNothing(CheckpointMode mode)
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        using var services = new ServiceCollection().AddSingleton<TimeProvider>(time).BuildServiceProvider();
        var processor = new FailingRecordProcessor(services, failOn: null, new HandlerSettings { CheckpointMode = mode });
        var checkpointer = new ListCheckpointer();
        await processor.InitializeAsync(new InitializationInput(new ShardContext("app", "s", ShardId, "w"), ExtendedSequenceNumber.TrimHorizon), default);
        await processor.ProcessRecordsAsync(new ProcessRecordsInput([Record("1", "a"u8.ToArray())], null, checkpointer), default);
        var written = checkpointer.Checkpoints.Count;

        time.Advance(TimeSpan.FromHours(1));
        await ((IIdleShardProcessor)processor).IdleAsync(checkpointer, default);

        Assert.Equal(written, checkpointer.Checkpoints.Count);
    }

    [Fact]
    public async Task RecordProcessor_AfterLatestStartCheckpointsTheFirstBatchAtShutdown()
    {
        using var services = new ServiceCollection().BuildServiceProvider();
        var processor = new FailingRecordProcessor(services, failOn: null, new HandlerSettings { CheckpointMode = CheckpointMode.Periodic, CheckpointEveryRecords = 100 });
        var checkpointer = new ListCheckpointer(ExtendedSequenceNumber.Latest);
        await processor.InitializeAsync(new InitializationInput(new ShardContext("app", "s", ShardId, "w"), ExtendedSequenceNumber.Latest), default);
        await processor.ProcessRecordsAsync(new ProcessRecordsInput([Record("5", "a"u8.ToArray())], null, checkpointer), default);
        Assert.Empty(checkpointer.Checkpoints);

        await processor.ShutdownRequestedAsync(new ShutdownRequestedInput(checkpointer), default);

        Assert.Equal([new ExtendedSequenceNumber("5")], checkpointer.Checkpoints);
    }

    [Fact]
    public async Task BatchProcessor_ReportingAPositionOutsideTheBatch_FailsTheWholeBatchWithoutCheckpointing()
    {
        using var services = new ServiceCollection().BuildServiceProvider();
        var processor = new ReportingBatchProcessor(services, BatchResult.FailedAt("999"));
        var checkpointer = new ListCheckpointer();
        await processor.InitializeAsync(new InitializationInput(new ShardContext("app", "s", ShardId, "w"), ExtendedSequenceNumber.TrimHorizon), default);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            processor.ProcessRecordsAsync(new ProcessRecordsInput([Record("1", "a"u8.ToArray())], null, checkpointer), default).AsTask());

        Assert.Contains("999", error.Message, StringComparison.Ordinal);
        Assert.Empty(checkpointer.Checkpoints);
    }

    [Fact]
    public async Task PeriodicBatchProcessor_ReportingAPositionOutsideTheBatch_StillCheckpointsWhatEarlierBatchesCompleted()
    {
        using var services = new ServiceCollection().BuildServiceProvider();
        var result = BatchResult.Success;
        var processor = new ReportingBatchProcessor(services, () => result, new HandlerSettings { CheckpointMode = CheckpointMode.Periodic, CheckpointEveryRecords = 100 });
        var checkpointer = new ListCheckpointer();
        await processor.InitializeAsync(new InitializationInput(new ShardContext("app", "s", ShardId, "w"), ExtendedSequenceNumber.TrimHorizon), default);
        await processor.ProcessRecordsAsync(new ProcessRecordsInput([Record("1", "a"u8.ToArray()), Record("2", "b"u8.ToArray())], null, checkpointer), default);
        Assert.Empty(checkpointer.Checkpoints);

        result = BatchResult.FailedAt("999");
        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            processor.ProcessRecordsAsync(new ProcessRecordsInput([Record("3", "c"u8.ToArray())], null, checkpointer), default).AsTask());

        Assert.Equal([new ExtendedSequenceNumber("2")], checkpointer.Checkpoints);
    }

    [Fact]
    public async Task PeriodicBatchProcessor_FailureHandlerThrowing_StillCheckpointsWhatEarlierBatchesCompleted()
    {
        var services = new ServiceCollection().AddSingleton<IDeserializationFailureHandler, ThrowingFailureHandler>().BuildServiceProvider();
        await using var _ = services;
        var processor = new ReportingBatchProcessor(services, () => BatchResult.Success, new HandlerSettings { CheckpointMode = CheckpointMode.Periodic, CheckpointEveryRecords = 100, DeserializationFailurePolicy = DeserializationFailurePolicy.FailureHandler });
        var checkpointer = new ListCheckpointer();
        await processor.InitializeAsync(new InitializationInput(new ShardContext("app", "s", ShardId, "w"), ExtendedSequenceNumber.TrimHorizon), default);
        await processor.ProcessRecordsAsync(new ProcessRecordsInput([Record("1", "a"u8.ToArray())], null, checkpointer), default);

        await Assert.ThrowsAsync<IOException>(() =>
            processor.ProcessRecordsAsync(new ProcessRecordsInput([Record("2", [0xFF]), Record("3", "c"u8.ToArray())], null, checkpointer), default).AsTask());

        // The dead-letter store failed: record 2 is not done and comes again, but record 1 is kept.
        Assert.Equal([new ExtendedSequenceNumber("1")], checkpointer.Checkpoints);
    }

    [Fact]
    public async Task FailureHandlerPolicy_WithoutARegisteredHandler_StopsTheShardSayingWhy()
    {
        using var services = new ServiceCollection().BuildServiceProvider();
        var processor = new ReportingBatchProcessor(services, BatchResult.Success, new HandlerSettings { HandlerName = "H", DeserializationFailurePolicy = DeserializationFailurePolicy.FailureHandler }, fail: true);
        await processor.InitializeAsync(new InitializationInput(new ShardContext("app", "s", ShardId, "w"), ExtendedSequenceNumber.TrimHorizon), default);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            processor.ProcessRecordsAsync(new ProcessRecordsInput([Record("1", "a"u8.ToArray())], null, new ListCheckpointer()), default).AsTask());

        Assert.Contains("IDeserializationFailureHandler", error.Message, StringComparison.Ordinal);
        Assert.IsType<RecordDeserializationException>(error.InnerException);
    }

    private static KinesisClientRecord Record(string sequenceNumber, byte[] data) => new(sequenceNumber, 0, "pk", data, null);

    public sealed record Payload(string Name);

    private sealed class PrefixDeserializer(string prefix) : IRecordDeserializer<string>
    {
        public string Deserialize(KinesisClientRecord record) => prefix + ":" + Encoding.UTF8.GetString(record.Data.Span);
    }

    private sealed class FailingRecordProcessor(IServiceProvider services, string? failOn, HandlerSettings? settings = null)
        : RecordHandlerProcessor<KinesisClientRecord>(services, RecordDeserializers.Record, settings)
    {
        public List<string> Seen { get; } = [];

        protected override ValueTask HandleAsync(IServiceProvider services, KinesisClientRecord payload, RecordContext context, BatchContext batch, IRecordProcessorCheckpointer checkpointer, CancellationToken cancellationToken)
        {
            Seen.Add(payload.SequenceNumber);
            return payload.SequenceNumber == failOn ? throw new InvalidOperationException("handler failed") : default;
        }
    }

    private sealed class ReportingBatchProcessor(IServiceProvider services, Func<BatchResult> result, HandlerSettings? settings = null, bool fail = false)
        : BatchHandlerProcessor<string>(services, fail ? new ThrowingDeserializer() : RecordDeserializers.Utf8String, settings)
    {
        public ReportingBatchProcessor(IServiceProvider services, BatchResult result, HandlerSettings? settings = null, bool fail = false)
            : this(services, () => result, settings, fail)
        {
        }

        protected override ValueTask<BatchResult> HandleAsync(IServiceProvider services, IReadOnlyList<KinesisRecord<string>> records, BatchContext batch, IRecordProcessorCheckpointer checkpointer, CancellationToken cancellationToken) =>
            new(result());
    }

    private sealed class ThrowingFailureHandler : IDeserializationFailureHandler
    {
        public ValueTask HandleAsync(DeserializationFailure failure, CancellationToken cancellationToken) => throw new IOException("dead-letter store unavailable");
    }

    private sealed class ThrowingDeserializer : IRecordDeserializer<string>
    {
        public string Deserialize(KinesisClientRecord record) => throw new FormatException("bad");
    }
}
