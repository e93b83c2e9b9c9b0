using KinesisAttrib.Handlers;
using KinesisAttrib.Kinesis;
using KinesisAttrib.Retrieval;
using KinesisAttrib.Testing;
using KinesisAttrib.Tests.TestSupport;
using Microsoft.Extensions.Time.Testing;

namespace KinesisAttrib.Tests.Kinesis;

/// <summary>
/// Where <see cref="PollingRecordFetcher"/> reads from after a rewind: never past a record the processor has not
/// checkpointed, including before the first checkpoint of a shard read from LATEST.
/// </summary>
public sealed class PollingRecordFetcherPositionTests
{
    private static readonly TimeSpan Soon = TimeSpan.FromSeconds(5);
    private const string ShardId = "shardId-000000000000";

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly InMemoryKinesisClient _kinesis = new();

    private async Task<List<string>> PutAsync(int records)
    {
        var sequences = new List<string>();
        for (var i = 0; i < records; i++)
        {
            var put = await _kinesis.PutRecordAsync(new PutRecordRequest { StreamName = "s", Data = new byte[] { (byte)i }, PartitionKey = "k" });
            sequences.Add(put.SequenceNumber);
        }

        return sequences;
    }

    /// <summary>Fetches once, letting the fake clock run past the fetcher's pacing.</summary>
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

    [Fact]
    public async Task ResetToLatest_BeforeAnyCheckpoint_RedeliversTheRecordsReadSinceLatest_InsteadOfSkippingThem()
    {
        await _kinesis.CreateStreamAsync("s", 1);
        await PutAsync(2); // before LATEST: never delivered
        var fetcher = new PollingRecordFetcher(_kinesis, "s", ShardId, 100, ExtendedSequenceNumber.Latest, _time);
        Assert.Empty((await FetchAsync(fetcher)).Records);

        var produced = await PutAsync(3);
        var first = await FetchAsync(fetcher);
        Assert.Equal(produced, first.Records.Select(r => r.SequenceNumber));

        // The processor failed on that batch and nothing was checkpointed: the consumer rewinds to the lease's
        // checkpoint, which is still LATEST. A fresh LATEST iterator would start after these three records.
        fetcher.ResetTo(ExtendedSequenceNumber.Latest);
        var later = await PutAsync(1);
        var again = await FetchAsync(fetcher);

        Assert.Equal(produced.Concat(later), again.Records.Select(r => r.SequenceNumber));
    }

    [Fact]
    public async Task ResetToACheckpoint_ReadsJustAfterIt_AndAnExpiredIteratorResumesAfterTheLastRecordReturned()
    {
        await _kinesis.CreateStreamAsync("s", 1);
        var produced = await PutAsync(6);
        var expiring = new ExpiringClient(_kinesis);
        var fetcher = new PollingRecordFetcher(expiring, "s", ShardId, 2, ExtendedSequenceNumber.TrimHorizon, _time);

        Assert.Equal(produced[..2], (await FetchAsync(fetcher)).Records.Select(r => r.SequenceNumber));
        Assert.Equal(produced[2..4], (await FetchAsync(fetcher)).Records.Select(r => r.SequenceNumber));

        fetcher.ResetTo(new ExtendedSequenceNumber(produced[0]));
        Assert.Equal(produced[1..3], (await FetchAsync(fetcher)).Records.Select(r => r.SequenceNumber));

        expiring.ExpireNext = true;
        Assert.Equal(produced[3..5], (await FetchAsync(fetcher)).Records.Select(r => r.SequenceNumber));
        Assert.Equal(1, expiring.Expired);
    }

    [Fact]
    public async Task LatestIteratorExpiring_BeforeAnyRecordCame_ReopensAtTheTimeOfTheFirstOpen_SoNothingPutMeanwhileIsSkipped()
    {
        // Arrival timestamps and the fetcher's clock are the same fake clock.
        var kinesis = new InMemoryKinesisClient(_time);
        await kinesis.CreateStreamAsync("s", 1);
        await kinesis.PutRecordAsync(new PutRecordRequest { StreamName = "s", Data = new byte[] { 0 }, PartitionKey = "k" });
        _time.Advance(TimeSpan.FromSeconds(5)); // well before LATEST (more than the margin): never delivered

        var expiring = new ExpiringClient(kinesis);
        var fetcher = new PollingRecordFetcher(expiring, "s", ShardId, 100, ExtendedSequenceNumber.Latest, _time);
        Assert.Empty((await FetchAsync(fetcher)).Records);

        // An outage: the iterator expires while records keep arriving. A new LATEST iterator would start after them.
        var during = await kinesis.PutRecordAsync(new PutRecordRequest { StreamName = "s", Data = new byte[] { 1 }, PartitionKey = "k" });
        expiring.ExpireNext = true;
        var after = await FetchAsync(fetcher);

        Assert.Equal(1, expiring.Expired);
        Assert.Equal([during.SequenceNumber], after.Records.Select(r => r.SequenceNumber));
    }

    /// <summary>Answers the next GetRecords with <see cref="ExpiredIteratorException"/> when asked to.</summary>
    private sealed class ExpiringClient(IKinesisClient inner) : ForwardingKinesisClient(inner)
    {
        public bool ExpireNext { get; set; }

        public int Expired { get; private set; }

        public override Task<GetRecordsResponse> GetRecordsAsync(GetRecordsRequest request, CancellationToken cancellationToken = default)
        {
            if (ExpireNext)
            {
                ExpireNext = false;
                Expired++;
                return Task.FromException<GetRecordsResponse>(new ExpiredIteratorException("Iterator expired (test)."));
            }

            return Inner.GetRecordsAsync(request, cancellationToken);
        }
    }
}
