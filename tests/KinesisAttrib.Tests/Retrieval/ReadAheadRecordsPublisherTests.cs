using System.Text;
using KinesisAttrib.Handlers;
using KinesisAttrib.Kinesis;
using KinesisAttrib.Retrieval;
using KinesisAttrib.Testing;
using KinesisAttrib.Tests.TestSupport;

namespace KinesisAttrib.Tests.Retrieval;

/// <summary>
/// <see cref="ReadAheadRecordsPublisher"/> over a scripted publisher: it reads while the consumer works, within the
/// per-shard and per-worker limits, keeps the order (errors included), and a rewind or disposal drops what it read
/// ahead without ever using the inner publisher from two places at once.
/// </summary>
public sealed class ReadAheadRecordsPublisherTests
{
    private static readonly TimeSpan Soon = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task WhileTheConsumerWorks_ItReadsAheadUpToTheBatchLimit_AndNoFurther()
    {
        var inner = new ScriptedPublisher(batchSize: 10);
        await using var publisher = new ReadAheadRecordsPublisher(inner, new ReadAheadLimits(3, 1000, 1_000_000), new ReadAheadBudget(1_000_000));

        var first = await publisher.FetchAsync(CancellationToken.None).WaitAsync(Soon);

        // One delivered, three waiting: the loop stops at the limit.
        await Poll(() => publisher.BufferedBatches == 3, "three batches are buffered");
        await inner.WhenIdleAsync(Soon);
        Assert.Equal(4, inner.Fetches);

        // Taking one makes room for exactly one more read.
        var second = await publisher.FetchAsync(CancellationToken.None).WaitAsync(Soon);
        await Poll(() => inner.Fetches == 5 && publisher.BufferedBatches == 3, "one more batch is read");
        await inner.WhenIdleAsync(Soon);
        Assert.Equal(5, inner.Fetches);
        Assert.Equal(3, publisher.BufferedBatches);
        Assert.Equal([0, 10], new[] { first, second }.Select(b => b.Records[0].SubSequenceNumber));
    }

    [Fact]
    public async Task TheRecordAndByteLimits_StopReadingAheadBeforeTheBatchLimit()
    {
        var byRecords = new ScriptedPublisher(batchSize: 10);
        await using var records = new ReadAheadRecordsPublisher(byRecords, new ReadAheadLimits(100, 25, 1_000_000), new ReadAheadBudget(1_000_000));
        var bytes = new ScriptedPublisher(batchSize: 10, bytesPerRecord: 100);
        await using var bytesLimited = new ReadAheadRecordsPublisher(bytes, new ReadAheadLimits(100, 1_000_000, 1500), new ReadAheadBudget(1_000_000));

        await records.FetchAsync(CancellationToken.None).WaitAsync(Soon);
        await bytesLimited.FetchAsync(CancellationToken.None).WaitAsync(Soon);
        await Poll(() => records.BufferedBatches == 3 && bytesLimited.BufferedBatches == 2, "the buffers fill to their limits");
        await byRecords.WhenIdleAsync(Soon);
        await bytes.WhenIdleAsync(Soon);

        // 30 records waiting is the first count at or over 25; 2,000 bytes (plus keys) the first over 1,500.
        Assert.Equal((4, 3), (byRecords.Fetches, bytes.Fetches));
    }

    [Fact]
    public async Task AnError_ComesOutAfterTheBatchesReadBeforeIt_AndTheNextCallReadsOnFromWhereItFailed()
    {
        var inner = new ScriptedPublisher(batchSize: 5) { FailOnFetch = 3 };
        await using var publisher = new ReadAheadRecordsPublisher(inner, new ReadAheadLimits(10, 1000, 1_000_000), new ReadAheadBudget(1_000_000));

        var one = await publisher.FetchAsync(CancellationToken.None).WaitAsync(Soon);
        var two = await publisher.FetchAsync(CancellationToken.None).WaitAsync(Soon);
        var error = await Assert.ThrowsAsync<KinesisException>(() => publisher.FetchAsync(CancellationToken.None).WaitAsync(Soon));
        var three = await publisher.FetchAsync(CancellationToken.None).WaitAsync(Soon);

        Assert.Equal("InternalFailure", error.ErrorType);
        Assert.Equal([0, 5, 10], new[] { one, two, three }.Select(b => b.Records[0].SubSequenceNumber));
    }

