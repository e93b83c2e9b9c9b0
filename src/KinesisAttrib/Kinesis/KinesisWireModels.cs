using System.Text.Json.Serialization;

namespace KinesisAttrib.Kinesis;

// The Kinesis JSON 1.1 wire shapes, named exactly as the service names them. They stay internal and are mapped to the
// public models in KinesisWireMapper, so the public API does not depend on the wire format.

internal sealed class CreateStreamWireRequest
{
    public required string StreamName { get; init; }

    public required int ShardCount { get; init; }
}

internal sealed class StreamNameWireRequest
{
    public required string StreamName { get; init; }
}

internal sealed class DescribeStreamSummaryWireResponse
{
    public StreamDescriptionSummaryWire? StreamDescriptionSummary { get; init; }
}

internal sealed class StreamDescriptionSummaryWire
{
    public string? StreamName { get; init; }

    public string? StreamARN { get; init; }

    public string? StreamStatus { get; init; }

    public int? OpenShardCount { get; init; }

    public int? RetentionPeriodHours { get; init; }
}

internal sealed class ListShardsWireRequest
{
    public string? StreamName { get; init; }

    public string? StreamARN { get; init; }

    public string? NextToken { get; init; }

    public int? MaxResults { get; init; }

    public string? ExclusiveStartShardId { get; init; }

    public ShardFilterWire? ShardFilter { get; init; }
}

internal sealed class ShardFilterWire
{
    public required string Type { get; init; }

    public string? ShardId { get; init; }

    public double? Timestamp { get; init; }
}

internal sealed class ListShardsWireResponse
{
    public List<ShardWire>? Shards { get; init; }

    public string? NextToken { get; init; }
}

internal sealed class ShardWire
{
    public string? ShardId { get; init; }

    public string? ParentShardId { get; init; }

    public string? AdjacentParentShardId { get; init; }

    public HashKeyRangeWire? HashKeyRange { get; init; }

    public SequenceNumberRangeWire? SequenceNumberRange { get; init; }
}

internal sealed class HashKeyRangeWire
{
    public string? StartingHashKey { get; init; }

    public string? EndingHashKey { get; init; }
}

internal sealed class SequenceNumberRangeWire
{
    public string? StartingSequenceNumber { get; init; }

    public string? EndingSequenceNumber { get; init; }
}

internal sealed class GetShardIteratorWireRequest
{
    public required string StreamName { get; init; }

    public required string ShardId { get; init; }

    public required string ShardIteratorType { get; init; }

    public string? StartingSequenceNumber { get; init; }

    /// <summary>Epoch seconds with a fraction, as the JSON protocol encodes timestamps.</summary>
    public double? Timestamp { get; init; }
}

internal sealed class GetShardIteratorWireResponse
{
    public string? ShardIterator { get; init; }
}

internal sealed class GetRecordsWireRequest
{
    public required string ShardIterator { get; init; }

    public int? Limit { get; init; }
}

internal sealed class GetRecordsWireResponse
{
    /// <summary>Read by <see cref="KinesisRecordJsonConverter"/> straight into the public model.</summary>
    public List<KinesisRecord>? Records { get; init; }

    public string? NextShardIterator { get; init; }

    public long? MillisBehindLatest { get; init; }

    public List<ChildShardWire>? ChildShards { get; init; }
}

/// <summary>The JSON payload of a <c>SubscribeToShardEvent</c> frame.</summary>
internal sealed class SubscribeToShardEventWire
{
    /// <summary>Read by <see cref="KinesisRecordJsonConverter"/> straight into the public model.</summary>
    public List<KinesisRecord>? Records { get; init; }

    public string? ContinuationSequenceNumber { get; init; }

    public long? MillisBehindLatest { get; init; }

    public List<ChildShardWire>? ChildShards { get; init; }
}

internal sealed class ChildShardWire
{
    public string? ShardId { get; init; }

    public List<string>? ParentShards { get; init; }

    public HashKeyRangeWire? HashKeyRange { get; init; }
}

internal sealed class PutRecordsWireRequest
{
    public required string StreamName { get; init; }

    public required List<PutRecordsWireEntry> Records { get; init; }
}

internal sealed class PutRecordsWireEntry
{
    /// <summary>Written as base64 by System.Text.Json's built-in memory converter, without copying.</summary>
    public required ReadOnlyMemory<byte> Data { get; init; }

    public required string PartitionKey { get; init; }

    public string? ExplicitHashKey { get; init; }
}

