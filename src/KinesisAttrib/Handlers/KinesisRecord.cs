
namespace KinesisAttrib.Handlers;

/// <summary>A decoded record of a batch: the payload together with where it came from.</summary>
/// <typeparam name="T">The payload type.</typeparam>
public sealed class KinesisRecord<T>
{
    /// <summary>Creates the pair.</summary>
    public KinesisRecord(T payload, RecordContext context)
    {
        Payload = payload;
        Context = context;
    }

    /// <summary>The decoded payload.</summary>
    public T Payload { get; }

    /// <summary>Stream, shard, position, partition key.</summary>
    public RecordContext Context { get; }

    /// <summary>The raw record.</summary>
    public KinesisClientRecord Record => Context.Record;

    /// <summary>The record's sequence number.</summary>
    public string SequenceNumber => Context.SequenceNumber;

    /// <summary>The partition key.</summary>
    public string PartitionKey => Context.PartitionKey;
}
