namespace KinesisAttrib.Handlers;

/// <summary>How an application reads its shards.</summary>
public enum RetrievalMode
{
    /// <summary>
    /// GetRecords polling, shared with every other polling application of the stream (2 MiB/s and 5 calls/s per
    /// shard in all), reading ahead while the handler works. No registration, no extra cost.
    /// </summary>
    Polling = 0,

    /// <summary>
    /// Enhanced fan-out: a registered stream consumer that gets its own 2 MiB/s per shard, pushed over HTTP/2
    /// (SubscribeToShard) about 70 ms after a put. Registered on first start (named after the application unless
    /// configured) and kept; Kinesis bills each consumer-shard hour.
    /// </summary>
    FanOut = 1,
}
