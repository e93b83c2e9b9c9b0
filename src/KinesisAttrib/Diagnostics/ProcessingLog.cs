using Microsoft.Extensions.Logging;

namespace KinesisAttrib.Diagnostics;

/// <summary>The handler processors' log events (decoding failures, retries, the on-failure destination), source-generated. Event ids 400–499; docs/logging.md lists them.</summary>
internal static partial class ProcessingLog
{
    // Handler failures.
    [LoggerMessage(401, LogLevel.Warning, "Handler {HandlerName} skipped record {SequenceNumber} of {StreamName}/{ShardId}: it could not be deserialized")]
    public static partial void RecordSkipped(ILogger logger, Exception exception, string handlerName, string streamName, string shardId, string sequenceNumber);

    [LoggerMessage(402, LogLevel.Warning, "Handler {HandlerName} handed record {SequenceNumber} of {StreamName}/{ShardId}, which could not be deserialized, to the failure handler")]
    public static partial void RecordHandedToFailureHandler(ILogger logger, Exception exception, string handlerName, string streamName, string shardId, string sequenceNumber);

    [LoggerMessage(403, LogLevel.Warning, "Handler {HandlerName} failed on {Count} record(s) of {StreamName}/{ShardId} from {SequenceNumber} (failure {Failures}; MaxRetryAttempts {MaxRetryAttempts}, -1 = no limit)")]
    public static partial void HandlerAttemptFailed(ILogger logger, Exception exception, string handlerName, string streamName, string shardId, string sequenceNumber, int count, int failures, int maxRetryAttempts);

    [LoggerMessage(404, LogLevel.Error, "Handler {HandlerName} gave up on record {SequenceNumber} of {StreamName}/{ShardId} ({Reason} after {Attempts} attempt(s)); it was sent to the on-failure destination")]
    public static partial void SentToDestination(ILogger logger, Exception? exception, string handlerName, string streamName, string shardId, string sequenceNumber, string reason, int attempts);

    [LoggerMessage(405, LogLevel.Error, "Handler {HandlerName} could not write record {SequenceNumber} of {StreamName}/{ShardId} to the on-failure destination (attempt {Attempt}); the shard waits and tries again, the record is not skipped")]
    public static partial void DestinationFailed(ILogger logger, Exception exception, string handlerName, string streamName, string shardId, string sequenceNumber, int attempt);

    [LoggerMessage(406, LogLevel.Warning, "Handler {HandlerName} failed on a batch of {Count} records of {StreamName}/{ShardId} from {SequenceNumber}; bisecting it")]
    public static partial void Bisecting(ILogger logger, string handlerName, string streamName, string shardId, string sequenceNumber, int count);
}