internal sealed class PutRecordsWireResponse
{
    public int? FailedRecordCount { get; init; }

    public List<PutRecordsWireResultEntry>? Records { get; init; }
}

internal sealed class PutRecordsWireResultEntry
{
    public string? SequenceNumber { get; init; }

    public string? ShardId { get; init; }

    public string? ErrorCode { get; init; }

    public string? ErrorMessage { get; init; }
}

internal sealed class PutRecordWireRequest
{
    public required string StreamName { get; init; }

    public required ReadOnlyMemory<byte> Data { get; init; }

    public required string PartitionKey { get; init; }

    public string? ExplicitHashKey { get; init; }

    public string? SequenceNumberForOrdering { get; init; }
}

internal sealed class PutRecordWireResponse
{
    public string? ShardId { get; init; }

    public string? SequenceNumber { get; init; }

    public string? EncryptionType { get; init; }
}

internal sealed class DeleteStreamWireRequest
{
    public required string StreamName { get; init; }
}

internal sealed class ListStreamsWireRequest
{
    public int? Limit { get; init; }

    public string? ExclusiveStartStreamName { get; init; }

    public string? NextToken { get; init; }
}

internal sealed class ListStreamsWireResponse
{
    public List<string>? StreamNames { get; init; }

    public bool? HasMoreStreams { get; init; }

    public string? NextToken { get; init; }
}

internal sealed class SplitShardWireRequest
{
    public required string StreamName { get; init; }

    public required string ShardToSplit { get; init; }

    public required string NewStartingHashKey { get; init; }
}

internal sealed class MergeShardsWireRequest
{
    public required string StreamName { get; init; }

    public required string ShardToMerge { get; init; }

    public required string AdjacentShardToMerge { get; init; }
}

internal sealed class UpdateShardCountWireRequest
{
    public required string StreamName { get; init; }

    public required int TargetShardCount { get; init; }

    public required string ScalingType { get; init; }
}

internal sealed class UpdateShardCountWireResponse
{
    public string? StreamName { get; init; }

    public int? CurrentShardCount { get; init; }

    public int? TargetShardCount { get; init; }
}

/// <summary>The body of an error response; services differ on the case of the message key.</summary>
internal sealed class ErrorWireResponse
{
    [JsonPropertyName("__type")]
    public string? Type { get; init; }

    /// <summary>The error type as some AWS JSON services (and proxies in front of them) send it instead of <c>__type</c>.</summary>
    [JsonPropertyName("code")]
    public string? Code { get; init; }

    [JsonPropertyName("message")]
    public string? LowerCaseMessage { get; init; }

    [JsonPropertyName("Message")]
    public string? UpperCaseMessage { get; init; }
}

/// <summary>DescribeStreamConsumer and DeregisterStreamConsumer: the consumer's ARN, or its stream's ARN and its name.</summary>
internal sealed class StreamConsumerWireRequest
{
    public string? StreamARN { get; init; }

    public string? ConsumerName { get; init; }

    public string? ConsumerARN { get; init; }
}

internal sealed class RegisterStreamConsumerWireRequest
{
    public required string StreamARN { get; init; }

    public required string ConsumerName { get; init; }
}

internal sealed class RegisterStreamConsumerWireResponse
{
    public ConsumerWire? Consumer { get; init; }
}

internal sealed class DescribeStreamConsumerWireResponse
{
    public ConsumerWire? ConsumerDescription { get; init; }
}

/// <summary>RegisterStreamConsumer's <c>Consumer</c> and DescribeStreamConsumer's <c>ConsumerDescription</c> (which adds the stream's ARN).</summary>
internal sealed class ConsumerWire
{
    public string? ConsumerName { get; init; }

    public string? ConsumerARN { get; init; }

    public string? ConsumerStatus { get; init; }

    /// <summary>Epoch seconds with a fraction.</summary>
    public double? ConsumerCreationTimestamp { get; init; }

    public string? StreamARN { get; init; }
}

internal sealed class SubscribeToShardWireRequest
{
    public required string ConsumerARN { get; init; }

    public required string ShardId { get; init; }

    public required StartingPositionWire StartingPosition { get; init; }
}

internal sealed class StartingPositionWire
{
    public required string Type { get; init; }

    public string? SequenceNumber { get; init; }

    /// <summary>Epoch seconds with a fraction, as the JSON protocol encodes timestamps.</summary>
    public double? Timestamp { get; init; }
}
