using System.Net;
using System.Text;
using System.Text.Json;
using KinesisAttrib.Kinesis;
using KinesisAttrib.Tests.TestSupport;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;
using static KinesisAttrib.Tests.TestSupport.EventStreamFrames;

namespace KinesisAttrib.Tests.Kinesis;

/// <summary>
/// SubscribeToShard through <see cref="KinesisHttpClient"/> against a real HTTP/2 server (Kestrel, h2c) that writes
/// event-stream frames built in the test: how the request travels, how events, the end, errors and damage come back,
/// and what the client does not do (buffer ahead of its reader, open a connection per shard, let a cancelled
/// subscription linger).
/// </summary>
public sealed class KinesisSubscribeToShardTests : IAsyncLifetime
{
    private const string ConsumerArn = "arn:aws:kinesis:eu-west-1:123456789012:stream/orders/consumer/billing:1700000000";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private FakeSubscribeToShardServer _server = null!;
    private KinesisHttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _server = await FakeSubscribeToShardServer.StartAsync();
        _client = _server.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }

    private static SubscribeToShardRequest Request(
        ShardIteratorType type = ShardIteratorType.TrimHorizon, string? sequenceNumber = null, DateTimeOffset? timestamp = null) => new()
        {
            ConsumerArn = ConsumerArn,
            ShardId = "shardId-000000000001",
            StartingPositionType = type,
            StartingSequenceNumber = sequenceNumber,
            Timestamp = timestamp,
        };

    private static async Task<List<SubscribeToShardEvent>> ReadToEndAsync(IShardSubscription subscription)
    {
        var events = new List<SubscribeToShardEvent>();
        while (await subscription.NextEventAsync() is { } next)
        {
            events.Add(next);
        }

        return events;
    }

    private static IEnumerable<string> Sequences(IEnumerable<SubscribeToShardEvent> events) => events.SelectMany(e => e.Records).Select(r => r.SequenceNumber);

    [Fact]
    public async Task TheRequest_IsAnHttp2PostSignedForKinesis_WithTheTargetAndTheBody()
    {
        _server.RespondFrames(RecordsEvent([1], "1"));

        await using (var subscription = await _client.SubscribeToShardAsync(Request()))
        {
            Assert.NotNull(await subscription.NextEventAsync());
        }

        var request = Assert.Single(_server.Requests);
        Assert.Equal("HTTP/2", request.Protocol);
        Assert.Equal("Kinesis_20131202.SubscribeToShard", request.Header("X-Amz-Target"));
        Assert.Equal("application/x-amz-json-1.1", request.Header("Content-Type"));
        var date = request.Header("X-Amz-Date")[..8];
        Assert.StartsWith($"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/{date}/eu-west-1/kinesis/aws4_request, SignedHeaders=", request.Header("Authorization"), StringComparison.Ordinal);
        Assert.Contains("x-amz-target", request.Header("Authorization"), StringComparison.Ordinal);
        Assert.Equal(
            $$$"""{"ConsumerARN":"{{{ConsumerArn}}}","ShardId":"shardId-000000000001","StartingPosition":{"Type":"TRIM_HORIZON"}}""",
            request.Body);
    }

    public static TheoryData<ShardIteratorType, string?, long?, string> Positions => new()
    {
        { ShardIteratorType.Latest, null, null, """{"Type":"LATEST"}""" },
        { ShardIteratorType.AfterSequenceNumber, "49590338271490256608559692538361571095921575989136588898", null, """{"Type":"AFTER_SEQUENCE_NUMBER","SequenceNumber":"49590338271490256608559692538361571095921575989136588898"}""" },
        { ShardIteratorType.AtSequenceNumber, "4959", null, """{"Type":"AT_SEQUENCE_NUMBER","SequenceNumber":"4959"}""" },
        { ShardIteratorType.AtTimestamp, null, 1_700_000_000_250, """{"Type":"AT_TIMESTAMP","Timestamp":1700000000.25}""" },
    };

    [Theory]
    [MemberData(nameof(Positions))]
    public async Task TheStartingPosition_IsSentAsTheServiceSpellsIt(ShardIteratorType type, string? sequenceNumber, long? timestampMs, string expected)
    {
        _server.RespondFrames();
        var timestamp = timestampMs is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : (DateTimeOffset?)null;

        await using (var subscription = await _client.SubscribeToShardAsync(Request(type, sequenceNumber, timestamp)))
        {
            Assert.Null(await subscription.NextEventAsync());
        }

        using var body = JsonDocument.Parse(Assert.Single(_server.Requests).Body);
        Assert.Equal(expected, body.RootElement.GetProperty("StartingPosition").GetRawText());
    }

    [Fact]
    public async Task AStartingPositionMissingItsSequenceNumberOrTimestamp_IsRefusedBeforeSending()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => _client.SubscribeToShardAsync(Request(ShardIteratorType.AfterSequenceNumber)));
        await Assert.ThrowsAsync<ArgumentException>(() => _client.SubscribeToShardAsync(Request(ShardIteratorType.AtTimestamp)));
        await Assert.ThrowsAsync<ArgumentException>(() => _client.SubscribeToShardAsync(Request(ShardIteratorType.Latest, sequenceNumber: "1")));

        Assert.Empty(_server.Requests);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Events_ArriveInOrder_WithOrWithoutAnInitialResponse_AndTheCleanEndIsNull(bool initialResponse)
    {
        byte[][] events = [RecordsEvent([1, 2], "2", millisBehindLatest: 1500), RecordsEvent([], "2"), RecordsEvent([3], "3", millisBehindLatest: 0)];
        _server.RespondFrames(initialResponse ? [InitialResponse(), .. events] : events);

        await using var subscription = await _client.SubscribeToShardAsync(Request());
        var received = await ReadToEndAsync(subscription);

        Assert.Equal(3, received.Count);
        Assert.Equal(["1", "2", "3"], Sequences(received));
        Assert.Equal("data-2", Encoding.UTF8.GetString(received[0].Records[1].Data.Span));
        Assert.Equal(["2", "2", "3"], received.Select(e => e.ContinuationSequenceNumber));
        Assert.Equal([1500L, 0L, 0L], received.Select(e => e.MillisBehindLatest));
        Assert.Null(await subscription.NextEventAsync());
    }

    [Fact]
    public async Task AShortSubscriptionsEnd_IsNull_AndTheNextOneContinuesAfterTheLastContinuation_WithoutAGapOrADuplicate()
    {
        // Kinesis ends every subscription after five minutes; this server ends each one after two events.
        _server.RespondFrames(RecordsEvent([1, 2], "2"), RecordsEvent([3], "3"))
            .RespondFrames(RecordsEvent([4], "4"), RecordsEvent([5, 6], "6"))
            .RespondFrames(RecordsEvent([], null));

        var received = new List<SubscribeToShardEvent>();
        string? continuation = null;
        for (var subscriptions = 0; subscriptions < 3; subscriptions++)
        {
            var request = continuation is null ? Request() : Request(ShardIteratorType.AfterSequenceNumber, continuation);
            await using var subscription = await _client.SubscribeToShardAsync(request);
            var events = await ReadToEndAsync(subscription);
            received.AddRange(events);
            continuation = events[^1].ContinuationSequenceNumber;
        }

        Assert.Equal(["1", "2", "3", "4", "5", "6"], Sequences(received));
        Assert.Null(continuation);
        var positions = _server.Requests.Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("StartingPosition").GetRawText()).ToList();
        Assert.Equal(
            ["""{"Type":"TRIM_HORIZON"}""", """{"Type":"AFTER_SEQUENCE_NUMBER","SequenceNumber":"3"}""", """{"Type":"AFTER_SEQUENCE_NUMBER","SequenceNumber":"6"}"""],
            positions);
    }

    [Fact]
    public async Task ARefusalWithHttp400_IsTheTypedError_AndIsNotRetried()
    {
        _server.RespondError(HttpStatusCode.BadRequest, "ResourceInUseException", "Another active subscription exists");

        var error = await Assert.ThrowsAsync<KinesisException>(() => _client.SubscribeToShardAsync(Request()));

        Assert.Equal("ResourceInUseException", error.ErrorType);
        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
        Assert.Equal("req-refused", error.RequestId);
        Assert.Equal("SubscribeToShard", error.Operation);
        Assert.Equal("orders", error.StreamName);
        Assert.Contains("Another active subscription exists", error.Message, StringComparison.Ordinal);
        Assert.False(error.IsRetryable);
        Assert.Single(_server.Requests);
    }

    [Fact]
    public async Task AnUnknownConsumerRefusedWithHttp400_IsResourceNotFound()
    {
        _server.RespondError(HttpStatusCode.BadRequest, "ResourceNotFoundException", "Consumer not found");

        await Assert.ThrowsAsync<ResourceNotFoundException>(() => _client.SubscribeToShardAsync(Request()));
    }

    [Fact]
    public async Task AnExceptionFrameMidStream_ThrowsItsTypedError_AfterTheEventsBeforeIt()
    {
        _server.RespondFrames(RecordsEvent([1], "1"), ExceptionFrame("ResourceInUseException", "Another active subscription exists"));

        await using var subscription = await _client.SubscribeToShardAsync(Request());
        var first = await subscription.NextEventAsync();
        var error = await Assert.ThrowsAsync<KinesisException>(async () => await subscription.NextEventAsync());

        Assert.Equal(["1"], Sequences([first!]));
        Assert.Equal("ResourceInUseException", error.ErrorType);
        Assert.Equal("orders", error.StreamName);
        Assert.False(error.IsRetryable);
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await subscription.NextEventAsync());
    }

    public static TheoryData<string, byte[]> DamagedStreams
    {
        get
        {
            var wrongCrc = RecordsEvent([2], "2");
            wrongCrc[^1] ^= 0x01;
            var unknown = Frame(
                [StringHeader(":message-type", "event"), StringHeader(":event-type", "SubscribeToShardEventV2")], Encoding.UTF8.GetBytes("{}"));
            return new()
            {
                { "message's CRC-32 does not match", wrongCrc },
                { "the body ended inside a frame", RecordsEvent([2], "2")[..40] },
                { "unknown frame (message type 'event', event type 'SubscribeToShardEventV2')", unknown },
            };
        }
    }

    [Theory]
    [MemberData(nameof(DamagedStreams))]
    public async Task ADamagedStream_IsATypedRetryableError_NamingTheProblem_AfterTheIntactEvents(string problem, byte[] damaged)
    {
        _server.RespondFrames(RecordsEvent([1], "1"), damaged);

        await using var subscription = await _client.SubscribeToShardAsync(Request());
        var first = await subscription.NextEventAsync();
        var error = await Assert.ThrowsAsync<KinesisException>(async () => await subscription.NextEventAsync());

        Assert.Equal("1", first!.ContinuationSequenceNumber);
        Assert.Equal(EventStreamReader.MalformedEventStream, error.ErrorType);
        Assert.True(error.IsRetryable);
        Assert.Equal("SubscribeToShard", error.Operation);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AStreamResetByTheServer_IsARetryableTransportFailure()
    {
        var firstRead = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _server.Respond(async context =>
        {
            await FakeSubscribeToShardServer.StartEventStreamAsync(context);
            await context.Response.Body.WriteAsync(RecordsEvent([1], "1"));
            await context.Response.Body.FlushAsync();
            await firstRead.Task;
            context.Abort();
        });

        await using var subscription = await _client.SubscribeToShardAsync(Request());
        var first = await subscription.NextEventAsync();
        firstRead.SetResult();
        var error = await Assert.ThrowsAsync<KinesisException>(async () => await subscription.NextEventAsync());

        Assert.Equal("1", first!.ContinuationSequenceNumber);
        Assert.Equal("TransportFailure", error.ErrorType);
        Assert.True(error.IsRetryable);
        Assert.Contains("shardId-000000000001", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CancellingAReadThatWaitsForAFrame_EndsItPromptly_AndResetsTheStream()
    {
        var aborted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _server.Respond(async context =>
        {
            context.RequestAborted.Register(() => aborted.TrySetResult());
            await FakeSubscribeToShardServer.StartEventStreamAsync(context);
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        });

        await using var subscription = await _client.SubscribeToShardAsync(Request());
        using var cancel = new CancellationTokenSource();
        var read = subscription.NextEventAsync(cancel.Token).AsTask();
        Assert.False(read.IsCompleted);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => read.WaitAsync(Patience));
        await aborted.Task.WaitAsync(Patience);
    }

    [Fact]
    public async Task DisposingAnOpenSubscription_ResetsItsStream_SoTheServerStopsPushing()
    {
        var aborted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _server.Respond(async context =>
        {
            context.RequestAborted.Register(() => aborted.TrySetResult());
            await FakeSubscribeToShardServer.StartEventStreamAsync(context);
            await context.Response.Body.WriteAsync(RecordsEvent([1], "1"));
            await context.Response.Body.FlushAsync();
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        });

        var subscription = await _client.SubscribeToShardAsync(Request());
        Assert.NotNull(await subscription.NextEventAsync());
        await subscription.DisposeAsync();

        await aborted.Task.WaitAsync(Patience);
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await subscription.NextEventAsync());
    }

    [Fact]
    public async Task AReaderThatDoesNotRead_HoldsTheServerBack_ByFlowControl_AndThenGetsEverything()
    {
        const int Frames = 400;
        const int FrameBytes = 16 * 1024;
        var written = 0;
        var finished = false;
        _server.Respond(async context =>
        {
            await FakeSubscribeToShardServer.StartEventStreamAsync(context);
            for (var i = 1; i <= Frames; i++)
            {
                await context.Response.Body.WriteAsync(RecordsEvent([i], i.ToString(System.Globalization.CultureInfo.InvariantCulture), padding: new string('x', FrameBytes)), context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
                Volatile.Write(ref written, i);
            }

            Volatile.Write(ref finished, true);
        });

        await using var subscription = await _client.SubscribeToShardAsync(Request());

        // Nothing reads now. The writer must come to a standstill well short of the end: wait until it has not moved
        // for a while (or finished, which would be the failure).
        var stalled = await WaitUntilStalledAsync(() => Volatile.Read(ref written), () => Volatile.Read(ref finished));
        Assert.False(Volatile.Read(ref finished), "The server wrote every frame although nothing read them: the client buffers without bound.");
        Assert.InRange(stalled * FrameBytes, 1, 2 * 1024 * 1024);

        var received = await ReadToEndAsync(subscription);
        Assert.Equal(Enumerable.Range(1, Frames).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), Sequences(received));
        Assert.True(Volatile.Read(ref finished));
    }

    private static async Task<int> WaitUntilStalledAsync(Func<int> progress, Func<bool> done)
    {
        using var timeout = new CancellationTokenSource(Patience);
        var last = -1;
        var unchangedPolls = 0;

        // A standstill is progress unchanged over 20 polls of 25 ms; a writer without flow control finishes 6 MiB on
        // loopback long before that.
        while (unchangedPolls < 20 && !done())
        {
            await Task.Delay(25, timeout.Token);
            var now = progress();
            unchangedPolls = now == last && now > 0 ? unchangedPolls + 1 : 0;
            last = now;
        }

        return last;
    }

    [Fact]
    public async Task TwoShardsSubscriptions_ShareOneHttp2Connection()
    {
        _server.Respond(async context =>
        {
            await FakeSubscribeToShardServer.StartEventStreamAsync(context);
            await context.Response.Body.WriteAsync(RecordsEvent([1], "1"));
            await context.Response.Body.FlushAsync();
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        });

        await using var first = await _client.SubscribeToShardAsync(Request());
        await using var second = await _client.SubscribeToShardAsync(Request() with { ShardId = "shardId-000000000002" });
        Assert.NotNull(await first.NextEventAsync());
        Assert.NotNull(await second.NextEventAsync());

        var requests = _server.Requests;
        Assert.Equal(2, requests.Count);
        Assert.Equal(requests[0].ConnectionId, requests[1].ConnectionId);
    }

    [Fact]
    public async Task FourSubscriptionsOnOneConnection_EachSentEventsLargerThanTheStreamWindow_AllReceiveThem()
    {
        // 1.5 MiB of data per event (2 MiB of base64): above the 1 MiB stream window, and 16 MiB over the connection.
        var padding = new string('x', 1536 * 1024);
        _server.Respond(async context =>
        {
            await FakeSubscribeToShardServer.StartEventStreamAsync(context);
            await context.Response.Body.WriteAsync(RecordsEvent([1], "1", padding: padding));
            await context.Response.Body.WriteAsync(RecordsEvent([2], "2", padding: padding));
        });

        var subscriptions = await Task.WhenAll(Enumerable.Range(1, 4).Select(s => _client.SubscribeToShardAsync(Request() with { ShardId = $"shardId-{s:D12}" })));
        var received = await Task.WhenAll(subscriptions.Select(async subscription =>
        {
            await using (subscription)
            {
                using var timeout = new CancellationTokenSource(Patience);
                var events = 0;
                while (await subscription.NextEventAsync(timeout.Token) is { } next)
                {
                    Assert.True(next.Records[0].Data.Length > 1536 * 1024);
                    events++;
                }

                return events;
            }
        }));

        Assert.Equal([2, 2, 2, 2], received);
        Assert.Single(_server.Requests.Select(r => r.ConnectionId).Distinct());
    }

    [Fact]
    public async Task BeyondTheServersStreamLimit_ASubscriptionOpensAnotherConnection_InsteadOfWaitingForAFreeStream()
    {
        await using var server = await FakeSubscribeToShardServer.StartAsync(maxStreamsPerConnection: 1);
        using var client = server.CreateClient(timeout: Patience);
        server.Respond(async context =>
        {
            await FakeSubscribeToShardServer.StartEventStreamAsync(context);
            await context.Response.Body.WriteAsync(RecordsEvent([1], "1"));
            await context.Response.Body.FlushAsync();
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        });

        // Without EnableMultipleHttp2Connections the second would wait for the first stream to end, which it never does.
        await using var first = await client.SubscribeToShardAsync(Request());
        await using var second = await client.SubscribeToShardAsync(Request() with { ShardId = "shardId-000000000002" });
        Assert.NotNull(await first.NextEventAsync());
        Assert.NotNull(await second.NextEventAsync());

        var requests = server.Requests;
        Assert.Equal(2, requests.Count);
        Assert.NotEqual(requests[0].ConnectionId, requests[1].ConnectionId);
    }

    [Fact]
    public async Task TheRequestTimeout_BoundsTheWaitForTheHeaders_NotTheLifeOfTheSubscription()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var client = _server.CreateClient(timeout: TimeSpan.FromSeconds(5), time: time);
        var headersSent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var sendEvent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var requestArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _server.Respond(async context =>
        {
            await FakeSubscribeToShardServer.StartEventStreamAsync(context);
            headersSent.TrySetResult();
            await sendEvent.Task.WaitAsync(context.RequestAborted);
            await context.Response.Body.WriteAsync(RecordsEvent([1], "1"));
        }).Respond(async context =>
        {
            requestArrived.TrySetResult();
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        });

        // Open: the headers came within the timeout; then far more than the timeout passes before the first event.
        await using (var subscription = await client.SubscribeToShardAsync(Request()))
        {
            await headersSent.Task;
            time.Advance(TimeSpan.FromMinutes(4));
            sendEvent.SetResult();
            Assert.Equal("1", (await subscription.NextEventAsync())!.ContinuationSequenceNumber);
        }

        // Headers that never come: the timeout ends the call as a retryable failure.
        var opening = client.SubscribeToShardAsync(Request());
        await requestArrived.Task.WaitAsync(Patience);
        time.Advance(TimeSpan.FromSeconds(6));
        var error = await Assert.ThrowsAsync<KinesisException>(() => opening.WaitAsync(Patience));
        Assert.Equal("RequestTimeout", error.ErrorType);
        Assert.True(error.IsRetryable);
    }

    [Fact]
    public async Task ASuccessThatIsNotAnEventStream_IsAMalformedResponse()
    {
        _server.Respond(async context =>
        {
            context.Response.ContentType = "application/x-amz-json-1.1";
            await context.Response.WriteAsync("{}");
        });

        var error = await Assert.ThrowsAsync<KinesisException>(() => _client.SubscribeToShardAsync(Request()));

        Assert.Equal("MalformedResponse", error.ErrorType);
        Assert.Contains("instead of an event stream", error.Message, StringComparison.Ordinal);
    }
}
