using KinesisAttrib.Common;
using KinesisAttrib.Diagnostics;
using KinesisAttrib.Handlers;
using KinesisAttrib.Kinesis;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace KinesisAttrib.Retrieval;

/// <summary>
/// Publishes one shard by enhanced fan-out: a SubscribeToShard subscription of the application's registered consumer,
/// read one event at a time, only when the consumer asks for the next batch (HTTP/2 flow control holds the rest on
/// the server). Where each subscription starts, and how its records become user records, is the
/// <see cref="ShardReadCursor"/>'s job, as for polling.
/// </summary>
/// <remarks>
/// <para>A subscription ends after 5 minutes (or sooner, on an error); the next one starts AFTER_SEQUENCE_NUMBER of the
/// last event's continuation, so nothing is skipped or repeated, and never less than a second after the previous
/// call for the shard (Kinesis allows one per second per shard and consumer). A subscription silent for longer than
/// the silence timeout is cancelled; the shard is read with GetRecords until a read comes back empty, then subscribed
/// again after the last record read, so a stalled push stream cannot hold a backlog back. Another subscription on the shard (the previous owner's, not
/// yet closed) or too many calls are waited out with a growing back-off, logged once.</para>
/// <para>The shard's end: the last event of a closed shard has no continuation and names the children (as GetRecords'
/// last response does). A server that never sends it (kinesis-local keeps a closed shard's subscription open with
/// empty events) is caught when a subscription ends, or after <see cref="RetrievalSettings.QuietBeforeClosedCheck"/> of empty events:
/// if the stream's shard list (<see cref="ClosedShardProbe"/>, one listing shared by the worker's shards) shows the
/// shard closed, the rest is read with GetRecords until its end, which reports the shard's end as polling does.</para>
/// <para>Errors the service sends in the stream, and a damaged stream (wrong CRC, truncated, unknown event), close
/// the subscription and surface as <see cref="KinesisException"/>s; the consumer backs off and asks again, and the
/// new subscription starts after the last batch delivered.</para>
/// </remarks>
internal sealed class FanOutRecordsPublisher : IRecordsPublisher
{
    /// <summary>
    /// The shortest gap between two SubscribeToShard calls for one shard and consumer: Kinesis's second, plus a margin
    /// for the service's clock and ours not ticking together.
    /// </summary>
    internal static readonly TimeSpan MinSubscribeInterval = TimeSpan.FromMilliseconds(1050);

