using KinesisAttrib.Handlers;
using KinesisAttrib.Kinesis;
using KinesisAttrib.Retrieval;
using KinesisAttrib.Testing;

namespace KinesisAttrib.Tests.Retrieval;

public sealed class PollingRecordsPublisherFactoryTests
{
    [Fact]
    public async Task APublisher_ReadsItsShardFromTheStart_AndAfterAResetDeliversTheSameRecordsAgain()
    {
        var kinesis = new InMemoryKinesisClient();
        await kinesis.CreateStreamAsync("s", 1);
        var first = await kinesis.PutRecordAsync(new PutRecordRequest { StreamName = "s", Data = new byte[] { 1 }, PartitionKey = "k" });
        await kinesis.PutRecordAsync(new PutRecordRequest { StreamName = "s", Data = new byte[] { 2 }, PartitionKey = "k" });
        IRecordsPublisherFactory factory = new PollingRecordsPublisherFactory(kinesis, new RetrievalSettings { MaxRecords = 10, ReadAhead = ReadAheadLimits.Off }, TimeProvider.System);

        var publisher = factory.Create(new ShardContext("app", "s", first.ShardId, "worker"), ExtendedSequenceNumber.TrimHorizon, hashKeyRange: null);
        var batch = await publisher.FetchAsync(CancellationToken.None);
        publisher.ResetTo(batch.Records[0].Position);
        var again = await publisher.FetchAsync(CancellationToken.None);

        Assert.Equal([1, 2], batch.Records.Select(r => r.Data.Span[0]));
        Assert.False(batch.IsShardEnd);
        Assert.Equal([2], again.Records.Select(r => r.Data.Span[0]));
    }
}
