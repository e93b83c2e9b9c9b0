namespace KinesisAttrib.Kinesis;

/// <summary>The summary DescribeStreamSummary returns.</summary>
public sealed record StreamSummary
{
    /// <summary>The stream's name.</summary>
    public required string StreamName { get; init; }

    /// <summary>The stream's ARN.</summary>
    public string? StreamArn { get; init; }

    /// <summary>CREATING, DELETING, ACTIVE or UPDATING.</summary>
    public required string StreamStatus { get; init; }

    /// <summary>The number of open shards.</summary>
    public int OpenShardCount { get; init; }

    /// <summary>How long records are retained, in hours.</summary>
    public int RetentionPeriodHours { get; init; }
}

/// <summary>A ListShards request: by stream name or ARN, or the continuation of an earlier page.</summary>
public sealed record ListShardsRequest
{
    /// <summary>The stream; left out of the call when <see cref="NextToken"/> is set (the service rejects both).</summary>
    public string? StreamName { get; init; }

    /// <summary>The stream's ARN, instead of <see cref="StreamName"/>; left out when <see cref="NextToken"/> is set.</summary>
    public string? StreamArn { get; init; }

    /// <summary>The token of the previous page.</summary>
    public string? NextToken { get; init; }

    /// <summary>At most this many shards per page (1–10,000); null for the service default.</summary>
    public int? MaxResults { get; init; }

    /// <summary>List only the shards after this shard id (by id order); not allowed with <see cref="NextToken"/>.</summary>
    public string? ExclusiveStartShardId { get; init; }

    /// <summary>List only some shards (e.g. the open ones); not allowed with <see cref="NextToken"/>.</summary>
    public ShardFilter? ShardFilter { get; init; }
}

/// <summary>Which shards ListShards returns.</summary>
public enum ShardFilterType
{
    /// <summary>Shards whose id sorts after <see cref="ShardFilter.ShardId"/>.</summary>
    AfterShardId,

    /// <summary>The shards open at the trim horizon.</summary>
    AtTrimHorizon,

    /// <summary>Every shard from the trim horizon on (open and closed).</summary>
    FromTrimHorizon,

    /// <summary>Only the currently open shards.</summary>
    AtLatest,

    /// <summary>The shards open at <see cref="ShardFilter.Timestamp"/>.</summary>
    AtTimestamp,

    /// <summary>The shards open at or after <see cref="ShardFilter.Timestamp"/>.</summary>
    FromTimestamp,
}

/// <summary>The ListShards <c>ShardFilter</c>.</summary>
public sealed record ShardFilter
{
    /// <summary>The filter.</summary>
    public required ShardFilterType Type { get; init; }

    /// <summary>For <see cref="ShardFilterType.AfterShardId"/>.</summary>
    public string? ShardId { get; init; }

    /// <summary>For <see cref="ShardFilterType.AtTimestamp"/> and <see cref="ShardFilterType.FromTimestamp"/>.</summary>
    public DateTimeOffset? Timestamp { get; init; }
}

/// <summary>One page of shards.</summary>
public sealed record ListShardsResponse
{
    /// <summary>The shards of this page.</summary>
    public required IReadOnlyList<Shard> Shards { get; init; }

    /// <summary>The token for the next page, or null on the last one.</summary>
    public string? NextToken { get; init; }
}

/// <summary>A shard as ListShards describes it, with its lineage.</summary>
public sealed record Shard
{
    /// <summary>The shard id, e.g. <c>shardId-000000000000</c>.</summary>
    public required string ShardId { get; init; }

    /// <summary>The shard this one was split from, or the first parent of a merge.</summary>
    public string? ParentShardId { get; init; }

    /// <summary>The second parent of a merge.</summary>
    public string? AdjacentParentShardId { get; init; }

    /// <summary>The lowest hash key the shard owns (decimal string).</summary>
    public required string StartingHashKey { get; init; }

    /// <summary>The highest hash key the shard owns (decimal string).</summary>
    public required string EndingHashKey { get; init; }

    /// <summary>The first sequence number of the shard.</summary>
    public required string StartingSequenceNumber { get; init; }

    /// <summary>The last sequence number of a closed shard; null while the shard is open.</summary>
    public string? EndingSequenceNumber { get; init; }
}

/// <summary>Where a shard iterator starts.</summary>
public enum ShardIteratorType
{
    /// <summary>At the oldest record still retained.</summary>
    TrimHorizon,

