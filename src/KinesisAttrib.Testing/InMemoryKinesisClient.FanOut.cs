using System.Globalization;
using KinesisAttrib.Kinesis;

namespace KinesisAttrib.Testing;

/// <summary>Enhanced fan-out in memory: registered stream consumers and SubscribeToShard subscriptions.</summary>
public sealed partial class InMemoryKinesisClient
{
    private const int MaxConsumersPerStream = 20;

    private readonly Dictionary<string, ConsumerState> _consumersByArn = new(StringComparer.Ordinal);
    private readonly Dictionary<(string ConsumerArn, string ShardId), DateTimeOffset> _lastSubscribe = [];
    private readonly HashSet<(string ConsumerArn, string ShardId)> _openSubscriptions = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _subscribeCalls;

    /// <summary>
    /// How long a subscription lasts before the service ends it (Kinesis: 5 minutes). Shorten it to test that a
    /// consumer renews its subscriptions without a gap or a duplicate.
    /// </summary>
    public TimeSpan SubscriptionLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a subscription waits for new records before it sends an empty event (Kinesis: a few seconds).</summary>
    public TimeSpan SubscriptionHeartbeat { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The most records one event carries (default 10,000, as one GetRecords call).</summary>
    public int SubscriptionMaxRecordsPerEvent { get; set; } = 10_000;

    /// <summary>How long a registered consumer stays CREATING before it turns ACTIVE. Default zero.</summary>
    public TimeSpan ConsumerRegistrationTime { get; set; } = TimeSpan.Zero;

    /// <summary>How many SubscribeToShard calls were served (refused ones included).</summary>
    public long SubscribeToShardCallCount => Interlocked.Read(ref _subscribeCalls);

    /// <inheritdoc />
    public Task<StreamConsumer> RegisterStreamConsumerAsync(string streamArn, string consumerName, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ArgumentException.ThrowIfNullOrEmpty(streamArn);
        ArgumentException.ThrowIfNullOrEmpty(consumerName);
        lock (_gate)
        {
            var streamName = StreamNameOf(streamArn, "RegisterStreamConsumer");
            Find(streamName, "RegisterStreamConsumer");
            var ofStream = _consumersByArn.Values.Where(c => c.StreamName == streamName).ToList();
            if (ofStream.Any(c => c.Name == consumerName))
            {
                throw InUse($"RegisterStreamConsumer: consumer '{consumerName}' of stream '{streamName}' already exists.");
            }

            if (ofStream.Count >= MaxConsumersPerStream)
            {
                throw new KinesisException("LimitExceededException", $"RegisterStreamConsumer: stream '{streamName}' already has {MaxConsumersPerStream} consumers.", System.Net.HttpStatusCode.BadRequest);
            }

            var created = _time.GetUtcNow();
            var consumer = new ConsumerState(
                consumerName,
                streamName,
                $"{streamArn}/consumer/{consumerName}:{created.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)}",
                created);
            _consumersByArn[consumer.Arn] = consumer;
            return Task.FromResult(Describe(consumer, "CREATING"));
        }
    }

    /// <inheritdoc />
    public Task<StreamConsumer> DescribeStreamConsumerAsync(StreamConsumerRequest request, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ArgumentNullException.ThrowIfNull(request);
        lock (_gate)
        {
            var consumer = FindConsumer(request, "DescribeStreamConsumer");
            return Task.FromResult(Describe(consumer, StatusOf(consumer)));
        }
    }

    /// <inheritdoc />
    public Task DeregisterStreamConsumerAsync(StreamConsumerRequest request, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ArgumentNullException.ThrowIfNull(request);
        lock (_gate)
        {
            var consumer = FindConsumer(request, "DeregisterStreamConsumer");
            _consumersByArn.Remove(consumer.Arn);
            Changed();
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    /// <remarks>
    /// As Kinesis: a consumer that is not ACTIVE, or a second subscription of one consumer to one shard, is refused
    /// with <c>ResourceInUseException</c>; a call within a second of the previous one for the same consumer and shard
    /// with <c>LimitExceededException</c>. Events carry the records that arrived (an empty one after
    /// <see cref="SubscriptionHeartbeat"/> without any); the last event of a closed shard has no continuation and
    /// names the children; the subscription ends after <see cref="SubscriptionLifetime"/>.
    /// </remarks>
    public Task<IShardSubscription> SubscribeToShardAsync(SubscribeToShardRequest request, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ArgumentNullException.ThrowIfNull(request);
        Interlocked.Increment(ref _subscribeCalls);
        lock (_gate)
        {
            var consumer = _consumersByArn.GetValueOrDefault(request.ConsumerArn)
                ?? throw new ResourceNotFoundException($"SubscribeToShard: consumer '{request.ConsumerArn}' not found.");
            if (StatusOf(consumer) != "ACTIVE")
            {
                throw InUse($"SubscribeToShard: consumer '{consumer.Name}' is not ACTIVE yet.");
            }

            var shard = FindShard(consumer.StreamName, request.ShardId, "SubscribeToShard");
            var key = (consumer.Arn, shard.ShardId);
            var now = _time.GetUtcNow();
            if (_lastSubscribe.TryGetValue(key, out var last) && now - last < TimeSpan.FromSeconds(1))
            {
                throw new KinesisException("LimitExceededException", $"SubscribeToShard: consumer '{consumer.Name}' subscribed to shard '{shard.ShardId}' less than a second ago.", System.Net.HttpStatusCode.BadRequest);
            }

            _lastSubscribe[key] = now;
            if (!_openSubscriptions.Add(key))
            {
                throw InUse($"SubscribeToShard: consumer '{consumer.Name}' already has a subscription to shard '{shard.ShardId}'.");
            }

            var index = request.StartingPositionType switch
            {
                ShardIteratorType.TrimHorizon => 0,
                ShardIteratorType.Latest => shard.Records.Count,
                ShardIteratorType.AtSequenceNumber => IndexOf(shard, request.StartingSequenceNumber, after: false),
                ShardIteratorType.AfterSequenceNumber => IndexOf(shard, request.StartingSequenceNumber, after: true),
                ShardIteratorType.AtTimestamp => FirstAtOrAfter(shard, request.Timestamp ?? throw Invalid("SubscribeToShard: AT_TIMESTAMP needs a Timestamp.")),
                _ => throw Invalid($"SubscribeToShard: unknown starting position {request.StartingPositionType}."),
            };
            return Task.FromResult<IShardSubscription>(new Subscription(this, consumer, shard, index, now + SubscriptionLifetime));
        }
    }

    // Wakes the subscriptions waiting for records (called under the gate after every change).
    private void Changed()
    {
        var changed = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        changed.TrySetResult();
    }

    private string StatusOf(ConsumerState consumer) =>
        _time.GetUtcNow() - consumer.CreatedAt >= ConsumerRegistrationTime ? "ACTIVE" : "CREATING";

    private static StreamConsumer Describe(ConsumerState consumer, string status) => new()
    {
        ConsumerName = consumer.Name,
        ConsumerArn = consumer.Arn,
        ConsumerStatus = status,
        ConsumerCreationTimestamp = consumer.CreatedAt,
        StreamArn = StreamArnOf(consumer.StreamName),
    };

    private static string StreamArnOf(string streamName) => $"arn:aws:kinesis:us-east-1:000000000000:stream/{streamName}";

    private static string StreamNameOf(string streamArn, string operation)
    {
        const string marker = ":stream/";
        var at = streamArn.IndexOf(marker, StringComparison.Ordinal);
        if (at < 0)
        {
            throw Invalid($"{operation}: '{streamArn}' is not a stream ARN.");
        }

        var name = streamArn[(at + marker.Length)..];
        var slash = name.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? name : name[..slash];
    }

    private ConsumerState FindConsumer(StreamConsumerRequest request, string operation)
    {
        if (request.ConsumerArn is { } arn)
        {
            return _consumersByArn.GetValueOrDefault(arn) ?? throw new ResourceNotFoundException($"{operation}: consumer '{arn}' not found.");
        }

        if (request.StreamArn is null || request.ConsumerName is null)
        {
            throw Invalid($"{operation}: give the consumer's ARN, or the stream's ARN and the consumer's name.");
        }

        var streamName = StreamNameOf(request.StreamArn, operation);
        return _consumersByArn.Values.FirstOrDefault(c => c.StreamName == streamName && c.Name == request.ConsumerName)
            ?? throw new ResourceNotFoundException($"{operation}: consumer '{request.ConsumerName}' of stream '{streamName}' not found.");
    }

    private sealed record ConsumerState(string Name, string StreamName, string Arn, DateTimeOffset CreatedAt);

    private sealed class Subscription(InMemoryKinesisClient service, ConsumerState consumer, ShardState shard, int index, DateTimeOffset endsAt) : IShardSubscription
    {
        private int _index = index;
        private bool _ended;

        public async ValueTask<SubscribeToShardEvent?> NextEventAsync(CancellationToken cancellationToken = default)
        {
            var heartbeatAt = service._time.GetUtcNow() + service.SubscriptionHeartbeat;
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                Task changed;
                TimeSpan wait;
                lock (service._gate)
                {
                    if (_ended)
                    {
                        return null;
                    }

                    var now = service._time.GetUtcNow();
                    if (now >= endsAt || !service._consumersByArn.ContainsKey(consumer.Arn) || service.FindStream(consumer.StreamName) is null)
                    {
                        End();
                        return null;
                    }

                    if (_index < shard.Records.Count)
                    {
                        var count = Math.Min(service.SubscriptionMaxRecordsPerEvent, shard.Records.Count - _index);
                        var records = shard.Records.GetRange(_index, count);
                        _index += count;
                        var behind = _index >= shard.Records.Count || shard.Records[^1].ApproximateArrivalTimestamp is not { } newest
                            ? 0
                            : (long)(newest - records[^1].ApproximateArrivalTimestamp!.Value).TotalMilliseconds;
                        return new SubscribeToShardEvent { Records = records, ContinuationSequenceNumber = records[^1].SequenceNumber, MillisBehindLatest = behind };
                    }

                    if (shard.Closed)
                    {
                        // Everything read: the last event has no continuation and names the children; then the stream ends.
                        End();
                        return new SubscribeToShardEvent { Records = [], ContinuationSequenceNumber = null, MillisBehindLatest = 0, ChildShards = ChildrenOf(service.FindStream(consumer.StreamName), shard.ShardId) };
                    }

                    if (now >= heartbeatAt)
                    {
                        return new SubscribeToShardEvent { Records = [], ContinuationSequenceNumber = _index > 0 ? shard.Records[_index - 1].SequenceNumber : shard.StartingSequenceNumber, MillisBehindLatest = 0 };
                    }

                    changed = service._changed.Task;
                    wait = (heartbeatAt < endsAt ? heartbeatAt : endsAt) - now;
                }

                using var delayCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                var delay = Task.Delay(wait, service._time, delayCts.Token);
                await Task.WhenAny(changed, delay).ConfigureAwait(false);
                await delayCts.CancelAsync().ConfigureAwait(false);
            }
        }

        public ValueTask DisposeAsync()
        {
            lock (service._gate)
            {
                End();
            }

            return ValueTask.CompletedTask;
        }

        private void End()
        {
            if (!_ended)
            {
                _ended = true;
                service._openSubscriptions.Remove((consumer.Arn, shard.ShardId));
            }
        }
    }
}
