using KinesisAttrib.Kinesis;

namespace KinesisAttrib.Tests.TestSupport;

/// <summary>
/// Wraps a Kinesis client and makes some reads fail the way the service does: GetRecords calls, and with fan-out the
/// events of subscriptions (an ended subscription stands for an expired iterator, a refused SubscribeToShard for
/// throttling, an event lost in transport for a lost response).
/// </summary>
internal sealed class FaultyKinesisClient(IKinesisClient inner) : ForwardingKinesisClient(inner)
{
    private int _calls;
    private int _events;
    private int _subscribes;

    /// <summary>Every n-th GetRecords call fails with an expired iterator; every n-th event ends its subscription instead (0: never).</summary>
    public int ExpireEvery { get; init; }

    /// <summary>Every n-th GetRecords call is throttled; every n-th SubscribeToShard is refused (0: never).</summary>
    public int ThrottleEvery { get; init; }

    /// <summary>Every n-th GetRecords call, or event, fails in transport after the service answered (0: never).</summary>
    public int LoseResponseEvery { get; init; }

    public override async Task<IShardSubscription> SubscribeToShardAsync(SubscribeToShardRequest request, CancellationToken cancellationToken = default)
    {
        var call = Interlocked.Increment(ref _subscribes);
        if (ThrottleEvery > 0 && call % ThrottleEvery == 0)
        {
            Faults++;
            throw new KinesisException("LimitExceededException", "SubscribeToShard: Rate exceeded for consumer and shard (injected).");
        }

        return new FaultySubscription(this, await Inner.SubscribeToShardAsync(request, cancellationToken));
    }

    public int Faults { get; private set; }

    public override async Task<GetRecordsResponse> GetRecordsAsync(GetRecordsRequest request, CancellationToken cancellationToken = default)
    {
        var call = Interlocked.Increment(ref _calls);
        if (ExpireEvery > 0 && call % ExpireEvery == 0)
        {
            Faults++;
            throw new ExpiredIteratorException("GetRecords: Iterator expired (injected).");
        }

        if (ThrottleEvery > 0 && call % ThrottleEvery == 0)
        {
            Faults++;
            throw new ProvisionedThroughputExceededException("GetRecords: Rate exceeded for shard (injected).");
        }

        var response = await Inner.GetRecordsAsync(request, cancellationToken);
        if (LoseResponseEvery > 0 && call % LoseResponseEvery == 0)
        {
            // The service served the read but the answer never arrived: the same iterator must be usable again.
            Faults++;
            throw new KinesisException("Transport", "GetRecords: connection reset (injected).");
        }

        return response;
    }

    private sealed class FaultySubscription(FaultyKinesisClient client, IShardSubscription inner) : IShardSubscription
    {
        public async ValueTask<SubscribeToShardEvent?> NextEventAsync(CancellationToken cancellationToken = default)
        {
            var call = Interlocked.Increment(ref client._events);
            if (client.ExpireEvery > 0 && call % client.ExpireEvery == 0)
            {
                client.Faults++;
                return null;
            }

            var next = await inner.NextEventAsync(cancellationToken);
            if (client.LoseResponseEvery > 0 && call % client.LoseResponseEvery == 0)
            {
                client.Faults++;
                throw new KinesisException("Transport", "SubscribeToShard: connection reset mid-stream (injected).");
            }

            return next;
        }

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