    /// <summary>The pause after the n-th refused subscription in a row: 1 s doubling to 10 s, less up to a quarter.</summary>
    internal static readonly Backoff RefusedBackoff = new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10), jitter: 0.25);

    private readonly IKinesisClient _kinesis;
    private readonly string _consumerArn;
    private readonly string _streamName;
    private readonly string _shardId;
    private readonly int _maxRecords;
    private readonly TimeSpan _silenceTimeout;
    private readonly TimeSpan _quietBeforeClosedCheck;
    private readonly TimeProvider _time;
    private readonly ShardReadCursor _cursor;
    private readonly FailureStreak _refusals;
    private readonly ILogger _logger;
    private readonly ClosedShardProbe _closedShards;
    private long _quietSince;
    private bool _quiet;
    private IShardSubscription? _subscription;
    private IShardSubscription? _discarded;
    // Set while the shard is read with GetRecords instead of a subscription: the rest of a closed shard, or a backlog
    // after a silent subscription (see _catchingUp).
    private string? _getRecordsIterator;

    // After a silent subscription: the shard is read with GetRecords until a read comes back empty, then subscribed
    // again after the last record read (a stalled push stream cannot hold the shard back).
    private bool _catchingUp;
    private long _lastGetRecordsAt;
    private long _lastSubscribeAt;
    private bool _hasSubscribed;
    private int _refusedInARow;

    /// <summary>Creates the publisher of one shard.</summary>
    /// <param name="kinesis">The Kinesis client.</param>
    /// <param name="consumerArn">The registered consumer's ARN.</param>
    /// <param name="streamName">The stream.</param>
    /// <param name="shardId">The shard.</param>
    /// <param name="start">The checkpoint (or start sentinel) to read after.</param>
    /// <param name="settings">The silence timeout and the GetRecords limit for a closed shard's rest.</param>
    /// <param name="time">The clock.</param>
    /// <param name="initialTimestamp">Where <c>AT_TIMESTAMP</c> starts.</param>
    /// <param name="hashKeyRange">The shard's hash keys; KPL user records outside them are dropped. Null keeps all.</param>
    /// <param name="logger">Where refused subscriptions and KPL problems are reported.</param>
    /// <param name="closedShards">The stream's shard list shared with the worker's other publishers; null for one of its own.</param>
    public FanOutRecordsPublisher(IKinesisClient kinesis, string consumerArn, string streamName, string shardId, ExtendedSequenceNumber start, RetrievalSettings settings, TimeProvider time, DateTimeOffset? initialTimestamp = null, HashKeyRange? hashKeyRange = null, ILogger? logger = null, ClosedShardProbe? closedShards = null)
    {
        _closedShards = closedShards ?? new ClosedShardProbe(kinesis, streamName, time);
        _kinesis = kinesis;
        _consumerArn = consumerArn;
        _streamName = streamName;
        _shardId = shardId;
        _maxRecords = settings.MaxRecords;
        _silenceTimeout = settings.SubscriptionSilenceTimeout;
        _quietBeforeClosedCheck = settings.QuietBeforeClosedCheck;
        _time = time;
        _cursor = new ShardReadCursor(streamName, shardId, start, time, initialTimestamp, hashKeyRange, logger);
        _logger = logger ?? NullLogger.Instance;
        _refusals = new FailureStreak(_logger, time, "Kinesis", "SubscribeToShard", $"stream '{streamName}', shard '{shardId}'");
    }

    /// <summary>How many subscriptions were opened.</summary>
    internal int Subscriptions { get; private set; }

    /// <summary>The last user record delivered, or the position the publisher was started or rewound to.</summary>
    public ExtendedSequenceNumber Position => _cursor.Position;

    /// <inheritdoc />
    public async Task<FetchResult> FetchAsync(CancellationToken cancellationToken)
    {
        await DisposeDiscardedAsync().ConfigureAwait(false);
        if (_getRecordsIterator is not null)
        {
            return await ReadByGetRecordsAsync(cancellationToken).ConfigureAwait(false);
        }

        while (true)
        {
            _subscription ??= await SubscribeAsync(cancellationToken).ConfigureAwait(false);
            SubscribeToShardEvent? next;
            using var silence = new CancellationTokenSource(_silenceTimeout, _time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, silence.Token);
            try
            {
                next = await _subscription.NextEventAsync(linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (silence.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                // Nothing for the silence timeout (Kinesis sends an event every few seconds even without records).
                await CloseSubscriptionAsync().ConfigureAwait(false);
                RetrievalLog.SubscriptionSilent(_logger, _streamName, _shardId, _silenceTimeout.TotalSeconds);
                _getRecordsIterator = await OpenIteratorAsync(cancellationToken).ConfigureAwait(false);
                _catchingUp = true;
                return await ReadByGetRecordsAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (KinesisException ex) when (IsRefusal(ex))
            {
                // Some servers refuse a busy shard in the stream (an exception frame) rather than in the answer.
                await CloseSubscriptionAsync().ConfigureAwait(false);
                await BackOffAfterRefusalAsync(ex, cancellationToken).ConfigureAwait(false);
                continue;
            }
            catch
            {
                await CloseSubscriptionAsync().ConfigureAwait(false);
                throw;
            }

            if (next is null)
            {
                // The subscription ended (5 minutes are up): go on after its last continuation, unless the shard is
                // closed and this server ends subscriptions of closed shards without a last event.
                await CloseSubscriptionAsync().ConfigureAwait(false);
                if (await OpenIfClosedAsync(cancellationToken).ConfigureAwait(false))
                {
                    return await ReadByGetRecordsAsync(cancellationToken).ConfigureAwait(false);
                }

                continue;
            }

            _refusedInARow = 0;
            _refusals.Succeeded();
            var records = _cursor.Read(next.Records);
            if (next.ContinuationSequenceNumber is { } continuation)
            {
                _cursor.ContinueAfter(continuation);
            }
            else
            {
                await CloseSubscriptionAsync().ConfigureAwait(false);
                return new FetchResult(records, next.MillisBehindLatest, IsShardEnd: true, next.ChildShards);
            }

            if (next.Records.Count > 0)
            {
                _quiet = false;
            }
            else if (!_quiet)
            {
                (_quiet, _quietSince) = (true, _time.GetTimestamp());
            }
            else if (_time.GetElapsedTime(_quietSince) >= _quietBeforeClosedCheck)
            {
                // Only empty events for a while: a closed shard on a server that never sends its last event?
                _quietSince = _time.GetTimestamp();
                if (await OpenIfClosedAsync(cancellationToken).ConfigureAwait(false))
                {
                    await CloseSubscriptionAsync().ConfigureAwait(false);
                    return await ReadByGetRecordsAsync(cancellationToken).ConfigureAwait(false);
                }
            }

            return new FetchResult(records, next.MillisBehindLatest, IsShardEnd: false, null);
        }
    }

    /// <inheritdoc />
    public void ResetTo(ExtendedSequenceNumber position)
    {
        _cursor.ResetTo(position);
        _getRecordsIterator = null;
        _catchingUp = false;

        // Closed on the next call (disposal is asynchronous); nothing more is read from it.
        _discarded = _subscription;
        _subscription = null;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await DisposeDiscardedAsync().ConfigureAwait(false);
        await CloseSubscriptionAsync().ConfigureAwait(false);
    }

    private async Task<IShardSubscription> SubscribeAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            await WaitForTurnAsync(cancellationToken).ConfigureAwait(false);
            var start = _cursor.NextStart();
            try
            {
                var subscription = await _kinesis.SubscribeToShardAsync(
                    new SubscribeToShardRequest
                    {
                        ConsumerArn = _consumerArn,
                        ShardId = _shardId,
                        StartingPositionType = start.Type,
                        StartingSequenceNumber = start.SequenceNumber,
                        Timestamp = start.Timestamp,
                        StreamName = _streamName,
                    },
                    cancellationToken).ConfigureAwait(false);
                MarkSubscribed();
                Subscriptions++;
                return subscription;
            }
            catch (KinesisException ex) when (IsRefusal(ex))
            {
                MarkSubscribed();
                await BackOffAfterRefusalAsync(ex, cancellationToken).ConfigureAwait(false);
            }
            catch (KinesisException ex) when (ex.ErrorType == "InvalidArgumentException" && start.SequenceNumber is { } sequence && !_cursor.IsContinuing)
            {
                // A checkpoint that is not of this shard (e.g. of another stream whose shard ids match).
                throw new CheckpointNotInStreamException(_streamName, _shardId, sequence, ex);
            }
        }
    }

    // Another subscription to the shard (the previous owner's, closing) or too many calls: wait it out, logging the
    // run once.
    private static bool IsRefusal(KinesisException exception) => exception.ErrorType is "ResourceInUseException" or "LimitExceededException";

    private async Task BackOffAfterRefusalAsync(KinesisException exception, CancellationToken cancellationToken)
    {
        _refusedInARow++;
        _refusals.Failed(exception);
        await Task.Delay(RefusedBackoff.Delay(_refusedInARow), _time, cancellationToken).ConfigureAwait(false);
    }

    // The second between two calls is counted from the previous call's answer: the service counts from when it took
    // that call, which is no later.
    private void MarkSubscribed()
    {
        _lastSubscribeAt = _time.GetTimestamp();
        _hasSubscribed = true;
    }

    private async Task WaitForTurnAsync(CancellationToken cancellationToken)
    {
        if (!_hasSubscribed)
        {
            return;
        }

        var wait = MinSubscribeInterval - _time.GetElapsedTime(_lastSubscribeAt);
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    // When the shard list shows the shard closed, opens a GetRecords iterator where the next subscription would have
    // started, to read the rest to the shard's end.
    private async Task<bool> OpenIfClosedAsync(CancellationToken cancellationToken)
    {
        if (await _closedShards.IsClosedAsync(_shardId, cancellationToken).ConfigureAwait(false) is not true)
        {
            return false;
        }

        _getRecordsIterator = await OpenIteratorAsync(cancellationToken).ConfigureAwait(false);
        RetrievalLog.ClosedShardReadByGetRecords(_logger, _streamName, _shardId);
        return true;
    }

    private Task<GetRecordsResponse> GetRecordsAsync(CancellationToken cancellationToken) => _kinesis.GetRecordsAsync(
        new GetRecordsRequest { ShardIterator = _getRecordsIterator!, Limit = _maxRecords, StreamName = _streamName, ShardId = _shardId },
        cancellationToken);

    private Task<string> OpenIteratorAsync(CancellationToken cancellationToken)
    {
        var start = _cursor.NextStart();
        return _kinesis.GetShardIteratorAsync(
            new GetShardIteratorRequest { StreamName = _streamName, ShardId = _shardId, IteratorType = start.Type, StartingSequenceNumber = start.SequenceNumber, Timestamp = start.Timestamp },
            cancellationToken);
    }

    // Reads the rest of a closed shard to its end, or (catching up) until a read comes back empty; at most 5 calls a
    // second, as Kinesis allows per shard.
    private async Task<FetchResult> ReadByGetRecordsAsync(CancellationToken cancellationToken)
    {
        var wait = TimeSpan.FromMilliseconds(200) - _time.GetElapsedTime(_lastGetRecordsAt);
        if (_lastGetRecordsAt != 0 && wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
        }

        _lastGetRecordsAt = _time.GetTimestamp();
        GetRecordsResponse response;
        try
        {
            response = await GetRecordsAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ExpiredIteratorException)
        {
            // Reopened after the last record read.
            _getRecordsIterator = await OpenIteratorAsync(cancellationToken).ConfigureAwait(false);
            response = await GetRecordsAsync(cancellationToken).ConfigureAwait(false);
        }

        var records = _cursor.Read(response.Records);
        _getRecordsIterator = response.NextShardIterator;
        if (_catchingUp && response.Records.Count == 0)
        {
            // Caught up: the next call subscribes again after the last record read.
            (_getRecordsIterator, _catchingUp) = (null, false);
        }

        return new FetchResult(records, response.MillisBehindLatest, response.NextShardIterator is null, response.ChildShards);
    }

    private async Task CloseSubscriptionAsync()
    {
        var subscription = _subscription;
        _subscription = null;
        if (subscription is not null)
        {
            await subscription.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task DisposeDiscardedAsync()
    {
        var discarded = _discarded;
        _discarded = null;
        if (discarded is not null)
        {
            await discarded.DisposeAsync().ConfigureAwait(false);
        }
    }
}
