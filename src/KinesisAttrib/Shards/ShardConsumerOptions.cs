using KinesisAttrib.Retrieval;

namespace KinesisAttrib.Shards;

/// <summary>How a shard consumer reads and how it waits (the scheduler's effective values for its handler).</summary>
/// <param name="Retrieval">How shards are read: the mode, GetRecords limit, idle time, read-ahead and fan-out settings.</param>
/// <param name="ProcessingRetryDelay">The wait before a batch the processor failed on is delivered again.</param>
internal sealed record ShardConsumerOptions(RetrievalSettings Retrieval, TimeSpan ProcessingRetryDelay)
{
    /// <summary>Records per GetRecords call.</summary>
    public int MaxRecords => Retrieval.MaxRecords;

    /// <summary>The wait after an empty read.</summary>
    public TimeSpan IdleTimeBetweenReads => Retrieval.IdleTimeBetweenReads;
}
