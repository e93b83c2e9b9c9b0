using Microsoft.Extensions.Logging;

namespace KinesisAttrib.Processing;

/// <summary>Log messages of the handler processors, source-generated.</summary>
internal static partial class ProcessingLog
{
    [LoggerMessage(40, LogLevel.Warning, "Handler {HandlerName} skipped record {SequenceNumber} of {StreamName}/{ShardId}: it could not be deserialized")]
    public static partial void RecordSkipped(ILogger logger, Exception exception, string handlerName, string streamName, string shardId, string sequenceNumber);

    [LoggerMessage(41, LogLevel.Warning, "Handler {HandlerName} handed record {SequenceNumber} of {StreamName}/{ShardId}, which could not be deserialized, to the failure handler")]
    public static partial void RecordHandedToFailureHandler(ILogger logger, Exception exception, string handlerName, string streamName, string shardId, string sequenceNumber);

    [LoggerMessage(42, LogLevel.Warning, "Handler {HandlerName} failed on {Count} record(s) of {StreamName}/{ShardId} from {SequenceNumber} (failure {Failures}; MaxRetryAttempts {MaxRetryAttempts}, -1 = no limit)")]
    public static partial void HandlerAttemptFailed(ILogger logger, Exception exception, string handlerName, string streamName, string shardId, string sequenceNumber, int count, int failures, int maxRetryAttempts);

    [LoggerMessage(43, LogLevel.Error, "Handler {HandlerName} gave up on record {SequenceNumber} of {StreamName}/{ShardId} ({Reason} after {Attempts} attempt(s)); it was sent to the on-failure destination")]
    public static partial void SentToDestination(ILogger logger, Exception? exception, string handlerName, string streamName, string shardId, string sequenceNumber, Handlers.FailureReason reason, int attempts);

    [LoggerMessage(44, LogLevel.Error, "Handler {HandlerName} could not write record {SequenceNumber} of {StreamName}/{ShardId} to the on-failure destination (attempt {Attempt}); the shard waits and tries again, the record is not skipped")]
    public static partial void DestinationFailed(ILogger logger, Exception exception, string handlerName, string streamName, string shardId, string sequenceNumber, int attempt);

    [LoggerMessage(45, LogLevel.Warning, "Handler {HandlerName} failed on a batch of {Count} records of {StreamName}/{ShardId} from {SequenceNumber}; bisecting it")]
    public static partial void Bisecting(ILogger logger, string handlerName, string streamName, string shardId, string sequenceNumber, int count);
}
