using KinesisAttrib.Handlers;
using KinesisAttrib.Processing;
using KinesisAttrib.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace KinesisAttrib.Tests.Processing;

/// <summary>
/// The checkpointer a handler receives covers only what that handler has been given: "checkpoint everything delivered"
/// from a handler must never move the checkpoint past records it has not handled yet (or will never be given).
/// </summary>
public sealed class HandlerCheckpointerScopeTests
{
    private const string ShardId = "shardId-000000000000";

    [Fact]
    public async Task ManualPerRecordHandler_CheckpointWithoutPosition_CheckpointsTheRecordInHandNotTheEndOfTheBatch()
    {
        using var services = new ServiceCollection().BuildServiceProvider();
        var processor = new CheckpointingRecordProcessor(services, failOn: "3");
        var checkpointer = new ListCheckpointer();
        await processor.InitializeAsync(new InitializationInput(new ShardContext("app", "s", ShardId, "w"), ExtendedSequenceNumber.TrimHorizon), default);

        var batch = new[] { Record("1"), Record("2"), Record("3"), Record("4") };
        checkpointer.LargestPermittedCheckpoint = batch[^1].Position;
        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            processor.ProcessRecordsAsync(new ProcessRecordsInput(batch, null, checkpointer), default).AsTask());

        // Records 3 and 4 were not handled: the shard must resume at 3, so the checkpoint may not be past 2.
        Assert.Equal([new ExtendedSequenceNumber("1"), new ExtendedSequenceNumber("2")], checkpointer.Checkpoints);
        Assert.Equal(new ExtendedSequenceNumber("2"), checkpointer.LastCheckpoint);
        Assert.Equal([new ExtendedSequenceNumber("1"), new ExtendedSequenceNumber("2"), new ExtendedSequenceNumber("3")], processor.LargestPermittedSeen);
    }

    [Fact]
    public async Task PerRecordHandler_CheckpointAtALaterRecordOfTheBatch_IsRejected()
    {
        using var services = new ServiceCollection().BuildServiceProvider();
        var processor = new CheckpointingRecordProcessor(services, failOn: null, checkpointAt: "4");
        var checkpointer = new ListCheckpointer();
        await processor.InitializeAsync(new InitializationInput(new ShardContext("app", "s", ShardId, "w"), ExtendedSequenceNumber.TrimHorizon), default);

        var batch = new[] { Record("1"), Record("4") };
        checkpointer.LargestPermittedCheckpoint = batch[^1].Position;
        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            processor.ProcessRecordsAsync(new ProcessRecordsInput(batch, null, checkpointer), default).AsTask());

        Assert.Contains("4", error.Message, StringComparison.Ordinal);
        Assert.Empty(checkpointer.Checkpoints);
    }

    [Fact]
    public async Task ManualBatchHandler_StoppedAtAPoisonRecord_CannotCheckpointPastIt()
    {
        using var services = new ServiceCollection().BuildServiceProvider();
        var processor = new CheckpointingBatchProcessor(services);
        var checkpointer = new ListCheckpointer();
        await processor.InitializeAsync(new InitializationInput(new ShardContext("app", "s", ShardId, "w"), ExtendedSequenceNumber.TrimHorizon), default);

        var batch = new[] { Record("1"), Record("2"), Record("3", poison: true), Record("4") };
        checkpointer.LargestPermittedCheckpoint = batch[^1].Position;
        await Assert.ThrowsAsync<RecordDeserializationException>(() =>
            processor.ProcessRecordsAsync(new ProcessRecordsInput(batch, null, checkpointer), default).AsTask());

        // The handler got 1 and 2; "everything delivered" to it ends at 2. The poison record 3 and record 4 come again.
        Assert.Equal(["1", "2"], processor.Seen);
        Assert.Equal(new ExtendedSequenceNumber("2"), checkpointer.LastCheckpoint);
    }

    [Fact]
    public async Task ManualBatchHandler_WithTheWholeBatch_CheckpointsItsLastRecord()
    {
        using var services = new ServiceCollection().BuildServiceProvider();
        var processor = new CheckpointingBatchProcessor(services);
        var checkpointer = new ListCheckpointer();
        await processor.InitializeAsync(new InitializationInput(new ShardContext("app", "s", ShardId, "w"), ExtendedSequenceNumber.TrimHorizon), default);

        var batch = new[] { Record("1"), Record("2") };
        checkpointer.LargestPermittedCheckpoint = batch[^1].Position;
        await processor.ProcessRecordsAsync(new ProcessRecordsInput(batch, null, checkpointer), default);

        Assert.Equal([new ExtendedSequenceNumber("2")], checkpointer.Checkpoints);
    }

    [Fact]
    public async Task PerRecordProcessor_OnAHardStop_HandsNoFurtherRecordOfTheBatchToTheHandler()
    {
        using var services = new ServiceCollection().BuildServiceProvider();
        using var aborted = new CancellationTokenSource();
        var processor = new AbortingRecordProcessor(services, aborted);
        var checkpointer = new ListCheckpointer();
        await processor.InitializeAsync(new InitializationInput(new ShardContext("app", "s", ShardId, "w"), ExtendedSequenceNumber.TrimHorizon), default);

        var batch = new[] { Record("1"), Record("2"), Record("3") };
        checkpointer.LargestPermittedCheckpoint = batch[^1].Position;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            processor.ProcessRecordsAsync(new ProcessRecordsInput(batch, null, checkpointer), aborted.Token).AsTask());

        // The stop came while record 1 was handled (by a handler that ignores the token): 2 and 3 are left for redelivery.
        Assert.Equal(["1"], processor.Seen);
        Assert.Equal([new ExtendedSequenceNumber("1")], checkpointer.Checkpoints);
    }

    private sealed class AbortingRecordProcessor(IServiceProvider services, CancellationTokenSource aborted)
        : RecordHandlerProcessor<KinesisClientRecord>(services, RecordDeserializers.Record)
    {
        public List<string> Seen { get; } = [];

        protected override async ValueTask HandleAsync(IServiceProvider services, KinesisClientRecord payload, RecordContext context, BatchContext batch, IRecordProcessorCheckpointer checkpointer, CancellationToken cancellationToken)
        {
            Seen.Add(payload.SequenceNumber);
            await aborted.CancelAsync();
        }
    }

    private static KinesisClientRecord Record(string sequenceNumber, bool poison = false) =>
        new(sequenceNumber, 0, "pk", poison ? new byte[] { 0xFF } : "ok"u8.ToArray(), null);

    private sealed class CheckpointingRecordProcessor(IServiceProvider services, string? failOn, string? checkpointAt = null)
        : RecordHandlerProcessor<KinesisClientRecord>(services, RecordDeserializers.Record, new HandlerSettings { CheckpointMode = CheckpointMode.Manual })
    {
        public List<ExtendedSequenceNumber> LargestPermittedSeen { get; } = [];

        protected override async ValueTask HandleAsync(IServiceProvider services, KinesisClientRecord payload, RecordContext context, BatchContext batch, IRecordProcessorCheckpointer checkpointer, CancellationToken cancellationToken)
        {
            LargestPermittedSeen.Add(checkpointer.LargestPermittedCheckpoint);
            if (payload.SequenceNumber == failOn)
            {
                throw new InvalidOperationException("handler failed");
            }

            if (checkpointAt is not null)
            {
                await checkpointer.CheckpointAsync(checkpointAt, 0, cancellationToken);
            }
            else
            {
                await checkpointer.CheckpointAsync(cancellationToken);
            }
        }
    }

    private sealed class CheckpointingBatchProcessor(IServiceProvider services)
        : BatchHandlerProcessor<string>(services, RecordDeserializers.Utf8String, new HandlerSettings { CheckpointMode = CheckpointMode.Manual })
    {
        public List<string> Seen { get; } = [];

        protected override async ValueTask<BatchResult> HandleAsync(IServiceProvider services, IReadOnlyList<KinesisRecord<string>> records, BatchContext batch, IRecordProcessorCheckpointer checkpointer, CancellationToken cancellationToken)
        {
            Seen.AddRange(records.Select(r => r.Context.SequenceNumber));
            await checkpointer.CheckpointAsync(cancellationToken);
            return BatchResult.Success;
        }
    }
}
