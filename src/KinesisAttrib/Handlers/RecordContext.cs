
namespace KinesisAttrib.Handlers;

/// <summary>Where a record came from: stream, shard, position and partition key. Passed to handlers that ask for it.</summary>
public readonly struct RecordContext
{
    private readonly ShardContext _shard;

    /// <summary>Creates the context of one record in a shard.</summary>
    public RecordContext(ShardContext shard, KinesisClientRecord record)
    {
        _shard = shard;
        Record = record;
    }

    /// <summary>The raw record.</summary>
    public KinesisClientRecord Record { get; }

    /// <summary>The stream.</summary>
    public string StreamName => _shard.StreamName;

    /// <summary>The application (consumer) name.</summary>
    public string ApplicationName => _shard.ApplicationName;

    /// <summary>The shard.</summary>
    public string ShardId => _shard.ShardId;

    /// <summary>This worker's id.</summary>
    public string WorkerId => _shard.WorkerId;

    /// <summary>The record's sequence number.</summary>
    public string SequenceNumber => Record.SequenceNumber;

    /// <summary>The record's sub-sequence number inside a KPL aggregate (0 otherwise).</summary>
    public long SubSequenceNumber => Record.SubSequenceNumber;

    /// <summary>The partition key.</summary>
    public string PartitionKey => Record.PartitionKey;

    /// <summary>When Kinesis accepted the record.</summary>
    public DateTimeOffset? ApproximateArrivalTimestamp => Record.ApproximateArrivalTimestamp;
}
