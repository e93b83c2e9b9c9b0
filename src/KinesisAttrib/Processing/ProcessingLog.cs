using Microsoft.Extensions.Logging;

namespace KinesisAttrib.Processing;

/// <summary>Log messages of the handler processors, source-generated.</summary>
internal static partial class ProcessingLog
{
    [LoggerMessage(40, LogLevel.Warning, "Handler {HandlerName} skipped record {SequenceNumber} of {StreamName}/{ShardId}: it could not be deserialized")]
    public static partial void RecordSkipped(ILogger logger, Exception exception, string handlerName, string streamName, string shardId, string sequenceNumber);

    [LoggerMessage(41, LogLevel.Warning, "Handler {HandlerName} handed record {SequenceNumber} of {StreamName}/{ShardId}, which could not be deserialized, to the failure handler")]
    public static partial void RecordHandedToFailureHandler(ILogger logger, Exception exception, string handlerName, string streamName, string shardId, string sequenceNumber);
}
