namespace KinesisAttrib.Handlers;

/// <summary>
/// Where the failure policy sends a record it gives up on (Lambda's on-failure destination): after the handler's
/// retries are exhausted, when a batch bisected down to it still fails, or when it is older than the handler's maximum
/// record age. Register one in DI (<c>AddKinesisStreamFailureDestination</c>, <c>AddDynamoDbFailureDestination</c>,
/// or your own as a singleton); a handler names a keyed one with <c>FailureDestination</c>.
/// </summary>
/// <remarks>
/// The record is checkpointed past only after <see cref="SendAsync"/> returns. When it throws, the call is retried
/// with the handler's backoff until it succeeds, the lease is lost or the worker stops (then the record is delivered
/// again later), so an implementation should be idempotent for the same stream, shard, sequence and sub-sequence number.
/// </remarks>
public interface IFailedRecordDestination
{
    /// <summary>Stores one failed record durably; returns once it is stored.</summary>
    ValueTask SendAsync(FailedRecord record, CancellationToken cancellationToken);
}
