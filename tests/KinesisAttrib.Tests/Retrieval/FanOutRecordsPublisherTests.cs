using System.Numerics;
using KinesisAttrib.Handlers;
using KinesisAttrib.Kinesis;
using KinesisAttrib.Retrieval;
using KinesisAttrib.Testing;
using KinesisAttrib.Tests.TestSupport;
using Microsoft.Extensions.Logging;

namespace KinesisAttrib.Tests.Retrieval;

/// <summary>
/// <see cref="FanOutRecordsPublisher"/> on the in-memory service: subscriptions renewed after their end without a gap
/// or a duplicate, a silent subscription restarted, a busy shard waited out, and the shard's end reached with and
/// without the last event.
/// </summary>
public sealed class FanOutRecordsPublisherTests
{
    private static readonly TimeSpan Soon = TimeSpan.FromSeconds(30);
    private const string Shard = "shardId-000000000000";

    private readonly InMemoryKinesisClient _kinesis = new() { SubscriptionHeartbeat = TimeSpan.FromMilliseconds(50) };

    private async Task<string> StreamWithConsumerAsync(int shards = 1)
    {
        await _kinesis.CreateStreamAsync("s", shards);
        var summary = await _kinesis.DescribeStreamSummaryAsync("s");
        return (await _kinesis.RegisterStreamConsumerAsync(summary.StreamArn!, "app")).ConsumerArn;
    }

    private FanOutRecordsPublisher Publisher(string consumerArn, IKinesisClient? kinesis = null, TimeSpan? silence = null, ILogger? logger = null, string shard = Shard) =>
        new(kinesis ?? _kinesis, consumerArn, "s", shard, ExtendedSequenceNumber.TrimHorizon, new RetrievalSettings { SubscriptionSilenceTimeout = silence ?? TimeSpan.FromSeconds(30), MaxRecords = 100, QuietBeforeClosedCheck = TimeSpan.FromMilliseconds(300) }, TimeProvider.System, logger: logger);

    private static async Task<List<KinesisClientRecord>> ReadAsync(IRecordsPublisher publisher, int count, Action<FetchResult>? onBatch = null)
    {
        var read = new List<KinesisClientRecord>();
        using var timeout = new CancellationTokenSource(Soon);
        while (read.Count < count)
        {
            var batch = await publisher.FetchAsync(timeout.Token);
            onBatch?.Invoke(batch);
            read.AddRange(batch.Records);
        }

        return read;
    }

    [Fact]
    public async Task SubscriptionsThatEnd_AreRenewedAfterTheLastContinuation_WithoutAGapOrADuplicate_AtMostOncePerSecond()
    {
        var consumer = await StreamWithConsumerAsync();
        _kinesis.SubscriptionLifetime = TimeSpan.FromMilliseconds(300);
        _kinesis.SubscriptionMaxRecordsPerEvent = 7;
        await using var publisher = Publisher(consumer);
        var put = await SchedulerArrangement.PutAsync(_kinesis, "s", 0, 50);

        // Read while more arrives, across at least three subscriptions.
        var read = await ReadAsync(publisher, 50);
        while (publisher.Subscriptions < 3)
        {
            put.AddRange(await SchedulerArrangement.PutAsync(_kinesis, "s", put.Count, 5));
            read.AddRange(await ReadAsync(publisher, 5));
        }

        read.AddRange(await ReadAsync(publisher, put.Count - read.Count));
        Assert.Equal(put, read.Select(r => r.SequenceNumber));

        // The service refuses a second call within a second; none was refused.
        Assert.Equal(publisher.Subscriptions, _kinesis.SubscribeToShardCallCount);
    }

