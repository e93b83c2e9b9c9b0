using KinesisAttrib.Common;
using KinesisAttrib.Handlers;
using KinesisAttrib.Kinesis;
using Microsoft.Extensions.Logging;

namespace KinesisAttrib.Retrieval;

/// <summary>
/// Reads one shard with GetShardIterator/GetRecords. Where each read starts, and how Kinesis records become user
/// records, is the <see cref="ShardReadCursor"/>'s job: an expired iterator is replaced by one just after the last
/// record read (nothing skipped, nothing repeated), and <see cref="ResetTo"/> rewinds to a checkpoint when a batch has
/// to be delivered again.
/// </summary>
/// <remarks>
/// It also keeps the shard's read limits so the service need not throttle it: GetRecords calls start at least
/// <see cref="MinCallInterval"/> apart (5 calls/s per shard); after a response the next call waits until the
/// records read have been paid for at <see cref="ReadBytesPerSecond"/>, counted from the start of the call that read
/// them (a 10 MiB response is followed by 5 s of quiet, as Kinesis requires); after an empty response it waits
/// <see cref="IdleTimeBetweenReads"/>; and after a throttling error it waits an exponentially growing, jittered
/// back-off before calling again. Waiting never moves the read position.
/// </remarks>
internal sealed class PollingRecordFetcher : IRecordsPublisher
{
    /// <summary>The shortest gap between two GetRecords calls on one shard (Kinesis allows 5 per second).</summary>
    internal static readonly TimeSpan MinCallInterval = TimeSpan.FromMilliseconds(200);

    /// <summary>The read throughput of a shard (2 MiB/s), used to pace calls after large responses.</summary>
    internal const double ReadBytesPerSecond = 2 * 1024 * 1024;

    /// <summary>The pause after the n-th consecutive throttling error: 0.5 s doubling to 5 s, minus up to a quarter of jitter.</summary>
    internal static readonly Backoff ThrottleBackoff = new(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(5), jitter: 0.25);

    private readonly IKinesisClient _kinesis;
    private readonly string _streamName;
    private readonly string _shardId;
    private readonly int _maxRecords;
    private readonly TimeProvider _time;
    private readonly ShardReadCursor _cursor;
    private string? _iterator;
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
        _kinesis = kinesis;
        _streamName = streamName;
        _shardId = shardId;
        _maxRecords = maxRecords;
        _time = timeProvider ?? TimeProvider.System;
        _cursor = new ShardReadCursor(streamName, shardId, start, _time, initialTimestamp, hashKeyRange, logger);
    }

    /// <summary>The wait after a GetRecords that returned no record before the next call (zero: the pacing limits only).</summary>
    public TimeSpan IdleTimeBetweenReads { get; init; }

    /// <summary>The last user record returned, or the position the fetcher was started or rewound to.</summary>
    public ExtendedSequenceNumber Position => _cursor.Position;

    /// <summary>KPL user records dropped because their aggregate hashed outside the shard's range.</summary>
    public long UserRecordsDropped => _cursor.UserRecordsDropped;

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
        _cursor.ResetTo(position);
        _iterator = null;
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

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
            if (response.Records.Count == 0 && response.NextShardIterator is not null && IdleTimeBetweenReads > TimeSpan.Zero)
            {
                // Nothing new: ask again after the idle time, counted from the answer (as the KCL waits after an empty read).
                _notBefore = Math.Max(_notBefore, _time.GetTimestamp() + ToTicks(IdleTimeBetweenReads));
            }

            var records = _cursor.Read(response.Records);
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

    private long ToTicks(TimeSpan span) => (long)(span.TotalSeconds * _time.TimestampFrequency);

    private async Task<string> GetIteratorAsync(CancellationToken cancellationToken)
    {
        var start = _cursor.NextStart();
        var request = new GetShardIteratorRequest { StreamName = _streamName, ShardId = _shardId, IteratorType = start.Type, StartingSequenceNumber = start.SequenceNumber, Timestamp = start.Timestamp };
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
}
