using System.ComponentModel;
using KinesisAttrib.Handlers;

namespace KinesisAttrib.Processing;

/// <summary>
/// A batch handler reported that it failed from a record on. The records before it were checkpointed; this exception
/// makes the shard consumer deliver the failed record and the rest of the batch again.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)] // Generated code uses it; users never name it.
public sealed class BatchPartialFailureException : Exception
{
    /// <summary>Creates the exception naming where the failure is.</summary>
    public BatchPartialFailureException(string handlerName, string streamName, string shardId, ExtendedSequenceNumber position)
        : base($"Handler {handlerName} reported a failure at record {position} in stream '{streamName}', shard '{shardId}'; that record and the rest of the batch will be delivered again.")
    {
        StreamName = streamName;
        ShardId = shardId;
        Position = position;
    }

    /// <summary>The stream.</summary>
    public string StreamName { get; }

    /// <summary>The shard.</summary>
    public string ShardId { get; }

    /// <summary>The first failed record.</summary>
    public ExtendedSequenceNumber Position { get; }
}
