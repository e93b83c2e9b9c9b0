using KinesisAttrib.Handlers;

namespace KinesisAttrib.Generators.Tests.TestSupport;

/// <summary>Records checkpoint calls instead of writing a lease.</summary>
internal sealed class FakeCheckpointer(string shardId) : IRecordProcessorCheckpointer
{
    private readonly List<ExtendedSequenceNumber> _checkpoints = [];

    public IReadOnlyList<ExtendedSequenceNumber> Checkpoints => _checkpoints;

    public string ShardId { get; } = shardId;

    public ExtendedSequenceNumber LastCheckpoint { get; private set; } = ExtendedSequenceNumber.TrimHorizon;

    public ExtendedSequenceNumber LargestPermittedCheckpoint { get; set; } = ExtendedSequenceNumber.TrimHorizon;

    public ValueTask CheckpointAsync(CancellationToken cancellationToken = default) => Record(LargestPermittedCheckpoint);

    public ValueTask CheckpointAsync(KinesisClientRecord record, CancellationToken cancellationToken = default) => Record(record.Position);

    public ValueTask CheckpointAsync(string sequenceNumber, long subSequenceNumber = 0, CancellationToken cancellationToken = default) =>
        Record(new ExtendedSequenceNumber(sequenceNumber, subSequenceNumber));

    private ValueTask Record(ExtendedSequenceNumber position)
    {
        _checkpoints.Add(position);
        LastCheckpoint = position;
        return default;
    }
}
