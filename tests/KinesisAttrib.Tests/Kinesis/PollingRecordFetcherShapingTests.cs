using KinesisAttrib.Handlers;
using KinesisAttrib.Kinesis;
using KinesisAttrib.Retrieval;
using KinesisAttrib.Testing;
using KinesisAttrib.Tests.TestSupport;
using Microsoft.Extensions.Time.Testing;

namespace KinesisAttrib.Tests.Kinesis;

/// <summary>
/// Throughput shaping of <see cref="PollingRecordFetcher"/> on a fake clock: at most 5 GetRecords calls/s per shard,
/// a pause paid for by the bytes read (5 s after 10 MiB), and a growing back-off after throttling.
/// (Kept with the Kinesis client tests: shaping is about the service's limits.)
/// </summary>
public sealed class PollingRecordFetcherShapingTests
{
    private static readonly TimeSpan Soon = TimeSpan.FromSeconds(5);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly InMemoryKinesisClient _kinesis = new();

    private async Task<List<string>> SeedAsync(int records, int bytesEach = 10)
    {
        await _kinesis.CreateStreamAsync("s", 1);
        var sequences = new List<string>();
        for (var i = 0; i < records; i++)
        {
            var data = new byte[bytesEach];
            data[0] = (byte)i;
            var put = await _kinesis.PutRecordAsync(new PutRecordRequest { StreamName = "s", Data = data, PartitionKey = "k" });
            sequences.Add(put.SequenceNumber);
        }

        return sequences;
    }

    private PollingRecordFetcher Fetcher(IKinesisClient? kinesis = null, int maxRecords = 1) =>
        new(kinesis ?? _kinesis, "s", "shardId-000000000000", maxRecords, ExtendedSequenceNumber.TrimHorizon, _time);

    [Fact]
    public async Task CallsOnOneShard_StartAtLeast200MsApart_SoAtMostFivePerSecond()
    {
        var sequences = await SeedAsync(20);
        var fetcher = Fetcher();

        var first = await fetcher.FetchAsync(CancellationToken.None).WaitAsync(Soon);
        var second = fetcher.FetchAsync(CancellationToken.None);
        _time.Advance(TimeSpan.FromMilliseconds(199));
        Assert.False(second.IsCompleted);
        Assert.Equal(1, _kinesis.GetRecordsCallCount);

        _time.Advance(TimeSpan.FromMilliseconds(1));
        var secondResult = await second.WaitAsync(Soon);

        Assert.Equal(sequences[0], Assert.Single(first.Records).SequenceNumber);
        Assert.Equal(sequences[1], Assert.Single(secondResult.Records).SequenceNumber);

        // Over one simulated second of continuous reading (time advancing in 10 ms steps), at most five calls start.
        // A fetch whose turn has come is awaited (its timer has fired; the continuation may still be queued on a busy
        // machine); one whose turn has not come must still be waiting.
        var before = _kinesis.GetRecordsCallCount;
        var reads = 0;
        var pending = fetcher.FetchAsync(CancellationToken.None);
        for (var step = 0; step < 100; step++)
        {
            // Read the turn before advancing: once the timer fires, the fetch may call at once and move the turn on.
            var turn = fetcher.NextCallNotBefore;
            _time.Advance(TimeSpan.FromMilliseconds(10));
            if (_time.GetTimestamp() >= turn)
            {
                await pending.WaitAsync(Soon);
                reads++;
                pending = fetcher.FetchAsync(CancellationToken.None);
            }
            else
            {
                await Task.Yield();
                Assert.False(pending.IsCompleted, $"a fetch completed {step * 10 + 10} ms into the second, before its turn");
            }
        }

        Assert.InRange(_kinesis.GetRecordsCallCount - before, 4, 5);
        Assert.InRange(reads, 4, 5);
    }

