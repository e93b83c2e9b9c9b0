
namespace KinesisAttrib.Handlers;

/// <summary>
/// What a batch handler reports back (Lambda's ReportBatchItemFailures semantics): either every record succeeded, or
/// the first record that failed. That record and everything after it are delivered again; everything before it is
/// checkpointed (unless the handler checkpoints manually).
/// </summary>
public sealed class BatchResult
{
    private BatchResult(int? index, ExtendedSequenceNumber? position)
    {
        FailedIndex = index;
        FailedPosition = position;
    }

    /// <summary>Every record of the batch was handled.</summary>
    public static BatchResult Success { get; } = new(null, null);

    /// <summary>The index, in the list the handler received, of the first failed record; null when set by position or on success.</summary>
    public int? FailedIndex { get; }

    /// <summary>The position of the first failed record; null when set by index or on success.</summary>
    public ExtendedSequenceNumber? FailedPosition { get; }

    /// <summary>Whether the batch failed from some record on.</summary>
    public bool IsPartialFailure => FailedIndex is not null || FailedPosition is not null;

    /// <summary>The record at <paramref name="index"/> (in the list the handler received) failed; it and the rest come again.</summary>
    public static BatchResult FailedAt(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        return new BatchResult(index, null);
    }

    /// <summary>The record with this sequence number (and sub-sequence number) failed; it and the rest come again.</summary>
    public static BatchResult FailedAt(string sequenceNumber, long subSequenceNumber = 0)
    {
        ArgumentException.ThrowIfNullOrEmpty(sequenceNumber);
        return new BatchResult(null, new ExtendedSequenceNumber(sequenceNumber, subSequenceNumber));
    }

    /// <summary>This record failed; it and the rest come again.</summary>
    public static BatchResult FailedAt(RecordContext record) => FailedAt(record.SequenceNumber, record.SubSequenceNumber);
}