    [Fact]
    public async Task AReset_DropsWhatWasReadAhead_AndRewindsTheInnerPublisherBeforeItReadsAgain()
    {
        var inner = new ScriptedPublisher(batchSize: 10);
        var budget = new ReadAheadBudget(1_000_000);
        await using var publisher = new ReadAheadRecordsPublisher(inner, new ReadAheadLimits(3, 1000, 1_000_000), budget);
        var first = await publisher.FetchAsync(CancellationToken.None).WaitAsync(Soon);
        await Poll(() => publisher.BufferedBatches == 3, "three batches are buffered");

        publisher.ResetTo(first.Records[4].Position);
        Assert.Equal((0, 0L), (publisher.BufferedBatches, budget.UsedBytes));
        var again = await publisher.FetchAsync(CancellationToken.None).WaitAsync(Soon);

        Assert.Equal(5, again.Records[0].SubSequenceNumber);
        Assert.Equal(1, inner.MostConcurrentFetches);
        Assert.Equal([first.Records[4].Position], inner.Resets);
    }

    [Fact]
    public async Task Disposing_StopsTheReadLoop_GivesTheBudgetBack_AndDisposesTheInnerPublisher()
    {
        var inner = new ScriptedPublisher(batchSize: 10);
        var budget = new ReadAheadBudget(1_000_000);
        var publisher = new ReadAheadRecordsPublisher(inner, new ReadAheadLimits(3, 1000, 1_000_000), budget);
        await publisher.FetchAsync(CancellationToken.None).WaitAsync(Soon);
        await Poll(() => publisher.BufferedBatches == 3, "three batches are buffered");

        await publisher.DisposeAsync();
        var fetches = inner.Fetches;

        Assert.True(inner.Disposed);
        Assert.Equal(0, budget.UsedBytes);
        Assert.Equal(0, inner.InFlight);
        Assert.Equal(4, fetches);
    }

    [Fact]
    public async Task TheWorkerBudget_StopsAShardThatHasBatchesWaiting_ButNeverOneWhoseHandlerWaits()
    {
        // Each batch is 10 records of 100 bytes (plus a 1-byte key): 1,010 bytes. The worker allows 1,500.
        var budget = new ReadAheadBudget(1500);
        var busy = new ScriptedPublisher(batchSize: 10, bytesPerRecord: 100);
        await using var busyShard = new ReadAheadRecordsPublisher(busy, new ReadAheadLimits(10, 1000, 1_000_000), budget);
        var idle = new ScriptedPublisher(batchSize: 10, bytesPerRecord: 100);
        await using var otherShard = new ReadAheadRecordsPublisher(idle, new ReadAheadLimits(10, 1000, 1_000_000), budget);

        await busyShard.FetchAsync(CancellationToken.None).WaitAsync(Soon);
        await Poll(() => busyShard.BufferedBatches == 2, "the busy shard buffers up to the budget");
        await busy.WhenIdleAsync(Soon);

        // The other shard's handler waits for a batch: it gets one even though the worker is over its budget.
        var batch = await otherShard.FetchAsync(CancellationToken.None).WaitAsync(Soon);
        await idle.WhenIdleAsync(Soon);

        Assert.Equal(10, batch.Records.Count);
        Assert.Equal(3, busy.Fetches);
        Assert.InRange(budget.UsedBytes, 1500, 1500 + (2 * 1010));
    }

    [Fact]
    public async Task EmptyReads_AreBufferedOnlyWhenNothingElseWaits()
    {
        var inner = new ScriptedPublisher(batchSize: 10) { EmptyAfter = 2 };
        await using var publisher = new ReadAheadRecordsPublisher(inner, new ReadAheadLimits(3, 1000, 1_000_000), new ReadAheadBudget(1_000_000));

        var first = await publisher.FetchAsync(CancellationToken.None).WaitAsync(Soon);
        await Poll(() => inner.Fetches >= 10, "the loop keeps polling the idle shard");

        // Batch two waits; empty reads after it are not stacked up behind it.
        Assert.Equal(1, publisher.BufferedBatches);
        var second = await publisher.FetchAsync(CancellationToken.None).WaitAsync(Soon);
        var empty = await publisher.FetchAsync(CancellationToken.None).WaitAsync(Soon);
        Assert.Equal((10, 10, 0), (first.Records.Count, second.Records.Count, empty.Records.Count));
    }

