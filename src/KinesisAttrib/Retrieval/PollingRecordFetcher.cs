using KinesisAttrib.Kinesis;
using KinesisAttrib.Processing;

namespace KinesisAttrib.Retrieval;

/// <summary>
/// Reads one shard with GetShardIterator/GetRecords. It tracks the last record it returned, so an expired iterator
/// is replaced by one just after that record (nothing skipped, nothing repeated), and <see cref="ResetTo"/> rewinds
/// to a checkpoint when a batch has to be delivered again.
/// </summary>
/// <remarks>
/// It also keeps the shard's read limits so the service need not throttle it: GetRecords calls start at least
/// <see cref="MinCallInterval"/> apart (5 calls/s per shard); after a response the next call waits until the
/// records read have been paid for at <see cref="ReadBytesPerSecond"/>, counted from the start of the call that read
/// them (a 10 MiB response is followed by 5 s of quiet, as Kinesis requires); and after a throttling error it waits an
/// exponentially growing, jittered back-off before calling again. Waiting never moves the read position.
/// </remarks>
internal sealed class PollingRecordFetcher
{
    /// <summary>The shortest gap between two GetRecords calls on one shard (Kinesis allows 5 per second).</summary>
    internal static readonly TimeSpan MinCallInterval = TimeSpan.FromMilliseconds(200);

    /// <summary>The read throughput of a shard (2 MiB/s), used to pace calls after large responses.</summary>
    internal const double ReadBytesPerSecond = 2 * 1024 * 1024;

    /// <summary>The first back-off after a throttling error; it doubles with each consecutive one.</summary>
    internal static readonly TimeSpan ThrottleBackoffBase = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest back-off after throttling errors.</summary>
    internal static readonly TimeSpan ThrottleBackoffMax = TimeSpan.FromSeconds(5);

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
    private string? _iterator;
    private ExtendedSequenceNumber _position;

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

    public PollingRecordFetcher(IKinesisClient kinesis, string streamName, string shardId, int maxRecords, ExtendedSequenceNumber start, TimeProvider? timeProvider = null, DateTimeOffset? initialTimestamp = null)
    {
        _initialTimestamp = initialTimestamp;
        _kinesis = kinesis;
        _streamName = streamName;
        _shardId = shardId;
        _maxRecords = maxRecords;
        _position = start;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The position after which the next fetch reads.</summary>
    public ExtendedSequenceNumber Position => _position;

    /// <summary>The <see cref="TimeProvider.GetTimestamp"/> before which no further GetRecords call starts.</summary>
    internal long NextCallNotBefore => _hasCalled ? _notBefore : long.MinValue;

    /// <summary>
    /// Makes the next fetch start just after <paramref name="position"/>. Rewinding to <c>LATEST</c> (a shard read
    /// from LATEST and not yet checkpointed) reads again from the first record this fetcher returned, not from a new
    /// LATEST, which would skip everything delivered so far.
    /// </summary>
    public void ResetTo(ExtendedSequenceNumber position)
    {
        _position = position;
        _iterator = null;
    }

    /// <summary>Reads the next batch; throws <see cref="KinesisException"/> on service errors other than an expired iterator.</summary>
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
                _notBefore = Math.Max(_notBefore, _time.GetTimestamp() + ToTicks(ThrottleBackoff(_consecutiveThrottles)));
                throw;
            }

            _consecutiveThrottles = 0;
            PayForBytes(response, calledAt);

            var records = new KinesisClientRecord[response.Records.Count];
            for (var i = 0; i < records.Length; i++)
            {
                var r = response.Records[i];
                records[i] = new KinesisClientRecord(r.SequenceNumber, 0, r.PartitionKey, r.Data, r.ApproximateArrivalTimestamp);
            }

            if (records.Length > 0)
            {
                if (_position == ExtendedSequenceNumber.Latest)
                {
                    _firstReadAfterLatest ??= records[0].SequenceNumber;
                }

                _position = records[^1].Position;
            }

            _iterator = response.NextShardIterator;
            return new FetchResult(records, response.MillisBehindLatest, response.NextShardIterator is null, response.ChildShards);
        }
    }

    /// <summary>The back-off after the n-th consecutive throttling error: 0.5 s doubling to 5 s, minus up to a quarter of jitter.</summary>
    internal static TimeSpan ThrottleBackoff(int consecutiveThrottles)
    {
        var ceiling = Math.Min(ThrottleBackoffMax.TotalMilliseconds, ThrottleBackoffBase.TotalMilliseconds * Math.Pow(2, Math.Min(consecutiveThrottles - 1, 20)));
#pragma warning disable CA5394 // Jitter, not security.
        return TimeSpan.FromMilliseconds(ceiling * (0.75 + (0.25 * Random.Shared.NextDouble())));
#pragma warning restore CA5394
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

    private Task<string> GetIteratorAsync(CancellationToken cancellationToken)
    {
        var request = _position.SequenceNumber switch
        {
            "TRIM_HORIZON" => new GetShardIteratorRequest { StreamName = _streamName, ShardId = _shardId, IteratorType = ShardIteratorType.TrimHorizon },
            "LATEST" when _firstReadAfterLatest is { } first => new GetShardIteratorRequest { StreamName = _streamName, ShardId = _shardId, IteratorType = ShardIteratorType.AtSequenceNumber, StartingSequenceNumber = first },
            "LATEST" when _latestOpenedAt is { } opened => new GetShardIteratorRequest { StreamName = _streamName, ShardId = _shardId, IteratorType = ShardIteratorType.AtTimestamp, Timestamp = opened - LatestReopenMargin },
            "LATEST" => OpenLatest(),
            "AT_TIMESTAMP" when _initialTimestamp is { } timestamp => new GetShardIteratorRequest { StreamName = _streamName, ShardId = _shardId, IteratorType = ShardIteratorType.AtTimestamp, Timestamp = timestamp },
            "SHARD_END" or "AT_TIMESTAMP" => throw new InvalidOperationException($"Shard '{_shardId}' cannot be read from {_position.SequenceNumber}."),
            _ => new GetShardIteratorRequest { StreamName = _streamName, ShardId = _shardId, IteratorType = ShardIteratorType.AfterSequenceNumber, StartingSequenceNumber = _position.SequenceNumber },
        };
        return _kinesis.GetShardIteratorAsync(request, cancellationToken);
    }
}

/// <summary>One GetRecords result, decoded.</summary>
/// <param name="Records">The records, in shard order.</param>
/// <param name="MillisBehindLatest">How far behind the tip of the shard.</param>
/// <param name="IsShardEnd">The shard is closed and every record has been read.</param>
/// <param name="ChildShards">The children reported at shard end, when the service reports them.</param>
internal sealed record FetchResult(IReadOnlyList<KinesisClientRecord> Records, long? MillisBehindLatest, bool IsShardEnd, IReadOnlyList<ChildShard>? ChildShards);
