using KinesisAttrib.Kinesis;

namespace KinesisAttrib.Retrieval;

/// <summary>
/// Kinesis refused to open a shard at a stored position (<c>InvalidArgumentException</c> from GetShardIterator): the
/// sequence number is not of this shard, typically a checkpoint another stream left in the lease table. Not retried:
/// the scheduler stops with an error that names the fix.
/// </summary>
internal sealed class CheckpointNotInStreamException(string streamName, string shardId, string sequenceNumber, KinesisException innerException)
    : Exception($"Kinesis refused to read shard '{shardId}' of stream '{streamName}' from sequence number {sequenceNumber}: {innerException.Message}", innerException)
{
    /// <summary>The shard.</summary>
    public string ShardId { get; } = shardId;

    /// <summary>The refused sequence number.</summary>
    public string SequenceNumber { get; } = sequenceNumber;
}
