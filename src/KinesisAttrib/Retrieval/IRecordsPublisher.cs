using KinesisAttrib.Handlers;

namespace KinesisAttrib.Retrieval;

/// <summary>
/// The records of one shard, batch by batch, for its consumer to pull (the KCL's <c>RecordsPublisher</c>): polling
/// (<see cref="PollingRecordFetcher"/>, read ahead by <see cref="ReadAheadRecordsPublisher"/>) or enhanced fan-out
/// (<see cref="FanOutRecordsPublisher"/>); the consumer's loop does not change with the mode.
/// </summary>
/// <remarks>
/// One consumer pulls at a time, one call after the other. A publisher never skips a record: waiting, an expired
/// iterator or a subscription that ends resume where the last delivered batch ended. A publisher paces its own reads
/// (the shard's limits, the idle time after an empty read), so the consumer asks again as soon as it is ready.
/// Disposing it (the consumer ended) stops whatever it runs in the background.
/// </remarks>
internal interface IRecordsPublisher : IAsyncDisposable
{
    /// <summary>
    /// The next batch after the last one delivered (or after the start position); an empty batch when nothing new
    /// has arrived. Service errors surface as <see cref="Kinesis.KinesisException"/>s and leave the position as it was,
    /// so the next call reads the same records.
    /// </summary>
    Task<FetchResult> FetchAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Makes the next batch start with the user record just after <paramref name="position"/> (a checkpoint, or the
    /// start sentinel the shard began at): after a processor failure the failed batch is delivered again.
    /// </summary>
    void ResetTo(ExtendedSequenceNumber position);
}
