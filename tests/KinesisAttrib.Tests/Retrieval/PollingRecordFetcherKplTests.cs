using System.Text;
using KinesisAttrib.Handlers;
using KinesisAttrib.Kinesis;
using KinesisAttrib.Retrieval;
using KinesisAttrib.Testing;
using KinesisAttrib.Tests.TestSupport;
using Microsoft.Extensions.Time.Testing;

namespace KinesisAttrib.Tests.Retrieval;

/// <summary>
/// The fetcher over a shard holding KPL aggregates: user records in order, and every way of reopening the shard (a
/// consumer's start at a checkpoint, a rewind, an expired iterator, a rewind to LATEST) resumes with the next user
/// record after the checkpoint, inside an aggregate too, with nothing lost or repeated.
/// </summary>
public sealed class PollingRecordFetcherKplTests
{
    private static readonly TimeSpan Soon = TimeSpan.FromSeconds(5);
    private const string ShardId = "shardId-000000000000";

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly InMemoryKinesisClient _kinesis = new();

    /// <summary>Puts an aggregate of user records <c>{prefix}0</c>..; returns its sequence number.</summary>
    private async Task<string> PutAggregateAsync(string prefix, int userRecords)
    {
        var builder = new KplAggregateBuilder();
        for (var i = 0; i < userRecords; i++)
        {
            builder.Add($"key-{i % 3}", Encoding.UTF8.GetBytes($"{prefix}{i}"));
        }

        var data = userRecords == 0 ? builder.AddPartitionKey("none").Build() : builder.Build();
        return (await _kinesis.PutRecordAsync(new PutRecordRequest { StreamName = "s", Data = data, PartitionKey = "aggregate" })).SequenceNumber;
    }

    private async Task<string> PutOrdinaryAsync(string text)
        => (await _kinesis.PutRecordAsync(new PutRecordRequest { StreamName = "s", Data = Encoding.UTF8.GetBytes(text), PartitionKey = "k" })).SequenceNumber;

    private async Task<FetchResult> FetchAsync(PollingRecordFetcher fetcher)
    {
        var fetch = fetcher.FetchAsync(CancellationToken.None);
        for (var i = 0; i < 100 && !fetch.IsCompleted; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(100));
            await Task.Yield();
        }

