using KinesisAttrib.Common;
using KinesisAttrib.Handlers;
using KinesisAttrib.Kinesis;
using Microsoft.Extensions.Logging;

namespace KinesisAttrib.Retrieval;

/// <summary>
/// Reads one shard with GetShardIterator/GetRecords and splits KPL aggregates into user records
/// (<see cref="KplDeaggregator"/>). It tracks the last Kinesis record it read, so an expired iterator is replaced by
/// one just after that record (nothing skipped, nothing repeated), and <see cref="ResetTo"/> rewinds to a checkpoint
/// when a batch has to be delivered again.
/// </summary>
/// <remarks>
/// It also keeps the shard's read limits so the service need not throttle it: GetRecords calls start at least
/// <see cref="MinCallInterval"/> apart (5 calls/s per shard); after a response the next call waits until the
/// records read have been paid for at <see cref="ReadBytesPerSecond"/>, counted from the start of the call that read
/// them (a 10 MiB response is followed by 5 s of quiet, as Kinesis requires); and after a throttling error it waits an
/// exponentially growing, jittered back-off before calling again. Waiting never moves the read position.
/// <para>
/// Opening at a checkpoint (the consumer's start, a rewind): a checkpoint (sequence, sub-sequence) may sit inside a
/// KPL aggregate, whose later user records must still come. So the iterator opens AT_SEQUENCE_NUMBER of the
/// checkpoint and the user records at or before it are dropped, unless the fetcher knows that record was an ordinary
/// one: it read that record itself and has read no aggregate since it started, and the sub-sequence is 0; then it
/// opens AFTER_SEQUENCE_NUMBER, as before. A consumer's start always opens AT (the checkpointed record was read by
/// someone else), which reads one record again, as the Java KCL does. An expired iterator is replaced by
/// AFTER_SEQUENCE_NUMBER of the last Kinesis record read: a batch always carries every user record of its records
/// (or none, for an empty aggregate or one dropped as outside the shard), so nothing of it is left behind.
/// </para>
/// </remarks>
internal sealed class PollingRecordFetcher : IRecordsPublisher
{
    /// <summary>The shortest gap between two GetRecords calls on one shard (Kinesis allows 5 per second).</summary>
    internal static readonly TimeSpan MinCallInterval = TimeSpan.FromMilliseconds(200);

    /// <summary>The read throughput of a shard (2 MiB/s), used to pace calls after large responses.</summary>
    internal const double ReadBytesPerSecond = 2 * 1024 * 1024;

    /// <summary>The pause after the n-th consecutive throttling error: 0.5 s doubling to 5 s, minus up to a quarter of jitter.</summary>
    internal static readonly Backoff ThrottleBackoff = new(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(5), jitter: 0.25);

    /// <summary>
    /// How far before the first LATEST iterator a reopen reads (AT_TIMESTAMP): covers a local clock up to this much
    /// ahead of the service's; records up to this much older than the start may be delivered.
    /// </summary>
    internal static readonly TimeSpan LatestReopenMargin = TimeSpan.FromSeconds(1);

    private readonly IKinesisClient _kinesis;
    private readonly string _streamName;
    private readonly string _shardId;
    private readonly int _maxRecords;
    private readonly TimeProvider _time;
    private readonly DateTimeOffset? _initialTimestamp;
    private readonly KplDeaggregator _deaggregator;
    private string? _iterator;
    private ExtendedSequenceNumber _position;

    // The last Kinesis record read (aggregates that yielded no user record included): an expired iterator is replaced
    // by one after it. Cleared by a rewind.
    private string? _lastReadSequence;

    // The first Kinesis record this fetcher read, and whether any record read since was a KPL aggregate: together
    // they tell whether a checkpoint is known to be an ordinary record, which can be reopened after.
    private string? _firstReadSequence;
    private bool _aggregateRead;

    // After opening AT_SEQUENCE_NUMBER of a checkpoint: the user records at or before it are dropped.
    private ExtendedSequenceNumber? _skipThrough;

    // The first record read while the position was still LATEST: a rewind to LATEST (no checkpoint yet) must read
    // from here again, since a fresh LATEST iterator would start after everything delivered so far.
    private string? _firstReadAfterLatest;

    // When the first LATEST iterator was asked for. Reopening LATEST before any record came (the iterator expired
    // during an outage longer than five minutes, or a rewind) would skip what arrived in between, so a reopen asks for
    // AT_TIMESTAMP of that moment instead, less a margin for the local clock running ahead of the service's.
    private DateTimeOffset? _latestOpenedAt;
    private long _notBefore;
    private bool _hasCalled;
    private int _consecutiveThrottles;

