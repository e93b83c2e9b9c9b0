namespace KinesisAttrib.Shards;

/// <summary>How a shard consumer reads and how it waits (the scheduler's effective values for its handler).</summary>
/// <param name="MaxRecords">Records per GetRecords call.</param>
/// <param name="IdleTimeBetweenReads">The wait after an empty read.</param>
/// <param name="ProcessingRetryDelay">The wait before a batch the processor failed on is delivered again.</param>
internal sealed record ShardConsumerOptions(int MaxRecords, TimeSpan IdleTimeBetweenReads, TimeSpan ProcessingRetryDelay);
