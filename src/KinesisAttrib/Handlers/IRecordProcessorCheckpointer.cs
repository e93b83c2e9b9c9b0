namespace KinesisAttrib.Handlers;

/// <summary>
/// Records progress in the lease table. A checkpoint at a record means "this record and everything before it in the
/// shard are done": after a restart or failover, delivery resumes just after it.
/// </summary>
/// <remarks>
/// Writes are conditional on this worker still holding the lease; when it does not, the call throws
/// <see cref="LeaseLostException"/> and nothing is written (another worker owns the shard now).
/// </remarks>
public interface IRecordProcessorCheckpointer
{
    /// <summary>The shard this checkpointer writes for.</summary>
    string ShardId { get; }

    /// <summary>The last checkpoint written (or read at start).</summary>
    ExtendedSequenceNumber LastCheckpoint { get; }

    /// <summary>The largest position that may be checkpointed: the last record delivered, or SHARD_END at the end of a closed shard.</summary>
    ExtendedSequenceNumber LargestPermittedCheckpoint { get; }

    /// <summary>Checkpoints at <see cref="LargestPermittedCheckpoint"/>: every record delivered so far is done.</summary>
    ValueTask CheckpointAsync(CancellationToken cancellationToken = default);

    /// <summary>Checkpoints at a record that was delivered.</summary>
    ValueTask CheckpointAsync(KinesisClientRecord record, CancellationToken cancellationToken = default);

    /// <summary>Checkpoints at an explicit position, which must lie between the last checkpoint and <see cref="LargestPermittedCheckpoint"/>.</summary>
    ValueTask CheckpointAsync(string sequenceNumber, long subSequenceNumber = 0, CancellationToken cancellationToken = default);

    /// <summary>
    /// First phase of a two-phase checkpoint at <see cref="LargestPermittedCheckpoint"/>: stores it as the pending
    /// checkpoint (<c>pendingCheckpoint*</c>) without moving the checkpoint. Commit it with
    /// <see cref="IPreparedCheckpointer.CheckpointAsync"/> once the side effects it covers are durable; a worker that
    /// takes the shard before the commit sees it in <c>InitializationInput.PendingCheckpoint</c> (hand-written processors) and <see cref="BatchContext.PendingCheckpoint"/>.
    /// </summary>
    ValueTask<IPreparedCheckpointer> PrepareCheckpointAsync(CancellationToken cancellationToken = default)
        => PrepareCheckpointAsync(LargestPermittedCheckpoint.SequenceNumber, LargestPermittedCheckpoint.SubSequenceNumber, cancellationToken);

    /// <summary>First phase of a two-phase checkpoint at an explicit position (see <see cref="PrepareCheckpointAsync(CancellationToken)"/>).</summary>
    ValueTask<IPreparedCheckpointer> PrepareCheckpointAsync(string sequenceNumber, long subSequenceNumber = 0, CancellationToken cancellationToken = default)
        => throw new NotSupportedException($"{GetType().Name} does not support two-phase checkpoints.");

    /// <summary>
    /// First phase of a two-phase checkpoint at <see cref="LargestPermittedCheckpoint"/>, storing
    /// <paramref name="applicationState"/> with it (<c>pendingCheckpointState</c>, as the KCL's
    /// <c>prepareCheckpoint(applicationState)</c>): a worker that takes the shard before the commit finds both in
    /// <c>InitializationInput.PendingCheckpointState</c> (and handlers in <see cref="BatchContext.PendingCheckpointState"/>),
    /// e.g. the id of the external transaction the prepared checkpoint belongs to. Committing clears it.
    /// </summary>
    ValueTask<IPreparedCheckpointer> PrepareCheckpointAsync(byte[]? applicationState, CancellationToken cancellationToken = default)
        => PrepareCheckpointAsync(LargestPermittedCheckpoint.SequenceNumber, LargestPermittedCheckpoint.SubSequenceNumber, applicationState, cancellationToken);

    /// <summary>First phase of a two-phase checkpoint at an explicit position with application state (see <see cref="PrepareCheckpointAsync(byte[], CancellationToken)"/>).</summary>
    ValueTask<IPreparedCheckpointer> PrepareCheckpointAsync(string sequenceNumber, long subSequenceNumber, byte[]? applicationState, CancellationToken cancellationToken = default)
        => applicationState is null
            ? PrepareCheckpointAsync(sequenceNumber, subSequenceNumber, cancellationToken)
            : throw new NotSupportedException($"{GetType().Name} does not support application state with two-phase checkpoints.");
}