    /// <summary>Creates a fetcher of one shard.</summary>
    /// <param name="kinesis">The Kinesis client.</param>
    /// <param name="streamName">The stream.</param>
    /// <param name="shardId">The shard.</param>
    /// <param name="maxRecords">The GetRecords limit.</param>
    /// <param name="start">The checkpoint (or start sentinel) to read after.</param>
    /// <param name="timeProvider">The clock that paces calls.</param>
    /// <param name="initialTimestamp">Where <c>AT_TIMESTAMP</c> starts.</param>
    /// <param name="hashKeyRange">The shard's hash keys; KPL user records outside them are dropped. Null keeps all.</param>
    /// <param name="logger">Where invalid and dropped KPL aggregates are reported.</param>
    public PollingRecordFetcher(IKinesisClient kinesis, string streamName, string shardId, int maxRecords, ExtendedSequenceNumber start, TimeProvider? timeProvider = null, DateTimeOffset? initialTimestamp = null, HashKeyRange? hashKeyRange = null, ILogger? logger = null)
    {
        _deaggregator = new KplDeaggregator(hashKeyRange, logger, streamName, shardId);
        _initialTimestamp = initialTimestamp;
        _kinesis = kinesis;
        _streamName = streamName;
        _shardId = shardId;
        _maxRecords = maxRecords;
        _position = start;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The last user record returned, or the position the fetcher was started or rewound to.</summary>
    public ExtendedSequenceNumber Position => _position;

    /// <summary>KPL user records dropped because their aggregate hashed outside the shard's range.</summary>
    public long UserRecordsDropped => _deaggregator.UserRecordsDropped;

    /// <summary>The <see cref="TimeProvider.GetTimestamp"/> before which no further GetRecords call starts.</summary>
    internal long NextCallNotBefore => _hasCalled ? _notBefore : long.MinValue;

    /// <inheritdoc />
    /// <remarks>
    /// Inside a KPL aggregate too (see the class remarks for the iterator this opens). Rewinding to <c>LATEST</c> (a
    /// shard read from LATEST and not yet checkpointed) reads again from the first record this fetcher returned, not
    /// from a new LATEST, which would skip everything delivered so far.
    /// </remarks>
    public void ResetTo(ExtendedSequenceNumber position)
    {
        _position = position;
        _iterator = null;
        _lastReadSequence = null;
        _skipThrough = null;
    }

    /// <inheritdoc />
    /// <remarks>Throws <see cref="KinesisException"/> on service errors other than an expired iterator.</remarks>
    public async Task<FetchResult> FetchAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            _iterator ??= await GetIteratorAsync(cancellationToken).ConfigureAwait(false);
            await WaitForTurnAsync(cancellationToken).ConfigureAwait(false);
            var calledAt = _time.GetTimestamp();
            _hasCalled = true;
            _notBefore = calledAt + ToTicks(MinCallInterval);
            GetRecordsResponse response;
            try
            {
                response = await _kinesis.GetRecordsAsync(
                    new GetRecordsRequest { ShardIterator = _iterator, Limit = _maxRecords, StreamName = _streamName, ShardId = _shardId },
                    cancellationToken).ConfigureAwait(false);
            }
            catch (ExpiredIteratorException) when (attempt < 2)
            {
                _iterator = null;
                continue;
            }
            catch (ProvisionedThroughputExceededException)
            {
                // The iterator is still good; the caller retries the same read after the back-off.
                _consecutiveThrottles++;
                _notBefore = Math.Max(_notBefore, _time.GetTimestamp() + ToTicks(ThrottleBackoff.Delay(_consecutiveThrottles)));
                throw;
            }

            _consecutiveThrottles = 0;
            PayForBytes(response, calledAt);

            var records = new List<KinesisClientRecord>(response.Records.Count);
            foreach (var r in response.Records)
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

                var outcome = _deaggregator.Deaggregate(r, records, skipThroughSubSequence);
                _aggregateRead |= outcome is DeaggregationOutcome.Aggregate or DeaggregationOutcome.OutsideShard;
            }

            if (response.Records.Count > 0)
            {
                if (_position == ExtendedSequenceNumber.Latest)
                {
                    _firstReadAfterLatest ??= response.Records[0].SequenceNumber;
                }

                _firstReadSequence ??= response.Records[0].SequenceNumber;
                _lastReadSequence = response.Records[^1].SequenceNumber;
            }

            if (records.Count > 0)
            {
                _position = records[^1].Position;
            }

