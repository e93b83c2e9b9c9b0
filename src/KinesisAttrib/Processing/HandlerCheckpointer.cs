using KinesisAttrib.Handlers;

namespace KinesisAttrib.Processing;

/// <summary>
/// The checkpointer a handler receives: the shard's, limited to the records the handler has been given. A per-record
/// handler has been given the records up to the one in hand, not the whole batch; a batch handler stopped at a record
/// that does not deserialize has been given the records before it. "Checkpoint everything delivered"
/// (<see cref="CheckpointAsync(CancellationToken)"/>) therefore means everything delivered <em>to the handler</em>, and
/// an explicit position past that is rejected: either would otherwise skip records the handler never finished.
/// </summary>
internal sealed class HandlerCheckpointer(IRecordProcessorCheckpointer inner) : IRecordProcessorCheckpointer
{
    /// <summary>The last record given to the handler.</summary>
    public ExtendedSequenceNumber Limit { get; set; } = inner.LargestPermittedCheckpoint;

    public string ShardId => inner.ShardId;

    public ExtendedSequenceNumber LastCheckpoint => inner.LastCheckpoint;

    public ExtendedSequenceNumber LargestPermittedCheckpoint => Limit;

    public ValueTask CheckpointAsync(CancellationToken cancellationToken = default) =>
        inner.CheckpointAsync(Limit.SequenceNumber, Limit.SubSequenceNumber, cancellationToken);

    public ValueTask CheckpointAsync(KinesisClientRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        return CheckpointAsync(record.SequenceNumber, record.SubSequenceNumber, cancellationToken);
    }

    public ValueTask CheckpointAsync(string sequenceNumber, long subSequenceNumber = 0, CancellationToken cancellationToken = default)
    {
        Check(sequenceNumber, subSequenceNumber);
        return inner.CheckpointAsync(sequenceNumber, subSequenceNumber, cancellationToken);
    }

    public ValueTask<IPreparedCheckpointer> PrepareCheckpointAsync(CancellationToken cancellationToken = default) =>
        inner.PrepareCheckpointAsync(Limit.SequenceNumber, Limit.SubSequenceNumber, cancellationToken);

    public ValueTask<IPreparedCheckpointer> PrepareCheckpointAsync(string sequenceNumber, long subSequenceNumber = 0, CancellationToken cancellationToken = default)
    {
        Check(sequenceNumber, subSequenceNumber);
        return inner.PrepareCheckpointAsync(sequenceNumber, subSequenceNumber, cancellationToken);
    }

    public ValueTask<IPreparedCheckpointer> PrepareCheckpointAsync(byte[]? applicationState, CancellationToken cancellationToken = default) =>
        inner.PrepareCheckpointAsync(Limit.SequenceNumber, Limit.SubSequenceNumber, applicationState, cancellationToken);

    public ValueTask<IPreparedCheckpointer> PrepareCheckpointAsync(string sequenceNumber, long subSequenceNumber, byte[]? applicationState, CancellationToken cancellationToken = default)
    {
        Check(sequenceNumber, subSequenceNumber);
        return inner.PrepareCheckpointAsync(sequenceNumber, subSequenceNumber, applicationState, cancellationToken);
    }

    private void Check(string sequenceNumber, long subSequenceNumber)
    {
        ArgumentException.ThrowIfNullOrEmpty(sequenceNumber);
        var position = new ExtendedSequenceNumber(sequenceNumber, subSequenceNumber);
        if (!Limit.IsSentinel && ExtendedSequenceNumber.Compare(position, Limit) > 0)
        {
            throw new ArgumentOutOfRangeException(
                nameof(sequenceNumber),
                position.ToString(),
                $"Cannot checkpoint shard '{ShardId}' at {position}: the handler has not been given that record yet (the last record it was given is {Limit}).");
        }
    }
}