    [Fact]
    public async Task ASilentSubscription_IsCancelled_TheBacklogIsReadWithGetRecords_AndASubscriptionResumesAfterIt()
    {
        var consumer = await StreamWithConsumerAsync();
        var put = await SchedulerArrangement.PutAsync(_kinesis, "s", 0, 10);
        var silent = new SilentFirstSubscriptionClient(_kinesis);
        var logs = new CapturingLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Debug));
        await using var publisher = Publisher(consumer, silent, TimeSpan.FromMilliseconds(300), factory.CreateLogger("test"));

        var read = await ReadAsync(publisher, 10);

        // Catching up ends with an empty read; what is put after it comes by a new subscription.
        while ((await publisher.FetchAsync(CancellationToken.None).WaitAsync(Soon)).Records.Count > 0)
        {
        }

        var more = await SchedulerArrangement.PutAsync(_kinesis, "s", 10, 5);
        read.AddRange(await ReadAsync(publisher, 5));

        // The backlog came by GetRecords after the silence; what came after it, by a new subscription.
        Assert.Equal(put.Concat(more), read.Select(r => r.SequenceNumber));
        Assert.True(_kinesis.GetRecordsCallCount >= 2, $"{_kinesis.GetRecordsCallCount} GetRecords calls");
        Assert.Equal(2, publisher.Subscriptions);
        Assert.Contains(logs.Entries, e => e.Event.Id == 304 && e.Message.Contains("s/shardId-000000000000", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WhileAnotherSubscriptionHoldsTheShard_ItBacksOff_LogsOnce_AndSubscribesWhenItIsFree()
    {
        var consumer = await StreamWithConsumerAsync();
        var put = await SchedulerArrangement.PutAsync(_kinesis, "s", 0, 10);
        var previousOwner = await _kinesis.SubscribeToShardAsync(new SubscribeToShardRequest { ConsumerArn = consumer, ShardId = Shard, StartingPositionType = ShardIteratorType.Latest });
        var logs = new CapturingLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Debug));
        await using var publisher = Publisher(consumer, logger: factory.CreateLogger("test"));

        var reading = ReadAsync(publisher, 10);
        await Eventually.WaitUntilAsync(() => Task.FromResult(_kinesis.SubscribeToShardCallCount >= 3), Soon, "the publisher tried and was refused");
        Assert.False(reading.IsCompleted);
        await previousOwner.DisposeAsync();
        var read = await reading;

        Assert.Equal(put, read.Select(r => r.SequenceNumber));
        Assert.Single(logs.Entries, e => e.Event.Id == 501 && e.Message.Contains("SubscribeToShard", StringComparison.Ordinal));
        Assert.Contains(logs.Entries, e => e.Event.Id == 503);
    }

    [Fact]
    public async Task AClosedShard_EndsWithTheLastEvent_NamingTheChildren()
    {
        var consumer = await StreamWithConsumerAsync();
        var put = await SchedulerArrangement.PutAsync(_kinesis, "s", 0, 20);
        var (left, right) = _kinesis.SplitShard("s", Shard, BigInteger.Pow(2, 127));
        await using var publisher = Publisher(consumer);

        FetchResult? last = null;
        var read = await ReadAsync(publisher, 20, b => last = b);
        while (!last!.IsShardEnd)
        {
            last = await publisher.FetchAsync(CancellationToken.None).WaitAsync(Soon);
            Assert.Empty(last.Records);
        }

        Assert.Equal(put, read.Select(r => r.SequenceNumber));
        Assert.Equal([left, right], last.ChildShards!.Select(c => c.ShardId).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task AServerThatEndsAClosedShardsSubscriptionWithoutTheLastEvent_StillReachesTheShardsEnd_ByGetRecords()
    {
        var consumer = await StreamWithConsumerAsync();
        var put = await SchedulerArrangement.PutAsync(_kinesis, "s", 0, 35);
        _kinesis.SplitShard("s", Shard, BigInteger.Pow(2, 127));
        _kinesis.SubscriptionMaxRecordsPerEvent = 10;
        var abrupt = new OneEventPerSubscriptionClient(_kinesis);
        var logs = new CapturingLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(logs));
        await using var publisher = Publisher(consumer, abrupt, logger: factory.CreateLogger("test"));

        var batches = new List<FetchResult>();
        var read = await ReadAsync(publisher, 35, batches.Add);
        while (!batches[^1].IsShardEnd)
        {
            batches.Add(await publisher.FetchAsync(CancellationToken.None).WaitAsync(Soon));
        }

        // One subscription with one event of 10; ListShards shows the shard closed; GetRecords reads the other 25.
        Assert.Equal(put, batches.SelectMany(b => b.Records).Select(r => r.SequenceNumber));
        Assert.Equal(put, read.Select(r => r.SequenceNumber));
        Assert.Equal(1, publisher.Subscriptions);
        Assert.Contains(logs.Entries, e => e.Event.Id == 305);
    }

    [Fact]
    public async Task AServerThatKeepsAClosedShardsSubscriptionOpenWithEmptyEvents_StillReachesTheShardsEnd_AfterAQuietSpell()
    {
        var consumer = await StreamWithConsumerAsync();
        var put = await SchedulerArrangement.PutAsync(_kinesis, "s", 0, 12);
        var (left, right) = _kinesis.SplitShard("s", Shard, BigInteger.Pow(2, 127));
        var endless = new NeverEndingClient(_kinesis);
        await using var publisher = Publisher(consumer, endless);

        var batches = new List<FetchResult>();
        var read = await ReadAsync(publisher, 12, batches.Add);
        while (!batches[^1].IsShardEnd)
        {
            batches.Add(await publisher.FetchAsync(CancellationToken.None).WaitAsync(Soon));
        }

        Assert.Equal(put, read.Select(r => r.SequenceNumber));
        Assert.Equal(put, batches.SelectMany(b => b.Records).Select(r => r.SequenceNumber));
        Assert.Equal([left, right], batches[^1].ChildShards!.Select(c => c.ShardId).Order(StringComparer.Ordinal));
        Assert.Equal(1, publisher.Subscriptions);
    }

    [Fact]
    public async Task ARewind_ClosesTheSubscription_AndTheNextOneStartsJustAfterThePosition()
    {
        var consumer = await StreamWithConsumerAsync();
        var put = await SchedulerArrangement.PutAsync(_kinesis, "s", 0, 20);
        await using var publisher = Publisher(consumer);
        var read = await ReadAsync(publisher, 20);

        publisher.ResetTo(read[4].Position);
        var again = await ReadAsync(publisher, 15);

        Assert.Equal(put.Skip(5), again.Select(r => r.SequenceNumber));
        Assert.Equal(2, publisher.Subscriptions);
    }

    [Fact]
    public async Task AnErrorMidStream_ClosesTheSubscription_AndTheNextCallResumesAfterTheLastBatchDelivered()
    {
        var consumer = await StreamWithConsumerAsync();
        var put = await SchedulerArrangement.PutAsync(_kinesis, "s", 0, 30);
        _kinesis.SubscriptionMaxRecordsPerEvent = 10;
        var faulty = new FaultyKinesisClient(_kinesis) { LoseResponseEvery = 2 };
        await using var publisher = Publisher(consumer, faulty);

        var read = new List<KinesisClientRecord>();
        var errors = 0;
        while (read.Count < 30)
        {
            try
            {
                read.AddRange((await publisher.FetchAsync(CancellationToken.None).WaitAsync(Soon)).Records);
            }
            catch (KinesisException ex) when (ex.IsRetryable)
            {
                errors++;
            }
        }

        Assert.True(errors >= 2, $"{errors} errors");
        Assert.Equal(put, read.Select(r => r.SequenceNumber));
    }

    /// <summary>The first subscription never sends anything (a stalled connection); later ones pass through.</summary>
    private sealed class SilentFirstSubscriptionClient(IKinesisClient inner) : ForwardingKinesisClient(inner)
    {
        private int _subscriptions;

        public override async Task<IShardSubscription> SubscribeToShardAsync(SubscribeToShardRequest request, CancellationToken cancellationToken = default)
        {
            var subscription = await Inner.SubscribeToShardAsync(request, cancellationToken);
            return Interlocked.Increment(ref _subscriptions) == 1 ? new Silent(subscription) : subscription;
        }

        private sealed class Silent(IShardSubscription inner) : IShardSubscription
        {
            public async ValueTask<SubscribeToShardEvent?> NextEventAsync(CancellationToken cancellationToken = default)
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
                return null;
            }

            public ValueTask DisposeAsync() => inner.DisposeAsync();
        }
    }

    /// <summary>Ends every subscription after its first event, and drops a closed shard's last event (as some emulators do).</summary>
    private sealed class OneEventPerSubscriptionClient(IKinesisClient inner) : ForwardingKinesisClient(inner)
    {
        public override async Task<IShardSubscription> SubscribeToShardAsync(SubscribeToShardRequest request, CancellationToken cancellationToken = default) =>
            new OneEvent(await Inner.SubscribeToShardAsync(request, cancellationToken));

        private sealed class OneEvent(IShardSubscription inner) : IShardSubscription
        {
            private bool _sent;

            public async ValueTask<SubscribeToShardEvent?> NextEventAsync(CancellationToken cancellationToken = default)
            {
                if (_sent)
                {
                    return null;
                }

                _sent = true;
                var next = await inner.NextEventAsync(cancellationToken);
                return next is { ContinuationSequenceNumber: null } ? null : next;
            }

            public ValueTask DisposeAsync() => inner.DisposeAsync();
        }
    }

    /// <summary>Never sends a closed shard's last event: empty events with the same continuation instead, forever (as kinesis-local does).</summary>
    private sealed class NeverEndingClient(IKinesisClient inner) : ForwardingKinesisClient(inner)
    {
        public override async Task<IShardSubscription> SubscribeToShardAsync(SubscribeToShardRequest request, CancellationToken cancellationToken = default) =>
            new Endless(await Inner.SubscribeToShardAsync(request, cancellationToken));

        private sealed class Endless(IShardSubscription inner) : IShardSubscription
        {
            private string? _continuation;
            private bool _ended;

            public async ValueTask<SubscribeToShardEvent?> NextEventAsync(CancellationToken cancellationToken = default)
            {
                if (!_ended)
                {
                    var next = await inner.NextEventAsync(cancellationToken);
                    if (next is { ContinuationSequenceNumber: { } continuation })
                    {
                        _continuation = continuation;
                        return next;
                    }

                    _ended = true;
                }

                await Task.Delay(50, cancellationToken);
                return new SubscribeToShardEvent { Records = [], ContinuationSequenceNumber = _continuation, MillisBehindLatest = 0 };
            }

            public ValueTask DisposeAsync() => inner.DisposeAsync();
        }
    }
}
