using KinesisAttrib.Handlers;
using KinesisAttrib.Kinesis;
using Microsoft.Extensions.Logging;

namespace KinesisAttrib.Retrieval;

/// <summary>Where a read of a shard starts: an iterator type and, for some types, a sequence number or a time.</summary>
/// <param name="Type">The iterator type (a SubscribeToShard starting position takes the same types).</param>
/// <param name="SequenceNumber">For AT_ and AFTER_SEQUENCE_NUMBER.</param>
/// <param name="Timestamp">For AT_TIMESTAMP.</param>
internal readonly record struct ReadStart(ShardIteratorType Type, string? SequenceNumber = null, DateTimeOffset? Timestamp = null);

/// <summary>
/// Where the reading of one shard stands, whatever reads it (GetRecords or a SubscribeToShard subscription): it turns
/// Kinesis records into user records (KPL aggregates split, those at or before a checkpoint inside an aggregate
/// dropped), tracks the last record read and the last user record delivered, and says where the next read starts so
/// that nothing is skipped and nothing repeated.
/// </summary>
/// <remarks>
/// Opening at a checkpoint (the consumer's start, a rewind): a checkpoint (sequence, sub-sequence) may sit inside a
/// KPL aggregate, whose later user records must still come. So the read opens AT_SEQUENCE_NUMBER of the checkpoint
/// and the user records at or before it are dropped, unless the cursor knows that record was an ordinary one: it read
/// that record itself and has read no aggregate since it started, and the sub-sequence is 0; then it opens
/// AFTER_SEQUENCE_NUMBER. A consumer's start always opens AT (the checkpointed record was read by someone else), which
/// reads one record again, as the Java KCL does. A read that ended (an expired iterator, a subscription that ended)
/// continues AFTER_SEQUENCE_NUMBER of the last record read (or the subscription's continuation): a batch always
/// carries every user record of its records, so nothing of it is left behind.
/// </remarks>
internal sealed class ShardReadCursor
{
    /// <summary>
    /// How far before the first LATEST read a reopen reads (AT_TIMESTAMP): covers a local clock up to this much ahead
    /// of the service's; records up to this much older than the start may be delivered.
    /// </summary>
    internal static readonly TimeSpan LatestReopenMargin = TimeSpan.FromSeconds(1);

    private readonly string _shardId;
    private readonly TimeProvider _time;
    private readonly DateTimeOffset? _initialTimestamp;
    private readonly KplDeaggregator _deaggregator;
    private ExtendedSequenceNumber _position;

    // Where the next read continues after (the last Kinesis record read, or a subscription's continuation). Cleared by
    // a rewind.
    private string? _continueAfter;

    // The first Kinesis record read, and whether any record read since was a KPL aggregate: together they tell whether
    // a checkpoint is known to be an ordinary record, which can be reopened after.
    private string? _firstReadSequence;
    private bool _aggregateRead;

    // After opening AT_SEQUENCE_NUMBER of a checkpoint: the user records at or before it are dropped.
    private ExtendedSequenceNumber? _skipThrough;

    // The first record read while the position was still LATEST: a rewind to LATEST (no checkpoint yet) must read from
    // here again, since a fresh LATEST would start after everything delivered so far.
    private string? _firstReadAfterLatest;

    // When the first LATEST read was opened. Reopening LATEST before any record came (an iterator expired during an
    // outage longer than five minutes, a rewind) would skip what arrived in between, so a reopen asks for AT_TIMESTAMP
    // of that moment instead, less a margin for the local clock running ahead of the service's.
    private DateTimeOffset? _latestOpenedAt;

    /// <summary>Creates the cursor of one shard, at <paramref name="start"/>.</summary>
    public ShardReadCursor(string streamName, string shardId, ExtendedSequenceNumber start, TimeProvider time, DateTimeOffset? initialTimestamp, HashKeyRange? hashKeyRange, ILogger? logger)
    {
        _shardId = shardId;
        _time = time;
        _initialTimestamp = initialTimestamp;
        _position = start;
        _deaggregator = new KplDeaggregator(hashKeyRange, logger, streamName, shardId);
    }

    /// <summary>The last user record delivered, or the position the cursor was started or rewound to.</summary>
    public ExtendedSequenceNumber Position => _position;

    /// <summary>KPL user records dropped because their aggregate hashed outside the shard's range.</summary>
    public long UserRecordsDropped => _deaggregator.UserRecordsDropped;