    /// <summary>Just after the most recent record.</summary>
    Latest,

    /// <summary>At the record with the given sequence number.</summary>
    AtSequenceNumber,

    /// <summary>Just after the record with the given sequence number.</summary>
    AfterSequenceNumber,

    /// <summary>At the first record at or after the given timestamp.</summary>
    AtTimestamp,
}

/// <summary>A GetShardIterator request.</summary>
public sealed record GetShardIteratorRequest
{
    /// <summary>The stream.</summary>
    public required string StreamName { get; init; }

    /// <summary>The shard.</summary>
    public required string ShardId { get; init; }

    /// <summary>Where to start.</summary>
    public required ShardIteratorType IteratorType { get; init; }

    /// <summary>For AT/AFTER_SEQUENCE_NUMBER.</summary>
    public string? StartingSequenceNumber { get; init; }

    /// <summary>For AT_TIMESTAMP.</summary>
    public DateTimeOffset? Timestamp { get; init; }
}

/// <summary>A GetRecords request.</summary>
public sealed record GetRecordsRequest
{
    /// <summary>The iterator from GetShardIterator or the previous GetRecords.</summary>
    public required string ShardIterator { get; init; }

    /// <summary>At most this many records (1–10,000).</summary>
    public int? Limit { get; init; }

    /// <summary>The stream the iterator reads, named in error messages only (the iterator already identifies it).</summary>
    public string? StreamName { get; init; }

    /// <summary>The shard the iterator reads, named in error messages only.</summary>
    public string? ShardId { get; init; }
}

/// <summary>A record as Kinesis stores it (possibly a KPL aggregate).</summary>
public sealed record KinesisRecord
{
    /// <summary>The record's sequence number within its shard.</summary>
    public required string SequenceNumber { get; init; }

    /// <summary>When Kinesis accepted the record.</summary>
    public DateTimeOffset? ApproximateArrivalTimestamp { get; init; }

    /// <summary>The record's bytes, already decoded from base64.</summary>
    public required ReadOnlyMemory<byte> Data { get; init; }

    /// <summary>The partition key the producer gave.</summary>
    public required string PartitionKey { get; init; }

    /// <summary>NONE or KMS.</summary>
    public string? EncryptionType { get; init; }
}

/// <summary>A child shard reported by GetRecords at the end of a closed shard.</summary>
public sealed record ChildShard
{
    /// <summary>The child's id.</summary>
    public required string ShardId { get; init; }

    /// <summary>The child's parents.</summary>
    public required IReadOnlyList<string> ParentShards { get; init; }

    /// <summary>The lowest hash key the child owns (decimal string), when the service reports it.</summary>
    public string? StartingHashKey { get; init; }

    /// <summary>The highest hash key the child owns (decimal string), when the service reports it.</summary>
    public string? EndingHashKey { get; init; }
}

/// <summary>What GetRecords returns.</summary>
public sealed record GetRecordsResponse
{
    /// <summary>The records, in sequence order.</summary>
    public required IReadOnlyList<KinesisRecord> Records { get; init; }

    /// <summary>The iterator for the next call; null when the shard is closed and fully read (SHARD_END).</summary>
    public string? NextShardIterator { get; init; }

    /// <summary>How far behind the tip of the shard the response is.</summary>
    public long? MillisBehindLatest { get; init; }

    /// <summary>The children of a closed shard, reported at its end (real Kinesis only).</summary>
    public IReadOnlyList<ChildShard>? ChildShards { get; init; }
}

/// <summary>One record to put.</summary>
public sealed record PutRecordsRequestEntry
{
    /// <summary>The bytes to store.</summary>
    public required ReadOnlyMemory<byte> Data { get; init; }

    /// <summary>Chooses the shard (MD5 of the key).</summary>
    public required string PartitionKey { get; init; }

    /// <summary>Overrides the partition key's hash.</summary>
    public string? ExplicitHashKey { get; init; }
}

/// <summary>A PutRecords request (at most 500 records, 5 MiB).</summary>
public sealed record PutRecordsRequest
{
    /// <summary>The stream.</summary>
    public required string StreamName { get; init; }

    /// <summary>The records, in order.</summary>
    public required IReadOnlyList<PutRecordsRequestEntry> Records { get; init; }
}