    [Fact]
    public async Task AfterA10MiBResponse_TheNextCallWaitsFiveSeconds()
    {
        // Ten records of 1 MiB: one response of 10 MiB, the most GetRecords ever returns.
        await SeedAsync(11, bytesEach: 1024 * 1024);
        var fetcher = Fetcher(maxRecords: 10);

        var big = await fetcher.FetchAsync(CancellationToken.None).WaitAsync(Soon);
        Assert.Equal(10, big.Records.Count);

        var next = fetcher.FetchAsync(CancellationToken.None);
        _time.Advance(TimeSpan.FromMilliseconds(4990));
        Assert.False(next.IsCompleted);
        Assert.Equal(1, _kinesis.GetRecordsCallCount);

        _time.Advance(TimeSpan.FromMilliseconds(20));
        var rest = await next.WaitAsync(Soon);

        Assert.Single(rest.Records);
        Assert.Equal(2, _kinesis.GetRecordsCallCount);
    }

    [Fact]
    public async Task AfterThrottling_TheNextCallBacksOff_LongerForEachConsecutiveThrottle_WithoutSkippingARecord()
    {
        var sequences = await SeedAsync(5);
        // Calls 2 and 3 are throttled.
        var throttling = new ThrottlingClient(_kinesis, throttledCalls: [2, 3]);
        var fetcher = Fetcher(throttling);

        var first = await fetcher.FetchAsync(CancellationToken.None).WaitAsync(Soon);

        var throttled = fetcher.FetchAsync(CancellationToken.None);
        _time.Advance(TimeSpan.FromMilliseconds(200));
        await Assert.ThrowsAsync<ProvisionedThroughputExceededException>(() => throttled.WaitAsync(Soon));

        // First back-off: 375–500 ms.
        var again = fetcher.FetchAsync(CancellationToken.None);
        _time.Advance(TimeSpan.FromMilliseconds(370));
        Assert.False(again.IsCompleted);
        Assert.Equal(2, throttling.Calls);
        _time.Advance(TimeSpan.FromMilliseconds(130));
        await Assert.ThrowsAsync<ProvisionedThroughputExceededException>(() => again.WaitAsync(Soon));

        // Second consecutive throttle: 750–1000 ms.
        var third = fetcher.FetchAsync(CancellationToken.None);
        _time.Advance(TimeSpan.FromMilliseconds(740));
        Assert.False(third.IsCompleted);
        Assert.Equal(3, throttling.Calls);
        _time.Advance(TimeSpan.FromMilliseconds(260));
        var after = await third.WaitAsync(Soon);

        Assert.Equal(sequences[0], Assert.Single(first.Records).SequenceNumber);
        Assert.Equal(sequences[1], Assert.Single(after.Records).SequenceNumber);
    }

    [Fact]
    public void ThrottleBackoff_DoublesFromHalfASecond_UpToFiveSeconds_WithAtMostAQuarterOfJitter()
    {
        for (var n = 1; n < 12; n++)
        {
            var ceiling = Math.Min(5000, 500 * Math.Pow(2, n - 1));
            var delay = PollingRecordFetcher.ThrottleBackoff.Delay(n).TotalMilliseconds;
            Assert.InRange(delay, ceiling * 0.75, ceiling);
        }
    }

    [Fact]
    public async Task Waiting_HonoursCancellation()
    {
        await SeedAsync(3);
        var fetcher = Fetcher();
        await fetcher.FetchAsync(CancellationToken.None).WaitAsync(Soon);
        using var cts = new CancellationTokenSource();

        var waiting = fetcher.FetchAsync(cts.Token);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(Soon));
        Assert.Equal(1, _kinesis.GetRecordsCallCount);
    }

    /// <summary>Throttles the given GetRecords calls (1-based) and passes the rest through.</summary>
    private sealed class ThrottlingClient(IKinesisClient inner, int[] throttledCalls) : ForwardingKinesisClient(inner)
    {
        private int _calls;

        public int Calls => _calls;

        public override Task<GetRecordsResponse> GetRecordsAsync(GetRecordsRequest request, CancellationToken cancellationToken = default)
        {
            var call = ++_calls;
            return throttledCalls.Contains(call)
                ? Task.FromException<GetRecordsResponse>(new ProvisionedThroughputExceededException($"Rate exceeded for shard {request.ShardId} (test)."))
                : Inner.GetRecordsAsync(request, cancellationToken);
        }
    }
}
