namespace KinesisAttrib.Handlers;

/// <summary>
/// A user record as a processor sees it: one Kinesis record, or one user record of a KPL aggregate (then several
/// share <see cref="SequenceNumber"/> and are told apart by <see cref="SubSequenceNumber"/>).
/// </summary>
public sealed class KinesisClientRecord
{
    /// <summary>Creates a record.</summary>
    public KinesisClientRecord(string sequenceNumber, long subSequenceNumber, string partitionKey, ReadOnlyMemory<byte> data, DateTimeOffset? approximateArrivalTimestamp, string? explicitHashKey = null, bool aggregated = false)
    {
        SequenceNumber = sequenceNumber;
        SubSequenceNumber = subSequenceNumber;
        PartitionKey = partitionKey;
        Data = data;
        ApproximateArrivalTimestamp = approximateArrivalTimestamp;
        ExplicitHashKey = explicitHashKey;
        Aggregated = aggregated;
    }

    /// <summary>The Kinesis sequence number.</summary>
    public string SequenceNumber { get; }

    /// <summary>The position inside a KPL aggregate; 0 for ordinary records.</summary>
    public long SubSequenceNumber { get; }

    /// <summary>The partition key.</summary>
    public string PartitionKey { get; }

    /// <summary>The explicit hash key of a KPL user record, if it had one.</summary>
    public string? ExplicitHashKey { get; }

    /// <summary>The payload bytes.</summary>
    public ReadOnlyMemory<byte> Data { get; }

    /// <summary>When Kinesis accepted the record.</summary>
    public DateTimeOffset? ApproximateArrivalTimestamp { get; }

    /// <summary>True when the record came out of a KPL aggregate.</summary>
    public bool Aggregated { get; }

    /// <summary>The record's position for checkpointing.</summary>
    public ExtendedSequenceNumber Position => new(SequenceNumber, SubSequenceNumber);
}