/// <summary>The outcome of one record of a PutRecords call.</summary>
public sealed record PutRecordsResultEntry
{
    /// <summary>Set on success.</summary>
    public string? SequenceNumber { get; init; }

    /// <summary>Set on success.</summary>
    public string? ShardId { get; init; }

    /// <summary>Set on failure, e.g. ProvisionedThroughputExceededException.</summary>
    public string? ErrorCode { get; init; }

    /// <summary>Set on failure.</summary>
    public string? ErrorMessage { get; init; }
}

/// <summary>What PutRecords returns: one entry per request record, in request order.</summary>
public sealed record PutRecordsResponse
{
    /// <summary>How many records failed.</summary>
    public int FailedRecordCount { get; init; }

    /// <summary>One entry per request record, in request order.</summary>
    public required IReadOnlyList<PutRecordsResultEntry> Records { get; init; }
}

/// <summary>A PutRecord request: one record.</summary>
public sealed record PutRecordRequest
{
    /// <summary>The stream.</summary>
    public required string StreamName { get; init; }

    /// <summary>The bytes to store.</summary>
    public required ReadOnlyMemory<byte> Data { get; init; }

    /// <summary>Chooses the shard (MD5 of the key).</summary>
    public required string PartitionKey { get; init; }

    /// <summary>Overrides the partition key's hash.</summary>
    public string? ExplicitHashKey { get; init; }

    /// <summary>Orders this record strictly after the record with this sequence number (same partition key).</summary>
    public string? SequenceNumberForOrdering { get; init; }
}

/// <summary>Where PutRecord stored the record.</summary>
public sealed record PutRecordResponse
{
    /// <summary>The shard that holds the record.</summary>
    public required string ShardId { get; init; }

    /// <summary>The record's sequence number.</summary>
    public required string SequenceNumber { get; init; }

    /// <summary>NONE or KMS.</summary>
    public string? EncryptionType { get; init; }
}

/// <summary>A ListStreams request.</summary>
public sealed record ListStreamsRequest
{
    /// <summary>At most this many names per page; null for the service default.</summary>
    public int? Limit { get; init; }

    /// <summary>List names after this one (the older paging style).</summary>
    public string? ExclusiveStartStreamName { get; init; }

    /// <summary>The token of the previous page (the newer paging style).</summary>
    public string? NextToken { get; init; }
}

/// <summary>One page of stream names.</summary>
public sealed record ListStreamsResponse
{
    /// <summary>The names on this page.</summary>
    public required IReadOnlyList<string> StreamNames { get; init; }

    /// <summary>Whether more names follow.</summary>
    public bool HasMoreStreams { get; init; }

    /// <summary>The token for the next page, when the service issues one; otherwise page with <see cref="ListStreamsRequest.ExclusiveStartStreamName"/>.</summary>
    public string? NextToken { get; init; }
}

/// <summary>A SplitShard request.</summary>
public sealed record SplitShardRequest
{
    /// <summary>The stream.</summary>
    public required string StreamName { get; init; }

    /// <summary>The open shard to split.</summary>
    public required string ShardToSplit { get; init; }

    /// <summary>The lowest hash key (decimal) of the upper child; must lie inside the shard's range, above its start.</summary>
    public required string NewStartingHashKey { get; init; }
}

/// <summary>A MergeShards request.</summary>
public sealed record MergeShardsRequest
{
    /// <summary>The stream.</summary>
    public required string StreamName { get; init; }

    /// <summary>One open shard.</summary>
    public required string ShardToMerge { get; init; }

    /// <summary>The open shard whose hash-key range is adjacent to <see cref="ShardToMerge"/>'s.</summary>
    public required string AdjacentShardToMerge { get; init; }
}

/// <summary>An UpdateShardCount request (uniform scaling).</summary>
public sealed record UpdateShardCountRequest
{
    /// <summary>The stream.</summary>
    public required string StreamName { get; init; }

    /// <summary>The number of open shards wanted.</summary>
    public required int TargetShardCount { get; init; }
}

/// <summary>What UpdateShardCount returns; the stream is UPDATING until the change is done.</summary>
public sealed record UpdateShardCountResponse
{
    /// <summary>The stream.</summary>
    public required string StreamName { get; init; }

    /// <summary>The open shard count before the change.</summary>
    public int CurrentShardCount { get; init; }

    /// <summary>The open shard count being moved to.</summary>
    public int TargetShardCount { get; init; }
}
