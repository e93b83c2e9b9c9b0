
namespace KinesisAttrib.Handlers;

/// <summary>
/// A record the failure policy gave up on, with where it came from and why: what an
/// <see cref="IFailedRecordDestination"/> stores. The shard moves past the record only after the destination accepted it.
/// </summary>
public sealed record FailedRecord
{
    /// <summary>The application (consumer) name.</summary>
    public required string ApplicationName { get; init; }

    /// <summary>The stream the record was read from.</summary>
    public required string StreamName { get; init; }

    /// <summary>The shard the record was read from.</summary>
    public required string ShardId { get; init; }

    /// <summary>The handler that could not take it, e.g. <c>Sample.OrderHandlers.OnOrder</c>.</summary>
    public required string HandlerName { get; init; }

    /// <summary>The record as it was read (data, partition key, sequence and sub-sequence number, arrival time).</summary>
    public required KinesisClientRecord Record { get; init; }

    /// <summary>Why it was given up on.</summary>
    public required FailureReason Reason { get; init; }

    /// <summary>How many times it was tried (0 for a record that was too old to be handled).</summary>
    public required int Attempts { get; init; }

    /// <summary>The last error's type (<c>System.TimeoutException</c>), or null for <see cref="FailureReason.RecordTooOld"/>.</summary>
    public string? ErrorType { get; init; }

    /// <summary>The last error's message, or a description of the reason when there was no exception.</summary>
    public required string ErrorMessage { get; init; }

    /// <summary>The last error itself (not stored by the built-in destinations, which keep type and message).</summary>
    public Exception? Exception { get; init; }

    /// <summary>When the policy gave up on the record (the processor's <see cref="TimeProvider"/>).</summary>
    public required DateTimeOffset FailedAt { get; init; }

    /// <summary>The record's sequence number.</summary>
    public string SequenceNumber => Record.SequenceNumber;

    /// <summary>The record's sub-sequence number (non-zero only inside a KPL aggregate).</summary>
    public long SubSequenceNumber => Record.SubSequenceNumber;

    /// <summary>The record's partition key.</summary>
    public string PartitionKey => Record.PartitionKey;

    /// <summary>The record's payload bytes.</summary>
    public ReadOnlyMemory<byte> Data => Record.Data;

    /// <summary>When Kinesis accepted the record, if known.</summary>
    public DateTimeOffset? ApproximateArrivalTimestamp => Record.ApproximateArrivalTimestamp;
}
