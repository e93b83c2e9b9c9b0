using Microsoft.Extensions.Logging;

namespace KinesisAttrib.Diagnostics;

/// <summary>The retrieval area's log events (KPL deaggregation), source-generated. Event ids 300–399; docs/logging.md lists them.</summary>
internal static partial class RetrievalLog
{
    [LoggerMessage(301, LogLevel.Warning, "Record {SequenceNumber} of {StreamName}/{ShardId} starts like a KPL aggregate but its MD5 does not match; delivering it as an ordinary record")]
    public static partial void KplChecksumMismatch(ILogger logger, string streamName, string shardId, string sequenceNumber);

    [LoggerMessage(302, LogLevel.Warning, "Record {SequenceNumber} of {StreamName}/{ShardId} is a KPL aggregate whose protobuf is malformed ({Problem}); delivering it as an ordinary record")]
    public static partial void KplMalformed(ILogger logger, string streamName, string shardId, string sequenceNumber, string problem);

    [LoggerMessage(303, LogLevel.Warning, "Dropped the {UserRecords} user records of KPL aggregate {SequenceNumber} in {StreamName}/{ShardId}: its {Key} hashes outside the shard's range {Range}, as the KCL does")]
    public static partial void KplOutsideShard(ILogger logger, int userRecords, string streamName, string shardId, string sequenceNumber, string key, string range);
}