            _iterator = response.NextShardIterator;
            return new FetchResult(records, response.MillisBehindLatest, response.NextShardIterator is null, response.ChildShards);
        }
    }

    // The budget is counted from the call's start, not from its answer: counting from the answer added the call's own
    // duration to every quiet period and read a busy shard well below 2 MiB/s (≈ 1.3 MiB/s on kinesalite).
    private void PayForBytes(GetRecordsResponse response, long calledAt)
    {
        long bytes = 0;
        foreach (var record in response.Records)
        {
            bytes += record.Data.Length + record.PartitionKey.Length;
        }

        var quiet = TimeSpan.FromSeconds(bytes / ReadBytesPerSecond);
        if (quiet > MinCallInterval)
        {
            _notBefore = Math.Max(_notBefore, calledAt + ToTicks(quiet));
        }
    }

    private async Task WaitForTurnAsync(CancellationToken cancellationToken)
    {
        if (!_hasCalled)
        {
            return;
        }

        var wait = _notBefore - _time.GetTimestamp();
        if (wait > 0)
        {
            await Task.Delay(TimeSpan.FromSeconds((double)wait / _time.TimestampFrequency), _time, cancellationToken).ConfigureAwait(false);
        }
    }

    private GetShardIteratorRequest OpenLatest()
    {
        _latestOpenedAt = _time.GetUtcNow();
        return new GetShardIteratorRequest { StreamName = _streamName, ShardId = _shardId, IteratorType = ShardIteratorType.Latest };
    }

    private long ToTicks(TimeSpan span) => (long)(span.TotalSeconds * _time.TimestampFrequency);

    private async Task<string> GetIteratorAsync(CancellationToken cancellationToken)
    {
        var request = IteratorRequest();
        try
        {
            return await _kinesis.GetShardIteratorAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (KinesisException ex) when (ex.ErrorType == "InvalidArgumentException" && request.StartingSequenceNumber is { } sequence)
        {
            // Kinesis refuses a sequence number that is not of this shard (e.g. a checkpoint of another stream whose
            // shard ids match): retrying cannot help, so it is not a KinesisException the consumer retries.
            throw new CheckpointNotInStreamException(_streamName, _shardId, sequence, ex);
        }
    }

    private GetShardIteratorRequest IteratorRequest()
    {
        if (_lastReadSequence is { } lastRead)
        {
            // The iterator expired: every user record of the last record read has been returned.
            return AfterSequenceNumber(lastRead);
        }

        return _position.SequenceNumber switch
        {
            "TRIM_HORIZON" => new GetShardIteratorRequest { StreamName = _streamName, ShardId = _shardId, IteratorType = ShardIteratorType.TrimHorizon },
            "LATEST" when _firstReadAfterLatest is { } first => new GetShardIteratorRequest { StreamName = _streamName, ShardId = _shardId, IteratorType = ShardIteratorType.AtSequenceNumber, StartingSequenceNumber = first },
            "LATEST" when _latestOpenedAt is { } opened => new GetShardIteratorRequest { StreamName = _streamName, ShardId = _shardId, IteratorType = ShardIteratorType.AtTimestamp, Timestamp = opened - LatestReopenMargin },
            "LATEST" => OpenLatest(),
            "AT_TIMESTAMP" when _initialTimestamp is { } timestamp => new GetShardIteratorRequest { StreamName = _streamName, ShardId = _shardId, IteratorType = ShardIteratorType.AtTimestamp, Timestamp = timestamp },
            "SHARD_END" or "AT_TIMESTAMP" => throw new InvalidOperationException($"Shard '{_shardId}' cannot be read from {_position.SequenceNumber}."),
            _ when IsKnownOrdinaryRecord(_position) => AfterSequenceNumber(_position.SequenceNumber),
            _ => OpenAtCheckpoint(_position),
        };
    }

    // True when the record at a checkpoint is known to hold nothing after it: this fetcher read it (checkpoints only
    // move forward, so a record at or after the first one read was read), no aggregate came since the start, and the
    // checkpoint is at sub-sequence 0.
    private bool IsKnownOrdinaryRecord(ExtendedSequenceNumber checkpoint)
        => checkpoint.SubSequenceNumber == 0
            && !_aggregateRead
            && _firstReadSequence is { } first
            && ExtendedSequenceNumber.CompareSequenceNumbers(checkpoint.SequenceNumber, first) >= 0;

    private GetShardIteratorRequest OpenAtCheckpoint(ExtendedSequenceNumber checkpoint)
    {
        _skipThrough = checkpoint;
        return new GetShardIteratorRequest { StreamName = _streamName, ShardId = _shardId, IteratorType = ShardIteratorType.AtSequenceNumber, StartingSequenceNumber = checkpoint.SequenceNumber };
    }

    private GetShardIteratorRequest AfterSequenceNumber(string sequenceNumber)
        => new() { StreamName = _streamName, ShardId = _shardId, IteratorType = ShardIteratorType.AfterSequenceNumber, StartingSequenceNumber = sequenceNumber };
}