    /// <summary>Whether a read has continued from a record read (not from the start or a rewind).</summary>
    public bool IsContinuing => _continueAfter is not null;

    /// <summary>Makes the next read start with the user record just after <paramref name="position"/>.</summary>
    public void ResetTo(ExtendedSequenceNumber position)
    {
        _position = position;
        _continueAfter = null;
        _skipThrough = null;
    }

    /// <summary>The next read continues after <paramref name="sequenceNumber"/> (a subscription's continuation).</summary>
    public void ContinueAfter(string sequenceNumber) => _continueAfter = sequenceNumber;

    /// <summary>Where the next read starts (see the class remarks); remembers what it needs to drop or reopen later.</summary>
    /// <exception cref="InvalidOperationException">The position is SHARD_END, or AT_TIMESTAMP without a timestamp.</exception>
    public ReadStart NextStart()
    {
        if (_continueAfter is { } after)
        {
            return new ReadStart(ShardIteratorType.AfterSequenceNumber, after);
        }

        switch (_position.SequenceNumber)
        {
            case "TRIM_HORIZON":
                return new ReadStart(ShardIteratorType.TrimHorizon);
            case "LATEST" when _firstReadAfterLatest is { } first:
                return new ReadStart(ShardIteratorType.AtSequenceNumber, first);
            case "LATEST" when _latestOpenedAt is { } opened:
                return new ReadStart(ShardIteratorType.AtTimestamp, Timestamp: opened - LatestReopenMargin);
            case "LATEST":
                _latestOpenedAt = _time.GetUtcNow();
                return new ReadStart(ShardIteratorType.Latest);
            case "AT_TIMESTAMP" when _initialTimestamp is { } timestamp:
                return new ReadStart(ShardIteratorType.AtTimestamp, Timestamp: timestamp);
            case "SHARD_END" or "AT_TIMESTAMP":
                throw new InvalidOperationException($"Shard '{_shardId}' cannot be read from {_position.SequenceNumber}.");
            default:
                if (IsKnownOrdinaryRecord(_position))
                {
                    return new ReadStart(ShardIteratorType.AfterSequenceNumber, _position.SequenceNumber);
                }

                _skipThrough = _position;
                return new ReadStart(ShardIteratorType.AtSequenceNumber, _position.SequenceNumber);
        }
    }

    /// <summary>
    /// The user records of <paramref name="records"/> (read in order, after the previous ones), with those at or before
    /// an opened checkpoint dropped; moves the position to the last one and continues after the last record read.
    /// </summary>
    public List<KinesisClientRecord> Read(IReadOnlyList<KinesisRecord> records)
    {
        var output = new List<KinesisClientRecord>(records.Count);
        foreach (var r in records)
        {
            var skipThroughSubSequence = -1L;
            if (_skipThrough is { } skip)
            {
                var order = ExtendedSequenceNumber.CompareSequenceNumbers(r.SequenceNumber, skip.SequenceNumber);
                if (order < 0)
                {
                    continue;
                }

                skipThroughSubSequence = order == 0 ? skip.SubSequenceNumber : -1;
                _skipThrough = null;
            }

            var outcome = _deaggregator.Deaggregate(r, output, skipThroughSubSequence);
            _aggregateRead |= outcome is DeaggregationOutcome.Aggregate or DeaggregationOutcome.OutsideShard;
        }

        if (records.Count > 0)
        {
            if (_position == ExtendedSequenceNumber.Latest)
            {
                _firstReadAfterLatest ??= records[0].SequenceNumber;
            }

            _firstReadSequence ??= records[0].SequenceNumber;
            _continueAfter = records[^1].SequenceNumber;
        }

        if (output.Count > 0)
        {
            _position = output[^1].Position;
        }

        return output;
    }

    // True when the record at a checkpoint is known to hold nothing after it: this cursor read it (checkpoints only
    // move forward, so a record at or after the first one read was read), no aggregate came since the start, and the
    // checkpoint is at sub-sequence 0.
    private bool IsKnownOrdinaryRecord(ExtendedSequenceNumber checkpoint)
        => checkpoint.SubSequenceNumber == 0
            && !_aggregateRead
            && _firstReadSequence is { } first
            && ExtendedSequenceNumber.CompareSequenceNumbers(checkpoint.SequenceNumber, first) >= 0;
}
