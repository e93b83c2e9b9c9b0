using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using KinesisAttrib.Kinesis;

namespace KinesisAttrib.Testing.Tests;

public sealed class InMemoryKinesisClientTests
{
    private static PutRecordsRequestEntry Entry(string data, string key) => new() { Data = Encoding.UTF8.GetBytes(data), PartitionKey = key };

    [Fact]
    public async Task CreateStream_SplitsTheHashKeySpaceEvenlyWithoutGaps()
    {
        var kinesis = new InMemoryKinesisClient();
        await kinesis.CreateStreamAsync("s", 4);
        var shards = (await kinesis.ListShardsAsync(new ListShardsRequest { StreamName = "s" })).Shards;

        Assert.Equal(4, shards.Count);
        Assert.Equal("0", shards[0].StartingHashKey);
        Assert.Equal((BigInteger.Pow(2, 128) - 1).ToString(CultureInfo.InvariantCulture), shards[^1].EndingHashKey);
        for (var i = 1; i < shards.Count; i++)
        {
            Assert.Equal(BigInteger.Parse(shards[i - 1].EndingHashKey, CultureInfo.InvariantCulture) + 1, BigInteger.Parse(shards[i].StartingHashKey, CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public async Task PutRecords_RoutesByTheMd5OfThePartitionKey()
    {
        var kinesis = new InMemoryKinesisClient();
        await kinesis.CreateStreamAsync("s", 4);
        var shards = (await kinesis.ListShardsAsync(new ListShardsRequest { StreamName = "s" })).Shards;
        var keys = Enumerable.Range(0, 40).Select(i => $"key-{i}").ToList();

        var result = await kinesis.PutRecordsAsync(new PutRecordsRequest { StreamName = "s", Records = keys.Select(k => Entry(k, k)).ToList() });

        for (var i = 0; i < keys.Count; i++)
        {
#pragma warning disable CA5351 // MD5 is how Kinesis routes partition keys.
            var hash = new BigInteger(MD5.HashData(Encoding.UTF8.GetBytes(keys[i])), isUnsigned: true, isBigEndian: true);
#pragma warning restore CA5351
            var expected = shards.Single(s => BigInteger.Parse(s.StartingHashKey, CultureInfo.InvariantCulture) <= hash && hash <= BigInteger.Parse(s.EndingHashKey, CultureInfo.InvariantCulture));
            Assert.Equal(expected.ShardId, result.Records[i].ShardId);
        }
    }

    [Fact]
    public async Task Iterators_ReadFromTrimHorizonAfterASequenceNumberAndLatest()
    {
        var kinesis = new InMemoryKinesisClient();
        await kinesis.CreateStreamAsync("s", 1);
        var put = await kinesis.PutRecordsAsync(new PutRecordsRequest { StreamName = "s", Records = [Entry("a", "k"), Entry("b", "k"), Entry("c", "k")] });

        async Task<List<string>> ReadAsync(ShardIteratorType type, string? sequence = null)
        {
            var iterator = await kinesis.GetShardIteratorAsync(new GetShardIteratorRequest { StreamName = "s", ShardId = "shardId-000000000000", IteratorType = type, StartingSequenceNumber = sequence });
            var response = await kinesis.GetRecordsAsync(new GetRecordsRequest { ShardIterator = iterator, Limit = 10 });
            Assert.NotNull(response.NextShardIterator);
            return response.Records.Select(r => Encoding.UTF8.GetString(r.Data.Span)).ToList();
        }

        Assert.Equal(["a", "b", "c"], await ReadAsync(ShardIteratorType.TrimHorizon));
        Assert.Equal(["c"], await ReadAsync(ShardIteratorType.AfterSequenceNumber, put.Records[1].SequenceNumber));
        Assert.Equal(["b", "c"], await ReadAsync(ShardIteratorType.AtSequenceNumber, put.Records[1].SequenceNumber));
        Assert.Empty(await ReadAsync(ShardIteratorType.Latest));
    }

    [Fact]
    public async Task GetRecords_HonoursTheLimitAndContinuesFromTheNextIterator()
    {
        var kinesis = new InMemoryKinesisClient();
        await kinesis.CreateStreamAsync("s", 1);
        await kinesis.PutRecordsAsync(new PutRecordsRequest { StreamName = "s", Records = Enumerable.Range(0, 25).Select(i => Entry($"r{i}", "k")).ToList() });
        var iterator = await kinesis.GetShardIteratorAsync(new GetShardIteratorRequest { StreamName = "s", ShardId = "shardId-000000000000", IteratorType = ShardIteratorType.TrimHorizon });

        var seen = new List<string>();
        for (var call = 0; call < 3; call++)
        {
            var response = await kinesis.GetRecordsAsync(new GetRecordsRequest { ShardIterator = iterator, Limit = 10 });
            Assert.True(response.Records.Count <= 10);
            seen.AddRange(response.Records.Select(r => Encoding.UTF8.GetString(r.Data.Span)));
            iterator = response.NextShardIterator!;
        }

        Assert.Equal(Enumerable.Range(0, 25).Select(i => $"r{i}"), seen);
    }

    [Fact]
    public async Task SplitShard_ClosesTheParent_WhoseLastReadReportsShardEndAndChildren()
    {
        var kinesis = new InMemoryKinesisClient();
        await kinesis.CreateStreamAsync("s", 1);
        await kinesis.PutRecordsAsync(new PutRecordsRequest { StreamName = "s", Records = [Entry("a", "k")] });
        var (left, right) = kinesis.SplitShard("s", "shardId-000000000000", BigInteger.Pow(2, 127));
        var iterator = await kinesis.GetShardIteratorAsync(new GetShardIteratorRequest { StreamName = "s", ShardId = "shardId-000000000000", IteratorType = ShardIteratorType.TrimHorizon });

        var response = await kinesis.GetRecordsAsync(new GetRecordsRequest { ShardIterator = iterator });

        Assert.Single(response.Records);
        Assert.Null(response.NextShardIterator);
        Assert.Equal([left, right], response.ChildShards!.Select(c => c.ShardId));
        var shards = (await kinesis.ListShardsAsync(new ListShardsRequest { StreamName = "s" })).Shards;
        Assert.NotNull(shards.Single(s => s.ShardId == "shardId-000000000000").EndingSequenceNumber);
        Assert.Equal("shardId-000000000000", shards.Single(s => s.ShardId == left).ParentShardId);
    }

    [Fact]
    public async Task MergeShards_ClosesBothParentsAndCoversTheirRanges()
    {
        var kinesis = new InMemoryKinesisClient();
        await kinesis.CreateStreamAsync("s", 3);

        var child = kinesis.MergeShards("s", "shardId-000000000001", "shardId-000000000000");

        var shards = (await kinesis.ListShardsAsync(new ListShardsRequest { StreamName = "s" })).Shards;
        var merged = shards.Single(s => s.ShardId == child);
        Assert.Equal("shardId-000000000001", merged.ParentShardId);
        Assert.Equal("shardId-000000000000", merged.AdjacentParentShardId);
        Assert.Equal(shards[0].StartingHashKey, merged.StartingHashKey);
        Assert.Equal(shards[1].EndingHashKey, merged.EndingHashKey);
        Assert.All(shards.Take(2), s => Assert.NotNull(s.EndingSequenceNumber));
        Assert.Equal("InvalidArgumentException", Assert.Throws<KinesisException>(() => kinesis.MergeShards("s", child, "shardId-000000000000")).ErrorType);
        Assert.Equal("InvalidArgumentException", Assert.Throws<KinesisException>(() => kinesis.MergeShards("s", "shardId-000000000002", "shardId-000000000000")).ErrorType);
    }

    [Fact]
    public async Task Errors_AreTheServiceTypesAndNameTheStream()
    {
        var kinesis = new InMemoryKinesisClient();
        var missing = await Assert.ThrowsAsync<ResourceNotFoundException>(() => kinesis.DescribeStreamSummaryAsync("nope"));
        Assert.Contains("nope", missing.Message, StringComparison.Ordinal);
        await kinesis.CreateStreamAsync("s", 1);
        Assert.Equal("ResourceInUseException", (await Assert.ThrowsAsync<KinesisException>(() => kinesis.CreateStreamAsync("s", 1))).ErrorType);
        Assert.Equal("InvalidArgumentException", (await Assert.ThrowsAsync<KinesisException>(() => kinesis.GetRecordsAsync(new GetRecordsRequest { ShardIterator = "garbage!" }))).ErrorType);
    }

    [Theory]
    [InlineData(ShardIteratorType.AtSequenceNumber, null)]
    [InlineData(ShardIteratorType.AfterSequenceNumber, "")]
    [InlineData(ShardIteratorType.AtSequenceNumber, "not-a-number")]
    [InlineData(ShardIteratorType.AfterSequenceNumber, "12e4")]
    public async Task GetShardIterator_WithAMissingOrMalformedSequenceNumber_IsAnInvalidArgument_AsOnKinesis(ShardIteratorType type, string? sequenceNumber)
    {
        var kinesis = new InMemoryKinesisClient();
        await kinesis.CreateStreamAsync("s", 1);
        await kinesis.PutRecordsAsync(new PutRecordsRequest { StreamName = "s", Records = [Entry("a", "k")] });

        var error = await Assert.ThrowsAsync<KinesisException>(() => kinesis.GetShardIteratorAsync(new GetShardIteratorRequest
        {
            StreamName = "s",
            ShardId = "shardId-000000000000",
            IteratorType = type,
            StartingSequenceNumber = sequenceNumber,
        }));
        Assert.Equal("InvalidArgumentException", error.ErrorType);

        Assert.Contains("StartingSequenceNumber", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetRecords_WithAnIteratorWhoseIndexOverflows_IsAnInvalidArgument()
    {
        var kinesis = new InMemoryKinesisClient();
        var forged = Convert.ToBase64String(Encoding.UTF8.GetBytes("s\nshardId-000000000000\n99999999999999999999"));

        Assert.Equal("InvalidArgumentException", (await Assert.ThrowsAsync<KinesisException>(() => kinesis.GetRecordsAsync(new GetRecordsRequest { ShardIterator = forged }))).ErrorType);
    }
}
