using KinesisAttrib.Handlers;

namespace KinesisAttrib.Tests.TestSupport;

/// <summary>
/// A checkpointer that keeps every position written, in order. <see cref="LargestPermittedCheckpoint"/> is what
/// <c>CheckpointAsync()</c> writes: the end of the shard unless a test sets it (the shard's checkpointer sets it to the
/// last record delivered).
/// </summary>
internal sealed class ListCheckpointer(ExtendedSequenceNumber? start = null) : IRecordProcessorCheckpointer
{
    public List<ExtendedSequenceNumber> Checkpoints { get; } = [];

    public string ShardId => "shardId-000000000000";

    public ExtendedSequenceNumber LastCheckpoint { get; private set; } = start ?? ExtendedSequenceNumber.TrimHorizon;

    public ExtendedSequenceNumber LargestPermittedCheckpoint { get; set; } = ExtendedSequenceNumber.ShardEnd;

    public ValueTask CheckpointAsync(CancellationToken cancellationToken = default) => Write(LargestPermittedCheckpoint);

    public ValueTask CheckpointAsync(KinesisClientRecord record, CancellationToken cancellationToken = default) => Write(record.Position);

    public ValueTask CheckpointAsync(string sequenceNumber, long subSequenceNumber = 0, CancellationToken cancellationToken = default) => Write(new(sequenceNumber, subSequenceNumber));

    private ValueTask Write(ExtendedSequenceNumber position)
    {
        Checkpoints.Add(position);
        LastCheckpoint = position;
        return default;
    }
}