    [Fact]
    public async Task OnTheInMemoryStream_TheFactoryReadsAhead_AndEveryRecordComesOnceInOrder()
    {
        var kinesis = new InMemoryKinesisClient();
        await kinesis.CreateStreamAsync("s", 1);
        var put = await SchedulerArrangement.PutAsync(kinesis, "s", 0, 1000);
        var factory = new PollingRecordsPublisherFactory(kinesis, new RetrievalSettings { MaxRecords = 100, IdleTimeBetweenReads = TimeSpan.FromMilliseconds(10) }, TimeProvider.System);
        await using var publisher = factory.Create(new ShardContext("app", "s", "shardId-000000000000", "w"), ExtendedSequenceNumber.TrimHorizon, null);

        var read = new List<string>();
        while (read.Count < 1000)
        {
            var batch = await publisher.FetchAsync(CancellationToken.None).WaitAsync(Soon);
            read.AddRange(batch.Records.Select(r => r.SequenceNumber));
        }

        Assert.IsType<ReadAheadRecordsPublisher>(publisher);
        Assert.Equal(put, read);
    }

    private static Task Poll(Func<bool> condition, string what) =>
        Eventually.WaitUntilAsync(() => Task.FromResult(condition()), Soon, what);

    /// <summary>
    /// An endless shard of numbered user records (all in one sequence number, numbered by sub-sequence), read in
    /// batches; counts its reads and notices reads that overlap.
    /// </summary>
    private sealed class ScriptedPublisher(int batchSize, int bytesPerRecord = 1) : IRecordsPublisher
    {
        private readonly object _gate = new();
        private long _next;
        private int _inFlight;
        private TaskCompletionSource _idle = CompletedSource();

        public int Fetches { get; private set; }

        public int MostConcurrentFetches { get; private set; }

        public int InFlight => Volatile.Read(ref _inFlight);

        public int FailOnFetch { get; init; }

        public int EmptyAfter { get; init; } = int.MaxValue;

        public List<ExtendedSequenceNumber> Resets { get; } = [];

        public bool Disposed { get; private set; }

        public async Task<FetchResult> FetchAsync(CancellationToken cancellationToken)
        {
            lock (_gate)
            {
                _inFlight++;
                MostConcurrentFetches = Math.Max(MostConcurrentFetches, _inFlight);
                Fetches++;
                if (_inFlight == 1)
                {
                    _idle = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                }
            }

            try
            {
                // An empty read takes a moment, as the idle time paces a real one; a read with records returns at once.
                if (Fetches > EmptyAfter)
                {
                    await Task.Delay(1, cancellationToken);
                }
                else
                {
                    await Task.Yield();
                }

                cancellationToken.ThrowIfCancellationRequested();
                lock (_gate)
                {
                    if (Fetches == FailOnFetch)
                    {
                        throw new KinesisException("InternalFailure", "injected");
                    }

                    if (Fetches > EmptyAfter)
                    {
                        return new FetchResult([], 0, false, null);
                    }

                    var records = new List<KinesisClientRecord>();
                    for (var i = 0; i < batchSize; i++, _next++)
                    {
                        records.Add(new KinesisClientRecord("49600000000000000000000000000000000000000000000000000001", _next, "k", Encoding.UTF8.GetBytes(new string('x', bytesPerRecord)), null, null, true));
                    }

                    return new FetchResult(records, 0, false, null);
                }
            }
            finally
            {
                lock (_gate)
                {
                    if (--_inFlight == 0)
                    {
                        _idle.TrySetResult();
                    }
                }
            }
        }

        // Completes when no read is running (the loop is waiting for room, or stopped).
        public Task WhenIdleAsync(TimeSpan timeout)
        {
            lock (_gate)
            {
                return _idle.Task.WaitAsync(timeout);
            }
        }

        public void ResetTo(ExtendedSequenceNumber position)
        {
            lock (_gate)
            {
                Resets.Add(position);
                _next = position.SubSequenceNumber + 1;
            }
        }

        public ValueTask DisposeAsync()
        {
            Disposed = true;
            return ValueTask.CompletedTask;
        }

        private static TaskCompletionSource CompletedSource()
        {
            var source = new TaskCompletionSource();
            source.SetResult();
            return source;
        }
    }
}