        return await fetch.WaitAsync(Soon);
    }

    private static List<string> Texts(FetchResult result) => result.Records.Select(r => Encoding.UTF8.GetString(r.Data.Span)).ToList();

    private static IEnumerable<string> Names(string prefix, int from, int to) => Enumerable.Range(from, to - from).Select(i => $"{prefix}{i}");

    private PollingRecordFetcher Fetcher(ExtendedSequenceNumber start, IKinesisClient? client = null, int maxRecords = 100)
        => new(client ?? _kinesis, "s", ShardId, maxRecords, start, _time);

    [Fact]
    public async Task AShardOfAggregatesAndOrdinaryRecords_IsDeliveredAsUserRecords_InOrder()
    {
        await _kinesis.CreateStreamAsync("s", 1);
        var first = await PutAggregateAsync("a", 4);
        var plain = await PutOrdinaryAsync("plain");
        var second = await PutAggregateAsync("b", 2);

        var batch = await FetchAsync(Fetcher(ExtendedSequenceNumber.TrimHorizon));

        Assert.Equal([.. Names("a", 0, 4), "plain", .. Names("b", 0, 2)], Texts(batch));
        Assert.Equal(
            [(first, 0L), (first, 1), (first, 2), (first, 3), (plain, 0), (second, 0), (second, 1)],
            batch.Records.Select(r => (r.SequenceNumber, r.SubSequenceNumber)));
        Assert.Equal([true, true, true, true, false, true, true], batch.Records.Select(r => r.Aggregated));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(8)]
    [InlineData(9)]
    public async Task StartingAtACheckpointInsideAnAggregate_ResumesWithTheNextUserRecord(int checkpointSubSequence)
    {
        await _kinesis.CreateStreamAsync("s", 1);
        await PutOrdinaryAsync("before");
        var aggregate = await PutAggregateAsync("a", 10);
        await PutOrdinaryAsync("after");
        var spy = new IteratorSpy(_kinesis);

        var batch = await FetchAsync(Fetcher(new ExtendedSequenceNumber(aggregate, checkpointSubSequence), spy));

        Assert.Equal([.. Names("a", checkpointSubSequence + 1, 10), "after"], Texts(batch));
        Assert.Equal([(ShardIteratorType.AtSequenceNumber, aggregate)], spy.Requests);
    }

    [Fact]
    public async Task StartingAtACheckpointOnAnOrdinaryRecord_OpensAtIt_AndSkipsIt()
    {
        // After a restart the fetcher cannot know whether the checkpointed record was an aggregate: it reads it again.
        await _kinesis.CreateStreamAsync("s", 1);
        var checkpointed = await PutOrdinaryAsync("r0");
        await PutOrdinaryAsync("r1");
        var spy = new IteratorSpy(_kinesis);

        var batch = await FetchAsync(Fetcher(new ExtendedSequenceNumber(checkpointed), spy));

        Assert.Equal(["r1"], Texts(batch));
        Assert.Equal([(ShardIteratorType.AtSequenceNumber, checkpointed)], spy.Requests);
    }

    [Fact]
    public async Task ARewindInsideAnAggregate_RedeliversFromTheNextUserRecord()
    {
        await _kinesis.CreateStreamAsync("s", 1);
        var aggregate = await PutAggregateAsync("a", 6);
        await PutOrdinaryAsync("after");
        var spy = new IteratorSpy(_kinesis);
        var fetcher = Fetcher(ExtendedSequenceNumber.TrimHorizon, spy);
        Assert.Equal([.. Names("a", 0, 6), "after"], Texts(await FetchAsync(fetcher)));

        // The processor checkpointed (aggregate, 2) and then failed: the consumer rewinds to that checkpoint.
        fetcher.ResetTo(new ExtendedSequenceNumber(aggregate, 2));

        Assert.Equal([.. Names("a", 3, 6), "after"], Texts(await FetchAsync(fetcher)));
        Assert.Equal((ShardIteratorType.AtSequenceNumber, aggregate), spy.Requests[^1]);
    }

    [Fact]
    public async Task ARewindToAnOrdinaryRecord_WhenNoAggregateWasRead_TakesTheFastPath_AfterSequenceNumber()
    {
        await _kinesis.CreateStreamAsync("s", 1);
        var r0 = await PutOrdinaryAsync("r0");
        await PutOrdinaryAsync("r1");
        await PutOrdinaryAsync("r2");
        var spy = new IteratorSpy(_kinesis);
        var fetcher = Fetcher(ExtendedSequenceNumber.TrimHorizon, spy);
        await FetchAsync(fetcher);

        fetcher.ResetTo(new ExtendedSequenceNumber(r0));

        Assert.Equal(["r1", "r2"], Texts(await FetchAsync(fetcher)));
        Assert.Equal([(ShardIteratorType.TrimHorizon, null), (ShardIteratorType.AfterSequenceNumber, r0)], spy.Requests);
    }

    [Fact]
    public async Task ARewindToAnOrdinaryRecord_AfterAnAggregateWasRead_OpensAtIt_AndStillDeliversTheSame()
    {
        await _kinesis.CreateStreamAsync("s", 1);
        await PutAggregateAsync("a", 2);
        var r0 = await PutOrdinaryAsync("r0");
        await PutOrdinaryAsync("r1");
        var spy = new IteratorSpy(_kinesis);
        var fetcher = Fetcher(ExtendedSequenceNumber.TrimHorizon, spy);
        await FetchAsync(fetcher);

        fetcher.ResetTo(new ExtendedSequenceNumber(r0));

        Assert.Equal(["r1"], Texts(await FetchAsync(fetcher)));
        Assert.Equal((ShardIteratorType.AtSequenceNumber, r0), spy.Requests[^1]);
    }

    [Fact]
    public async Task AnExpiredIterator_AfterABatchEndingInAnEmptyAggregate_ReopensAfterIt_SoNothingRepeatsOrLoops()
    {
        await _kinesis.CreateStreamAsync("s", 1);
        await PutAggregateAsync("a", 3);
        var empty = await PutAggregateAsync("never", 0);
        var expiring = new IteratorSpy(_kinesis);
        var fetcher = Fetcher(ExtendedSequenceNumber.TrimHorizon, expiring);

        var first = await FetchAsync(fetcher);
        Assert.Equal(Names("a", 0, 3), Texts(first));
        Assert.Equal(2, first.Records[^1].SubSequenceNumber);

        await PutOrdinaryAsync("next");
        expiring.ExpireNext = true;
        Assert.Equal(["next"], Texts(await FetchAsync(fetcher)));
        Assert.Equal((ShardIteratorType.AfterSequenceNumber, empty), expiring.Requests[^1]);
    }

    [Fact]
    public async Task ACheckpointAtTheLastUserRecordBeforeAnEmptyAggregate_ResumesPastIt()
    {
        // A batch ended in an empty aggregate: the checkpoint can only be the user record before it. Starting there
        // reads the empty aggregate again (harmlessly) and goes on.
        await _kinesis.CreateStreamAsync("s", 1);
        var aggregate = await PutAggregateAsync("a", 3);
        await PutAggregateAsync("never", 0);
        await PutOrdinaryAsync("next");

        var batch = await FetchAsync(Fetcher(new ExtendedSequenceNumber(aggregate, 2)));

        Assert.Equal(["next"], Texts(batch));
    }

    [Fact]
    public async Task WithALimitOfOne_AResumeWhoseFirstReadIsAllSkipped_ReturnsAnEmptyBatch_ThenMovesOn()
    {
        await _kinesis.CreateStreamAsync("s", 1);
        var aggregate = await PutAggregateAsync("a", 4);
        await PutOrdinaryAsync("next");
        var fetcher = Fetcher(new ExtendedSequenceNumber(aggregate, 3), maxRecords: 1);

        var skipped = await FetchAsync(fetcher);
        Assert.Empty(skipped.Records);
        Assert.False(skipped.IsShardEnd);
        Assert.Equal(["next"], Texts(await FetchAsync(fetcher)));
    }

    [Fact]
    public async Task ARewindToLatest_BeforeAnyCheckpoint_RedeliversEveryUserRecordReadSinceLatest()
    {
        await _kinesis.CreateStreamAsync("s", 1);
        await PutAggregateAsync("old", 2); // before LATEST: never delivered
        var fetcher = Fetcher(ExtendedSequenceNumber.Latest);
        Assert.Empty((await FetchAsync(fetcher)).Records);

        await PutAggregateAsync("a", 3);
        await PutOrdinaryAsync("plain");
        Assert.Equal([.. Names("a", 0, 3), "plain"], Texts(await FetchAsync(fetcher)));

        fetcher.ResetTo(ExtendedSequenceNumber.Latest);

        Assert.Equal([.. Names("a", 0, 3), "plain"], Texts(await FetchAsync(fetcher)));
    }

    [Fact]
    public async Task AnAggregateOutsideTheShardsRange_IsDropped_AndCounted_ButTheReadMovesPastIt()
    {
        await _kinesis.CreateStreamAsync("s", 1);
        var builder = new KplAggregateBuilder().Add("k", Encoding.UTF8.GetBytes("elsewhere"), explicitHashKey: "10");
        await _kinesis.PutRecordAsync(new PutRecordRequest { StreamName = "s", Data = builder.Build(), PartitionKey = "aggregate" });
        await PutOrdinaryAsync("plain");
        var fetcher = new PollingRecordFetcher(_kinesis, "s", ShardId, 100, ExtendedSequenceNumber.TrimHorizon, _time, hashKeyRange: new HashKeyRange(100, UInt128.MaxValue));

        Assert.Equal(["plain"], Texts(await FetchAsync(fetcher)));
        Assert.Equal(1, fetcher.UserRecordsDropped);
    }

    /// <summary>Records every GetShardIterator request; answers the next GetRecords with an expired iterator when asked.</summary>
    private sealed class IteratorSpy(IKinesisClient inner) : ForwardingKinesisClient(inner)
    {
        public List<(ShardIteratorType Type, string? Sequence)> Requests { get; } = [];

        public bool ExpireNext { get; set; }

        public override Task<string> GetShardIteratorAsync(GetShardIteratorRequest request, CancellationToken cancellationToken = default)
        {
            Requests.Add((request.IteratorType, request.StartingSequenceNumber));
            return Inner.GetShardIteratorAsync(request, cancellationToken);
        }

        public override Task<GetRecordsResponse> GetRecordsAsync(GetRecordsRequest request, CancellationToken cancellationToken = default)
        {
            if (ExpireNext)
            {
                ExpireNext = false;
                return Task.FromException<GetRecordsResponse>(new ExpiredIteratorException("Iterator expired (test)."));
            }

            return Inner.GetRecordsAsync(request, cancellationToken);
        }
    }
}
