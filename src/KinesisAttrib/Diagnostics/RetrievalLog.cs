using Microsoft.Extensions.Logging;

namespace KinesisAttrib.Diagnostics;

/// <summary>The retrieval area's log events (KPL deaggregation, fan-out subscriptions, registration), source-generated. Event ids 300–399; docs/logging.md lists them.</summary>
internal static partial class RetrievalLog
{
    [LoggerMessage(301, LogLevel.Warning, "Record {SequenceNumber} of {StreamName}/{ShardId} starts like a KPL aggregate but its MD5 does not match; delivering it as an ordinary record")]
    public static partial void KplChecksumMismatch(ILogger logger, string streamName, string shardId, string sequenceNumber);

    [LoggerMessage(302, LogLevel.Warning, "Record {SequenceNumber} of {StreamName}/{ShardId} is a KPL aggregate whose protobuf is malformed ({Problem}); delivering it as an ordinary record")]
    public static partial void KplMalformed(ILogger logger, string streamName, string shardId, string sequenceNumber, string problem);

    [LoggerMessage(303, LogLevel.Warning, "Dropped the {UserRecords} user records of KPL aggregate {SequenceNumber} in {StreamName}/{ShardId}: its {Key} hashes outside the shard's range {Range}, as the KCL does")]
    public static partial void KplOutsideShard(ILogger logger, int userRecords, string streamName, string shardId, string sequenceNumber, string key, string range);

    [LoggerMessage(304, LogLevel.Warning, "The fan-out subscription to {StreamName}/{ShardId} sent nothing for {Seconds} s; reading with GetRecords until caught up, then subscribing again")]
    public static partial void SubscriptionSilent(ILogger logger, string streamName, string shardId, double seconds);

    [LoggerMessage(305, LogLevel.Information, "Shard {StreamName}/{ShardId} is closed and its subscription ended without the shard's last event; reading the rest with GetRecords")]
    public static partial void ClosedShardReadByGetRecords(ILogger logger, string streamName, string shardId);

    [LoggerMessage(306, LogLevel.Information, "Registered fan-out consumer {ConsumerName} of stream {StreamName} ({ConsumerArn}); it is kept after the application stops")]
    public static partial void ConsumerRegistered(ILogger logger, string consumerName, string streamName, string consumerArn);

    [LoggerMessage(307, LogLevel.Information, "Application {ApplicationName} reads stream {StreamName} by enhanced fan-out as consumer {ConsumerArn}")]
    public static partial void FanOutConsumerReady(ILogger logger, string applicationName, string streamName, string consumerArn);
}
