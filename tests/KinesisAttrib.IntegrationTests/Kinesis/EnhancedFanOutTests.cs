using System.Text;
using KinesisAttrib.IntegrationTests.TestSupport;
using KinesisAttrib.Kinesis;

namespace KinesisAttrib.IntegrationTests.Kinesis;

/// <summary>
/// Enhanced fan-out through <see cref="KinesisHttpClient"/> on kinesis-local: stream consumers registered, described
/// and deregistered; SubscribeToShard over h2c delivering every record once, in order, across re-subscriptions; a second
/// subscription refused. The last test pins what kinesis-local does at a split (see docs/design/kinesis-client.md).
/// </summary>
[Collection(EmulatorCollection.Name)]
public sealed class EnhancedFanOutTests(EmulatorFixture emulators) : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly KinesisHttpClient _client = emulators.CreateKinesisLocalClient();

    public void Dispose() => _client.Dispose();

    private async Task<(string StreamName, string StreamArn)> CreateStreamAsync(string prefix, int shards = 1)
    {
        var stream = EmulatorFixture.UniqueName(prefix);
        await EmulatorStreams.CreateActiveStreamAsync(_client, stream, shards);
        var arn = (await _client.DescribeStreamSummaryAsync(stream)).StreamArn;
        Assert.NotNull(arn);
        return (stream, arn);
    }

    private async Task<StreamConsumer> RegisterActiveConsumerAsync(string streamArn, string name) =>
        await WaitUntilActiveAsync(await _client.RegisterStreamConsumerAsync(streamArn, name));

    private async Task<StreamConsumer> WaitUntilActiveAsync(StreamConsumer registered)
    {
        StreamConsumer? active = null;
        await Poll.UntilAsync(
            async ct => (active = await _client.DescribeStreamConsumerAsync(new StreamConsumerRequest { ConsumerArn = registered.ConsumerArn }, ct)).ConsumerStatus == "ACTIVE",
            $"consumer {registered.ConsumerName} is ACTIVE",
            Patience);
        return active!;
    }

    private static string ShardId(int index) => $"shardId-{index:D12}";

    /// <summary>
    /// Subscribes and reads the first event. A shard holds one subscription per consumer, and kinesis-local releases a
    /// disposed one only at its next push (within a second): ResourceInUseException is retried at Kinesis's pace of one
    /// SubscribeToShard per second per shard and consumer, as the publisher does.
    /// </summary>
    private async Task<(IShardSubscription Subscription, SubscribeToShardEvent First)> SubscribeAsync(SubscribeToShardRequest request)
    {
        for (var attempt = 1; ; attempt++)
        {
            var subscription = await _client.SubscribeToShardAsync(request);
            try
            {
                using var timeout = new CancellationTokenSource(Patience);
                var first = await subscription.NextEventAsync(timeout.Token)
                    ?? throw new InvalidOperationException("The subscription ended before its first event.");
                return (subscription, first);
            }
            catch (KinesisException ex) when (ex.ErrorType == "ResourceInUseException" && attempt < 10)
            {
                await subscription.DisposeAsync();

                // Kinesis's rate limit for SubscribeToShard, not a wait for a condition.
                await Task.Delay(TimeSpan.FromSeconds(1));
            }
            catch
            {
                await subscription.DisposeAsync();
                throw;
            }
        }
    }

    [Fact]
    public async Task AConsumer_IsRegistered_TurnsActive_IsDescribedByNameAndByArn_AndIsDeregistered()
    {
        var (_, streamArn) = await CreateStreamAsync("efo-consumer");

        var registered = await _client.RegisterStreamConsumerAsync(streamArn, "billing");
        var active = await WaitUntilActiveAsync(registered);
        var byName = await _client.DescribeStreamConsumerAsync(new StreamConsumerRequest { StreamArn = streamArn, ConsumerName = "billing" });

        Assert.Equal("billing", registered.ConsumerName);
        Assert.Contains(registered.ConsumerStatus, new[] { "CREATING", "ACTIVE" });
        Assert.StartsWith($"{streamArn}/consumer/billing:", registered.ConsumerArn, StringComparison.Ordinal);
        Assert.Equal(active, byName);
        Assert.Equal(streamArn, byName.StreamArn);
        Assert.Equal(registered.ConsumerArn, byName.ConsumerArn);
        Assert.NotNull(byName.ConsumerCreationTimestamp);
        var again = await Assert.ThrowsAsync<KinesisException>(() => _client.RegisterStreamConsumerAsync(streamArn, "billing"));
        Assert.Equal("ResourceInUseException", again.ErrorType);

        await _client.DeregisterStreamConsumerAsync(new StreamConsumerRequest { ConsumerArn = registered.ConsumerArn });

        await Poll.UntilAsync(
            async ct =>
            {
                try
                {
                    await _client.DescribeStreamConsumerAsync(new StreamConsumerRequest { ConsumerArn = registered.ConsumerArn }, ct);
                    return false;
                }
                catch (ResourceNotFoundException)
                {
                    return true;
                }
            },
            "the deregistered consumer is gone",
            Patience);
    }

    [Fact]
    public async Task Subscriptions_DeliverEveryRecordOnceInOrder_AcrossAReSubscriptionAfterTheLastContinuation_AsGetRecordsSeesThem()
    {
        var (stream, streamArn) = await CreateStreamAsync("efo-read");
        var consumer = await RegisterActiveConsumerAsync(streamArn, "reader");
        await EmulatorStreams.PutNumberedAsync(_client, stream, 1, 30);
        var request = new SubscribeToShardRequest
        {
            ConsumerArn = consumer.ConsumerArn,
            ShardId = ShardId(0),
            StartingPositionType = ShardIteratorType.TrimHorizon,
            StreamName = stream,
        };

        // First subscription: read until at least one record arrived, then end it.
        var received = new List<KinesisRecord>();
        string? continuation;
        var (subscription, next) = await SubscribeAsync(request);
        await using (subscription)
        {
            while (true)
            {
                received.AddRange(next.Records);
                continuation = next.ContinuationSequenceNumber;
                if (received.Count > 0)
                {
                    break;
                }

                next = await subscription.NextEventAsync() ?? throw new InvalidOperationException("The first subscription ended early.");
            }
        }

        Assert.NotNull(continuation);
        Assert.Equal(received[^1].SequenceNumber, continuation);

        // More records while no subscription is open; the next one starts after the last continuation.
        await EmulatorStreams.PutNumberedAsync(_client, stream, 31, 30);
        (subscription, next) = await SubscribeAsync(request with { StartingPositionType = ShardIteratorType.AfterSequenceNumber, StartingSequenceNumber = continuation });
        await using (subscription)
        {
            while (true)
            {
                received.AddRange(next.Records);
                Assert.NotNull(next.ContinuationSequenceNumber);
                Assert.NotNull(next.MillisBehindLatest);
                if (received.Count >= 60)
                {
                    break;
                }

                next = await subscription.NextEventAsync() ?? throw new InvalidOperationException("The second subscription ended early.");
            }
        }

        Assert.Equal(Enumerable.Range(1, 60).Select(i => $"p{i}"), received.Select(r => Encoding.UTF8.GetString(r.Data.Span)));
        Assert.Equal(received.Count, received.Select(r => r.SequenceNumber).Distinct().Count());

        // The polling path on the same endpoint sees the same records with the same sequence numbers.
        var iterator = await _client.GetShardIteratorAsync(new GetShardIteratorRequest { StreamName = stream, ShardId = ShardId(0), IteratorType = ShardIteratorType.TrimHorizon });
        var polled = await _client.GetRecordsAsync(new GetRecordsRequest { ShardIterator = iterator, StreamName = stream });
        Assert.Equal(received.Select(r => r.SequenceNumber), polled.Records.Select(r => r.SequenceNumber));
    }

    [Fact]
    public async Task ASecondSubscription_OnTheSameShardAndConsumer_IsRefusedWithResourceInUse()
    {
        var (stream, streamArn) = await CreateStreamAsync("efo-in-use");
        var consumer = await RegisterActiveConsumerAsync(streamArn, "only-one");
        var request = new SubscribeToShardRequest
        {
            ConsumerArn = consumer.ConsumerArn,
            ShardId = ShardId(0),
            StartingPositionType = ShardIteratorType.Latest,
            StreamName = stream,
        };
        var (first, _) = await SubscribeAsync(request);
        await using (first)
        {
            // Real Kinesis refuses with HTTP 400; kinesis-local accepts the call and sends an exception frame at once.
            var refused = await Assert.ThrowsAsync<KinesisException>(async () =>
            {
                await using var second = await _client.SubscribeToShardAsync(request);
                using var timeout = new CancellationTokenSource(Patience);
                await second.NextEventAsync(timeout.Token);
            });

            Assert.Equal("ResourceInUseException", refused.ErrorType);
            Assert.False(refused.IsRetryable);
            Assert.Equal(stream, refused.StreamName);

            // The first subscription is unaffected.
            Assert.NotNull(await first.NextEventAsync());
        }
    }

    [Fact]
    public async Task KinesisLocal_KeepsASplitParentsSubscriptionOpen_WithEmptyEventsAndNoChildShards_WhileGetRecordsReportsTheEnd()
    {
        var (stream, streamArn) = await CreateStreamAsync("efo-split");
        var consumer = await RegisterActiveConsumerAsync(streamArn, "splitter");
        await EmulatorStreams.PutNumberedAsync(_client, stream, 1, 5);
        var (subscription, next) = await SubscribeAsync(new SubscribeToShardRequest
        {
            ConsumerArn = consumer.ConsumerArn,
            ShardId = ShardId(0),
            StartingPositionType = ShardIteratorType.TrimHorizon,
            StreamName = stream,
        });
        await using (subscription)
        {
            var received = new List<KinesisRecord>(next.Records);
            while (received.Count < 5)
            {
                next = await subscription.NextEventAsync() ?? throw new InvalidOperationException("The subscription ended early.");
                received.AddRange(next.Records);
            }

            var last = received[^1].SequenceNumber;
            await _client.SplitShardAsync(new SplitShardRequest { StreamName = stream, ShardToSplit = ShardId(0), NewStartingHashKey = "170141183460469231731687303715884105728" });
            await Poll.UntilAsync(
                async ct => (await _client.ListShardsAsync(new ListShardsRequest { StreamName = stream }, ct)).Shards.Single(s => s.ShardId == ShardId(0)).EndingSequenceNumber is not null,
                "the split parent is closed",
                Patience);

            // Two more pushes after the parent closed: no records, the last record as continuation (never null), no children.
            for (var i = 0; i < 2; i++)
            {
                var after = await subscription.NextEventAsync();
                Assert.NotNull(after);
                Assert.Empty(after.Records);
                Assert.Equal(last, after.ContinuationSequenceNumber);
                Assert.Null(after.ChildShards);
            }

            // GetRecords after the last record says the shard ended and names the children.
            var iterator = await _client.GetShardIteratorAsync(new GetShardIteratorRequest
            {
                StreamName = stream,
                ShardId = ShardId(0),
                IteratorType = ShardIteratorType.AfterSequenceNumber,
                StartingSequenceNumber = last,
            });
            var end = await _client.GetRecordsAsync(new GetRecordsRequest { ShardIterator = iterator, StreamName = stream });
            Assert.Empty(end.Records);
            Assert.Null(end.NextShardIterator);
            Assert.Equal([ShardId(1), ShardId(2)], end.ChildShards!.Select(c => c.ShardId).Order());
        }
    }
}
