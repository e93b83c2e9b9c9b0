using KinesisAttrib.Diagnostics;
using KinesisAttrib.Handlers;

namespace KinesisAttrib.Processing;

/// <summary>
/// Processes the records of one shard, with the KCL 2.x lifecycle: <see cref="InitializeAsync"/>, then
/// <see cref="ProcessRecordsAsync"/> any number of times, then exactly one of <see cref="LeaseLostAsync"/>,
/// <see cref="ShardEndedAsync"/> or <see cref="ShutdownRequestedAsync"/>. Calls for one shard never overlap.
/// </summary>
/// <remarks>Generated processors implement this through <see cref="RecordHandlerProcessor{T}"/>; it can also be implemented by hand.</remarks>
public interface IShardRecordProcessor
{
    /// <summary>Called once before the first batch, with the position delivery starts after.</summary>
    ValueTask InitializeAsync(InitializationInput input, CancellationToken cancellationToken);

    /// <summary>Called with each non-empty batch, in shard order.</summary>
    ValueTask ProcessRecordsAsync(ProcessRecordsInput input, CancellationToken cancellationToken);

    /// <summary>Another worker took the lease: checkpointing is no longer possible; stop promptly.</summary>
    ValueTask LeaseLostAsync(LeaseLostInput input, CancellationToken cancellationToken);

    /// <summary>The shard is closed and fully delivered: the processor must checkpoint (which records SHARD_END) so children can start.</summary>
    ValueTask ShardEndedAsync(ShardEndedInput input, CancellationToken cancellationToken);

    /// <summary>The worker is shutting down gracefully: checkpoint what was processed.</summary>
    ValueTask ShutdownRequestedAsync(ShutdownRequestedInput input, CancellationToken cancellationToken);
}

/// <summary>Input of <see cref="IShardRecordProcessor.InitializeAsync"/>.</summary>
/// <param name="Shard">The application, stream, shard and worker.</param>
/// <param name="ExtendedSequenceNumber">The checkpoint delivery resumes after (or the initial-position sentinel).</param>
public sealed record InitializationInput(ShardContext Shard, ExtendedSequenceNumber ExtendedSequenceNumber)
{
    /// <summary>The stream.</summary>
    public string StreamName => Shard.StreamName;

    /// <summary>The shard.</summary>
    public string ShardId => Shard.ShardId;

    /// <summary>
    /// A checkpoint a previous owner prepared but did not commit (<c>pendingCheckpoint*</c>), or null. Delivery still
    /// resumes after <see cref="ExtendedSequenceNumber"/>; the processor decides whether the prepared work was done.
    /// </summary>
    public ExtendedSequenceNumber? PendingCheckpoint { get; init; }

    /// <summary>
    /// The application state the previous owner stored with <see cref="PendingCheckpoint"/>
    /// (<c>pendingCheckpointState</c>, see <see cref="IRecordProcessorCheckpointer.PrepareCheckpointAsync(string, long, byte[], CancellationToken)"/>),
    /// or null.
    /// </summary>
    public byte[]? PendingCheckpointState { get; init; }

    /// <summary>Where the processor reports retries, bisections, failed records and the time blocked on one record.</summary>
    internal ShardTelemetry Telemetry { get; init; } = ShardTelemetry.None;
}

/// <summary>Input of <see cref="IShardRecordProcessor.ProcessRecordsAsync"/>.</summary>
/// <param name="Records">The batch, in shard order.</param>
/// <param name="MillisBehindLatest">How far behind the tip of the shard the batch is, if known.</param>
/// <param name="Checkpointer">Records progress.</param>
public sealed record ProcessRecordsInput(IReadOnlyList<KinesisClientRecord> Records, long? MillisBehindLatest, IRecordProcessorCheckpointer Checkpointer)
{
    /// <summary>
    /// Signalled when the worker asks for a graceful stop (or the lease is being handed over). The batch's own token is
    /// not cancelled then, since the batch in hand should finish; a processor that is waiting to retry a failure stops
    /// waiting and lets the failure propagate, so the record is delivered again after the restart or to the new owner.
    /// </summary>
    public CancellationToken StopRequested { get; init; }
}

/// <summary>Input of <see cref="IShardRecordProcessor.LeaseLostAsync"/>.</summary>
public sealed record LeaseLostInput;

/// <summary>Input of <see cref="IShardRecordProcessor.ShardEndedAsync"/>.</summary>
/// <param name="Checkpointer">Must be called (with no arguments) to record SHARD_END.</param>
public sealed record ShardEndedInput(IRecordProcessorCheckpointer Checkpointer);

/// <summary>Input of <see cref="IShardRecordProcessor.ShutdownRequestedAsync"/>.</summary>
/// <param name="Checkpointer">Checkpoints what was processed.</param>
public sealed record ShutdownRequestedInput(IRecordProcessorCheckpointer Checkpointer);
